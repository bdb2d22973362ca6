/* inkan's built-in OpenSSL 3 provider: what it offers. */
#include <stdlib.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "src/util/internal.h"
#include "src/crypto/provider.h"

static const OSSL_ALGORITHM keymgmts[] = {
	/* OpenSSL's own names: our keys must be "RSA" and "EC" to OpenSSL. */
	{ "RSA:rsaEncryption:1.2.840.113549.1.1.1", "provider=" INKAN_PROVIDER_NAME,
	  inkan_keymgmt_rsa_functions, "RSA key on a PKCS#11 token" },
	{ "EC:id-ecPublicKey:1.2.840.10045.2.1", "provider=" INKAN_PROVIDER_NAME,
	  inkan_keymgmt_ec_functions, "EC key on a PKCS#11 token" },
	{ NULL, NULL, NULL, NULL },
};

static const OSSL_ALGORITHM signatures[] = {
	{ INKAN_SIG_NAME_RSA, "provider=" INKAN_PROVIDER_NAME, inkan_signature_functions,
	  "RSA signature on a PKCS#11 token" },
	{ INKAN_SIG_NAME_EC, "provider=" INKAN_PROVIDER_NAME, inkan_signature_functions,
	  "ECDSA signature on a PKCS#11 token" },
	{ NULL, NULL, NULL, NULL },
};

static const OSSL_ALGORITHM *
query_operation (void *provctx, int operation_id, int *no_cache)
{
	(void) provctx;
	*no_cache = 0;
	switch (operation_id) {
	case OSSL_OP_KEYMGMT:
		return keymgmts;
	case OSSL_OP_SIGNATURE:
		return signatures;
	default:
		return NULL;
	}
}

static const OSSL_PARAM *
gettable_params (void *provctx)
{
	static const OSSL_PARAM gettable[] = {
		OSSL_PARAM_DEFN (OSSL_PROV_PARAM_NAME, OSSL_PARAM_UTF8_PTR, NULL, 0),
		OSSL_PARAM_DEFN (OSSL_PROV_PARAM_STATUS, OSSL_PARAM_INTEGER, NULL, 0),
		OSSL_PARAM_END,
	};

	(void) provctx;
	return gettable;
}

static int
get_params (void *provctx, OSSL_PARAM params[])
{
	OSSL_PARAM *p;

	(void) provctx;
	p = OSSL_PARAM_locate (params, OSSL_PROV_PARAM_NAME);
	if (p != NULL && !OSSL_PARAM_set_utf8_ptr (p, "inkan PKCS#11 key provider"))
		return 0;
	p = OSSL_PARAM_locate (params, OSSL_PROV_PARAM_STATUS);
	if (p != NULL && !OSSL_PARAM_set_int (p, 1))
		return 0;
	return 1;
}

static void
teardown (void *provctx)
{
	free (provctx);
}

static const OSSL_DISPATCH provider_functions[] = {
	{ OSSL_FUNC_PROVIDER_TEARDOWN, (void (*) (void)) teardown },
	{ OSSL_FUNC_PROVIDER_GETTABLE_PARAMS, (void (*) (void)) gettable_params },
	{ OSSL_FUNC_PROVIDER_GET_PARAMS, (void (*) (void)) get_params },
	{ OSSL_FUNC_PROVIDER_QUERY_OPERATION, (void (*) (void)) query_operation },
	{ 0, NULL },
};

int
inkan_provider_init (const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
               const OSSL_DISPATCH **out, void **provctx)
{
	OSSL_FUNC_core_get_libctx_fn *get_libctx = NULL;
	inkan_provctx *ctx;

	for (; in->function_id != 0; in++) {
		if (in->function_id == OSSL_FUNC_CORE_GET_LIBCTX)
			get_libctx = OSSL_FUNC_core_get_libctx (in);
	}
	if (get_libctx == NULL || (ctx = calloc (1, sizeof *ctx)) == NULL)
		return 0;
	/* Built in, we share libcrypto with the core: its "core context" is
	 * the very library context we were loaded into. */
	ctx->libctx = (OSSL_LIB_CTX *) get_libctx (handle);
	*out = provider_functions;
	*provctx = ctx;
	return 1;
}
