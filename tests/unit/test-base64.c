/* base64 in both alphabets: round trips at every length mod 3, and what
 * each alphabet refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/base64.h>

static void
decodes_to (const char *text, inkan_base64_alphabet a, const char *want, size_t want_len)
{
	uint8_t *out = NULL;
	size_t n = 99;

	assert_int_equal (inkan_base64_decode (text, strlen (text), a, &out, &n), INKAN_OK);
	assert_int_equal (n, want_len);
	assert_memory_equal (out, want, want_len);
	free (out);
}

static void
refused (const char *text, inkan_base64_alphabet a)
{
	uint8_t *out = NULL;
	size_t n = 0;

	assert_int_equal (inkan_base64_decode (text, strlen (text), a, &out, &n), INKAN_ERR_BAD_INPUT);
	assert_null (out);
}

static void
test_round_trips (void **state)
{
	const uint8_t bytes[] = { 0xfb, 0xff, 0x00, 0x3e, 0x3f };
	size_t len;
	int a;

	(void) state;
	for (a = INKAN_BASE64_STD; a <= INKAN_BASE64_URL; a++)
		for (len = 0; len <= sizeof bytes; len++) {
			char *text = inkan_base64_encode (bytes, len, a);

			assert_non_null (text);
			decodes_to (text, a, (const char *) bytes, len);
			free (text);
		}
}

static void
test_alphabets (void **state)
{
	char *std = inkan_base64_encode ((const uint8_t *) "\xfb\xff", 2, INKAN_BASE64_STD);
	char *url = inkan_base64_encode ((const uint8_t *) "\xfb\xff", 2, INKAN_BASE64_URL);

	(void) state;
	assert_string_equal (std, "+/8=");
	assert_string_equal (url, "-_8");
	free (std);
	free (url);
}

static void
test_standard (void **state)
{
	(void) state;
	decodes_to ("aW5rYW4=", INKAN_BASE64_STD, "inkan", 5);
	decodes_to ("aW5rYQ==", INKAN_BASE64_STD, "inka", 4);
	refused ("aW5rYW4", INKAN_BASE64_STD);      /* padding is not optional here */
	refused ("-_8=", INKAN_BASE64_STD);         /* the other alphabet */
	refused ("aW5r YW4=", INKAN_BASE64_STD);
}

static void
test_url (void **state)
{
	(void) state;
	decodes_to ("-_8", INKAN_BASE64_URL, "\xfb\xff", 2);
	decodes_to ("", INKAN_BASE64_URL, "", 0);
	refused ("+/8", INKAN_BASE64_URL);
	refused ("AAA=", INKAN_BASE64_URL);
	refused ("A", INKAN_BASE64_URL);
	/* only the canonical spelling: "-_9" has a low bit set that "-_8" has not */
	refused ("-_9", INKAN_BASE64_URL);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_round_trips),
		cmocka_unit_test (test_alphabets),
		cmocka_unit_test (test_standard),
		cmocka_unit_test (test_url),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
