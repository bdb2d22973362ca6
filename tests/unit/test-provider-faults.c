/* Token failures behind OpenSSL's own calls: a fake token under a provider
 * key, and what inkan_key_ossl_error makes of X509_REQ_sign_ctx failing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "pkcs11/p11.h"
#include "src/util/internal.h"

static CK_RV sign_rv;
static int sign_calls;

static CK_RV
fake_sign_init (CK_SESSION_HANDLE s, CK_MECHANISM *m, CK_OBJECT_HANDLE k)
{
	(void) s; (void) k;
	/* SoftHSM2 has no CKM_ECDSA_SHA256: inkan hashes, the token signs. */
	assert_int_equal (m->mechanism, CKM_ECDSA);
	return CKR_OK;
}

/* r||s of a P-256 signature: not a valid one, but well-formed. */
static CK_RV
fake_sign (CK_SESSION_HANDLE s, CK_BYTE *data, CK_ULONG len, CK_BYTE *sig, CK_ULONG *sig_len)
{
	(void) s; (void) data;
	assert_int_equal (len, 32);
	if (sig != NULL) {
		sign_calls++;
		memset (sig, 0x5a, 64);
	}
	*sig_len = 64;
	return sig != NULL ? sign_rv : CKR_OK;
}

static CK_FUNCTION_LIST fake = {
	.version = { 2, 40 },
	.C_SignInit = fake_sign_init,
	.C_Sign = fake_sign,
};

static struct inkan_token tok;
static struct inkan_key key;

static int
setup (void **state)
{
	(void) state;
	memset (&tok, 0, sizeof tok);
	tok.module = &fake;
	pthread_mutex_init (&tok.lock, NULL);
	memset (&key, 0, sizeof key);
	/* The test holds the one reference; the EVP_PKEYs add theirs. */
	key.refs = 1;
	key.tok = &tok;
	key.type = INKAN_KEY_EC;
	key.uri = (char *) "pkcs11:object=fake";
	key.pub = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
	sign_rv = CKR_OK;
	sign_calls = 0;
	return key.pub != NULL ? 0 : -1;
}

static int
teardown (void **state)
{
	(void) state;
	assert_int_equal (key.refs, 1);
	EVP_PKEY_free (key.pub);
	pthread_mutex_destroy (&tok.lock);
	return 0;
}

static int
sign_request (void)
{
	X509_REQ *req = X509_REQ_new ();
	EVP_MD_CTX *mctx = EVP_MD_CTX_new ();
	EVP_PKEY *pkey = NULL;
	int ok;

	assert_int_equal (inkan_key_to_evp_pkey (&key, NULL, &pkey), INKAN_OK);
	ok = X509_REQ_set_pubkey (req, pkey) &&
	     EVP_DigestSignInit_ex (mctx, NULL, "SHA256", NULL, NULL, pkey, NULL) == 1 &&
	     X509_REQ_sign_ctx (req, mctx) > 0;
	EVP_MD_CTX_free (mctx);
	EVP_PKEY_free (pkey);
	X509_REQ_free (req);
	return ok;
}

/* What the token says wrong comes back, code and detail, from under
 * OpenSSL; the signature it did make reaches the request DER-encoded. */
static void
test_token_errors_come_back (void **state)
{
	static const struct { CK_RV rv; inkan_err want; } cases[] = {
		{ CKR_DEVICE_REMOVED, INKAN_ERR_DEVICE_REMOVED },
		{ CKR_USER_NOT_LOGGED_IN, INKAN_ERR_NOT_LOGGED_IN },
		{ CKR_DEVICE_ERROR, INKAN_ERR_TOKEN },
	};
	size_t i;

	(void) state;
	assert_true (sign_request ());
	assert_int_equal (sign_calls, 1);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sign_rv = cases[i].rv;
		inkan_detail_clear ();
		assert_false (sign_request ());
		assert_int_equal (inkan_key_ossl_error (INKAN_ERR_CRYPTO), cases[i].want);
		assert_non_null (strstr (inkan_detail (), "pkcs11:object=fake"));
		assert_int_equal (ERR_peek_error (), 0);
	}
}

/* A failure of OpenSSL's own is the fallback, with OpenSSL's words. */
static void
test_openssl_errors_fall_back (void **state)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new ();

	(void) state;
	assert_int_equal (EVP_DigestSignInit_ex (mctx, NULL, "no-such-digest", NULL, NULL, key.pub, NULL), 0);
	assert_int_equal (inkan_key_ossl_error (INKAN_ERR_CRYPTO), INKAN_ERR_CRYPTO);
	assert_true (strlen (inkan_detail ()) > 0);
	assert_int_equal (ERR_peek_error (), 0);
	/* Nothing failed at all: still the fallback, and says so. */
	assert_int_equal (inkan_key_ossl_error (INKAN_ERR_CRYPTO), INKAN_ERR_CRYPTO);
	assert_non_null (strstr (inkan_detail (), "without saying why"));
	EVP_MD_CTX_free (mctx);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown (test_token_errors_come_back, setup, teardown),
		cmocka_unit_test_setup_teardown (test_openssl_errors_fall_back, setup, teardown),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
