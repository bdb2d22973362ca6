/* inkan — evidence of delivery: the centre's original certificate and the
 * hub's distribution certificate, each a signed statement of a document's
 * SHA-256, checked together against the document.  See doc/evidence.md. */
#ifndef INKAN_EVIDENCE_H
#define INKAN_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/types.h>
#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/key.h>
#include <inkan/cms.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	INKAN_EVIDENCE_ORIGINAL = 1,            /* by the certified e-document centre */
	INKAN_EVIDENCE_DISTRIBUTION = 2,        /* by the distribution hub */
} inkan_evidence_kind;

/* Sign an evidence certificate of KIND for the document (name, size,
 * SHA-256), issued by ISSUER_NAME, on KEY. *DER is free()d by the caller. */
INKAN_API inkan_err inkan_evidence_issue (inkan_key *key, X509 *cert, STACK_OF(X509) *chain,
                                          inkan_evidence_kind kind, const char *issuer_name,
                                          const char *document_name, uint64_t document_size,
                                          const uint8_t *document_sha256,
                                          uint8_t **der, size_t *der_len);

/* The checks, in the order they are reported. */
typedef enum {
	INKAN_EVIDENCE_ORIGINAL_SIGNATURE,
	INKAN_EVIDENCE_ORIGINAL_SIGNER,
	INKAN_EVIDENCE_ORIGINAL_FORMAT,
	INKAN_EVIDENCE_DISTRIBUTION_SIGNATURE,
	INKAN_EVIDENCE_DISTRIBUTION_SIGNER,
	INKAN_EVIDENCE_DISTRIBUTION_FORMAT,
	INKAN_EVIDENCE_ORIGINAL_HASH,           /* the original's hash is the document's */
	INKAN_EVIDENCE_DISTRIBUTION_HASH,       /* the distribution's hash is the document's */
	INKAN_EVIDENCE_N_CHECKS
} inkan_evidence_check;

typedef enum {
	INKAN_CHECK_PASSED,
	INKAN_CHECK_FAILED,
	INKAN_CHECK_SKIPPED,                    /* an earlier failure left nothing to check */
} inkan_check_result;

typedef struct {
	inkan_check_result result[INKAN_EVIDENCE_N_CHECKS];
	char detail[INKAN_EVIDENCE_N_CHECKS][192];
	char original_issuer[256], distribution_issuer[256];
	char original_signer[256], distribution_signer[256];
} inkan_evidence_report;

/* "passed", "failed", "skipped" */
INKAN_API const char *inkan_check_result_name (inkan_check_result r);
/* "original-signature", ... */
INKAN_API const char *inkan_evidence_check_name (inkan_evidence_check check);

/* What inkan_evidence_verify returned (ERR) and REPORT as one JSON
 * object: {"valid", "checks": [{"check", "result", "detail"}...], the
 * issuers and signers}.  Compact text, free() it; NULL without memory. */
INKAN_API char *inkan_evidence_report_json (inkan_err err, const inkan_evidence_report *report);

/* Run every check (a failure does not stop the others that can still run)
 * and fill REPORT.  INKAN_OK only when all passed; otherwise
 * INKAN_ERR_REJECTED with the failing checks named in the detail. */
INKAN_API inkan_err inkan_evidence_verify (const uint8_t *document_sha256, uint64_t document_size,
                                           const uint8_t *original, size_t original_len,
                                           const uint8_t *distribution, size_t distribution_len,
                                           const inkan_cms_check *check, inkan_evidence_report *report);

#ifdef __cplusplus
}
#endif

#endif
