/* RFC 7512 URIs as inkan reads them: what is refused as malformed (and
 * says so), percent-encoded labels, type= and id=, and how a URI becomes
 * the search for the one object a verb needs, against a fake token. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "pkcs11/p11.h"
#include "src/util/internal.h"

/* ---- inkan_p11_uri_parse ---- */

static const CK_ATTRIBUTE *
attr (P11KitUri *uri, CK_ATTRIBUTE_TYPE type)
{
	return p11_kit_uri_get_attribute (uri, type);
}

static P11KitUri *
parse_ok (const char *text)
{
	P11KitUri *uri = NULL;

	assert_int_equal (inkan_p11_uri_parse (text, &uri), INKAN_OK);
	assert_non_null (uri);
	return uri;
}

/* No URI at all means "anything": no error, and no URI object. */
static void
test_null_text (void **state)
{
	P11KitUri *uri = (P11KitUri *) 1;

	(void) state;
	assert_int_equal (inkan_p11_uri_parse (NULL, &uri), INKAN_OK);
	assert_null (uri);
}

/* Malformed URIs are usage errors whose detail quotes the URI, so the user
 * sees which argument was wrong.  Misspelt attributes and type= values
 * parse in p11-kit but would match nothing: they are refused too. */
static void
test_malformed (void **state)
{
	static const char *bad[] = {
		"http://example",               /* another scheme */
		"",
		"pkcs11",                       /* no colon */
		"token=test",                   /* no scheme */
		"pkcs11:id=%zz",                /* not hex */
		"pkcs11:object=%4",             /* truncated escape */
		"pkcs11:object=%",
		"pkcs11:slot-id=abc",           /* not a number */
		"pkcs11:library-version=x",
		"pkcs11:type=privat",           /* no such type */
		"pkcs11:tpye=cert",             /* no such attribute */
		"pkcs11:token=test;tokn=test",
		NULL,
	};
	size_t i;

	(void) state;
	for (i = 0; bad[i] != NULL; i++) {
		P11KitUri *uri = (P11KitUri *) 1;

		inkan_detail_clear ();
		if (inkan_p11_uri_parse (bad[i], &uri) != INKAN_ERR_USAGE)
			fail_msg ("\"%s\" was not refused as a usage error", bad[i]);
		assert_null (uri);
		assert_non_null (strstr (inkan_detail (), "PKCS#11 URI"));
		if (strstr (inkan_detail (), bad[i]) == NULL)
			fail_msg ("the detail for \"%s\" does not quote it: %s", bad[i], inkan_detail ());
		/* One line, for tool_fail to print as one. */
		assert_null (strchr (inkan_detail (), '\n'));
	}
}

/* Labels are percent-encoded UTF-8: a space, Japanese and Korean. */
static void
test_percent_encoded_labels (void **state)
{
	P11KitUri *uri;
	const CK_ATTRIBUTE *a;
	CK_TOKEN_INFO ti;
	static const char label[] = "\xe5\x8d\xb0\xe9\x91\x91 \xec\x9d\xb8\xea\xb0\x90"; /* 印鑑 인감 */

	(void) state;
	uri = parse_ok ("pkcs11:token=My%20HSM;object=%E5%8D%B0%E9%91%91%20%EC%9D%B8%EA%B0%90");
	a = attr (uri, CKA_LABEL);
	assert_non_null (a);
	assert_int_equal (a->ulValueLen, strlen (label));
	assert_memory_equal (a->pValue, label, strlen (label));

	/* The token label matches the space-padded field of CK_TOKEN_INFO,
	 * exactly: neither a longer label nor the encoded form. */
	memset (&ti, ' ', sizeof ti);
	memcpy (ti.label, "My HSM", 6);
	assert_true (p11_kit_uri_match_token_info (uri, &ti));
	memcpy (ti.label, "My HSM2", 7);
	assert_false (p11_kit_uri_match_token_info (uri, &ti));
	memset (&ti, ' ', sizeof ti);
	memcpy (ti.label, "My%20HSM", 8);
	assert_false (p11_kit_uri_match_token_info (uri, &ti));
	p11_kit_uri_free (uri);

	/* A URI without a token attribute matches any token. */
	uri = parse_ok ("pkcs11:object=x");
	assert_true (p11_kit_uri_match_token_info (uri, &ti));
	p11_kit_uri_free (uri);
}

static void
expect_class (const char *text, CK_OBJECT_CLASS want)
{
	P11KitUri *uri = parse_ok (text);
	const CK_ATTRIBUTE *a = attr (uri, CKA_CLASS);

	assert_non_null (a);
	assert_int_equal (a->ulValueLen, sizeof (CK_OBJECT_CLASS));
	assert_int_equal (*(CK_OBJECT_CLASS *) a->pValue, want);
	p11_kit_uri_free (uri);
}

static void
test_type_and_id (void **state)
{
	P11KitUri *uri;
	const CK_ATTRIBUTE *a;

	(void) state;
	expect_class ("pkcs11:object=k;type=private", CKO_PRIVATE_KEY);
	expect_class ("pkcs11:object=k;type=public", CKO_PUBLIC_KEY);
	expect_class ("pkcs11:object=k;type=cert", CKO_CERTIFICATE);
	expect_class ("pkcs11:object=k;type=data", CKO_DATA);
	expect_class ("pkcs11:object=k;type=secret-key", CKO_SECRET_KEY);

	uri = parse_ok ("pkcs11:id=%01");
	a = attr (uri, CKA_ID);
	assert_non_null (a);
	assert_int_equal (a->ulValueLen, 1);
	assert_int_equal (((CK_BYTE *) a->pValue)[0], 0x01);
	assert_null (attr (uri, CKA_CLASS));
	assert_null (attr (uri, CKA_LABEL));
	p11_kit_uri_free (uri);

	uri = parse_ok ("pkcs11:token=t;id=%0a%B2%00");
	a = attr (uri, CKA_ID);
	assert_non_null (a);
	assert_int_equal (a->ulValueLen, 3);
	assert_memory_equal (a->pValue, "\x0a\xb2\x00", 3);
	p11_kit_uri_free (uri);
}

/* ---- inkan_p11_find_one and inkan_p11_object_uri, on a fake token ---- */

#define MAX_TMPL 8
static CK_ATTRIBUTE seen_tmpl[MAX_TMPL];
static CK_BYTE seen_values[MAX_TMPL][64];
static CK_ULONG seen_n;
static int find_inits;
/* What each C_FindObjects search returns, in turn: the first search, and
 * the listing of what is there when the first found nothing. */
static CK_OBJECT_HANDLE results[2][4];
static CK_ULONG n_results[2];

static CK_RV
fake_get_token_info (CK_SLOT_ID slot, CK_TOKEN_INFO *info)
{
	(void) slot;
	memset (info, ' ', sizeof *info);
	memcpy (info->label, "fake", 4);
	memcpy (info->manufacturerID, "inkan tests", 11);
	memcpy (info->model, "fake", 4);
	memcpy (info->serialNumber, "0001", 4);
	return CKR_OK;
}

static CK_RV
fake_find_init (CK_SESSION_HANDLE s, CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	CK_ULONG i;

	(void) s;
	/* The first search's template is the one the URI made. */
	if (find_inits++ == 0) {
		assert_true (n <= MAX_TMPL);
		for (i = 0; i < n; i++) {
			assert_true (tmpl[i].ulValueLen <= sizeof seen_values[i]);
			memcpy (seen_values[i], tmpl[i].pValue, tmpl[i].ulValueLen);
			seen_tmpl[i] = tmpl[i];
			seen_tmpl[i].pValue = seen_values[i];
		}
		seen_n = n;
	}
	return CKR_OK;
}

static int find_pending;

static CK_RV
fake_find (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *out, CK_ULONG max, CK_ULONG *got)
{
	int which = find_inits > 1 ? 1 : 0;

	(void) s;
	*got = 0;
	if (!find_pending)
		return CKR_OK;
	find_pending = 0;
	assert_true (n_results[which] <= max);
	memcpy (out, results[which], n_results[which] * sizeof *out);
	*got = n_results[which];
	return CKR_OK;
}

static CK_RV
fake_find_final (CK_SESSION_HANDLE s)
{
	(void) s;
	find_pending = 1;
	return CKR_OK;
}

/* Object H: a private key labelled "my key" (H odd) or "印鑑" (H even),
 * with the one-byte ID H. */
static CK_RV
fake_get_attr (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE *a, CK_ULONG n)
{
	static const CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_BYTE id = (CK_BYTE) h;
	const void *value;
	CK_ULONG len;

	(void) s;
	assert_int_equal (n, 1);
	switch (a->type) {
	case CKA_CLASS: value = &cls; len = sizeof cls; break;
	case CKA_LABEL:
		value = h % 2 ? "my key" : "\xe5\x8d\xb0\xe9\x91\x91";
		len = strlen (value);
		break;
	case CKA_ID: value = &id; len = 1; break;
	default:
		a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
		return CKR_ATTRIBUTE_TYPE_INVALID;
	}
	if (a->pValue != NULL) {
		if (a->ulValueLen < len)
			return CKR_BUFFER_TOO_SMALL;
		memcpy (a->pValue, value, len);
	}
	a->ulValueLen = len;
	return CKR_OK;
}

static CK_FUNCTION_LIST fake = {
	.version = { 2, 40 },
	.C_GetTokenInfo = fake_get_token_info,
	.C_GetAttributeValue = fake_get_attr,
	.C_FindObjectsInit = fake_find_init,
	.C_FindObjects = fake_find,
	.C_FindObjectsFinal = fake_find_final,
};

static struct inkan_token tok;

static void
reset_fake (void)
{
	memset (seen_tmpl, 0, sizeof seen_tmpl);
	seen_n = 0;
	find_inits = 0;
	find_pending = 1;
	memset (n_results, 0, sizeof n_results);
}

static int
setup (void **state)
{
	(void) state;
	memset (&tok, 0, sizeof tok);
	tok.module = &fake;
	tok.info.label = (char *) "fake";
	pthread_mutex_init (&tok.lock, NULL);
	reset_fake ();
	return 0;
}

static int
teardown (void **state)
{
	(void) state;
	pthread_mutex_destroy (&tok.lock);
	return 0;
}

static const CK_ATTRIBUTE *
seen (CK_ATTRIBUTE_TYPE type)
{
	CK_ULONG i;

	for (i = 0; i < seen_n; i++)
		if (seen_tmpl[i].type == type)
			return &seen_tmpl[i];
	return NULL;
}

/* The URI's label, id and type, decoded, are what the token is asked for;
 * token attributes are not object attributes and stay out. */
static void
test_find_one_template (void **state)
{
	CK_OBJECT_HANDLE h = 0;
	const CK_ATTRIBUTE *a;

	(void) state;
	results[0][0] = 7;
	n_results[0] = 1;
	assert_int_equal (inkan_p11_find_one (&tok, "pkcs11:token=fake;object=my%20key;id=%07", CKO_PRIVATE_KEY,
	                                      "private key", &h), INKAN_OK);
	assert_int_equal (h, 7);
	assert_int_equal (seen_n, 3);
	a = seen (CKA_LABEL);
	assert_non_null (a);
	assert_int_equal (a->ulValueLen, 6);
	assert_memory_equal (a->pValue, "my key", 6);
	a = seen (CKA_ID);
	assert_non_null (a);
	assert_int_equal (a->ulValueLen, 1);
	assert_int_equal (((CK_BYTE *) a->pValue)[0], 7);
	a = seen (CKA_CLASS);
	assert_non_null (a);
	assert_int_equal (*(CK_OBJECT_CLASS *) a->pValue, CKO_PRIVATE_KEY);
}

/* Any class sought: the URI's own type= decides, and without one the
 * search is not narrowed by class at all. */
static void
test_find_one_any_class (void **state)
{
	CK_OBJECT_HANDLE h = 0;
	const CK_ATTRIBUTE *a;

	(void) state;
	results[0][0] = 3;
	n_results[0] = 1;
	assert_int_equal (inkan_p11_find_one (&tok, "pkcs11:object=my%20key;type=cert", (CK_OBJECT_CLASS) -1,
	                                      "object", &h), INKAN_OK);
	a = seen (CKA_CLASS);
	assert_non_null (a);
	assert_int_equal (*(CK_OBJECT_CLASS *) a->pValue, CKO_CERTIFICATE);

	reset_fake ();
	results[0][0] = 3;
	n_results[0] = 1;
	assert_int_equal (inkan_p11_find_one (&tok, "pkcs11:object=my%20key", (CK_OBJECT_CLASS) -1,
	                                      "object", &h), INKAN_OK);
	assert_null (seen (CKA_CLASS));
	assert_int_equal (seen_n, 1);
}

/* A URI naming a certificate where a private key is needed is the user's
 * mistake, found before the token is asked anything. */
static void
test_find_one_wrong_type (void **state)
{
	CK_OBJECT_HANDLE h = 0;

	(void) state;
	assert_int_equal (inkan_p11_find_one (&tok, "pkcs11:object=k;type=cert", CKO_PRIVATE_KEY,
	                                      "private key", &h), INKAN_ERR_USAGE);
	assert_non_null (strstr (inkan_detail (), "names another type of object than a private key"));
	assert_int_equal (find_inits, 0);
	assert_int_equal (inkan_p11_find_one (&tok, "pkcs11:object=k;type=privat", CKO_PRIVATE_KEY,
	                                      "private key", &h), INKAN_ERR_USAGE);
	assert_int_equal (find_inits, 0);
}

/* None: not found, and the detail lists the keys there are, their labels
 * percent-encoded as a URI must have them. */
static void
test_find_one_none (void **state)
{
	CK_OBJECT_HANDLE h = 0;

	(void) state;
	n_results[0] = 0;
	results[1][0] = 1;
	results[1][1] = 2;
	n_results[1] = 2;
	assert_int_equal (inkan_p11_find_one (&tok, "pkcs11:object=nope", CKO_PRIVATE_KEY, "private key", &h),
	                  INKAN_ERR_NOT_FOUND);
	assert_int_equal (find_inits, 2);
	assert_non_null (strstr (inkan_detail (), "no private key matches pkcs11:object=nope"));
	assert_non_null (strstr (inkan_detail (), "object=my%20key"));
	assert_non_null (strstr (inkan_detail (), "object=%E5%8D%B0%E9%91%91"));
	assert_non_null (strstr (inkan_detail (), "id=%01"));
	assert_non_null (strstr (inkan_detail (), "id=%02"));
	assert_null (strchr (inkan_detail (), '\n'));
}

/* Several where one is needed: ambiguous, listing each. */
static void
test_find_one_several (void **state)
{
	CK_OBJECT_HANDLE h = 0;

	(void) state;
	results[0][0] = 1;
	results[0][1] = 3;
	n_results[0] = 2;
	assert_int_equal (inkan_p11_find_one (&tok, "pkcs11:object=my%20key", CKO_PRIVATE_KEY, "private key", &h),
	                  INKAN_ERR_AMBIGUOUS);
	assert_int_equal (h, 0);
	assert_non_null (strstr (inkan_detail (), "2 objects match pkcs11:object=my%20key"));
	assert_non_null (strstr (inkan_detail (), "id=%01"));
	assert_non_null (strstr (inkan_detail (), "id=%03"));
	assert_null (strchr (inkan_detail (), '\n'));
}

static void
test_find_one_malformed (void **state)
{
	CK_OBJECT_HANDLE h = 0;

	(void) state;
	assert_int_equal (inkan_p11_find_one (&tok, "pkcs11:id=%zz", CKO_PRIVATE_KEY, "private key", &h),
	                  INKAN_ERR_USAGE);
	assert_int_equal (find_inits, 0);
}

/* The URI inkan prints for an object parses back to the same object. */
static void
test_object_uri_round_trip (void **state)
{
	char *text = NULL;
	P11KitUri *uri;
	const CK_ATTRIBUTE *a;
	CK_TOKEN_INFO ti;

	(void) state;
	assert_int_equal (inkan_p11_object_uri (&tok, 2, &text), INKAN_OK);
	assert_non_null (strstr (text, "token=fake"));
	assert_non_null (strstr (text, "object=%E5%8D%B0%E9%91%91"));
	assert_non_null (strstr (text, "type=private"));
	uri = parse_ok (text);
	a = attr (uri, CKA_LABEL);
	assert_non_null (a);
	assert_memory_equal (a->pValue, "\xe5\x8d\xb0\xe9\x91\x91", 6);
	a = attr (uri, CKA_ID);
	assert_non_null (a);
	assert_int_equal (a->ulValueLen, 1);
	assert_int_equal (((CK_BYTE *) a->pValue)[0], 2);
	fake_get_token_info (0, &ti);
	assert_true (p11_kit_uri_match_token_info (uri, &ti));
	p11_kit_uri_free (uri);
	free (text);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_null_text),
		cmocka_unit_test (test_malformed),
		cmocka_unit_test (test_percent_encoded_labels),
		cmocka_unit_test (test_type_and_id),
		cmocka_unit_test_setup_teardown (test_find_one_template, setup, teardown),
		cmocka_unit_test_setup_teardown (test_find_one_any_class, setup, teardown),
		cmocka_unit_test_setup_teardown (test_find_one_wrong_type, setup, teardown),
		cmocka_unit_test_setup_teardown (test_find_one_none, setup, teardown),
		cmocka_unit_test_setup_teardown (test_find_one_several, setup, teardown),
		cmocka_unit_test_setup_teardown (test_find_one_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown (test_object_uri_round_trip, setup, teardown),
	};
	return cmocka_run_group_tests (tests, NULL, NULL);
}
