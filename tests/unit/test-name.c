#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/objects.h>

#include "src/util/internal.h"

/* The value of entry I as UTF-8, and its type's short name. */
static void
assert_entry (X509_NAME *name, int i, const char *sn, const char *utf8, int rdn)
{
	X509_NAME_ENTRY *e = X509_NAME_get_entry (name, i);
	unsigned char *s = NULL;
	int len;

	assert_non_null (e);
	assert_string_equal (OBJ_nid2sn (OBJ_obj2nid (X509_NAME_ENTRY_get_object (e))), sn);
	len = ASN1_STRING_to_UTF8 (&s, X509_NAME_ENTRY_get_data (e));
	assert_true (len >= 0);
	assert_int_equal ((size_t) len, strlen (utf8));
	assert_memory_equal (s, utf8, (size_t) len);
	assert_int_equal (X509_NAME_ENTRY_set (e), rdn);
	OPENSSL_free (s);
}

static void
test_order_and_types (void **state)
{
	X509_NAME *name = NULL;

	(void) state;
	assert_int_equal (inkan_name_parse ("/C=JP/O=Example/OU=Unit/CN=Name", &name), INKAN_OK);
	assert_int_equal (X509_NAME_entry_count (name), 4);
	assert_entry (name, 0, "C", "JP", 0);
	assert_entry (name, 1, "O", "Example", 1);
	assert_entry (name, 2, "OU", "Unit", 2);
	assert_entry (name, 3, "CN", "Name", 3);
	/* countryName is a PrintableString, as X.520 wants. */
	assert_int_equal (ASN1_STRING_type (X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, 0))),
	                  V_ASN1_PRINTABLESTRING);
	X509_NAME_free (name);
}

static void
test_utf8 (void **state)
{
	X509_NAME *name = NULL;

	(void) state;
	assert_int_equal (inkan_name_parse ("/C=KR/O=행정안전부/CN=홍길동/L=東京都 千代田区", &name),
	                  INKAN_OK);
	assert_entry (name, 1, "O", "행정안전부", 1);
	assert_entry (name, 2, "CN", "홍길동", 2);
	assert_entry (name, 3, "L", "東京都 千代田区", 3);
	assert_int_equal (ASN1_STRING_type (X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, 2))),
	                  V_ASN1_UTF8STRING);
	X509_NAME_free (name);
}

static void
test_escapes_and_rdns (void **state)
{
	X509_NAME *name = NULL;

	(void) state;
	assert_int_equal (inkan_name_parse ("/O=A\\/B\\+C\\\\D/CN=x=y+serialNumber=42/2.5.4.5=7/", &name),
	                  INKAN_OK);
	assert_int_equal (X509_NAME_entry_count (name), 4);
	assert_entry (name, 0, "O", "A/B+C\\D", 0);
	assert_entry (name, 1, "CN", "x=y", 1);
	/* After '+': the same RDN. */
	assert_entry (name, 2, "serialNumber", "42", 1);
	assert_entry (name, 3, "serialNumber", "7", 2);
	X509_NAME_free (name);
}

static void
test_malformed (void **state)
{
	static const char *const bad[] = {
		"", "CN=x", "/", "/CN", "/CN=", "/=x", "/CN=x/O", "/Nickname=x", "/CN=x+",
		"/C=JPN", "/CN=\xff\xfe", "/CN=x\\", "//CN=x", "/CN=a/+O=b",
	};
	size_t i;

	(void) state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		X509_NAME *name = (X509_NAME *) 1;

		inkan_detail_clear ();
		assert_int_equal (inkan_name_parse (bad[i], &name), INKAN_ERR_USAGE);
		assert_null (name);
		assert_true (strlen (inkan_detail ()) > 0);
	}
	inkan_name_parse ("/Nickname=x", &(X509_NAME *) { NULL });
	assert_non_null (strstr (inkan_detail (), "unknown attribute type \"Nickname\""));
	inkan_name_parse ("/C=JPN", &(X509_NAME *) { NULL });
	assert_non_null (strstr (inkan_detail (), "JPN"));
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_order_and_types),
		cmocka_unit_test (test_utf8),
		cmocka_unit_test (test_escapes_and_rdns),
		cmocka_unit_test (test_malformed),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
