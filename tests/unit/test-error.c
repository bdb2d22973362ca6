#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pkcs11/p11.h"
#include "src/util/internal.h"

static void
test_every_code_has_words (void **state)
{
	int e;

	(void) state;
	for (e = 0; e < INKAN_ERR_LAST; e++) {
		assert_non_null (inkan_strerror ((inkan_err) e));
		assert_true (strlen (inkan_strerror ((inkan_err) e)) > 0);
		assert_string_not_equal (inkan_err_name ((inkan_err) e), "unknown");
	}
	assert_string_equal (inkan_err_name (INKAN_ERR_LAST), "unknown");
	assert_string_equal (inkan_err_name ((inkan_err) -1), "unknown");
}

static void
test_p11_mapping (void **state)
{
	static const struct { CK_RV rv; inkan_err want; } map[] = {
		{ CKR_PIN_INCORRECT, INKAN_ERR_PIN_INCORRECT },
		{ CKR_PIN_LOCKED, INKAN_ERR_PIN_LOCKED },
		{ CKR_PIN_LEN_RANGE, INKAN_ERR_PIN_INVALID },
		{ CKR_USER_NOT_LOGGED_IN, INKAN_ERR_NOT_LOGGED_IN },
		{ CKR_SIGNATURE_INVALID, INKAN_ERR_BAD_SIGNATURE },
		{ CKR_DEVICE_REMOVED, INKAN_ERR_DEVICE_REMOVED },
		{ CKR_TOKEN_NOT_PRESENT, INKAN_ERR_DEVICE_REMOVED },
		{ CKR_TOKEN_WRITE_PROTECTED, INKAN_ERR_READ_ONLY },
		{ CKR_MECHANISM_INVALID, INKAN_ERR_UNSUPPORTED },
		{ CKR_DEVICE_ERROR, INKAN_ERR_TOKEN },
		{ CKR_GENERAL_ERROR, INKAN_ERR_TOKEN },
	};
	size_t i;

	(void) state;
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		assert_int_equal (inkan_p11_fail (map[i].rv, "C_Test"), map[i].want);
	/* The detail names the call and the code. */
	inkan_p11_fail (CKR_DEVICE_ERROR, "C_Sign");
	assert_non_null (strstr (inkan_detail (), "C_Sign"));
	assert_non_null (strstr (inkan_detail (), "0x00000030"));
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_every_code_has_words),
		cmocka_unit_test (test_p11_mapping),
	};
	return cmocka_run_group_tests (tests, NULL, NULL);
}
