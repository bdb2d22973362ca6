/* Signature scheme names: one table, read both ways. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inkan/key.h>

static void
test_names (void **state)
{
	(void) state;
	/* what inkan sign --json prints */
	assert_string_equal (inkan_sig_scheme_name (INKAN_SIG_PKCS1), "rsa-pkcs1");
	assert_string_equal (inkan_sig_scheme_name (INKAN_SIG_PSS), "rsa-pss");
	assert_string_equal (inkan_sig_scheme_name (INKAN_SIG_ECDSA), "ecdsa");
	/* what audit checkpoints hold */
	assert_string_equal (inkan_sig_scheme_hash_name (INKAN_SIG_PSS, INKAN_HASH_SHA256), "rsa-pss-sha256");
	assert_string_equal (inkan_sig_scheme_hash_name (INKAN_SIG_ECDSA, INKAN_HASH_SHA256), "ecdsa-sha256");
	assert_string_equal (inkan_sig_scheme_hash_name (INKAN_SIG_PKCS1, INKAN_HASH_SHA512), "rsa-pkcs1-sha512");
}

static void
test_round_trips (void **state)
{
	inkan_sig_scheme s, got;
	inkan_hash h, got_hash;

	(void) state;
	for (s = INKAN_SIG_PKCS1; s <= INKAN_SIG_ECDSA; s++) {
		assert_int_equal (inkan_sig_scheme_from_name (inkan_sig_scheme_name (s), &got, NULL), INKAN_OK);
		assert_int_equal (got, s);
		for (h = INKAN_HASH_SHA256; h <= INKAN_HASH_SHA512; h++) {
			assert_int_equal (inkan_sig_scheme_from_name (inkan_sig_scheme_hash_name (s, h), &got, &got_hash),
			                  INKAN_OK);
			assert_int_equal (got, s);
			assert_int_equal (got_hash, h);
		}
	}
}

static void
test_old_spellings_and_refusals (void **state)
{
	inkan_sig_scheme got;
	inkan_hash hash;

	(void) state;
	/* inkand's API has taken these all along */
	assert_int_equal (inkan_sig_scheme_from_name ("pss", &got, NULL), INKAN_OK);
	assert_int_equal (got, INKAN_SIG_PSS);
	assert_int_equal (inkan_sig_scheme_from_name ("pkcs1", &got, NULL), INKAN_OK);
	assert_int_equal (got, INKAN_SIG_PKCS1);
	/* a scheme alone where its hash is wanted, and the other way round */
	assert_int_equal (inkan_sig_scheme_from_name ("rsa-pss", &got, &hash), INKAN_ERR_BAD_INPUT);
	assert_int_equal (inkan_sig_scheme_from_name ("pss", &got, &hash), INKAN_ERR_BAD_INPUT);
	assert_int_equal (inkan_sig_scheme_from_name ("rsa-pss-sha256", &got, NULL), INKAN_ERR_BAD_INPUT);
	assert_int_equal (inkan_sig_scheme_from_name ("ecdsa-sha1", &got, &hash), INKAN_ERR_BAD_INPUT);
	assert_int_equal (inkan_sig_scheme_from_name ("", &got, NULL), INKAN_ERR_BAD_INPUT);
	assert_int_equal (inkan_sig_scheme_from_name (NULL, &got, NULL), INKAN_ERR_BAD_INPUT);
	assert_string_equal (inkan_sig_scheme_name ((inkan_sig_scheme) 42), "unknown");
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_names),
		cmocka_unit_test (test_round_trips),
		cmocka_unit_test (test_old_spellings_and_refusals),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
