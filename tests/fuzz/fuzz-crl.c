/* CRLs from the network: parse, index, look up. */
#include <stddef.h>
#include <stdint.h>

#include "src/validate/vint.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	const unsigned char *p = data;
	X509_CRL *crl = d2i_X509_CRL (NULL, &p, (long) size);
	crl_index *idx = NULL;
	size_t i;

	if (crl == NULL || crl_index_new (crl, &idx) != INKAN_OK) {
		X509_CRL_free (crl);
		ERR_clear_error ();
		return 0;
	}
	/* Every listed serial is found again. */
	for (i = 0; i < idx->n; i++)
		if (crl_index_find (idx, X509_REVOKED_get0_serialNumber (idx->keys[i].revoked)) == NULL)
			__builtin_trap ();
	crl_index_free (idx);
	ERR_clear_error ();
	return 0;
}
