/* inkand's client identity from a certificate subject: one CN, whole. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/x509.h>

#include "inkand/inkand.h"

/* A subject of the CNs given (LENS: their lengths, NULs and all). */
static X509_NAME *
subject (const char *const *cns, const int *lens, size_t n)
{
	X509_NAME *name = X509_NAME_new ();
	size_t i;

	assert_non_null (name);
	assert_int_equal (X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8, (const unsigned char *) "Relay", -1,
	                                              -1, 0), 1);
	for (i = 0; i < n; i++)
		assert_int_equal (X509_NAME_add_entry_by_NID (name, NID_commonName, MBSTRING_UTF8,
		                                              (const unsigned char *) cns[i], lens[i], -1, 0), 1);
	return name;
}

static void
test_one_cn (void **state)
{
	const char *cn[] = { "relay1.example.jp" };
	int len[] = { -1 };
	X509_NAME *name = subject (cn, len, 1);
	char out[64];

	(void) state;
	assert_int_equal (inkand_cert_cn (name, out, sizeof out), 0);
	assert_string_equal (out, "cn:relay1.example.jp");
	/* Too small for it: no identity rather than a shorter one. */
	assert_int_equal (inkand_cert_cn (name, out, 10), -1);
	X509_NAME_free (name);
}

static void
test_embedded_nul (void **state)
{
	const char *cn[] = { "relay1.example.jp\0.x" };
	int len[] = { 20 };
	X509_NAME *name = subject (cn, len, 1);
	char out[64] = "";

	(void) state;
	assert_int_equal (inkand_cert_cn (name, out, sizeof out), -1);
	X509_NAME_free (name);
}

static void
test_two_cns (void **state)
{
	const char *cn[] = { "relay1", "relay2" };
	int len[] = { -1, -1 };
	X509_NAME *name = subject (cn, len, 2);
	char out[64];

	(void) state;
	assert_int_equal (inkand_cert_cn (name, out, sizeof out), -1);
	X509_NAME_free (name);
}

static void
test_no_cn (void **state)
{
	X509_NAME *name = subject (NULL, NULL, 0);
	char out[64];

	(void) state;
	assert_int_equal (inkand_cert_cn (name, out, sizeof out), -1);
	X509_NAME_free (name);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_one_cn),
		cmocka_unit_test (test_embedded_nul),
		cmocka_unit_test (test_two_cns),
		cmocka_unit_test (test_no_cn),
	};
	return cmocka_run_group_tests (tests, NULL, NULL);
}
