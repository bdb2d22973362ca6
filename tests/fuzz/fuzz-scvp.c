/* SCVP bodies from the network: CVResponse (and the CVRequest templates)
 * must decode or fail cleanly, what decodes must re-encode, and a decoded
 * CVResponse is judged as method_scvp judges the content of a signed one.
 * The first byte picks what the judgement is made against: bit 0 the
 * response's own nonce (else another), bit 1 the reply's own certificate
 * (else another), so that the fuzzer gets past those two checks; bit 2 a
 * validation time asked for, so that replyValTime is judged too. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "src/validate/scvp-asn1.h"
#include "src/validate/vint.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static X509 *other;

static void
judge (SCVP_CV_RESPONSE *resp, int pick)
{
	static const unsigned char zero[SCVP_NONCE_LEN];
	SCVP_CERT_REPLY *reply = sk_SCVP_CERT_REPLY_value (resp->reply_objects, 0);
	method_result res = { .outcome = INKAN_OUTCOME_UNAVAILABLE, .reason = -1 };
	const unsigned char *nonce = zero;
	X509 *leaf = other;

	if ((pick & 1) && resp->nonce != NULL && ASN1_STRING_length (resp->nonce) == SCVP_NONCE_LEN)
		nonce = ASN1_STRING_get0_data (resp->nonce);
	if ((pick & 2) && reply != NULL && reply->cert != NULL && reply->cert->type == 0)
		leaf = reply->cert->d.cert;
	/* 0: as of now; else a fixed time, so that replyValTime is compared */
	scvp_judge (resp, leaf, nonce, (pick & 4) ? (time_t) 1700000000 : 0, &res);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	const unsigned char *p;
	SCVP_CV_RESPONSE *resp;
	SCVP_REQUEST_INFO *req;
	unsigned char *der = NULL;

	if (other == NULL) {
		FILE *f = fopen (SRCDIR "/tests/fuzz/data/ocsp/good.pem", "r");

		if (f == NULL || (other = PEM_read_X509 (f, NULL, NULL, NULL)) == NULL)
			abort ();
		fclose (f);
	}
	if (size < 1)
		return 0;
	p = data + 1;
	resp = d2i_SCVP_CV_RESPONSE (NULL, &p, (long) size - 1);
	if (resp != NULL && i2d_SCVP_CV_RESPONSE (resp, &der) > 0)
		OPENSSL_free (der);
	if (resp != NULL)
		judge (resp, data[0]);
	SCVP_CV_RESPONSE_free (resp);
	p = data + 1;
	req = d2i_SCVP_REQUEST_INFO (NULL, &p, (long) size - 1);
	der = NULL;
	if (req != NULL && i2d_SCVP_REQUEST_INFO (req, &der) > 0)
		OPENSSL_free (der);
	SCVP_REQUEST_INFO_free (req);
	ERR_clear_error ();
	return 0;
}
