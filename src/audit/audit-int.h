/* Inside the audit log: the schema, the canonical bytes hashed and
 * signed. */
#ifndef INKAN_AUDIT_INT_H
#define INKAN_AUDIT_INT_H

#include <inkan/audit.h>

#define AUDIT_FORMAT "inkan-audit 1"
#define AUDIT_HASH_LEN 32

/* SHA-256 over the canonical encoding of REC's fields (its hash field is
 * not read).  REC->prev_hash must be 32 bytes. */
inkan_err audit_record_hash (const inkan_audit_record *rec, uint8_t out[AUDIT_HASH_LEN]);

/* The bytes a checkpoint signs; *LEN_OUT of them are written to BUF. */
#define AUDIT_CHECKPOINT_MSG_MAX 96
void audit_checkpoint_message (uint64_t seq, const uint8_t head[AUDIT_HASH_LEN], int64_t time_ms,
                               uint8_t buf[AUDIT_CHECKPOINT_MSG_MAX], size_t *len_out);

/* The columns of a record, in the order the stores select them. */
#define AUDIT_RECORD_COLUMNS "seq, time, client, key_uri, operation, digest, result, prev_hash, hash"

/* A checkpoint signed by SIGN (DER for ECDSA) in SCHEME with the key
 * whose public half is PUB: what inkan_audit_checkpoint does with a token
 * key, open to the unit tests' software keys. */
typedef inkan_err (*audit_sign_fn) (void *ctx, const uint8_t *msg, size_t len, uint8_t **sig, size_t *sig_len);
inkan_err audit_checkpoint_signed (inkan_audit *log, inkan_sig_scheme scheme, const char *key_uri, EVP_PKEY *pub,
                                   audit_sign_fn sign, void *sign_ctx, uint64_t *seq_out);

/* How many batches the writer has committed. */
uint64_t audit_commits (inkan_audit *log);

#endif
