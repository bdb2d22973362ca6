#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>

#include "src/util/internal.h"
#include "src/crypto/provider.h"
#include "src/crypto/sigalg.h"

static const char *
provider_of_keymgmt (OSSL_LIB_CTX *libctx, const char *name)
{
	EVP_KEYMGMT *km = EVP_KEYMGMT_fetch (libctx, name, NULL);
	const char *prov;

	assert_non_null (km);
	prov = OSSL_PROVIDER_get0_name (EVP_KEYMGMT_get0_provider (km));
	EVP_KEYMGMT_free (km);
	return prov;
}

static void *
load_thread (void *libctx)
{
	return (void *) (intptr_t) inkan_provider_load (libctx);
}

static void
test_load_once_from_many_threads (void **state)
{
	OSSL_LIB_CTX *libctx = OSSL_LIB_CTX_new ();
	pthread_t threads[8];
	void *ret;
	size_t i;

	(void) state;
	for (i = 0; i < 8; i++)
		assert_int_equal (pthread_create (&threads[i], NULL, load_thread, libctx), 0);
	for (i = 0; i < 8; i++) {
		assert_int_equal (pthread_join (threads[i], &ret), 0);
		assert_int_equal ((intptr_t) ret, INKAN_OK);
	}
	assert_true (OSSL_PROVIDER_available (libctx, "inkan"));
	assert_true (OSSL_PROVIDER_available (libctx, "default"));
	/* Plain fetches by key type still get the default provider's. */
	assert_string_equal (provider_of_keymgmt (libctx, "RSA"), "default");
	assert_string_equal (provider_of_keymgmt (libctx, "EC"), "default");
	assert_string_equal (provider_of_keymgmt (libctx, "EC"), "default");
	inkan_provider_unload (libctx);
	assert_false (OSSL_PROVIDER_available (libctx, "inkan"));
	/* Again after unloading: loaded afresh. */
	assert_int_equal (inkan_provider_load (libctx), INKAN_OK);
	assert_true (OSSL_PROVIDER_available (libctx, "inkan"));
	inkan_provider_unload (libctx);
	OSSL_LIB_CTX_free (libctx);
}

/* An application that chose its providers (here: only "base") gets
 * "default" added; one that left it to OpenSSL keeps OpenSSL's fallback. */
static void
test_default_added_where_missing (void **state)
{
	OSSL_LIB_CTX *libctx = OSSL_LIB_CTX_new ();
	OSSL_PROVIDER *base = OSSL_PROVIDER_load (libctx, "base");

	(void) state;
	assert_non_null (base);
	assert_false (OSSL_PROVIDER_available (libctx, "default"));
	assert_int_equal (inkan_provider_load (libctx), INKAN_OK);
	assert_true (OSSL_PROVIDER_available (libctx, "default"));
	inkan_provider_unload (libctx);
	assert_false (OSSL_PROVIDER_available (libctx, "default"));
	OSSL_PROVIDER_unload (base);
	OSSL_LIB_CTX_free (libctx);
}

/* Only inkan_key_to_evp_pkey makes keys of our keymgmt: public numbers
 * offered to it are declined. */
static void
test_keymgmt_refuses_other_keys (void **state)
{
	OSSL_LIB_CTX *libctx = OSSL_LIB_CTX_new ();
	EVP_PKEY *ec = NULL, *copy = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx;

	(void) state;
	assert_int_equal (inkan_provider_load (libctx), INKAN_OK);
	ec = EVP_PKEY_Q_keygen (libctx, NULL, "EC", "P-256");
	assert_non_null (ec);
	assert_int_equal (EVP_PKEY_todata (ec, EVP_PKEY_PUBLIC_KEY, &params), 1);
	pctx = EVP_PKEY_CTX_new_from_name (libctx, "EC", "provider=inkan");
	assert_non_null (pctx);
	assert_int_equal (EVP_PKEY_fromdata_init (pctx), 1);
	assert_true (EVP_PKEY_fromdata (pctx, &copy, EVP_PKEY_PUBLIC_KEY, params) <= 0);
	assert_null (copy);
	EVP_PKEY_CTX_free (pctx);
	OSSL_PARAM_free (params);
	EVP_PKEY_free (ec);
	inkan_provider_unload (libctx);
	OSSL_LIB_CTX_free (libctx);
}

/* The AlgorithmIdentifier OpenSSL's default provider writes for a key of
 * that kind with those settings. */
static size_t
openssl_aid (EVP_PKEY *key, const char *md, int pss, unsigned char *aid, size_t size)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new ();
	EVP_PKEY_CTX *pctx = NULL;
	OSSL_PARAM params[2];

	assert_int_equal (EVP_DigestSignInit_ex (mctx, &pctx, md, NULL, NULL, key, NULL), 1);
	if (pss) {
		assert_int_equal (EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING), 1);
		assert_int_equal (EVP_PKEY_CTX_set_rsa_pss_saltlen (pctx, RSA_PSS_SALTLEN_DIGEST), 1);
	}
	params[0] = OSSL_PARAM_construct_octet_string (OSSL_SIGNATURE_PARAM_ALGORITHM_ID, aid, size);
	params[1] = OSSL_PARAM_construct_end ();
	assert_int_equal (EVP_PKEY_CTX_get_params (pctx, params), 1);
	EVP_MD_CTX_free (mctx);
	return params[0].return_size;
}

static void
test_algorithm_ids_are_openssls (void **state)
{
	static const char *const mds[] = { "SHA256", "SHA384", "SHA512" };
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 2048);
	EVP_PKEY *ec = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-384");
	static const inkan_sig_scheme schemes[] = { INKAN_SIG_PKCS1, INKAN_SIG_PSS, INKAN_SIG_ECDSA };
	size_t i, s;

	(void) state;
	assert_non_null (rsa);
	assert_non_null (ec);
	for (s = 0; s < 3; s++) {
		for (i = 0; i < 3; i++) {
			EVP_MD *md = EVP_MD_fetch (NULL, mds[i], NULL);
			unsigned char want[256];
			size_t want_len = openssl_aid (schemes[s] == INKAN_SIG_ECDSA ? ec : rsa, mds[i],
			                               schemes[s] == INKAN_SIG_PSS, want, sizeof want);
			uint8_t *der = NULL;
			size_t len = 0;

			assert_true (want_len > 0);
			assert_int_equal (inkan_sigalg_der (schemes[s], md, &der, &len), INKAN_OK);
			assert_int_equal (len, want_len);
			assert_memory_equal (der, want, len);
			OPENSSL_free (der);
			EVP_MD_free (md);
		}
	}
	EVP_PKEY_free (rsa);
	EVP_PKEY_free (ec);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_load_once_from_many_threads),
		cmocka_unit_test (test_default_added_where_missing),
		cmocka_unit_test (test_keymgmt_refuses_other_keys),
		cmocka_unit_test (test_algorithm_ids_are_openssls),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
