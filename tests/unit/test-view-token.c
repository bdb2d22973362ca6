/* The view-token parser against hostile input: a token signed here with a
 * software key, then mutated thousands of ways; none may crash or pass. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <inkan/base64.h>
#include "src/util/ecdsa.h"
#include "src/util/internal.h"

static EVP_PKEY *key;
static X509 *cert;
static uint8_t doc[32];

static X509 *
self_signed (EVP_PKEY *k)
{
	X509 *x = X509_new ();

	X509_set_version (x, 2);
	ASN1_INTEGER_set (X509_get_serialNumber (x), 1);
	X509_NAME_add_entry_by_txt (X509_get_subject_name (x), "CN", MBSTRING_UTF8, (unsigned char *) "relay", -1, -1, 0);
	X509_set_issuer_name (x, X509_get_subject_name (x));
	X509_gmtime_adj (X509_getm_notBefore (x), -3600);
	X509_gmtime_adj (X509_getm_notAfter (x), 3600);
	X509_set_pubkey (x, k);
	X509_sign (x, k, EVP_sha256 ());
	return x;
}

/* What inkan_view_token_issue makes, signed with a software key. */
static char *
make_token (const char *payload_json)
{
	const char *hdr_fmt = "{\"alg\":\"ES256\",\"typ\":\"inkan-view+jwt\",\"x5t#S256\":\"%s\"}";
	unsigned char d[32], *der = NULL, sig_der[80], *raw = NULL;
	size_t sig_len = sizeof sig_der, raw_len = 0;
	char hdr[256], *h, *p, *input, *s, *token;
	int len = i2d_X509 (cert, &der);
	EVP_MD_CTX *md = EVP_MD_CTX_new ();
	char *x5t;

	EVP_Digest (der, (size_t) len, d, NULL, EVP_sha256 (), NULL);
	OPENSSL_free (der);
	x5t = inkan_base64_encode (d, 32, INKAN_BASE64_URL);
	snprintf (hdr, sizeof hdr, hdr_fmt, x5t);
	h = inkan_base64_encode ((uint8_t *) hdr, strlen (hdr), INKAN_BASE64_URL);
	p = inkan_base64_encode ((const uint8_t *) payload_json, strlen (payload_json), INKAN_BASE64_URL);
	assert_true (asprintf (&input, "%s.%s", h, p) > 0);
	assert_int_equal (EVP_DigestSignInit (md, NULL, EVP_sha256 (), NULL, key), 1);
	assert_int_equal (EVP_DigestSign (md, sig_der, &sig_len, (uint8_t *) input, strlen (input)), 1);
	assert_int_equal (inkan_ecdsa_der_to_raw (sig_der, sig_len, 32, &raw, &raw_len), INKAN_OK);
	s = inkan_base64_encode (raw, raw_len, INKAN_BASE64_URL);
	assert_true (asprintf (&token, "%s.%s", input, s) > 0);
	EVP_MD_CTX_free (md);
	free (x5t); free (h); free (p); free (input); free (s); free (raw);
	return token;
}

static char *
good_payload (void)
{
	char *doc64 = inkan_base64_encode (doc, 32, INKAN_BASE64_URL), *out;
	long now = (long) time (NULL);

	assert_true (asprintf (&out, "{\"iss\":\"relay\",\"sub\":\"a@b\",\"sub_type\":\"address\",\"doc_s256\":\"%s\","
	                       "\"iat\":%ld,\"exp\":%ld,\"jti\":\"abcDEF012\"}", doc64, now, now + 600) > 0);
	free (doc64);
	return out;
}

static int
setup (void **state)
{
	(void) state;
	key = EVP_EC_gen ("P-256");
	cert = key ? self_signed (key) : NULL;
	memset (doc, 0x42, sizeof doc);
	return cert ? 0 : -1;
}

static int
teardown (void **state)
{
	(void) state;
	X509_free (cert);
	EVP_PKEY_free (key);
	return 0;
}

static inkan_err
check (const char *token, inkan_view_token_info *info)
{
	inkan_view_token_check c = { .issuer_cert = cert, .doc_sha256 = doc, .skew = 60 };

	return inkan_view_token_verify (token, &c, info);
}

static void
test_good_token (void **state)
{
	inkan_view_token_info info;
	char *payload = good_payload (), *token = make_token (payload);

	(void) state;
	assert_int_equal (check (token, &info), INKAN_OK);
	assert_string_equal (info.recipient, "a@b");
	assert_string_equal (info.id, "abcDEF012");
	free (payload);
	free (token);
}

/* Claims signed correctly but wrong in kind must still be refused. */
static void
test_signed_but_wrong (void **state)
{
	static const char *payloads[] = {
		"{}", "[]", "{\"sub\":\"a\",\"jti\":\"x\",\"iat\":\"now\",\"exp\":1}",
		"{\"sub\":\"a\",\"jti\":\"x\",\"iat\":0,\"exp\":1,\"doc_s256\":\"AAAA\"}",
		"{\"sub\":\"a\",\"sub\":\"b\"}", "not json", "",
	};
	inkan_view_token_info info;
	size_t i;

	(void) state;
	for (i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
		char *token = make_token (payloads[i]);

		assert_int_not_equal (check (token, &info), INKAN_OK);
		assert_true (info.reason[0] != '\0');
		free (token);
	}
}

static void
test_mutations (void **state)
{
	inkan_view_token_info info;
	char *payload = good_payload (), *token = make_token (payload);
	size_t len = strlen (token);
	unsigned seed = 20261122;
	int i;

	(void) state;
	for (i = 0; i < 3000; i++) {
		char *m = strdup (token);
		size_t at = (size_t) rand_r (&seed) % len;

		switch (rand_r (&seed) % 3) {
		case 0: m[at] = (char) (rand_r (&seed) % 256 ? rand_r (&seed) % 255 + 1 : 'A'); break;
		case 1: m[at] = '\0'; break;
		default: memmove (m + at, m + at + 1, len - at); break;
		}
		/* Only an unchanged token may pass. */
		if (check (m, &info) == INKAN_OK)
			assert_string_equal (m, token);
		free (m);
	}
	free (payload);
	free (token);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_good_token),
		cmocka_unit_test (test_signed_but_wrong),
		cmocka_unit_test (test_mutations),
	};
	return cmocka_run_group_tests (tests, setup, teardown);
}
