/* Japanese era dates at every boundary, and the CA pins parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/ca.h>
#include <inkan/cert.h>
#include <inkan/ctx.h>

static void
era_is (int era, int y, int m, int d, const char *want)
{
	char buf[64];

	assert_int_equal (inkan_era_date (era, y, m, d, buf, sizeof buf), INKAN_OK);
	assert_string_equal (buf, want);
}

static void
test_era_boundaries (void **state)
{
	(void) state;
	era_is (0, 1977, 11, 7, "昭和52年11月7日");
	era_is (3, 1977, 11, 7, "昭和52年11月7日");
	era_is (0, 1868, 1, 25, "明治元年1月25日");
	era_is (0, 1912, 7, 29, "明治45年7月29日");
	era_is (0, 1912, 7, 30, "大正元年7月30日");
	era_is (0, 1926, 12, 24, "大正15年12月24日");
	era_is (0, 1926, 12, 25, "昭和元年12月25日");
	era_is (0, 1989, 1, 7, "昭和64年1月7日");
	era_is (0, 1989, 1, 8, "平成元年1月8日");
	era_is (0, 2019, 4, 30, "平成31年4月30日");
	era_is (0, 2019, 5, 1, "令和元年5月1日");
	era_is (0, 2026, 11, 22, "令和8年11月22日");
	/* what the card says is kept: Showa 64 days coded as Showa */
	era_is (3, 1989, 1, 7, "昭和64年1月7日");
}

static void
test_era_refusals (void **state)
{
	char buf[64], tiny[8];

	(void) state;
	assert_int_equal (inkan_era_date (0, 1868, 1, 24, buf, sizeof buf), INKAN_ERR_BAD_INPUT);
	assert_int_equal (inkan_era_date (5, 1977, 11, 7, buf, sizeof buf), INKAN_ERR_BAD_INPUT);
	assert_int_equal (inkan_era_date (6, 2030, 1, 1, buf, sizeof buf), INKAN_ERR_BAD_INPUT);
	assert_int_equal (inkan_era_date (-1, 2030, 1, 1, buf, sizeof buf), INKAN_ERR_BAD_INPUT);
	assert_int_equal (inkan_era_date (0, 1977, 2, 29, buf, sizeof buf), INKAN_ERR_BAD_INPUT);
	assert_int_equal (inkan_era_date (0, 1977, 13, 1, buf, sizeof buf), INKAN_ERR_BAD_INPUT);
	assert_int_equal (inkan_era_date (0, 1977, 4, 31, buf, sizeof buf), INKAN_ERR_BAD_INPUT);
	assert_int_equal (inkan_era_date (0, 1977, 11, 7, tiny, sizeof tiny), INKAN_ERR_BAD_INPUT);
	era_is (0, 2000, 2, 29, "平成12年2月29日");
}

static size_t
pins_from (const char *text, inkan_err *err)
{
	inkan_ca_pins *p = NULL;
	size_t n;

	assert_int_equal (inkan_ca_pins_new (&p), INKAN_OK);
	*err = inkan_ca_pins_parse (p, text, strlen (text));
	n = inkan_ca_pins_count (p);
	inkan_ca_pins_free (p);
	return n;
}

#define FP256 "D2:27:F6:CD:E1:1D:35:C5:25:21:78:F1:06:F8:43:D2:46:51:94:49:75:41:3B:53:9F:A2:FB:68:DB:FA:36:5F"
#define FP1 "c1f62c4d71fe8ae7148a6974653b3927cd2309db"

static void
test_pins_good (void **state)
{
	inkan_err err;

	(void) state;
	assert_int_equal (pins_from ("# comment\n\n  sha256 " FP256 " JPKI 署名用 2023  \nsha1 " FP1 " old\n", &err), 2);
	assert_int_equal (err, INKAN_OK);
	assert_int_equal (pins_from ("", &err), 0);
	assert_int_equal (err, INKAN_OK);
	assert_int_equal (pins_from ("sha256\t" FP256 "\tname\r\n", &err), 1);
	assert_int_equal (err, INKAN_OK);
}

static void
bad (const char *text, const char *why)
{
	inkan_err err;

	pins_from (text, &err);
	assert_int_equal (err, INKAN_ERR_BAD_INPUT);
	if (strstr (inkan_detail (), why) == NULL)
		fail_msg ("\"%s\" not in \"%s\"", why, inkan_detail ());
}

static void
test_pins_bad (void **state)
{
	(void) state;
	bad ("sha256\n", "line 1: wants ALGORITHM FINGERPRINT NAME");
	bad ("# ok\nsha256 " FP256 "\n", "line 2: the pin has no name");
	bad ("sha512 " FP256 " x\n", "unknown fingerprint algorithm \"sha512\"");
	bad ("sha256 " FP1 " x\n", "a sha256 fingerprint has 32 bytes, not 20");
	bad ("sha1 " FP256 " x\n", "a sha1 fingerprint has 20 bytes, not 32");
	bad ("sha256 D2:27:F zz\n", "is not a fingerprint in hex");
	bad ("sha256 xyz name\n", "is not a fingerprint in hex");
}

static void
test_pins_nul (void **state)
{
	static const char text[] = "sha256 " FP256 " a\n\0sha1";
	inkan_ca_pins *p = NULL;

	(void) state;
	assert_int_equal (inkan_ca_pins_new (&p), INKAN_OK);
	assert_int_equal (inkan_ca_pins_parse (p, text, sizeof text - 1), INKAN_ERR_BAD_INPUT);
	assert_non_null (strstr (inkan_detail (), "NUL"));
	inkan_ca_pins_free (p);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_era_boundaries),
		cmocka_unit_test (test_era_refusals),
		cmocka_unit_test (test_pins_good),
		cmocka_unit_test (test_pins_bad),
		cmocka_unit_test (test_pins_nul),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
