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

/* The DER of the one certificate URI matches. */
INKAN_API inkan_err inkan_cert_export (inkan_token *tok, const char *uri,
                                       uint8_t **der, size_t *der_len);

#ifdef __cplusplus
}
#endif

#endif
