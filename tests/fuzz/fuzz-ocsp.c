/* OCSP responses from the network (or the cache), judged as method_ocsp
 * judges them: about the leaf of a fixed chain from the validation test
 * PKI (tests/fuzz/data/ocsp), whose responder signed the seeds, at the
 * time the good seed was produced: a day later the seeds would be stale
 * and the fuzzer would stop at the freshness check. */
#include <stdio.h>
#include <stdlib.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

#include "src/validate/vint.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static inkan_validator *v;
static STACK_OF(X509) *chain;
static OCSP_CERTID *id;

static X509 *
load (const char *name)
{
	char path[4096];
	FILE *f;
	X509 *x;

	snprintf (path, sizeof path, "%s/tests/fuzz/data/ocsp/%s", SRCDIR, name);
	if ((f = fopen (path, "r")) == NULL || (x = PEM_read_X509 (f, NULL, NULL, NULL)) == NULL)
		abort ();
	fclose (f);
	return x;
}

static time_t
seed_time (void)
{
	char path[4096];
	unsigned char der[8192];
	const unsigned char *p = der;
	OCSP_RESPONSE *resp;
	OCSP_BASICRESP *basic;
	struct tm tm;
	size_t n;
	FILE *f;

	snprintf (path, sizeof path, "%s/tests/fuzz/seeds/ocsp/good.der", SRCDIR);
	if ((f = fopen (path, "rb")) == NULL)
		abort ();
	n = fread (der, 1, sizeof der, f);
	fclose (f);
	if ((resp = d2i_OCSP_RESPONSE (NULL, &p, (long) n)) == NULL || (basic = OCSP_response_get1_basic (resp)) == NULL ||
	    !ASN1_TIME_to_tm (OCSP_resp_get0_produced_at (basic), &tm))
		abort ();
	OCSP_BASICRESP_free (basic);
	OCSP_RESPONSE_free (resp);
	return timegm (&tm) + 60;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	chain = sk_X509_new_null ();
	if (chain == NULL || !sk_X509_push (chain, load ("good.pem")) || !sk_X509_push (chain, load ("ca.pem")) ||
	    inkan_validator_new (&v) != INKAN_OK ||
	    inkan_validator_add_anchor (v, SRCDIR "/tests/fuzz/data/ocsp/root.pem") != INKAN_OK)
		abort ();
	inkan_validator_set_time (v, seed_time ());
	id = OCSP_cert_to_id (EVP_sha1 (), sk_X509_value (chain, 0), sk_X509_value (chain, 1));
	if (id == NULL)
		abort ();
	return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	method_result res = { .outcome = INKAN_OUTCOME_UNAVAILABLE, .reason = -1 };

	ocsp_judge (v, chain, data, size, NULL, id, &res);
	ERR_clear_error ();
	return 0;
}
