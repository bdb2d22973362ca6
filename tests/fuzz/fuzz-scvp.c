/* SCVP bodies from the network: CVResponse (and the CVRequest templates)
 * must decode or fail cleanly, and what decodes must re-encode. */
#include <stddef.h>
#include <stdint.h>
#include <openssl/err.h>

#include "src/validate/scvp-asn1.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	const unsigned char *p = data;
	SCVP_CV_RESPONSE *resp = d2i_SCVP_CV_RESPONSE (NULL, &p, (long) size);
	SCVP_REQUEST_INFO *req;
	unsigned char *der = NULL;

	if (resp != NULL && i2d_SCVP_CV_RESPONSE (resp, &der) > 0)
		OPENSSL_free (der);
	SCVP_CV_RESPONSE_free (resp);
	p = data;
	req = d2i_SCVP_REQUEST_INFO (NULL, &p, (long) size);
	der = NULL;
	if (req != NULL && i2d_SCVP_REQUEST_INFO (req, &der) > 0)
		OPENSSL_free (der);
	SCVP_REQUEST_INFO_free (req);
	ERR_clear_error ();
	return 0;
}
