/* OCSP responses from the network, as ocsp.c reads them. */
#include <stddef.h>
#include <stdint.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	const unsigned char *p = data;
	OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE (NULL, &p, (long) size);
	OCSP_BASICRESP *bs = resp != NULL ? OCSP_response_get1_basic (resp) : NULL;
	int i;

	for (i = 0; bs != NULL && i < OCSP_resp_count (bs); i++) {
		ASN1_GENERALIZEDTIME *rev, *this_upd, *next_upd;
		int reason;

		OCSP_single_get0_status (OCSP_resp_get0 (bs, i), &reason, &rev, &this_upd, &next_upd);
	}
	OCSP_BASICRESP_free (bs);
	OCSP_RESPONSE_free (resp);
	ERR_clear_error ();
	return 0;
}
