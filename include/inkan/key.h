/* inkan — key pairs on a token: generate, open, sign, hand to OpenSSL. */
#ifndef INKAN_KEY_H
#define INKAN_KEY_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/types.h>
#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/token.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_key inkan_key;

typedef enum {
	INKAN_KEY_RSA,
	INKAN_KEY_EC,
} inkan_key_type;

typedef struct {
	inkan_key_type type;
	unsigned bits;          /* RSA: 2048, 3072, 4096 */
	const char *curve;      /* EC: "P-256", "P-384" */
	const char *label;
	const uint8_t *id;      /* NULL: 16 random bytes */
	size_t id_len;
} inkan_keygen_params;

typedef struct {
	char *private_uri;
	char *public_uri;
	uint8_t *id;
	size_t id_len;
} inkan_keygen_result;

/* "rsa:2048", "ec:P-256", ... into PARAMS' type, bits and curve. */
INKAN_API inkan_err inkan_keygen_parse_type (const char *spec,
                                             inkan_keygen_params *params);

/* Generate a pair on TOK: the private half token, private, sensitive and
 * never extractable; both halves share LABEL and ID. Needs a login.  On a
 * card with fixed key slots, only an ID that shows on TOK is taken
 * (INKAN_ERR_WRONG_SLOT): inkan_card_keygen (<inkan/card.h>) picks the
 * slot by purpose and says on which token the key shows. */
INKAN_API inkan_err inkan_keygen (inkan_token *tok,
                                  const inkan_keygen_params *params,
                                  inkan_keygen_result *result);
INKAN_API void inkan_keygen_result_clear (inkan_keygen_result *result);

/* The one private key URI matches on TOK.  The key keeps TOK alive. */
INKAN_API inkan_err inkan_key_open (inkan_token *tok, const char *uri,
                                    inkan_key **out);
INKAN_API inkan_key *inkan_key_ref (inkan_key *key);
INKAN_API void inkan_key_free (inkan_key *key);

INKAN_API inkan_key_type inkan_key_get_type (const inkan_key *key);
INKAN_API const char *inkan_key_get_uri (const inkan_key *key);
INKAN_API inkan_token *inkan_key_get_token (const inkan_key *key);

/* The public half as an ordinary (default provider) EVP_PKEY: from the
 * public-key object, else the certificate, with the same CKA_ID. */
INKAN_API inkan_err inkan_key_get_public (inkan_key *key, EVP_PKEY **out);

/* The public key of what URI names on TOK: a public-key object, else a
 * certificate, else a private key that shows its public part. */
INKAN_API inkan_err inkan_pubkey_get (inkan_token *tok, const char *uri, EVP_PKEY **out);

typedef enum {
	INKAN_HASH_SHA256,
	INKAN_HASH_SHA384,
	INKAN_HASH_SHA512,
} inkan_hash;

typedef enum {
	INKAN_SIG_PKCS1,        /* RSA PKCS#1 v1.5 */
	INKAN_SIG_PSS,          /* RSA-PSS, MGF1 with the same hash, salt = hash length */
	INKAN_SIG_ECDSA,        /* ECDSA; the signature is r||s, each the order's size */
} inkan_sig_scheme;

/* "sha256" -> INKAN_HASH_SHA256; the OpenSSL name for a hash. */
INKAN_API inkan_err inkan_hash_from_name (const char *name, inkan_hash *out);
INKAN_API const char *inkan_hash_name (inkan_hash hash);

/* Signature schemes by name, one table for the CLI's output, inkand's API
 * and the audit log.  A scheme alone is "rsa-pkcs1", "rsa-pss" or
 * "ecdsa"; with its hash, "<scheme>-<hash>": "rsa-pss-sha256". */
INKAN_API const char *inkan_sig_scheme_name (inkan_sig_scheme scheme);
INKAN_API const char *inkan_sig_scheme_hash_name (inkan_sig_scheme scheme, inkan_hash hash);
/* NAME to a scheme: with HASH NULL a scheme alone ("rsa-pss", and "pss"
 * and "pkcs1" as inkand's API has always taken them), else a scheme with
 * its hash ("rsa-pss-sha256", as audit logs hold it) and *HASH set.
 * INKAN_ERR_BAD_INPUT for any other name. */
INKAN_API inkan_err inkan_sig_scheme_from_name (const char *name, inkan_sig_scheme *scheme, inkan_hash *hash);

/*
 * Sign DIGEST (already hashed with HASH) on the token.  For PKCS#1 the
 * DigestInfo is added here, so cards that only know CKM_RSA_PKCS work.
 * *SIG is the token's raw output (r||s for ECDSA); free with free().
 */
INKAN_API inkan_err inkan_key_sign_digest (inkan_key *key, inkan_sig_scheme scheme,
                                           inkan_hash hash,
                                           const uint8_t *digest, size_t digest_len,
                                           uint8_t **sig, size_t *sig_len);

enum {
	/* ECDSA signatures as r||s (PKCS#11, JOSE) instead of DER (X.509, CMS). */
	INKAN_SIG_RAW = 1 << 0,
};

/* Hash DATA in software and sign the digest on the token; ECDSA comes out
 * DER-encoded unless FLAGS has INKAN_SIG_RAW.  Free *SIG with free(). */
INKAN_API inkan_err inkan_key_sign (inkan_key *key, inkan_sig_scheme scheme, inkan_hash hash,
                                    const uint8_t *data, size_t data_len, unsigned flags,
                                    uint8_t **sig, size_t *sig_len);

/* As inkan_key_sign, for a digest made elsewhere (a signing service is
 * sent digests): ECDSA in DER unless FLAGS has INKAN_SIG_RAW. */
INKAN_API inkan_err inkan_key_sign_prehashed (inkan_key *key, inkan_sig_scheme scheme, inkan_hash hash,
                                              const uint8_t *digest, size_t digest_len, unsigned flags,
                                              uint8_t **sig, size_t *sig_len);

/* Check SIG over DATA with the public key PUB, in software.
 * INKAN_ERR_BAD_SIGNATURE when it does not verify. */
INKAN_API inkan_err inkan_signature_verify (EVP_PKEY *pub, inkan_sig_scheme scheme, inkan_hash hash,
                                            const uint8_t *data, size_t data_len, unsigned flags,
                                            const uint8_t *sig, size_t sig_len);

/*
 * The private key as an EVP_PKEY of inkan's built-in OpenSSL provider, in
 * LIBCTX (NULL: the default library context), so that EVP_DigestSign,
 * X509_REQ_sign_ctx, CMS_sign and the like sign on the token unchanged.
 */
INKAN_API inkan_err inkan_key_to_evp_pkey (inkan_key *key, OSSL_LIB_CTX *libctx,
                                           EVP_PKEY **out);

/*
 * inkan_key_to_evp_pkey loads inkan's provider into LIBCTX the first time.
 * Before OSSL_LIB_CTX_free of such a context, once its keys are freed,
 * give the provider back with this.  (The default context's is given back
 * at exit.)
 */
INKAN_API void inkan_provider_unload (OSSL_LIB_CTX *libctx);

/*
 * After an OpenSSL call on such a key failed: the token's failure behind
 * it (PIN, removed card, ...), with its detail for inkan_detail(); else
 * FALLBACK with OpenSSL's first error as the detail.  Empties OpenSSL's
 * error queue of this thread.
 */
INKAN_API inkan_err inkan_key_ossl_error (inkan_err fallback);

#ifdef __cplusplus
}
#endif

#endif
