/* Where the audit log's rows live: an SQLite file or a PostgreSQL
 * database.  The writer thread, group commit and fail-closed state
 * (audit.c) and the checks (verify.c) are the same for both; a store only
 * moves rows.  Every operation returns INKAN_OK or fails with
 * inkan_fail() naming what the database said, in one line. */
#ifndef INKAN_AUDIT_STORE_H
#define INKAN_AUDIT_STORE_H

#include "src/audit/audit-int.h"

typedef struct audit_store audit_store;

/* One record row as stored.  REC's pointers live until the walk's
 * callback returns; REC.seq is SEQ when SEQ >= 1. */
typedef struct {
	inkan_audit_record rec;
	int64_t seq;                /* as stored: below 1 only in a tampered log */
	const char *bad_column;     /* the first column not of its type, or NULL */
} audit_row;

/* One checkpoint row, as stored or to store. */
typedef struct {
	int64_t id;                 /* given by the store on insert */
	int64_t seq;
	const uint8_t *head;
	size_t head_len;
	int64_t time_ms;
	const char *scheme;
	const char *key_uri;
	const uint8_t *spki;
	size_t spki_len;
	const uint8_t *sig;
	size_t sig_len;
	const char *bad_column;     /* as for audit_row */
} audit_checkpoint_row;

typedef int (*audit_row_fn) (const audit_row *row, void *user);
typedef void (*audit_checkpoint_fn) (const audit_checkpoint_row *cp, void *user);

typedef struct {
	/* Open PATH (created when absent if WRITE), checking it is an audit
	 * log; BUSY_TIMEOUT_MS bounds a wait for another writer's lock. */
	inkan_err (*open) (const char *path, const char *name, int write, unsigned busy_timeout_ms,
	                   audit_store **out);
	/* A write transaction holding the chain's lock: no other writer, in
	 * this process or another, appends until commit or rollback. */
	inkan_err (*begin) (audit_store *s);
	/* The last record's seq, hash and time (0, zeros, INT64_MIN when
	 * empty), as committed or inside the transaction. */
	inkan_err (*head) (audit_store *s, uint64_t *seq, uint8_t hash[AUDIT_HASH_LEN], int64_t *time_ms);
	/* REC (hash included) into the transaction; the store copies what it
	 * keeps. */
	inkan_err (*insert) (audit_store *s, const inkan_audit_record *rec);
	/* CP as a transaction of its own. */
	inkan_err (*insert_checkpoint) (audit_store *s, const audit_checkpoint_row *cp);
	/* Durable once this returns INKAN_OK. */
	inkan_err (*commit) (audit_store *s);
	void (*rollback) (audit_store *s);
	/* A read-only snapshot for what follows, until close: the records and
	 * the checkpoints agree with each other whatever writers do. */
	inkan_err (*snapshot) (audit_store *s);
	/* Every record with seq >= FROM, in seq order; EACH returning non-zero
	 * stops the walk. */
	inkan_err (*walk) (audit_store *s, int64_t from, audit_row_fn each, void *user);
	/* Every checkpoint, by id. */
	inkan_err (*walk_checkpoints) (audit_store *s, audit_checkpoint_fn each, void *user);
	/* The stored hash of record SEQ: 1 found (32 bytes), 0 absent. */
	int (*hash_at) (audit_store *s, uint64_t seq, uint8_t out[AUDIT_HASH_LEN]);
	/* Whether a write would find room now, from any thread, without the
	 * connection; NULL: the store cannot tell (a database server's disk). */
	inkan_err (*probe) (audit_store *s);
	void (*close) (audit_store *s);
} audit_store_ops;

/* What every store begins with. */
struct audit_store {
	const audit_store_ops *ops;
	char *name;                 /* the log's name for messages, no password: audit_store_close frees it */
};

extern const audit_store_ops audit_store_sqlite;
extern const audit_store_ops audit_store_pgsql;

/* Open the store PATH names: a postgresql:// or postgres:// URI is a
 * PostgreSQL database, anything else an SQLite file. */
inkan_err audit_store_open (const char *path, int write, unsigned busy_timeout_ms, audit_store **out);
void audit_store_close (audit_store *s);

/* PATH fit for a message: a PostgreSQL URI rebuilt by libpq without its
 * password.  NULL when out of memory. */
char *audit_store_name (const char *path);
char *audit_pgsql_name (const char *path);

/* The column names of a record row, in the order stores select them. */
extern const char *const audit_record_column[9];

#endif
