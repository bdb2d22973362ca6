/* The virtual card's C-APDU and BER-TLV parsing, and its GET RESPONSE. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include "vcard.h"

static void
test_apdu_cases (void **s)
{
	vc_apdu a;
	(void) s;
	static const uint8_t c1[] = { 0x00, 0x20, 0x00, 0x80 };
	static const uint8_t c2[] = { 0x00, 0xB0, 0x01, 0x02, 0x00 };
	static const uint8_t c3[] = { 0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A };
	static const uint8_t c4[] = { 0x80, 0x2A, 0x00, 0x80, 0x01, 0x55, 0x10 };
	static const uint8_t c4x[] = { 0x00, 0x2A, 0x9E, 0x9A, 0x00, 0x00, 0x01, 0x77, 0x00, 0x00 };
	static const uint8_t c2x[] = { 0x00, 0xCA, 0x00, 0x6E, 0x00, 0x01, 0x00 };

	assert_true (vc_apdu_parse (c1, sizeof c1, &a));
	assert_int_equal (a.lc, 0);
	assert_int_equal (a.ne, 0);
	assert_true (vc_apdu_parse (c2, sizeof c2, &a));
	assert_int_equal (a.ne, 256);
	assert_int_equal (a.p1, 1);
	assert_int_equal (a.p2, 2);
	assert_true (vc_apdu_parse (c3, sizeof c3, &a));
	assert_int_equal (a.lc, 2);
	assert_int_equal (a.data[1], 0x0A);
	assert_int_equal (a.ne, 0);
	assert_true (vc_apdu_parse (c4, sizeof c4, &a));
	assert_int_equal (a.cla, 0x80);
	assert_int_equal (a.lc, 1);
	assert_int_equal (a.ne, 0x10);
	assert_true (vc_apdu_parse (c4x, sizeof c4x, &a));
	assert_true (a.extended);
	assert_int_equal (a.lc, 1);
	assert_int_equal (a.data[0], 0x77);
	assert_int_equal (a.ne, 65536);
	assert_true (vc_apdu_parse (c2x, sizeof c2x, &a));
	assert_int_equal (a.ne, 256);
}

static void
test_apdu_malformed (void **s)
{
	vc_apdu a;
	(void) s;
	static const uint8_t shortlc[] = { 0x00, 0xA4, 0x02, 0x0C, 0x05, 0x00 };
	static const uint8_t extra[] = { 0x00, 0xA4, 0x02, 0x0C, 0x01, 0x00, 0x00, 0x00 };
	static const uint8_t ext0[] = { 0x00, 0xA4, 0x02, 0x0C, 0x00, 0x00, 0x00, 0x11 };

	assert_false (vc_apdu_parse (shortlc, 3, &a));
	assert_false (vc_apdu_parse (shortlc, sizeof shortlc, &a));
	assert_false (vc_apdu_parse (extra, sizeof extra, &a));
	assert_false (vc_apdu_parse (ext0, sizeof ext0, &a));
}

static void
test_tlv (void **s)
{
	(void) s;
	/* 6E { 4F 02 D2 76, 5F52 01 00, 73 81 80 ... } */
	uint8_t buf[300] = { 0x4F, 0x02, 0xD2, 0x76, 0x5F, 0x52, 0x01, 0x00, 0x73, 0x81, 0x80 };
	const uint8_t *v;
	size_t len;

	assert_true (vc_tlv_find (buf, 11 + 0x80, 0x4F, &v, &len));
	assert_int_equal (len, 2);
	assert_int_equal (v[0], 0xD2);
	assert_true (vc_tlv_find (buf, 11 + 0x80, 0x5F52, &v, &len));
	assert_int_equal (len, 1);
	assert_true (vc_tlv_find (buf, 11 + 0x80, 0x73, &v, &len));
	assert_int_equal (len, 0x80);
	assert_ptr_equal (v, buf + 11);
	/* A length that runs past the buffer is refused, not followed. */
	assert_false (vc_tlv_find (buf, 11 + 0x7f, 0x73, &v, &len));
	assert_false (vc_tlv_find (buf, 11 + 0x80, 0x7F21, &v, &len));
	buf[0] = 0x5F;
	buf[1] = 0x80;
	assert_false (vc_tlv_find (buf, 2, 0x4F, &v, &len));
}

static void
test_resp_tlv (void **s)
{
	vc_resp r = { 0 };
	uint8_t data[300] = { 0 };
	(void) s;

	vc_resp_tlv (&r, 0x7F21, data, 300);
	assert_int_equal (r.len, 2 + 3 + 300);
	assert_int_equal (r.data[0], 0x7F);
	assert_int_equal (r.data[2], 0x82);
	assert_int_equal (r.data[3], 0x01);
	assert_int_equal (r.data[4], 0x2C);
	vc_resp_clear (&r);
	vc_resp_tlv (&r, 0xC4, data, 7);
	assert_int_equal (r.len, 9);
	assert_int_equal (r.data[1], 7);
	vc_resp_clear (&r);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_apdu_cases),
		cmocka_unit_test (test_apdu_malformed),
		cmocka_unit_test (test_tlv),
		cmocka_unit_test (test_resp_tlv),
	};
	return cmocka_run_group_tests (tests, NULL, NULL);
}
