#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "src/util/internal.h"

static void
test_round_trip (void **state)
{
	static const uint8_t bytes[] = { 0x00, 0x0a, 0xab, 0xff };
	uint8_t *back = NULL;
	size_t len = 0;
	char *hex;

	(void) state;
	hex = inkan_hex_encode (bytes, sizeof bytes);
	assert_string_equal (hex, "000aabff");
	assert_int_equal (inkan_hex_decode (hex, &back, &len), INKAN_OK);
	assert_int_equal (len, sizeof bytes);
	assert_memory_equal (back, bytes, len);
	free (hex);
	free (back);
}

static void
test_separators (void **state)
{
	const char *forms[] = { "0A:1B:2C", "0a 1b 2c", "0A1b2C" };
	size_t i;

	(void) state;
	for (i = 0; i < 3; i++) {
		uint8_t *b = NULL;
		size_t len = 0;

		assert_int_equal (inkan_hex_decode (forms[i], &b, &len), INKAN_OK);
		assert_int_equal (len, 3);
		assert_int_equal (b[0], 0x0a);
		assert_int_equal (b[2], 0x2c);
		free (b);
	}
}

static void
test_malformed (void **state)
{
	const char *bad[] = { "", "0", "0g", "a:bc", ":0a", "0a::0b", "0a:", "zz" };
	size_t i;

	(void) state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t *b = NULL;
		size_t len = 0;

		assert_int_equal (inkan_hex_decode (bad[i], &b, &len), INKAN_ERR_USAGE);
		assert_null (b);
	}
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_round_trip),
		cmocka_unit_test (test_separators),
		cmocka_unit_test (test_malformed),
	};
	return cmocka_run_group_tests (tests, NULL, NULL);
}
