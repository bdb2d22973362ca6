/* inkan — the audit trail of a signing service: every signature recorded
 * durably, each record chained to the one before by its SHA-256. */
#ifndef INKAN_AUDIT_H
#define INKAN_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/key.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_audit inkan_audit;

typedef struct {
	const char *client;         /* the authenticated client identity */
	const char *key_uri;        /* the key used */
	const char *operation;      /* "sign", "cms-sign", "token-issue", ... */
	const uint8_t *digest;      /* SHA-256 of what was signed */
	size_t digest_len;
	const char *result;         /* "ok", or an inkan_err_name() */
} inkan_audit_entry;

/* Open (creating when absent) the log at PATH. */
INKAN_API inkan_err inkan_audit_open (const char *path, inkan_audit **out);
INKAN_API void inkan_audit_close (inkan_audit *log);

/* Append ENTRY; returns once the record is durable.  Thread-safe; appends
 * that arrive together share one commit (group commit).  *SEQ_OUT (may be
 * NULL) gets the record's sequence number.  After a write failure every
 * later append fails too (fail closed) until the log is reopened. */
INKAN_API inkan_err inkan_audit_append (inkan_audit *log, const inkan_audit_entry *entry,
                                        uint64_t *seq_out);

/* Sign the current head of the chain with KEY and store it as a checkpoint. */
INKAN_API inkan_err inkan_audit_checkpoint (inkan_audit *log, inkan_key *key);

/* Why the log cannot be written, or NULL while it can (for health checks). */
INKAN_API const char *inkan_audit_failure (inkan_audit *log);

#ifdef __cplusplus
}
#endif

#endif
