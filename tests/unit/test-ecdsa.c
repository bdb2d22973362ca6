#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/ec.h>

#include "src/util/internal.h"
#include "src/util/ecdsa.h"

/* OpenSSL's own decoding of DER, to check ours against. */
static void
assert_der_is (const uint8_t *der, size_t der_len, const uint8_t *r, const uint8_t *s, size_t half)
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG (NULL, &p, (long) der_len);
	const BIGNUM *br, *bs;
	uint8_t buf[2][128];

	assert_non_null (sig);
	assert_ptr_equal (p, der + der_len);
	ECDSA_SIG_get0 (sig, &br, &bs);
	assert_int_equal (BN_bn2binpad (br, buf[0], (int) half), (int) half);
	assert_int_equal (BN_bn2binpad (bs, buf[1], (int) half), (int) half);
	assert_memory_equal (buf[0], r, half);
	assert_memory_equal (buf[1], s, half);
	ECDSA_SIG_free (sig);
}

static void
round_trip (const uint8_t *raw, size_t raw_len)
{
	uint8_t *der = NULL, *back = NULL;
	size_t der_len = 0, back_len = 0;

	assert_int_equal (inkan_ecdsa_raw_to_der (raw, raw_len, &der, &der_len), INKAN_OK);
	assert_der_is (der, der_len, raw, raw + raw_len / 2, raw_len / 2);
	assert_int_equal (inkan_ecdsa_der_to_raw (der, der_len, raw_len / 2, &back, &back_len),
	                  INKAN_OK);
	assert_int_equal (back_len, raw_len);
	assert_memory_equal (back, raw, raw_len);
	free (der);
	free (back);
}

static void
test_round_trip_sizes (void **state)
{
	static const size_t halves[] = { 32, 48, 66 };
	uint8_t raw[132];
	size_t i, j;

	(void) state;
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 2 * halves[i]; j++)
			raw[j] = (uint8_t) (j * 37 + 11 + i);
		/* High bits set: DER needs a leading 00 on both integers. */
		raw[0] = 0xff;
		raw[halves[i]] = 0x80;
		round_trip (raw, 2 * halves[i]);
	}
}

static void
test_leading_zeros (void **state)
{
	uint8_t raw[64];
	uint8_t *der = NULL;
	size_t der_len = 0;

	(void) state;
	memset (raw, 0, sizeof raw);
	/* r = 0x0000..0001 (short), s = 0x00 0x7f ...: each shorter than the field. */
	raw[31] = 0x01;
	raw[33] = 0x7f;
	raw[63] = 0x05;
	round_trip (raw, sizeof raw);

	/* The DER of r=1 is the minimal 02 01 01, not 32 bytes. */
	assert_int_equal (inkan_ecdsa_raw_to_der (raw, sizeof raw, &der, &der_len), INKAN_OK);
	assert_int_equal (der[0], 0x30);
	assert_int_equal (der[2], 0x02);
	assert_int_equal (der[3], 0x01);
	assert_int_equal (der[4], 0x01);
	free (der);
}

static void
test_odd_raw_length (void **state)
{
	static const uint8_t raw[65] = { 1 };
	uint8_t *der = (uint8_t *) "x";
	size_t der_len = 1;

	(void) state;
	assert_int_equal (inkan_ecdsa_raw_to_der (raw, sizeof raw, &der, &der_len), INKAN_ERR_BAD_INPUT);
	assert_null (der);
	assert_int_equal (der_len, 0);
	assert_int_equal (inkan_ecdsa_raw_to_der (raw, 0, &der, &der_len), INKAN_ERR_BAD_INPUT);
	assert_true (strlen (inkan_detail ()) > 0);
}

static void
expect_bad_der (const uint8_t *der, size_t der_len, size_t field_len)
{
	uint8_t *raw = (uint8_t *) "x";
	size_t raw_len = 1;

	assert_int_equal (inkan_ecdsa_der_to_raw (der, der_len, field_len, &raw, &raw_len),
	                  INKAN_ERR_BAD_INPUT);
	assert_null (raw);
	assert_int_equal (raw_len, 0);
}

static void
test_malformed_der (void **state)
{
	/* SEQUENCE { INTEGER 1, INTEGER 2 } and broken variants of it. */
	static const uint8_t good[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02 };
	static const uint8_t truncated[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01 };
	static const uint8_t wrong_tag[] = { 0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02 };
	static const uint8_t one_int[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	static const uint8_t three_ints[] = { 0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02,
	                                      0x02, 0x01, 0x03 };
	static const uint8_t octets[] = { 0x30, 0x06, 0x04, 0x01, 0x01, 0x02, 0x01, 0x02 };
	static const uint8_t negative[] = { 0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x02 };
	static const uint8_t non_minimal[] = { 0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x02 };
	static const uint8_t long_len[] = { 0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01 };
	uint8_t *raw = NULL;
	size_t raw_len = 0;

	(void) state;
	assert_int_equal (inkan_ecdsa_der_to_raw (good, sizeof good, 32, &raw, &raw_len), INKAN_OK);
	assert_int_equal (raw_len, 64);
	assert_int_equal (raw[31], 1);
	assert_int_equal (raw[63], 2);
	free (raw);

	expect_bad_der (truncated, sizeof truncated, 32);
	expect_bad_der (wrong_tag, sizeof wrong_tag, 32);
	expect_bad_der (one_int, sizeof one_int, 32);
	expect_bad_der (three_ints, sizeof three_ints, 32);
	expect_bad_der (octets, sizeof octets, 32);
	expect_bad_der (negative, sizeof negative, 32);
	expect_bad_der (non_minimal, sizeof non_minimal, 32);
	expect_bad_der (long_len, sizeof long_len, 32);
	expect_bad_der (good, 0, 32);
}

static void
test_trailing_bytes (void **state)
{
	static const uint8_t trailing[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x00 };

	(void) state;
	expect_bad_der (trailing, sizeof trailing, 32);
	/* The same bytes without the trailer are fine. */
	{
		uint8_t *raw = NULL;
		size_t raw_len = 0;

		assert_int_equal (inkan_ecdsa_der_to_raw (trailing, sizeof trailing - 1, 32,
		                                          &raw, &raw_len), INKAN_OK);
		free (raw);
	}
}

static void
test_field_too_short (void **state)
{
	uint8_t raw[96];
	uint8_t *der = NULL, *back = NULL;
	size_t der_len = 0, back_len = 0;

	(void) state;
	memset (raw, 0xa5, sizeof raw);
	assert_int_equal (inkan_ecdsa_raw_to_der (raw, sizeof raw, &der, &der_len), INKAN_OK);
	/* A P-384 signature does not fit P-256's 32-byte halves... */
	expect_bad_der (der, der_len, 32);
	/* ...but fits a larger field, left-padded. */
	assert_int_equal (inkan_ecdsa_der_to_raw (der, der_len, 66, &back, &back_len), INKAN_OK);
	assert_int_equal (back_len, 132);
	assert_int_equal (back[0], 0);
	assert_int_equal (back[17], 0);
	assert_memory_equal (back + 18, raw, 48);
	assert_memory_equal (back + 66 + 18, raw + 48, 48);
	free (back);

	assert_int_equal (inkan_ecdsa_der_to_raw (der, der_len, 0, &back, &back_len), INKAN_ERR_USAGE);
	assert_null (back);
	free (der);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_round_trip_sizes),
		cmocka_unit_test (test_leading_zeros),
		cmocka_unit_test (test_odd_raw_length),
		cmocka_unit_test (test_malformed_der),
		cmocka_unit_test (test_trailing_bytes),
		cmocka_unit_test (test_field_too_short),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
