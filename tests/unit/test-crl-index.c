/* The CRL index answers exactly as OpenSSL's own lookup, for serials of
 * every shape: short, long, negative, with a leading zero byte, absent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "src/validate/vint.h"

static ASN1_INTEGER *
integer (const unsigned char *bytes, int len, int neg)
{
	ASN1_INTEGER *i = ASN1_INTEGER_new ();

	ASN1_STRING_set (i, bytes, len);
	if (neg)
		i->type = V_ASN1_NEG_INTEGER;
	return i;
}

static ASN1_INTEGER *
random_serial (unsigned seed)
{
	unsigned char b[20];
	int len = 1 + (int) (seed % 20), i;

	srand (seed);
	for (i = 0; i < len; i++)
		b[i] = (unsigned char) rand ();
	if (b[0] == 0)
		b[0] = 1;
	return integer (b, len, seed % 7 == 0);
}

static void
test_agrees_with_openssl (void **state)
{
	X509_CRL *crl = X509_CRL_new ();
	crl_index *idx = NULL;
	unsigned s;
	int listed = 0;

	(void) state;
	for (s = 0; s < 3000; s += 2) {
		X509_REVOKED *r = X509_REVOKED_new ();
		ASN1_INTEGER *serial = random_serial (s);

		X509_REVOKED_set_serialNumber (r, serial);
		X509_CRL_add0_revoked (crl, r);
		ASN1_INTEGER_free (serial);
	}
	assert_int_equal (crl_index_new (crl, &idx), INKAN_OK);
	for (s = 0; s < 3000; s++) {
		ASN1_INTEGER *serial = random_serial (s);
		X509_REVOKED *theirs = NULL;
		int in_openssl = X509_CRL_get0_by_serial (idx->crl, &theirs, serial) == 1;
		const X509_REVOKED *ours = crl_index_find (idx, serial);

		assert_int_equal (ours != NULL, in_openssl);
		if (ours != NULL) {
			/* short serials repeat: the same value, maybe another entry */
			assert_int_equal (ASN1_INTEGER_cmp (X509_REVOKED_get0_serialNumber (ours), serial), 0);
			listed++;
		}
		ASN1_INTEGER_free (serial);
	}
	assert_true (listed >= 1400);
	crl_index_free (idx);
}

/* 00 01 is not DER, but CRLs in the wild have it: it is the serial 1. */
static void
test_leading_zero (void **state)
{
	static const unsigned char one[] = { 1 }, padded[] = { 0, 1 }, big[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	X509_CRL *crl = X509_CRL_new ();
	X509_REVOKED *r = X509_REVOKED_new ();
	ASN1_INTEGER *s = integer (padded, 2, 0), *probe;
	crl_index *idx = NULL;

	(void) state;
	X509_REVOKED_set_serialNumber (r, s);
	X509_CRL_add0_revoked (crl, r);
	ASN1_INTEGER_free (s);
	assert_int_equal (crl_index_new (crl, &idx), INKAN_OK);
	probe = integer (one, 1, 0);
	assert_non_null (crl_index_find (idx, probe));
	ASN1_INTEGER_free (probe);
	probe = integer (one, 1, 1);
	assert_null (crl_index_find (idx, probe));
	ASN1_INTEGER_free (probe);
	probe = integer (big, 9, 0);
	assert_null (crl_index_find (idx, probe));
	ASN1_INTEGER_free (probe);
	crl_index_free (idx);
}

static void
test_empty (void **state)
{
	static const unsigned char one[] = { 1 };
	crl_index *idx = NULL;
	ASN1_INTEGER *probe = integer (one, 1, 0);

	(void) state;
	assert_int_equal (crl_index_new (X509_CRL_new (), &idx), INKAN_OK);
	assert_null (crl_index_find (idx, probe));
	ASN1_INTEGER_free (probe);
	crl_index_free (idx);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_agrees_with_openssl),
		cmocka_unit_test (test_leading_zero),
		cmocka_unit_test (test_empty),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
