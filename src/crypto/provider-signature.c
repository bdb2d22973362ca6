/*
 * The provider's signatures: the digest is computed here, the signature on
 * the token (inkan_key_sign_digest); verification is the default
 * provider's, on the key's public half.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include "src/util/internal.h"
#include "src/util/ecdsa.h"
#include "src/crypto/provider.h"
#include "src/crypto/sigalg.h"

typedef struct {
	OSSL_LIB_CTX *libctx;
	inkan_pkey *pk;
	EVP_MD *md;             /* NULL: not chosen yet */
	EVP_MD *mgf1_md;        /* NULL: the same as MD */
	int pad;                /* RSA_PKCS1_PADDING or RSA_PKCS1_PSS_PADDING */
	int saltlen;            /* bytes, or OpenSSL's RSA_PSS_SALTLEN_* */
	EVP_MD_CTX *mdctx;      /* DigestSign/DigestVerify: the digest so far */
	EVP_PKEY_CTX *verifier; /* verification: the default provider's */
} sigctx;

static int
fail (inkan_err err)
{
	inkan_provider_raise (err);
	return 0;
}

static void *
sig_newctx (void *provctx, const char *propq)
{
	sigctx *ctx = calloc (1, sizeof *ctx);

	(void) propq;
	if (ctx == NULL)
		return NULL;
	ctx->libctx = ((inkan_provctx *) provctx)->libctx;
	ctx->pad = RSA_PKCS1_PADDING;
	ctx->saltlen = RSA_PSS_SALTLEN_DIGEST;
	return ctx;
}

static void
sig_freectx (void *vctx)
{
	sigctx *ctx = vctx;

	if (ctx == NULL)
		return;
	inkan_pkey_free (ctx->pk);
	EVP_MD_free (ctx->md);
	EVP_MD_free (ctx->mgf1_md);
	EVP_MD_CTX_free (ctx->mdctx);
	EVP_PKEY_CTX_free (ctx->verifier);
	free (ctx);
}

static EVP_MD *
md_ref (EVP_MD *md)
{
	return EVP_MD_up_ref (md) ? md : NULL;
}

/* OpenSSL duplicates the context to finish a signature while the caller
 * may go on feeding the original. */
static void *
sig_dupctx (void *vctx)
{
	const sigctx *src = vctx;
	sigctx *ctx = calloc (1, sizeof *ctx);

	if (ctx == NULL)
		return NULL;
	ctx->libctx = src->libctx;
	ctx->pad = src->pad;
	ctx->saltlen = src->saltlen;
	if (src->pk != NULL)
		ctx->pk = inkan_pkey_ref (src->pk);
	if ((src->md != NULL && (ctx->md = md_ref (src->md)) == NULL) ||
	    (src->mgf1_md != NULL && (ctx->mgf1_md = md_ref (src->mgf1_md)) == NULL))
		goto fail;
	if (src->mdctx != NULL &&
	    ((ctx->mdctx = EVP_MD_CTX_new ()) == NULL || !EVP_MD_CTX_copy_ex (ctx->mdctx, src->mdctx)))
		goto fail;
	if (src->verifier != NULL && (ctx->verifier = EVP_PKEY_CTX_dup (src->verifier)) == NULL)
		goto fail;
	return ctx;
fail:
	sig_freectx (ctx);
	return NULL;
}

static int
md_supported (const EVP_MD *md)
{
	int type = EVP_MD_get_type (md);

	return type == NID_sha256 || type == NID_sha384 || type == NID_sha512;
}

static inkan_hash
md_hash (const EVP_MD *md)
{
	switch (EVP_MD_get_type (md)) {
	case NID_sha384:
		return INKAN_HASH_SHA384;
	case NID_sha512:
		return INKAN_HASH_SHA512;
	default:
		return INKAN_HASH_SHA256;
	}
}

static int
fetch_md (sigctx *ctx, const char *name, const char *propq, EVP_MD **slot)
{
	EVP_MD *md = EVP_MD_fetch (ctx->libctx, name, propq);

	if (md == NULL || !md_supported (md)) {
		EVP_MD_free (md);
		return fail (inkan_fail (INKAN_ERR_UNSUPPORTED,
		                         _("the token key signs with SHA-256, SHA-384 or SHA-512, not %s"),
		                         name));
	}
	/* The digest of a DigestSign under way cannot change midstream. */
	if (slot == &ctx->md && ctx->mdctx != NULL && ctx->md != NULL &&
	    EVP_MD_get_type (ctx->md) != EVP_MD_get_type (md)) {
		EVP_MD_free (md);
		return fail (inkan_fail (INKAN_ERR_USAGE, "%s", _("the digest cannot change while signing")));
	}
	EVP_MD_free (*slot);
	*slot = md;
	return 1;
}

/* OpenSSL passes RSA padding and salt lengths as numbers or as names. */
typedef struct {
	int value;
	const char *name;
} named_int;

static const named_int pad_names[] = {
	{ RSA_PKCS1_PADDING, OSSL_PKEY_RSA_PAD_MODE_PKCSV15 },
	{ RSA_PKCS1_PSS_PADDING, OSSL_PKEY_RSA_PAD_MODE_PSS },
}, saltlen_names[] = {
	{ RSA_PSS_SALTLEN_DIGEST, OSSL_PKEY_RSA_PSS_SALT_LEN_DIGEST },
	{ RSA_PSS_SALTLEN_MAX, OSSL_PKEY_RSA_PSS_SALT_LEN_MAX },
	{ RSA_PSS_SALTLEN_AUTO, OSSL_PKEY_RSA_PSS_SALT_LEN_AUTO },
};

static int
param_to_int (const OSSL_PARAM *p, const named_int *table, size_t n, int *out)
{
	size_t i;

	if (p->data_type != OSSL_PARAM_UTF8_STRING)
		return OSSL_PARAM_get_int (p, out);
	for (i = 0; i < n; i++) {
		if (strcmp (p->data, table[i].name) == 0) {
			*out = table[i].value;
			return 1;
		}
	}
	/* A salt length may also be a number in words. */
	return table == saltlen_names && sscanf (p->data, "%d", out) == 1;
}

static int
int_to_param (OSSL_PARAM *p, const named_int *table, size_t n, int value)
{
	char num[16];
	size_t i;

	if (p->data_type != OSSL_PARAM_UTF8_STRING)
		return OSSL_PARAM_set_int (p, value);
	for (i = 0; i < n; i++) {
		if (table[i].value == value)
			return OSSL_PARAM_set_utf8_string (p, table[i].name);
	}
	snprintf (num, sizeof num, "%d", value);
	return OSSL_PARAM_set_utf8_string (p, num);
}

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

static int
sig_set_ctx_params (void *vctx, const OSSL_PARAM params[])
{
	sigctx *ctx = vctx;
	const OSSL_PARAM *p, *props;
	const char *name, *propq = NULL;
	int value;

	if (params == NULL)
		return 1;
	props = OSSL_PARAM_locate_const (params, OSSL_SIGNATURE_PARAM_PROPERTIES);
	if (props != NULL && !OSSL_PARAM_get_utf8_string_ptr (props, &propq))
		return 0;
	p = OSSL_PARAM_locate_const (params, OSSL_SIGNATURE_PARAM_DIGEST);
	if (p != NULL && (!OSSL_PARAM_get_utf8_string_ptr (p, &name) ||
	                  !fetch_md (ctx, name, propq, &ctx->md)))
		return 0;

	p = OSSL_PARAM_locate_const (params, OSSL_SIGNATURE_PARAM_PAD_MODE);
	if (p != NULL) {
		if (!param_to_int (p, pad_names, N_ELEMENTS (pad_names), &value) ||
		    (value != RSA_PKCS1_PADDING && value != RSA_PKCS1_PSS_PADDING) ||
		    (ctx->pk != NULL && ctx->pk->type != INKAN_KEY_RSA))
			return fail (inkan_fail (INKAN_ERR_UNSUPPORTED,
			                         "%s", _("the token key signs with PKCS#1 v1.5 or PSS padding only")));
		ctx->pad = value;
	}
	p = OSSL_PARAM_locate_const (params, OSSL_SIGNATURE_PARAM_PSS_SALTLEN);
	if (p != NULL) {
		if (!param_to_int (p, saltlen_names, N_ELEMENTS (saltlen_names), &value))
			return 0;
		ctx->saltlen = value;
	}
	p = OSSL_PARAM_locate_const (params, OSSL_SIGNATURE_PARAM_MGF1_DIGEST);
	if (p != NULL) {
		props = OSSL_PARAM_locate_const (params, OSSL_SIGNATURE_PARAM_MGF1_PROPERTIES);
		propq = NULL;
		if (!OSSL_PARAM_get_utf8_string_ptr (p, &name) ||
		    (props != NULL && !OSSL_PARAM_get_utf8_string_ptr (props, &propq)) ||
		    !fetch_md (ctx, name, propq, &ctx->mgf1_md))
			return 0;
	}
	return 1;
}

static const OSSL_PARAM *
sig_settable_ctx_params (void *vctx, void *provctx)
{
	static const OSSL_PARAM settable[] = {
		OSSL_PARAM_utf8_string (OSSL_SIGNATURE_PARAM_DIGEST, NULL, 0),
		OSSL_PARAM_utf8_string (OSSL_SIGNATURE_PARAM_PROPERTIES, NULL, 0),
		OSSL_PARAM_utf8_string (OSSL_SIGNATURE_PARAM_PAD_MODE, NULL, 0),
		OSSL_PARAM_utf8_string (OSSL_SIGNATURE_PARAM_PSS_SALTLEN, NULL, 0),
		OSSL_PARAM_utf8_string (OSSL_SIGNATURE_PARAM_MGF1_DIGEST, NULL, 0),
		OSSL_PARAM_utf8_string (OSSL_SIGNATURE_PARAM_MGF1_PROPERTIES, NULL, 0),
		OSSL_PARAM_END,
	};

	(void) vctx;
	(void) provctx;
	return settable;
}

static inkan_sig_scheme
scheme_of (const sigctx *ctx)
{
	if (ctx->pk->type == INKAN_KEY_EC)
		return INKAN_SIG_ECDSA;
	return ctx->pad == RSA_PKCS1_PSS_PADDING ? INKAN_SIG_PSS : INKAN_SIG_PKCS1;
}

/* Until told otherwise, SHA-256: what OpenSSL defaults to for these keys. */
static int
ensure_md (sigctx *ctx)
{
	return ctx->md != NULL || fetch_md (ctx, "SHA256", NULL, &ctx->md);
}

static int
sig_get_ctx_params (void *vctx, OSSL_PARAM params[])
{
	sigctx *ctx = vctx;
	OSSL_PARAM *p;

	p = OSSL_PARAM_locate (params, OSSL_SIGNATURE_PARAM_ALGORITHM_ID);
	if (p != NULL) {
		uint8_t *der = NULL;
		size_t len = 0;
		inkan_err err;
		int ok;

		if (ctx->pk == NULL || !ensure_md (ctx))
			return 0;
		err = inkan_sigalg_der (scheme_of (ctx), ctx->md, &der, &len);
		if (err != INKAN_OK)
			return fail (err);
		ok = OSSL_PARAM_set_octet_string (p, der, len);
		OPENSSL_free (der);
		if (!ok)
			return 0;
	}
	p = OSSL_PARAM_locate (params, OSSL_SIGNATURE_PARAM_DIGEST);
	if (p != NULL && ctx->md != NULL && !OSSL_PARAM_set_utf8_string (p, EVP_MD_get0_name (ctx->md)))
		return 0;
	p = OSSL_PARAM_locate (params, OSSL_SIGNATURE_PARAM_PAD_MODE);
	if (p != NULL && !int_to_param (p, pad_names, N_ELEMENTS (pad_names), ctx->pad))
		return 0;
	p = OSSL_PARAM_locate (params, OSSL_SIGNATURE_PARAM_PSS_SALTLEN);
	if (p != NULL && !int_to_param (p, saltlen_names, N_ELEMENTS (saltlen_names), ctx->saltlen))
		return 0;
	p = OSSL_PARAM_locate (params, OSSL_SIGNATURE_PARAM_MGF1_DIGEST);
	if (p != NULL && (ctx->mgf1_md != NULL || ctx->md != NULL) &&
	    !OSSL_PARAM_set_utf8_string (p, EVP_MD_get0_name (ctx->mgf1_md ? ctx->mgf1_md : ctx->md)))
		return 0;
	return 1;
}

static const OSSL_PARAM *
sig_gettable_ctx_params (void *vctx, void *provctx)
{
	static const OSSL_PARAM gettable[] = {
		OSSL_PARAM_octet_string (OSSL_SIGNATURE_PARAM_ALGORITHM_ID, NULL, 0),
		OSSL_PARAM_utf8_string (OSSL_SIGNATURE_PARAM_DIGEST, NULL, 0),
		OSSL_PARAM_utf8_string (OSSL_SIGNATURE_PARAM_PAD_MODE, NULL, 0),
		OSSL_PARAM_utf8_string (OSSL_SIGNATURE_PARAM_PSS_SALTLEN, NULL, 0),
		OSSL_PARAM_utf8_string (OSSL_SIGNATURE_PARAM_MGF1_DIGEST, NULL, 0),
		OSSL_PARAM_END,
	};

	(void) vctx;
	(void) provctx;
	return gettable;
}

static int
init (sigctx *ctx, void *provkey, const OSSL_PARAM params[])
{
	inkan_pkey *pk = provkey;

	if (pk == NULL || pk->key == NULL)
		return fail (inkan_fail (INKAN_ERR_USAGE, "%s", _("no token key to sign with")));
	/* OpenSSL has just fetched our keymgmt, from our provider. */
	inkan_provider_guard (ctx->libctx, pk->type);
	inkan_pkey_free (ctx->pk);
	ctx->pk = inkan_pkey_ref (pk);
	EVP_MD_CTX_free (ctx->mdctx);
	ctx->mdctx = NULL;
	return sig_set_ctx_params (ctx, params);
}

static int
sig_sign_init (void *vctx, void *provkey, const OSSL_PARAM params[])
{
	return init (vctx, provkey, params);
}

static size_t
max_size (const sigctx *ctx)
{
	return (size_t) EVP_PKEY_get_size (ctx->pk->pub);
}

/* What the token can do: PSS with MGF1 on the signing digest and a salt as
 * long as that digest. */
static int
check_pss (const sigctx *ctx)
{
	if (ctx->pad != RSA_PKCS1_PSS_PADDING)
		return 1;
	if ((ctx->saltlen != RSA_PSS_SALTLEN_DIGEST && ctx->saltlen != EVP_MD_get_size (ctx->md)) ||
	    (ctx->mgf1_md != NULL && EVP_MD_get_type (ctx->mgf1_md) != EVP_MD_get_type (ctx->md)))
		return fail (inkan_fail (INKAN_ERR_UNSUPPORTED,
		                         "%s", _("the token signs RSA-PSS only with MGF1 on the same digest "
		                           "and a salt as long as the digest")));
	return 1;
}

static int
sign_digest (sigctx *ctx, unsigned char *sig, size_t *siglen, size_t sigsize,
             const unsigned char *dgst, size_t dgst_len)
{
	uint8_t *raw = NULL, *der = NULL;
	size_t raw_len = 0, der_len = 0;
	const uint8_t *out;
	size_t out_len;
	inkan_err err;
	int ok = 0;

	if ((size_t) EVP_MD_get_size (ctx->md) != dgst_len)
		return fail (inkan_fail (INKAN_ERR_USAGE, _("a %s digest is %d bytes, not %zu"),
		                         EVP_MD_get0_name (ctx->md), EVP_MD_get_size (ctx->md), dgst_len));
	if (!check_pss (ctx))
		return 0;
	err = inkan_key_sign_digest (ctx->pk->key, scheme_of (ctx), md_hash (ctx->md),
	                             dgst, dgst_len, &raw, &raw_len);
	if (err == INKAN_OK && ctx->pk->type == INKAN_KEY_EC)
		err = inkan_ecdsa_raw_to_der (raw, raw_len, &der, &der_len);
	if (err != INKAN_OK) {
		fail (err);
		goto out;
	}
	out = der != NULL ? der : raw;
	out_len = der != NULL ? der_len : raw_len;
	if (out_len > sigsize) {
		fail (inkan_fail (INKAN_ERR_USAGE, _("a %zu-byte signature does not fit in %zu bytes"),
		                  out_len, sigsize));
		goto out;
	}
	memcpy (sig, out, out_len);
	*siglen = out_len;
	ok = 1;
out:
	free (raw);
	free (der);
	return ok;
}

/* Without a digest set, the length of what is to be signed says which. */
static int
md_for_length (sigctx *ctx, size_t len)
{
	if (ctx->md != NULL)
		return 1;
	switch (len) {
	case 48:
		return fetch_md (ctx, "SHA384", NULL, &ctx->md);
	case 64:
		return fetch_md (ctx, "SHA512", NULL, &ctx->md);
	default:
		return ensure_md (ctx);
	}
}

static int
sig_sign (void *vctx, unsigned char *sig, size_t *siglen, size_t sigsize,
          const unsigned char *tbs, size_t tbslen)
{
	sigctx *ctx = vctx;

	if (sig == NULL) {
		*siglen = max_size (ctx);
		return 1;
	}
	return md_for_length (ctx, tbslen) && sign_digest (ctx, sig, siglen, sigsize, tbs, tbslen);
}

static int
digest_init (sigctx *ctx, const char *mdname, void *provkey, const OSSL_PARAM params[])
{
	if (!init (ctx, provkey, params) ||
	    (mdname != NULL && mdname[0] != '\0' && !fetch_md (ctx, mdname, NULL, &ctx->md)) ||
	    !ensure_md (ctx))
		return 0;
	ctx->mdctx = EVP_MD_CTX_new ();
	return ctx->mdctx != NULL && EVP_DigestInit_ex (ctx->mdctx, ctx->md, NULL);
}

static int
sig_digest_sign_init (void *vctx, const char *mdname, void *provkey, const OSSL_PARAM params[])
{
	return digest_init (vctx, mdname, provkey, params);
}

static int
sig_digest_update (void *vctx, const unsigned char *data, size_t len)
{
	sigctx *ctx = vctx;

	return ctx->mdctx != NULL && EVP_DigestUpdate (ctx->mdctx, data, len);
}

static int
digest_final (sigctx *ctx, unsigned char *dgst, unsigned int *dgst_len)
{
	return ctx->mdctx != NULL && EVP_DigestFinal_ex (ctx->mdctx, dgst, dgst_len);
}

static int
sig_digest_sign_final (void *vctx, unsigned char *sig, size_t *siglen, size_t sigsize)
{
	sigctx *ctx = vctx;
	unsigned char dgst[EVP_MAX_MD_SIZE];
	unsigned int dgst_len = 0;

	if (sig == NULL) {
		*siglen = max_size (ctx);
		return 1;
	}
	return digest_final (ctx, dgst, &dgst_len) &&
	       sign_digest (ctx, sig, siglen, sigsize, dgst, dgst_len);
}

static int
verify_init (sigctx *ctx, void *provkey, const OSSL_PARAM params[])
{
	if (!init (ctx, provkey, params))
		return 0;
	EVP_PKEY_CTX_free (ctx->verifier);
	ctx->verifier = EVP_PKEY_CTX_new_from_pkey (ctx->libctx, ctx->pk->pub, NULL);
	return ctx->verifier != NULL && EVP_PKEY_verify_init (ctx->verifier) > 0;
}

static int
sig_verify_init (void *vctx, void *provkey, const OSSL_PARAM params[])
{
	return verify_init (vctx, provkey, params);
}

/* The settings as they are now go to the default provider's verifier. */
static int
verify_digest (sigctx *ctx, const unsigned char *sig, size_t siglen,
               const unsigned char *dgst, size_t dgst_len)
{
	EVP_PKEY_CTX *v = ctx->verifier;

	if (v == NULL || !md_for_length (ctx, dgst_len) ||
	    EVP_PKEY_CTX_set_signature_md (v, ctx->md) <= 0)
		return 0;
	if (ctx->pk->type == INKAN_KEY_RSA &&
	    (EVP_PKEY_CTX_set_rsa_padding (v, ctx->pad) <= 0 ||
	     (ctx->pad == RSA_PKCS1_PSS_PADDING &&
	      (EVP_PKEY_CTX_set_rsa_pss_saltlen (v, ctx->saltlen) <= 0 ||
	       EVP_PKEY_CTX_set_rsa_mgf1_md (v, ctx->mgf1_md ? ctx->mgf1_md : ctx->md) <= 0))))
		return 0;
	return EVP_PKEY_verify (v, sig, siglen, dgst, dgst_len);
}

static int
sig_verify (void *vctx, const unsigned char *sig, size_t siglen,
            const unsigned char *tbs, size_t tbslen)
{
	return verify_digest (vctx, sig, siglen, tbs, tbslen);
}

static int
sig_digest_verify_init (void *vctx, const char *mdname, void *provkey, const OSSL_PARAM params[])
{
	sigctx *ctx = vctx;

	return verify_init (ctx, provkey, NULL) && digest_init (ctx, mdname, provkey, params);
}

static int
sig_digest_verify_final (void *vctx, const unsigned char *sig, size_t siglen)
{
	sigctx *ctx = vctx;
	unsigned char dgst[EVP_MAX_MD_SIZE];
	unsigned int dgst_len = 0;

	return digest_final (ctx, dgst, &dgst_len) && verify_digest (ctx, sig, siglen, dgst, dgst_len);
}

#define FN(id, f) { id, (void (*) (void)) (f) }
const OSSL_DISPATCH inkan_signature_functions[] = {
	FN (OSSL_FUNC_SIGNATURE_NEWCTX, sig_newctx),
	FN (OSSL_FUNC_SIGNATURE_FREECTX, sig_freectx),
	FN (OSSL_FUNC_SIGNATURE_DUPCTX, sig_dupctx),
	FN (OSSL_FUNC_SIGNATURE_SIGN_INIT, sig_sign_init),
	FN (OSSL_FUNC_SIGNATURE_SIGN, sig_sign),
	FN (OSSL_FUNC_SIGNATURE_VERIFY_INIT, sig_verify_init),
	FN (OSSL_FUNC_SIGNATURE_VERIFY, sig_verify),
	FN (OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT, sig_digest_sign_init),
	FN (OSSL_FUNC_SIGNATURE_DIGEST_SIGN_UPDATE, sig_digest_update),
	FN (OSSL_FUNC_SIGNATURE_DIGEST_SIGN_FINAL, sig_digest_sign_final),
	FN (OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_INIT, sig_digest_verify_init),
	FN (OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_UPDATE, sig_digest_update),
	FN (OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_FINAL, sig_digest_verify_final),
	FN (OSSL_FUNC_SIGNATURE_GET_CTX_PARAMS, sig_get_ctx_params),
	FN (OSSL_FUNC_SIGNATURE_GETTABLE_CTX_PARAMS, sig_gettable_ctx_params),
	FN (OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, sig_set_ctx_params),
	FN (OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS, sig_settable_ctx_params),
	{ 0, NULL },
};
