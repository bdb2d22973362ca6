/* inkan — the audit trail of a signing service: every signature recorded
 * durably, each record chained to the one before by its SHA-256.  The
 * format (tables, the exact bytes hashed and signed) is in
 * doc/audit-log.md. */
#ifndef INKAN_AUDIT_H
#define INKAN_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/types.h>
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

typedef struct {
	/* How long a write waits for another writer's lock on the log (the
	 * file's, or PostgreSQL's lock_timeout) before it fails (and the log
	 * fails closed); 0: 5000 ms. */
	unsigned busy_timeout_ms;
	/* At most this many appends share one commit; 0: 1024.  1 gives one
	 * commit per append (the benchmark's baseline). */
	unsigned max_batch;
	/* While appends stream in, a commit waits up to this long for more to
	 * share it; 0: 2000 µs.  A lone append never waits. */
	unsigned max_linger_us;
} inkan_audit_options;

/* Open (creating when absent) the log at PATH, with default options.
 * PATH is an SQLite file, or a PostgreSQL database when it is a libpq URI
 * (postgresql://... or postgres://...), which several hosts may share. */
INKAN_API inkan_err inkan_audit_open (const char *path, inkan_audit **out);
/* The same with OPTS (NULL: the defaults). */
INKAN_API inkan_err inkan_audit_open_with (const char *path, const inkan_audit_options *opts,
                                           inkan_audit **out);
/* Waits for appends already queued, then closes.  NULL is accepted. */
INKAN_API void inkan_audit_close (inkan_audit *log);

/* Append ENTRY; returns once the record is durable.  Thread-safe; appends
 * that arrive together share one commit (group commit).  *SEQ_OUT (may be
 * NULL) gets the record's sequence number.  After a write failure every
 * later append fails too (fail closed) until the log is reopened. */
INKAN_API inkan_err inkan_audit_append (inkan_audit *log, const inkan_audit_entry *entry,
                                        uint64_t *seq_out);

/* How an asynchronous append ends: ERR is INKAN_OK once the record is
 * durable, with SEQ its sequence number; otherwise the log has failed
 * (inkan_audit_failure says why) and SEQ is 0.  Called on the log's
 * writer thread, once per append, in the order of the appends, after the
 * commit of the whole batch; it must not wait for the log. */
typedef void (*inkan_audit_done_fn) (void *arg, inkan_err err, uint64_t seq);

/* Queue ENTRY for the next commit and return at once; DONE (ARG) is
 * called when it is durable or has failed.  ENTRY and what it points to
 * must live until then.  An error return (a bad entry, a failed or closing
 * log) means DONE will not be called.  inkan_audit_close() waits for the
 * appends already queued and their callbacks. */
INKAN_API inkan_err inkan_audit_append_async (inkan_audit *log, const inkan_audit_entry *entry,
                                              inkan_audit_done_fn done, void *arg);

/* Sign the current head of the chain (seq, hash, time) with KEY (ECDSA
 * for EC keys, RSA-PSS for RSA keys, SHA-256) and store it as a
 * checkpoint, with the key's URI and public key.  *SEQ_OUT (may be NULL)
 * gets the seq it covers (0 for an empty log). */
INKAN_API inkan_err inkan_audit_checkpoint (inkan_audit *log, inkan_key *key, uint64_t *seq_out);

/* PATH as messages may show it: a PostgreSQL URI without its password
 * (rebuilt by libpq as key=value pairs), any other path as it is.  Free
 * it with free(); NULL when out of memory. */
INKAN_API char *inkan_audit_display_name (const char *path);

/* Why the log cannot be written, or NULL while it can (for health checks).
 * The string lives as long as LOG. */
INKAN_API const char *inkan_audit_failure (inkan_audit *log);

/* Whether an append would find room now (for readiness checks): not
 * failed, and for an SQLite file at least 1 MiB free on its file system
 * and a scratch write beside it succeeding.  A PostgreSQL log is not
 * probed (its disk is the server's).  INKAN_ERR_IO with the reason in
 * inkan_detail().  Thread-safe; never waits for the writer. */
INKAN_API inkan_err inkan_audit_probe (inkan_audit *log);

/* One record as stored; the pointers live until the callback returns. */
typedef struct {
	uint64_t seq;
	int64_t time_ms;            /* Unix time in milliseconds, UTC */
	const char *client;
	const char *key_uri;
	const char *operation;
	const uint8_t *digest;
	size_t digest_len;
	const char *result;
	const uint8_t *prev_hash;   /* 32 bytes each, or NULL when the row */
	const uint8_t *hash;        /* holds something of another size */
} inkan_audit_record;

/* Call EACH for every record of the log at PATH (a file or a URI, as for
 * inkan_audit_open) from FROM_SEQ on, in seq order, read-only; a non-zero
 * return stops the walk. */
INKAN_API inkan_err inkan_audit_read (const char *path, uint64_t from_seq,
                                      int (*each) (const inkan_audit_record *rec, void *user),
                                      void *user);

typedef enum {
	INKAN_AUDIT_HASH_MISMATCH,      /* the record's fields do not give its hash: altered */
	INKAN_AUDIT_CHAIN_BREAK,        /* prev_hash is not the hash of the record before */
	INKAN_AUDIT_SEQ_GAP,            /* records missing before this seq */
	INKAN_AUDIT_TIME_BACKWARDS,     /* earlier than the record before (the writer never does that) */
	INKAN_AUDIT_MALFORMED,          /* a field of the wrong type or size */
	INKAN_AUDIT_CHECKPOINT_MISSING_SEQ, /* a checkpoint covers a seq the log no longer has: truncated */
	INKAN_AUDIT_CHECKPOINT_HEAD,    /* the checkpoint's head hash is not the chain's at its seq */
	INKAN_AUDIT_CHECKPOINT_SIGNATURE, /* the checkpoint's signature does not verify */
	INKAN_AUDIT_CHECKPOINT_KEY,     /* not signed by the trusted key */
} inkan_audit_problem_kind;

typedef struct {
	inkan_audit_problem_kind kind;
	uint64_t seq;               /* the record, or the seq a checkpoint covers */
	int64_t checkpoint;         /* the checkpoint's id, or -1 for a record */
	char *detail;               /* a translated sentence */
} inkan_audit_problem;

typedef struct {
	/* Checkpoints must verify with this key; NULL: with the public key each
	 * checkpoint carries (which shows the log is self-consistent, not who
	 * signed it). */
	EVP_PKEY *trusted_key;
} inkan_audit_verify_opts;

typedef struct {
	int intact;                 /* no problems at all */
	uint64_t records;           /* rows read */
	uint64_t last_seq;          /* 0 for an empty log */
	uint8_t head_hash[32];      /* the last record's hash (zeros when empty) */
	size_t checkpoints;
	size_t checkpoints_valid;   /* signature, key and head all good */
	uint64_t last_checkpoint_seq;
	/* The tail no valid checkpoint covers, which could be cut off unseen:
	 * its records, and the seconds from the last valid checkpoint (or,
	 * with none, from the first record) to the last record. */
	uint64_t unprotected_records;
	int64_t unprotected_seconds;
	int key_trusted;            /* checkpoints were checked against opts->trusted_key */
	uint64_t first_bad_seq;     /* the lowest seq of any problem (0 when intact) */
	inkan_audit_problem *problems; /* in the order found: records by seq, then checkpoints */
	size_t n_problems;
	int problems_truncated;     /* more problems than were kept */
} inkan_audit_verify_report;

/* Check the log at PATH (a file or a URI, as for inkan_audit_open): every
 * row, whatever its seq, every record's hash, the chain, contiguous seqs,
 * time order, and every checkpoint.  INKAN_OK when the log could be read
 * and checked, whatever the verdict (REPORT->intact); INKAN_ERR_IO when it
 * cannot be opened, INKAN_ERR_BAD_INPUT when it is not an audit log. */
INKAN_API inkan_err inkan_audit_verify (const char *path, const inkan_audit_verify_opts *opts,
                                        inkan_audit_verify_report *report);
INKAN_API void inkan_audit_verify_report_clear (inkan_audit_verify_report *report);

/* "hash-mismatch", "chain-break", ...: stable names for JSON. */
INKAN_API const char *inkan_audit_problem_name (inkan_audit_problem_kind kind);

#ifdef __cplusplus
}
#endif

#endif
