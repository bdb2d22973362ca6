/* inkan — objects on a token: list, delete, certificates in and out. */
#ifndef INKAN_OBJECT_H
#define INKAN_OBJECT_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/token.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	INKAN_OBJECT_PRIVATE_KEY,
	INKAN_OBJECT_PUBLIC_KEY,
	INKAN_OBJECT_CERTIFICATE,
	INKAN_OBJECT_DATA,
	INKAN_OBJECT_SECRET_KEY,
	INKAN_OBJECT_OTHER,
} inkan_object_class;

typedef struct {
	char *uri;
	inkan_object_class cls;
	char *label;
	uint8_t *id;
	size_t id_len;
	const char *key_type;   /* "rsa", "ec", other names, or NULL for no key */
} inkan_object_info;

/* "private-key", "public-key", "certificate", "data", "secret-key", "other" */
INKAN_API const char *inkan_object_class_name (inkan_object_class cls);

/* Objects on TOK that URI matches (NULL: all that the session can see). */
INKAN_API inkan_err inkan_object_list (inkan_token *tok, const char *uri,
                                       inkan_object_info **out, size_t *n_out);
INKAN_API void inkan_object_info_free (inkan_object_info *infos, size_t n);

/* Delete the one object URI matches. */
INKAN_API inkan_err inkan_object_delete (inkan_token *tok, const char *uri);

/*
 * Store a DER certificate on TOK.  With no ID, the certificate takes the
 * CKA_ID of the key pair on the token whose public key it certifies
 * (INKAN_ERR_NOT_FOUND when there is none).  *URI_OUT (may be NULL) gets
 * the new object's URI.
 */
INKAN_API inkan_err inkan_cert_import (inkan_token *tok, const uint8_t *der,
                                       size_t der_len, const char *label,
                                       const uint8_t *id, size_t id_len,
                                       char **uri_out);

typedef struct {
	inkan_object_info object;       /* its URI, label and CKA_ID */
	uint8_t *der;
	size_t der_len;
} inkan_token_cert;

/* Every certificate on TOK that its session can see (a JPKI signing
 * certificate only after the signing password), in the token's order,
 * with its DER.  A certificate object whose value the token does not
 * give is INKAN_ERR_TOKEN.  None is *N_OUT 0, not an error. */
INKAN_API inkan_err inkan_token_certs (inkan_token *tok, inkan_token_cert **out, size_t *n_out);
INKAN_API void inkan_token_certs_free (inkan_token_cert *certs, size_t n);

/* The DER of the one certificate URI matches. */
INKAN_API inkan_err inkan_cert_export (inkan_token *tok, const char *uri,
                                       uint8_t **der, size_t *der_len);

#ifdef __cplusplus
}
#endif

#endif
