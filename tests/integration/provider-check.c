/*
 * provider-check KEY-URI PIN-SOURCE: a token key, through inkan's OpenSSL
 * provider, used by OpenSSL's own code unchanged (EVP_DigestSign,
 * EVP_PKEY_sign, X509_sign_ctx, X509_REQ_sign_ctx, CMS_sign) in the default
 * and in a fresh library context; every result is verified with the
 * key's public half.  Prints TAP lines; exits non-zero on any failure.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <inkan/inkan.h>

static int checks, failures;

static void
check (int ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	printf ("%s %d - ", ok ? "ok" : "not ok", checks);
	va_start (ap, fmt);
	vprintf (fmt, ap);
	va_end (ap);
	printf ("\n");
	if (!ok) {
		failures++;
		ERR_print_errors_fp (stdout);
	}
	ERR_clear_error ();
}

static const char *const mds[] = { "SHA256", "SHA384", "SHA512" };
static const unsigned char msg[] = "inkan: signed on the token, checked in software";

static int
pss_setup (EVP_PKEY_CTX *pctx, int pss)
{
	return !pss || (EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
	                EVP_PKEY_CTX_set_rsa_pss_saltlen (pctx, RSA_PSS_SALTLEN_DIGEST) == 1);
}

static int
digest_sign (EVP_PKEY *pk, OSSL_LIB_CTX *libctx, const char *md, int pss,
             unsigned char *sig, size_t *sig_len)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new ();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	ok = EVP_DigestSignInit_ex (mctx, &pctx, md, libctx, NULL, pk, NULL) == 1 && pss_setup (pctx, pss) &&
	     EVP_DigestSign (mctx, sig, sig_len, msg, sizeof msg) == 1;
	EVP_MD_CTX_free (mctx);
	return ok;
}

static int
digest_verify (EVP_PKEY *key, OSSL_LIB_CTX *libctx, const char *md, int pss,
               const unsigned char *data, size_t len, const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new ();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	ok = EVP_DigestVerifyInit_ex (mctx, &pctx, md, libctx, NULL, key, NULL) == 1 && pss_setup (pctx, pss) &&
	     EVP_DigestVerify (mctx, sig, sig_len, data, len) == 1;
	EVP_MD_CTX_free (mctx);
	return ok;
}

static void
check_digest_sign (EVP_PKEY *pk, EVP_PKEY *pub, OSSL_LIB_CTX *libctx, int is_rsa)
{
	unsigned char sig[1024];
	size_t i;
	int pss;

	for (i = 0; i < 3; i++) {
		for (pss = 0; pss <= is_rsa; pss++) {
			size_t sig_len = sizeof sig;
			const char *what = pss ? "PSS" : "";

			check (digest_sign (pk, libctx, mds[i], pss, sig, &sig_len),
			       "EVP_DigestSign %s %s", mds[i], what);
			check (digest_verify (pub, libctx, mds[i], pss, msg, sizeof msg, sig, sig_len),
			       "the public key verifies it");
			check (digest_verify (pk, libctx, mds[i], pss, msg, sizeof msg, sig, sig_len),
			       "the token key verifies it too (delegated)");
			check (!digest_verify (pub, libctx, mds[i], pss, msg, sizeof msg - 1, sig, sig_len),
			       "another message does not verify");
		}
	}
}

/* EVP_PKEY_sign on a digest computed elsewhere (what CMS does without
 * signed attributes). */
static void
check_sign_digest (EVP_PKEY *pk, EVP_PKEY *pub, OSSL_LIB_CTX *libctx)
{
	unsigned char dgst[64], sig[1024];
	unsigned int dgst_len = 0;
	size_t sig_len = sizeof sig;
	EVP_MD *md = EVP_MD_fetch (libctx, "SHA384", NULL);
	EVP_PKEY_CTX *s = EVP_PKEY_CTX_new_from_pkey (libctx, pk, NULL);
	EVP_PKEY_CTX *v = EVP_PKEY_CTX_new_from_pkey (libctx, pub, NULL);

	check (EVP_Digest (msg, sizeof msg, dgst, &dgst_len, md, NULL) &&
	       EVP_PKEY_sign_init (s) == 1 && EVP_PKEY_CTX_set_signature_md (s, md) == 1 &&
	       EVP_PKEY_sign (s, sig, &sig_len, dgst, dgst_len) == 1,
	       "EVP_PKEY_sign of a SHA-384 digest");
	check (EVP_PKEY_verify_init (v) == 1 && EVP_PKEY_CTX_set_signature_md (v, md) == 1 &&
	       EVP_PKEY_verify (v, sig, sig_len, dgst, dgst_len) == 1,
	       "EVP_PKEY_verify with the public key");
	sig_len = 0;
	check (EVP_PKEY_sign (s, NULL, &sig_len, dgst, dgst_len) == 1 &&
	       sig_len == (size_t) EVP_PKEY_get_size (pub), "asking for the size says the most there can be");
	EVP_PKEY_CTX_free (s);
	EVP_PKEY_CTX_free (v);
	EVP_MD_free (md);
}

static X509 *
self_signed (EVP_PKEY *pk, OSSL_LIB_CTX *libctx, const char *md, int pss)
{
	X509 *x = X509_new_ex (libctx, NULL);
	X509_NAME *name = X509_NAME_new ();
	EVP_MD_CTX *mctx = EVP_MD_CTX_new ();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	ok = X509_set_version (x, X509_VERSION_3) &&
	     ASN1_INTEGER_set (X509_get_serialNumber (x), 1) &&
	     X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8,
	                                 (const unsigned char *) "inkan テスト", -1, -1, 0) &&
	     X509_set_subject_name (x, name) && X509_set_issuer_name (x, name) &&
	     X509_gmtime_adj (X509_getm_notBefore (x), 0) &&
	     X509_gmtime_adj (X509_getm_notAfter (x), 3600) &&
	     X509_set_pubkey (x, pk) &&
	     EVP_DigestSignInit_ex (mctx, &pctx, md, libctx, NULL, pk, NULL) == 1 &&
	     (!pss || EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING) == 1) &&
	     X509_sign_ctx (x, mctx) > 0;
	X509_NAME_free (name);
	EVP_MD_CTX_free (mctx);
	if (!ok) {
		X509_free (x);
		return NULL;
	}
	return x;
}

static void
check_x509 (EVP_PKEY *pk, EVP_PKEY *pub, OSSL_LIB_CTX *libctx, int is_rsa, X509 **cert)
{
	X509 *x = NULL;
	X509_REQ *req = X509_REQ_new_ex (libctx, NULL);
	EVP_MD_CTX *mctx = EVP_MD_CTX_new ();
	int pss;

	for (pss = 0; pss <= is_rsa; pss++) {
		X509_free (x);
		x = self_signed (pk, libctx, "SHA384", pss);
		check (x != NULL && X509_verify (x, pub) == 1,
		       "X509_sign_ctx %s: a self-signed certificate that verifies", pss ? "PSS" : "");
		check (x != NULL && EVP_PKEY_eq (X509_get0_pubkey (x), pub) == 1,
		       "its SubjectPublicKeyInfo is the token's public key");
		check (x != NULL && X509_check_private_key (x, pk) == 1,
		       "X509_check_private_key matches it with the token key");
	}
	check (X509_REQ_set_pubkey (req, pk) &&
	       EVP_DigestSignInit_ex (mctx, NULL, "SHA512", libctx, NULL, pk, NULL) == 1 &&
	       X509_REQ_sign_ctx (req, mctx) > 0 && X509_REQ_verify (req, pub) == 1,
	       "X509_REQ_sign_ctx: a request that verifies");
	X509_REQ_free (req);
	EVP_MD_CTX_free (mctx);
	*cert = x;
}

static int
cms_verifies (CMS_ContentInfo *cms, X509 *cert, OSSL_LIB_CTX *libctx)
{
	X509_STORE *store = X509_STORE_new ();
	BIO *der = BIO_new (BIO_s_mem ()), *data = BIO_new_mem_buf (msg, sizeof msg);
	CMS_ContentInfo *back = NULL;
	int ok;

	/* Through DER and back, as a receiver would see it. */
	ok = store != NULL && X509_STORE_add_cert (store, cert) &&
	     i2d_CMS_bio (der, cms) &&
	     (back = d2i_CMS_bio (der, NULL)) != NULL &&
	     CMS_verify (back, NULL, store, data, NULL, CMS_BINARY | CMS_DETACHED) == 1;
	(void) libctx;
	CMS_ContentInfo_free (back);
	BIO_free (der);
	BIO_free (data);
	X509_STORE_free (store);
	return ok;
}

static void
check_cms (EVP_PKEY *pk, X509 *cert, OSSL_LIB_CTX *libctx, int is_rsa)
{
	static const unsigned flags[] = { 0, CMS_NOATTR };
	BIO *data;
	CMS_ContentInfo *cms;
	size_t i;

	for (i = 0; i < 2; i++) {
		data = BIO_new_mem_buf (msg, sizeof msg);
		cms = CMS_sign_ex (cert, pk, NULL, data, CMS_BINARY | CMS_DETACHED | flags[i], libctx, NULL);
		check (cms != NULL && cms_verifies (cms, cert, libctx),
		       "CMS_sign %s signed attributes: CMS_verify accepts it", flags[i] ? "without" : "with");
		CMS_ContentInfo_free (cms);
		BIO_free (data);
	}
	if (is_rsa) {
		CMS_SignerInfo *si;
		EVP_PKEY_CTX *pctx;

		data = BIO_new_mem_buf (msg, sizeof msg);
		cms = CMS_sign_ex (NULL, NULL, NULL, NULL, CMS_BINARY | CMS_DETACHED | CMS_PARTIAL, libctx, NULL);
		si = cms ? CMS_add1_signer (cms, cert, pk, EVP_get_digestbyname ("SHA256"), CMS_KEY_PARAM) : NULL;
		pctx = si ? CMS_SignerInfo_get0_pkey_ctx (si) : NULL;
		check (pctx != NULL && EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		       CMS_final (cms, data, NULL, CMS_BINARY | CMS_DETACHED) == 1 &&
		       cms_verifies (cms, cert, libctx),
		       "CMS with RSA-PSS: CMS_verify accepts it");
		CMS_ContentInfo_free (cms);
		BIO_free (data);
	}
}

/* Our keymgmt answers to "RSA" and "EC" too; OpenSSL's own fetches by
 * those names must still get the default provider's. */
static void
check_no_collision (EVP_PKEY *pk, EVP_PKEY *pub, OSSL_LIB_CTX *libctx)
{
	EVP_PKEY *gen = EVP_PKEY_Q_keygen (libctx, NULL, "EC", "P-256");
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen (libctx, NULL, "RSA", (size_t) 1024);
	BIO *a = BIO_new (BIO_s_mem ()), *b = BIO_new (BIO_s_mem ());
	char *pa, *pb;
	long la, lb;

	check (gen != NULL && rsa != NULL, "RSA and EC key generation by name still work beside the provider");
	check (PEM_write_bio_PUBKEY (a, pk) && PEM_write_bio_PUBKEY (b, pub) &&
	       (la = BIO_get_mem_data (a, &pa)) == (lb = BIO_get_mem_data (b, &pb)) &&
	       memcmp (pa, pb, (size_t) la) == 0,
	       "PEM_write_bio_PUBKEY of the token key is that of its public key");
	check (EVP_PKEY_get_bits (pk) == EVP_PKEY_get_bits (pub) &&
	       EVP_PKEY_get_security_bits (pk) == EVP_PKEY_get_security_bits (pub) &&
	       EVP_PKEY_get_size (pk) == EVP_PKEY_get_size (pub),
	       "bits, security bits and size are the public key's");
	check (EVP_PKEY_get_id (pk) == EVP_PKEY_get_id (pub), "EVP_PKEY_get_id says %d", EVP_PKEY_get_id (pk));
	EVP_PKEY_free (gen);
	EVP_PKEY_free (rsa);
	BIO_free (a);
	BIO_free (b);
}

/* A provider loaded later empties OpenSSL's fetch cache; a signature
 * right after that must not leave our keymgmt as the one found by name. */
static void
check_no_collision_after_flush (EVP_PKEY *pk, OSSL_LIB_CTX *libctx)
{
	OSSL_PROVIDER *base = OSSL_PROVIDER_load (libctx, "base");
	unsigned char sig[1024];
	size_t sig_len = sizeof sig;
	EVP_PKEY *gen;

	check (base != NULL && digest_sign (pk, libctx, "SHA256", 0, sig, &sig_len),
	       "a signature after another provider was loaded");
	gen = EVP_PKEY_Q_keygen (libctx, NULL, "EC", "P-256");
	check (gen != NULL, "EC key generation by name still works after it");
	EVP_PKEY_free (gen);
	OSSL_PROVIDER_unload (base);
}

static void
check_refusals (EVP_PKEY *pk, OSSL_LIB_CTX *libctx, int is_rsa)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new ();
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char sig[1024];
	size_t sig_len = sizeof sig;
	int refused = EVP_DigestSignInit_ex (mctx, NULL, "SHA1", libctx, NULL, pk, NULL) != 1;
	inkan_err err = inkan_key_ossl_error (INKAN_ERR_CRYPTO);

	check (refused, "SHA-1 is refused");
	check (err == INKAN_ERR_UNSUPPORTED && strstr (inkan_detail (), "SHA1") != NULL,
	       "inkan_key_ossl_error says unsupported: %s", inkan_detail ());
	check (ERR_peek_error () == 0, "and empties the error queue");
	if (is_rsa) {
		check (EVP_DigestSignInit_ex (mctx, &pctx, "SHA256", libctx, NULL, pk, NULL) == 1 &&
		       EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_NO_PADDING) <= 0 &&
		       EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_OAEP_PADDING) <= 0,
		       "padding other than PKCS#1 and PSS is refused");
		refused = EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		          EVP_PKEY_CTX_set_rsa_pss_saltlen (pctx, RSA_PSS_SALTLEN_MAX) == 1 &&
		          EVP_DigestSign (mctx, sig, &sig_len, msg, sizeof msg) != 1;
		err = inkan_key_ossl_error (INKAN_ERR_CRYPTO);
		check (refused && err == INKAN_ERR_UNSUPPORTED,
		       "PSS with a salt the token cannot make is refused: %s", inkan_detail ());
	}
	EVP_MD_CTX_free (mctx);
}

/* A copy signs as the original does; parameters come from the public half. */
static void
check_dup_and_params (EVP_PKEY *pk, EVP_PKEY *pub, OSSL_LIB_CTX *libctx, int is_rsa)
{
	EVP_PKEY *dup = EVP_PKEY_dup (pk);
	unsigned char sig[1024];
	size_t sig_len = sizeof sig;
	char want[64] = "", got[64] = "";
	BIGNUM *n = NULL;

	check (dup != NULL && digest_sign (dup, libctx, "SHA256", 0, sig, &sig_len) &&
	       digest_verify (pub, libctx, "SHA256", 0, msg, sizeof msg, sig, sig_len),
	       "EVP_PKEY_dup gives a key that signs");
	if (is_rsa)
		check (EVP_PKEY_get_bn_param (pk, "n", &n) && BN_num_bits (n) == EVP_PKEY_get_bits (pub),
		       "the modulus is readable");
	else
		check (EVP_PKEY_get_group_name (pk, got, sizeof got, NULL) &&
		       EVP_PKEY_get_group_name (pub, want, sizeof want, NULL) && strcmp (got, want) == 0,
		       "the curve is %s", got);
	BN_free (n);
	EVP_PKEY_free (dup);
}

typedef struct {
	EVP_PKEY *pk, *pub;
	OSSL_LIB_CTX *libctx;
	int good;
} worker;

static void *
sign_many (void *arg)
{
	worker *w = arg;
	unsigned char sig[1024];
	int i;

	for (i = 0; i < 25; i++) {
		size_t sig_len = sizeof sig;

		if (digest_sign (w->pk, w->libctx, mds[i % 3], 0, sig, &sig_len) &&
		    digest_verify (w->pub, w->libctx, mds[i % 3], 0, msg, sizeof msg, sig, sig_len))
			w->good++;
	}
	return NULL;
}

/* One EVP_PKEY, several threads signing at once, as a daemon would. */
static void
check_threads (EVP_PKEY *pk, EVP_PKEY *pub, OSSL_LIB_CTX *libctx)
{
	pthread_t threads[4];
	worker w[4];
	int i, good = 0;

	for (i = 0; i < 4; i++) {
		w[i] = (worker) { pk, pub, libctx, 0 };
		if (pthread_create (&threads[i], NULL, sign_many, &w[i]) != 0)
			w[i].pk = NULL;
	}
	for (i = 0; i < 4; i++) {
		if (w[i].pk != NULL)
			pthread_join (threads[i], NULL);
		good += w[i].good;
	}
	check (good == 100, "4 threads, 100 signatures on one key: %d verify", good);
}

static void
run (inkan_key *key, EVP_PKEY *pub, OSSL_LIB_CTX *libctx, const char *where)
{
	int is_rsa = inkan_key_get_type (key) == INKAN_KEY_RSA;
	EVP_PKEY *pk = NULL;
	X509 *cert = NULL;
	inkan_err err;

	printf ("# %s, %s library context\n", inkan_key_get_uri (key), where);
	err = inkan_key_to_evp_pkey (key, libctx, &pk);
	check (err == INKAN_OK, "inkan_key_to_evp_pkey");
	if (err != INKAN_OK) {
		printf ("# %s: %s\n", inkan_strerror (err), inkan_detail ());
		return;
	}
	check (EVP_PKEY_is_a (pk, is_rsa ? "RSA" : "EC"), "the key is an %s key to OpenSSL",
	       is_rsa ? "RSA" : "EC");
	check (strcmp (OSSL_PROVIDER_get0_name (EVP_PKEY_get0_provider (pk)), "inkan") == 0,
	       "of the inkan provider");
	check (EVP_PKEY_eq (pk, pub) == 1, "EVP_PKEY_eq matches it with its public key");
	check_dup_and_params (pk, pub, libctx, is_rsa);
	check_digest_sign (pk, pub, libctx, is_rsa);
	check_sign_digest (pk, pub, libctx);
	check_x509 (pk, pub, libctx, is_rsa, &cert);
	if (cert != NULL)
		check_cms (pk, cert, libctx, is_rsa);
	check_no_collision (pk, pub, libctx);
	check_no_collision_after_flush (pk, libctx);
	check_refusals (pk, libctx, is_rsa);
	check_threads (pk, pub, libctx);
	X509_free (cert);
	EVP_PKEY_free (pk);
}

int
main (int argc, char **argv)
{
	inkan_ctx *ctx = NULL;
	inkan_token *tok = NULL;
	inkan_secret *pin = NULL;
	inkan_key *key = NULL;
	EVP_PKEY *pub = NULL;
	OSSL_LIB_CTX *fresh;
	inkan_err err;

	if (argc != 3) {
		fprintf (stderr, "usage: provider-check KEY-URI PIN-SOURCE\n");
		return 2;
	}
	err = inkan_ctx_new (&ctx);
	if (err == INKAN_OK && getenv ("INKAN_MODULE") != NULL)
		err = inkan_ctx_set_module (ctx, getenv ("INKAN_MODULE"));
	if (err == INKAN_OK)
		err = inkan_token_open (ctx, argv[1], &tok);
	if (err == INKAN_OK)
		err = inkan_secret_read (argv[2], &pin);
	if (err == INKAN_OK)
		err = inkan_token_login (tok, INKAN_USER_NORMAL, pin, 0);
	if (err == INKAN_OK)
		err = inkan_key_open (tok, argv[1], &key);
	if (err == INKAN_OK)
		err = inkan_key_get_public (key, &pub);
	if (err != INKAN_OK) {
		printf ("Bail out! %s: %s\n", inkan_strerror (err), inkan_detail ());
		return 1;
	}
	run (key, pub, NULL, "the default");
	fresh = OSSL_LIB_CTX_new ();
	run (key, pub, fresh, "a fresh");
	inkan_provider_unload (fresh);
	OSSL_LIB_CTX_free (fresh);

	EVP_PKEY_free (pub);
	inkan_key_free (key);
	inkan_secret_free (pin);
	inkan_token_free (tok);
	inkan_ctx_free (ctx);
	printf ("1..%d\n", checks);
	return failures == 0 ? 0 : 1;
}
