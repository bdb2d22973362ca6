/* The insides of inkan's built-in OpenSSL provider, shared by its files. */
#ifndef INKAN_CRYPTO_PROVIDER_H
#define INKAN_CRYPTO_PROVIDER_H

#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/evp.h>
#include <inkan/key.h>

#define INKAN_PROVIDER_NAME "inkan"

/* Our signature algorithms have names nothing else uses, so that a fetch
 * for them can only find ours; the key types keep OpenSSL's names so that
 * EVP_PKEY_is_a (CMS, X.509) treats our keys as RSA and EC keys. */
#define INKAN_SIG_NAME_RSA "INKAN-RSA"
#define INKAN_SIG_NAME_EC "INKAN-ECDSA"

/* The provider's context: the library context it was loaded into. */
typedef struct {
	OSSL_LIB_CTX *libctx;
} inkan_provctx;

/*
 * A token key as the keymgmt holds it.  Immutable once made, so copies
 * share it by reference count.  PUB is an ordinary default-provider
 * public key: it answers parameter questions, verifies, and is what we
 * export (as PUB_PARAMS) to other providers' encoders.
 */
typedef struct {
	int refs;
	inkan_key_type type;
	inkan_key *key;
	EVP_PKEY *pub;
	OSSL_PARAM *pub_params;
	OSSL_LIB_CTX *libctx;
} inkan_pkey;

void inkan_pkey_free (inkan_pkey *pk);
inkan_pkey *inkan_pkey_ref (inkan_pkey *pk);

/* inkan_key_to_evp_pkey hands its key to the keymgmt's import through
 * this parameter: it carries a pointer to an inkan_key_handoff, which the
 * import accepts only if it is the one this thread is handing over. */
#define INKAN_PARAM_HANDOFF "inkan-key-handoff"
typedef struct {
	inkan_key *key;
	EVP_PKEY *pub;
} inkan_key_handoff;

const inkan_key_handoff *inkan_handoff_pending (void);

extern const OSSL_DISPATCH inkan_keymgmt_rsa_functions[];
extern const OSSL_DISPATCH inkan_keymgmt_ec_functions[];
extern const OSSL_DISPATCH inkan_signature_functions[];

/* The provider's entry point, for OSSL_PROVIDER_add_builtin. */
int inkan_provider_init (const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
                         const OSSL_DISPATCH **out, void **provctx);

/* Load the provider, and "default" beside it, into LIBCTX (NULL: the
 * default context) unless it is there already.  Thread-safe. */
inkan_err inkan_provider_load (OSSL_LIB_CTX *libctx);

/* Make sure a plain fetch of TYPE's keymgmt in LIBCTX finds the default
 * provider's, not ours. */
void inkan_provider_guard (OSSL_LIB_CTX *libctx, inkan_key_type type);

/* Put a token failure on OpenSSL's error queue, so that the caller of the
 * OpenSSL function can get it back with inkan_key_ossl_error(). */
void inkan_provider_raise (inkan_err err);

#endif
