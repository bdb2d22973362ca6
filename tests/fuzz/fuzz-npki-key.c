/* NPKI private-key files (signPri.key) from a user's disk or USB stick:
 * the PKCS#8 envelope, KISA's PBE and PBES2 parameters, the decrypted key
 * and its attributes.  The password is fixed; seeds are encrypted with it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>

#include <inkan/cert.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static inkan_secret *password;
	uint8_t *r = NULL;
	size_t r_len = 0;

	if (password == NULL && inkan_secret_new ("fuzz", 4, &password) != INKAN_OK)
		__builtin_trap ();
	if (inkan_npki_key_random (data, size, password, &r, &r_len) == INKAN_OK && (r == NULL || r_len == 0))
		__builtin_trap ();
	free (r);
	ERR_clear_error ();
	return 0;
}
