/* libFuzzer: inkan_view_token_verify on any bytes, against a fixed issuer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <inkan/inkan.h>

static X509 *cert;

static void
setup (void)
{
	EVP_PKEY *key = EVP_EC_gen ("P-256");

	cert = X509_new ();
	X509_set_pubkey (cert, key);
	X509_gmtime_adj (X509_getm_notBefore (cert), -3600);
	X509_gmtime_adj (X509_getm_notAfter (cert), 3600);
	X509_sign (cert, key, EVP_sha256 ());
	EVP_PKEY_free (key);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	uint8_t doc[32] = { 0 };
	inkan_view_token_check check = { .doc_sha256 = doc, .skew = 60 };
	inkan_view_token_info info;
	char *token = malloc (size + 1);

	if (cert == NULL)
		setup ();
	check.issuer_cert = cert;
	memcpy (token, data, size);
	token[size] = '\0';
	(void) inkan_view_token_verify (token, &check, &info);
	free (token);
	return 0;
}
