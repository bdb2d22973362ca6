/* The parts of CMP enrolment that need no CA: PKIFailureInfo and PKIStatus
 * names, the CA's answer as inkan_enroll_last_answer gives it (its text
 * made safe to print and bounded), and what inkan_enroll refuses before it
 * sends anything. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/cmp.h>

#include <inkan/inkan.h>
#include "src/enroll/enroll-int.h"

static void
test_fail_info_names (void **state)
{
	(void) state;
	assert_string_equal (inkan_enroll_fail_info_name (OSSL_CMP_PKIFAILUREINFO_badAlg), "badAlg");
	assert_string_equal (inkan_enroll_fail_info_name (OSSL_CMP_PKIFAILUREINFO_badPOP), "badPOP");
	assert_string_equal (inkan_enroll_fail_info_name (OSSL_CMP_PKIFAILUREINFO_certRevoked), "certRevoked");
	assert_string_equal (inkan_enroll_fail_info_name (OSSL_CMP_PKIFAILUREINFO_signerNotTrusted), "signerNotTrusted");
	assert_string_equal (inkan_enroll_fail_info_name (OSSL_CMP_PKIFAILUREINFO_duplicateCertReq), "duplicateCertReq");
	assert_null (inkan_enroll_fail_info_name (OSSL_CMP_PKIFAILUREINFO_MAX + 1));
	assert_null (inkan_enroll_fail_info_name (31));
	assert_null (inkan_enroll_fail_info_name (1000));
}

static void
test_status_names (void **state)
{
	(void) state;
	assert_string_equal (enroll_status_name (OSSL_CMP_PKISTATUS_accepted), "accepted");
	assert_string_equal (enroll_status_name (OSSL_CMP_PKISTATUS_rejection), "rejection");
	assert_string_equal (enroll_status_name (OSSL_CMP_PKISTATUS_waiting), "waiting");
	assert_string_equal (enroll_status_name (OSSL_CMP_PKISTATUS_keyUpdateWarning), "keyUpdateWarning");
	assert_string_equal (enroll_status_name (-1), "none");
	assert_string_equal (enroll_status_name (7), "none");
	assert_string_equal (enroll_status_name (OSSL_CMP_PKISTATUS_trans), "none");
}

static OSSL_CMP_PKIFREETEXT *
texts (int n, ...)
{
	OSSL_CMP_PKIFREETEXT *sk = sk_ASN1_UTF8STRING_new_null ();
	va_list ap;
	int i;

	va_start (ap, n);
	for (i = 0; i < n; i++) {
		const char *s = va_arg (ap, const char *);
		ASN1_UTF8STRING *u = ASN1_UTF8STRING_new ();

		assert_non_null (u);
		assert_true (ASN1_STRING_set (u, s, (int) strlen (s)));
		assert_true (sk_ASN1_UTF8STRING_push (sk, u));
	}
	va_end (ap);
	return sk;
}

static void
test_answer_rejection (void **state)
{
	OSSL_CMP_PKIFREETEXT *t = texts (2, "key too weak", "ask at the counter");
	enroll_answer a;
	char buf[256];

	(void) state;
	enroll_answer_set (&a, OSSL_CMP_PKISTATUS_rejection,
	                   1 << OSSL_CMP_PKIFAILUREINFO_badPOP | 1 << OSSL_CMP_PKIFAILUREINFO_certRevoked |
	                   1 << OSSL_CMP_PKIFAILUREINFO_duplicateCertReq, t);
	assert_int_equal (a.pub.status, 2);
	assert_string_equal (a.pub.status_name, "rejection");
	assert_int_equal (a.pub.fail_info, (1u << 9) | (1u << 10) | (1u << 26));
	assert_string_equal (a.pub.text, "key too weak; ask at the counter");
	enroll_answer_describe (&a.pub, buf, sizeof buf);
	assert_string_equal (buf, "rejection (badPOP, certRevoked, duplicateCertReq): key too weak; ask at the counter");
	sk_ASN1_UTF8STRING_pop_free (t, ASN1_UTF8STRING_free);
}

static void
test_answer_none (void **state)
{
	enroll_answer a;
	char buf[64];

	(void) state;
	/* OpenSSL's "no answer yet" states and a failInfo of -1 (none). */
	enroll_answer_set (&a, OSSL_CMP_PKISTATUS_trans, -1, NULL);
	assert_int_equal (a.pub.status, -1);
	assert_string_equal (a.pub.status_name, "none");
	assert_int_equal (a.pub.fail_info, 0);
	assert_null (a.pub.text);
	enroll_answer_describe (&a.pub, buf, sizeof buf);
	assert_string_equal (buf, "none");
	/* Bits past PKIFailureInfo's 27 are not kept. */
	enroll_answer_set (&a, OSSL_CMP_PKISTATUS_accepted, (1 << 30) | 1, NULL);
	assert_int_equal (a.pub.fail_info, 1);
}

static void
test_answer_text_made_safe (void **state)
{
	/* An escape sequence, a newline, a lone continuation byte, an overlong
	 * slash, and Japanese that stays. */
	OSSL_CMP_PKIFREETEXT *t = texts (1, "a\x1b[2Jb\nc\x80" "d\xc0\xaf" "e 拒否");
	enroll_answer a;

	(void) state;
	enroll_answer_set (&a, OSSL_CMP_PKISTATUS_rejection, 0, t);
	assert_string_equal (a.pub.text, "a?[2Jb?c?d??e 拒否");
	sk_ASN1_UTF8STRING_pop_free (t, ASN1_UTF8STRING_free);
}

static void
test_answer_text_bounded (void **state)
{
	char big[4 * ENROLL_TEXT_MAX];
	OSSL_CMP_PKIFREETEXT *t;
	enroll_answer a;
	size_t len, i;

	(void) state;
	/* Three-byte characters, so that the bound falls inside one. */
	for (i = 0; i + 3 < sizeof big; i += 3)
		memcpy (big + i, "語", 3);
	big[i] = '\0';
	t = texts (2, big, "more");
	enroll_answer_set (&a, OSSL_CMP_PKISTATUS_rejection, 0, t);
	len = strlen (a.pub.text);
	assert_true (len < ENROLL_TEXT_MAX);
	assert_true (len > ENROLL_TEXT_MAX - 4);
	assert_int_equal (len % 3, 0);
	assert_null (strstr (a.pub.text, "more"));
	sk_ASN1_UTF8STRING_pop_free (t, ASN1_UTF8STRING_free);
}

static void
test_refused_before_sending (void **state)
{
	inkan_enroll *e = NULL;
	inkan_secret *s = NULL;
	X509 *cert = NULL;

	(void) state;
	assert_int_equal (inkan_enroll_new ("ftp://ca.example/", &e), INKAN_ERR_USAGE);
	assert_int_equal (inkan_enroll_new ("http://user@ca.example/", &e), INKAN_ERR_USAGE);
	assert_int_equal (inkan_enroll_new ("http://ca.example/pkix/#x", &e), INKAN_ERR_USAGE);
	assert_int_equal (inkan_enroll_new ("https://ca.example/", &e), INKAN_ERR_UNSUPPORTED);
	assert_null (e);
	assert_int_equal (inkan_enroll_new ("http://127.0.0.1:9/pkix/", &e), INKAN_OK);
	assert_int_equal (inkan_enroll_last_answer (e)->status, -1);
	assert_string_equal (inkan_enroll_last_answer (e)->status_name, "none");
	assert_int_equal (inkan_enroll_set_timeout (e, 0), INKAN_ERR_USAGE);
	assert_int_equal (inkan_enroll_set_timeout (e, 3601), INKAN_ERR_USAGE);
	assert_int_equal (inkan_enroll_set_timeout (e, 5), INKAN_OK);
	assert_int_equal (inkan_enroll_add_trusted (e, NULL), INKAN_ERR_USAGE);
	assert_int_equal (inkan_secret_new ("", 0, &s), INKAN_OK);
	assert_int_equal (inkan_enroll_set_mac (e, "ref", s), INKAN_ERR_USAGE);
	inkan_secret_free (s);
	assert_int_equal (inkan_enroll_set_signer (e, NULL, NULL), INKAN_ERR_USAGE);

	cert = X509_new ();
	assert_non_null (cert);
	/* No protection set: refused before any connection (port 9 would
	 * not answer). */
	assert_int_equal (inkan_enroll_rr (e, cert, 1), INKAN_ERR_USAGE);
	assert_non_null (strstr (inkan_detail (), "protected"));
	assert_int_equal (inkan_enroll_rr (e, cert, 7), INKAN_ERR_USAGE);
	assert_int_equal (inkan_enroll_rr (e, cert, 11), INKAN_ERR_USAGE);
	assert_int_equal (inkan_enroll_rr (e, NULL, 1), INKAN_ERR_USAGE);
	assert_int_equal (inkan_enroll_p10cr (e, NULL, &cert), INKAN_ERR_USAGE);
	X509_free (cert);
	inkan_enroll_free (e);
	inkan_enroll_free (NULL);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_fail_info_names),
		cmocka_unit_test (test_status_names),
		cmocka_unit_test (test_answer_rejection),
		cmocka_unit_test (test_answer_none),
		cmocka_unit_test (test_answer_text_made_safe),
		cmocka_unit_test (test_answer_text_bounded),
		cmocka_unit_test (test_refused_before_sending),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
