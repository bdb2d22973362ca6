/*
 * The provider's key management: a token key behind an EVP_PKEY.  It holds
 * the inkan_key and its public half; it never has private numbers to give,
 * so it exports the public part only, which is all an encoder needs.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "src/util/internal.h"
#include "src/crypto/provider.h"

/* What we export: exactly what the default provider needs to rebuild the
 * public key for its encoders and verifiers. */
static const OSSL_PARAM rsa_public_types[] = {
	OSSL_PARAM_BN (OSSL_PKEY_PARAM_RSA_N, NULL, 0),
	OSSL_PARAM_BN (OSSL_PKEY_PARAM_RSA_E, NULL, 0),
	OSSL_PARAM_END,
};

static const OSSL_PARAM ec_public_types[] = {
	OSSL_PARAM_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
	OSSL_PARAM_octet_string (OSSL_PKEY_PARAM_PUB_KEY, NULL, 0),
	OSSL_PARAM_END,
};

static const OSSL_PARAM handoff_types[] = {
	OSSL_PARAM_octet_string (INKAN_PARAM_HANDOFF, NULL, 0),
	OSSL_PARAM_END,
};

inkan_pkey *
inkan_pkey_ref (inkan_pkey *pk)
{
	__atomic_add_fetch (&pk->refs, 1, __ATOMIC_RELAXED);
	return pk;
}

void
inkan_pkey_free (inkan_pkey *pk)
{
	if (pk == NULL || __atomic_sub_fetch (&pk->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	inkan_key_free (pk->key);
	EVP_PKEY_free (pk->pub);
	OSSL_PARAM_free (pk->pub_params);
	free (pk);
}

static inkan_pkey *
pkey_new (void *provctx, inkan_key_type type)
{
	inkan_pkey *pk = calloc (1, sizeof *pk);

	if (pk == NULL)
		return NULL;
	pk->refs = 1;
	pk->type = type;
	pk->libctx = ((inkan_provctx *) provctx)->libctx;
	return pk;
}

static void *
rsa_new (void *provctx)
{
	return pkey_new (provctx, INKAN_KEY_RSA);
}

static void *
ec_new (void *provctx)
{
	return pkey_new (provctx, INKAN_KEY_EC);
}

static void
km_free (void *keydata)
{
	inkan_pkey_free (keydata);
}

/* Shared, not copied: a token key never changes once made. */
static void *
km_dup (const void *keydata, int selection)
{
	(void) selection;
	return inkan_pkey_ref ((inkan_pkey *) keydata);
}

static int
km_has (const void *keydata, int selection)
{
	const inkan_pkey *pk = keydata;

	if (pk == NULL)
		return 0;
	/* An empty key has nothing; a made one has everything, the private
	 * half on the token. */
	return pk->key != NULL || (selection & OSSL_KEYMGMT_SELECT_KEYPAIR) == 0;
}

/* Only inkan_key_to_evp_pkey makes our keys.  Anything else offered here
 * (OpenSSL trying to copy some other provider's key into ours to compare
 * them) is declined, quietly: OpenSSL then copies the other way. */
static int
km_import (void *keydata, int selection, const OSSL_PARAM params[])
{
	inkan_pkey *pk = keydata;
	const inkan_key_handoff *pending = inkan_handoff_pending ();
	const OSSL_PARAM *p = OSSL_PARAM_locate_const (params, INKAN_PARAM_HANDOFF);

	(void) selection;
	if (pk == NULL || pk->key != NULL || pending == NULL || p == NULL ||
	    p->data_type != OSSL_PARAM_OCTET_STRING || p->data_size != sizeof pending ||
	    memcmp (p->data, &pending, sizeof pending) != 0 ||
	    inkan_key_get_type (pending->key) != pk->type)
		return 0;
	if (EVP_PKEY_todata (pending->pub, EVP_PKEY_PUBLIC_KEY, &pk->pub_params) <= 0 ||
	    !EVP_PKEY_up_ref (pending->pub))
		return 0;
	pk->pub = pending->pub;
	pk->key = inkan_key_ref (pending->key);
	return 1;
}

static const OSSL_PARAM *
km_import_types (int selection)
{
	(void) selection;
	return handoff_types;
}

static int
export_public (const inkan_pkey *pk, const OSSL_PARAM *types,
               OSSL_CALLBACK *cb, void *cbarg)
{
	OSSL_PARAM out[4];
	size_t n = 0;

	if (pk->key == NULL)
		return 0;
	for (; types->key != NULL && n < 3; types++) {
		const OSSL_PARAM *p = OSSL_PARAM_locate_const (pk->pub_params, types->key);

		if (p != NULL)
			out[n++] = *p;
	}
	out[n] = OSSL_PARAM_construct_end ();
	return cb (out, cbarg);
}

/* Whatever SELECTION asks, the public part is all there is to give: a
 * request that includes the private key (OpenSSL always asks for all when
 * it copies a key to another provider) still gets it. */
static int
rsa_export (void *keydata, int selection, OSSL_CALLBACK *cb, void *cbarg)
{
	(void) selection;
	return export_public (keydata, rsa_public_types, cb, cbarg);
}

static int
ec_export (void *keydata, int selection, OSSL_CALLBACK *cb, void *cbarg)
{
	(void) selection;
	return export_public (keydata, ec_public_types, cb, cbarg);
}

static const OSSL_PARAM *
rsa_export_types (int selection)
{
	(void) selection;
	return rsa_public_types;
}

static const OSSL_PARAM *
ec_export_types (int selection)
{
	(void) selection;
	return ec_public_types;
}

/* Sizes, security bits, the default digest, the public numbers: all of it
 * is the public key's to answer. */
static int
km_get_params (void *keydata, OSSL_PARAM params[])
{
	inkan_pkey *pk = keydata;

	return pk->pub != NULL && EVP_PKEY_get_params (pk->pub, params);
}

/* What every key answers, through its public half. */
#define COMMON_GETTABLE \
	OSSL_PARAM_int (OSSL_PKEY_PARAM_BITS, NULL), \
	OSSL_PARAM_int (OSSL_PKEY_PARAM_SECURITY_BITS, NULL), \
	OSSL_PARAM_int (OSSL_PKEY_PARAM_MAX_SIZE, NULL), \
	OSSL_PARAM_utf8_string (OSSL_PKEY_PARAM_DEFAULT_DIGEST, NULL, 0)

static const OSSL_PARAM *
rsa_gettable_params (void *provctx)
{
	static const OSSL_PARAM gettable[] = {
		COMMON_GETTABLE,
		OSSL_PARAM_BN (OSSL_PKEY_PARAM_RSA_N, NULL, 0),
		OSSL_PARAM_BN (OSSL_PKEY_PARAM_RSA_E, NULL, 0),
		OSSL_PARAM_END,
	};

	(void) provctx;
	return gettable;
}

static const OSSL_PARAM *
ec_gettable_params (void *provctx)
{
	static const OSSL_PARAM gettable[] = {
		COMMON_GETTABLE,
		OSSL_PARAM_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
		OSSL_PARAM_octet_string (OSSL_PKEY_PARAM_PUB_KEY, NULL, 0),
		OSSL_PARAM_octet_string (OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, NULL, 0),
		OSSL_PARAM_END,
	};

	(void) provctx;
	return gettable;
}

static int
km_match (const void *keydata1, const void *keydata2, int selection)
{
	const inkan_pkey *a = keydata1, *b = keydata2;

	(void) selection;
	return a->pub != NULL && b->pub != NULL && EVP_PKEY_eq (a->pub, b->pub) == 1;
}

/* The signature to fetch for our keys is ours, under a name only we use. */
static const char *
rsa_query_operation_name (int operation_id)
{
	return operation_id == OSSL_OP_SIGNATURE ? INKAN_SIG_NAME_RSA : NULL;
}

static const char *
ec_query_operation_name (int operation_id)
{
	return operation_id == OSSL_OP_SIGNATURE ? INKAN_SIG_NAME_EC : NULL;
}

#define FN(id, f) { id, (void (*) (void)) (f) }
#define COMMON_FUNCTIONS \
	FN (OSSL_FUNC_KEYMGMT_FREE, km_free), \
	FN (OSSL_FUNC_KEYMGMT_DUP, km_dup), \
	FN (OSSL_FUNC_KEYMGMT_HAS, km_has), \
	FN (OSSL_FUNC_KEYMGMT_MATCH, km_match), \
	FN (OSSL_FUNC_KEYMGMT_IMPORT, km_import), \
	FN (OSSL_FUNC_KEYMGMT_IMPORT_TYPES, km_import_types), \
	FN (OSSL_FUNC_KEYMGMT_GET_PARAMS, km_get_params)

const OSSL_DISPATCH inkan_keymgmt_rsa_functions[] = {
	COMMON_FUNCTIONS,
	FN (OSSL_FUNC_KEYMGMT_NEW, rsa_new),
	FN (OSSL_FUNC_KEYMGMT_EXPORT, rsa_export),
	FN (OSSL_FUNC_KEYMGMT_EXPORT_TYPES, rsa_export_types),
	FN (OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, rsa_gettable_params),
	FN (OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME, rsa_query_operation_name),
	{ 0, NULL },
};

const OSSL_DISPATCH inkan_keymgmt_ec_functions[] = {
	COMMON_FUNCTIONS,
	FN (OSSL_FUNC_KEYMGMT_NEW, ec_new),
	FN (OSSL_FUNC_KEYMGMT_EXPORT, ec_export),
	FN (OSSL_FUNC_KEYMGMT_EXPORT_TYPES, ec_export_types),
	FN (OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, ec_gettable_params),
	FN (OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME, ec_query_operation_name),
	{ 0, NULL },
};
