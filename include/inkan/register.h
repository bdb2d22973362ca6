/* inkan — registration records: a sender's signed statement of which
 * document (by SHA-256 and size) goes from whom to whom, and when.
 * The format is specified in doc/registration-record.md. */
#ifndef INKAN_REGISTER_H
#define INKAN_REGISTER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <openssl/types.h>
#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/key.h>
#include <inkan/cms.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	const char *document_name;
	uint64_t document_size;
	const uint8_t *document_sha256;         /* 32 bytes */
	const char *sender;
	const char *const *recipients;
	size_t n_recipients;
	time_t at;                              /* 0: now */
} inkan_register_params;

typedef struct {
	char id[33];                            /* 16 random bytes, hex */
	char document_name[256];
	uint64_t document_size;
	uint8_t document_sha256[32];
	char sender[256];
	char **recipients;
	size_t n_recipients;
	time_t at;
	inkan_cms_report cms;                   /* who signed, when, how */
} inkan_register_record;

/* Encode the record (DER) and sign it as CMS SignedData with KEY.  *DER is
 * free()d by the caller; ID_OUT (33 bytes, may be NULL) gets its id. */
INKAN_API inkan_err inkan_register_sign (inkan_key *key, X509 *cert, STACK_OF(X509) *chain,
                                         const inkan_register_params *params,
                                         uint8_t **der, size_t *der_len, char *id_out);

/* Check the signature (and signer, with CHECK's anchors), decode the record
 * strictly (DER only), and, given DOCUMENT_SHA256 (and DOCUMENT_SIZE), that
 * it is the document the record names: INKAN_ERR_REJECTED when not. */
INKAN_API inkan_err inkan_register_verify (const uint8_t *in, size_t in_len, const inkan_cms_check *check,
                                           const uint8_t *document_sha256, uint64_t document_size,
                                           inkan_register_record *record);
INKAN_API void inkan_register_record_clear (inkan_register_record *record);
/* What inkan_register_verify returned (ERR) and found (RECORD, when ERR
 * is INKAN_OK) as one JSON object: {"valid": true, "id", ...} or
 * {"valid": false, "error", "detail"} with the library's detail of ERR.
 * Compact text, free() it; NULL without memory.  What `inkan register
 * verify --json` prints and inkand's /v1/register/verify answers. */
INKAN_API char *inkan_register_record_json (inkan_err err, const inkan_register_record *record);

#ifdef __cplusplus
}
#endif

#endif
