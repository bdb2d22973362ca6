/* Checking an audit log: the chain of records, then every checkpoint. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "src/audit/audit-int.h"
#include "src/util/internal.h"

/* A log altered everywhere would make a report of millions of lines; the
 * first ones say where, the count says how much. */
#define MAX_PROBLEMS 100

typedef struct {
	inkan_audit_verify_report *r;
	uint64_t expect_seq;
	uint8_t head[AUDIT_HASH_LEN];
	int64_t last_time;
	inkan_err err;
} walk_state;

static const char *const problem_names[] = {
	[INKAN_AUDIT_HASH_MISMATCH] = "hash-mismatch",
	[INKAN_AUDIT_CHAIN_BREAK] = "chain-break",
	[INKAN_AUDIT_SEQ_GAP] = "seq-gap",
	[INKAN_AUDIT_TIME_BACKWARDS] = "time-backwards",
	[INKAN_AUDIT_MALFORMED] = "malformed",
	[INKAN_AUDIT_CHECKPOINT_MISSING_SEQ] = "checkpoint-missing-seq",
	[INKAN_AUDIT_CHECKPOINT_HEAD] = "checkpoint-head-mismatch",
	[INKAN_AUDIT_CHECKPOINT_SIGNATURE] = "checkpoint-bad-signature",
	[INKAN_AUDIT_CHECKPOINT_KEY] = "checkpoint-untrusted-key",
};

const char *
inkan_audit_problem_name (inkan_audit_problem_kind kind)
{
	if ((unsigned) kind >= sizeof problem_names / sizeof problem_names[0])
		return "unknown";
	return problem_names[kind];
}

static void problem (inkan_audit_verify_report *r, inkan_audit_problem_kind kind, uint64_t seq,
                     int64_t checkpoint, const char *fmt, ...) __attribute__((format (printf, 5, 6)));

static void
problem (inkan_audit_verify_report *r, inkan_audit_problem_kind kind, uint64_t seq, int64_t checkpoint,
         const char *fmt, ...)
{
	inkan_audit_problem *p, *grown;
	va_list ap;

	if (r->intact || seq < r->first_bad_seq)
		r->first_bad_seq = seq;
	r->intact = 0;
	if (r->n_problems >= MAX_PROBLEMS) {
		r->problems_truncated = 1;
		return;
	}
	grown = realloc (r->problems, (r->n_problems + 1) * sizeof *r->problems);
	if (grown == NULL) {
		r->problems_truncated = 1;
		return;
	}
	r->problems = grown;
	p = &r->problems[r->n_problems++];
	p->kind = kind;
	p->seq = seq;
	p->checkpoint = checkpoint;
	va_start (ap, fmt);
	if (vasprintf (&p->detail, fmt, ap) < 0)
		p->detail = NULL;
	va_end (ap);
}

static int
check_record (const inkan_audit_record *rec, void *user)
{
	walk_state *w = user;
	inkan_audit_verify_report *r = w->r;
	uint8_t want[AUDIT_HASH_LEN];

	r->records++;
	if (rec->seq != w->expect_seq) {
		if (rec->seq == w->expect_seq + 1)
			problem (r, INKAN_AUDIT_SEQ_GAP, w->expect_seq, -1,
			         _("record %llu is missing (the next one is %llu)"),
			         (unsigned long long) w->expect_seq, (unsigned long long) rec->seq);
		else
			problem (r, INKAN_AUDIT_SEQ_GAP, w->expect_seq, -1,
			         _("records %llu to %llu are missing"), (unsigned long long) w->expect_seq,
			         (unsigned long long) rec->seq - 1);
	}
	if (rec->prev_hash == NULL || rec->hash == NULL) {
		problem (r, INKAN_AUDIT_MALFORMED, rec->seq, -1,
		         _("record %llu: its hashes are not 32-byte values"), (unsigned long long) rec->seq);
		/* What follows is checked against what it claims to follow. */
		if (rec->hash != NULL)
			memcpy (w->head, rec->hash, AUDIT_HASH_LEN);
		goto next;
	}
	/* A gap already explains the chain's break at this record. */
	if (rec->seq == w->expect_seq && memcmp (rec->prev_hash, w->head, AUDIT_HASH_LEN) != 0)
		problem (r, INKAN_AUDIT_CHAIN_BREAK, rec->seq, -1,
		         _("the chain breaks between records %llu and %llu: one was altered, or a record was "
		           "inserted or moved"), (unsigned long long) rec->seq - 1, (unsigned long long) rec->seq);
	w->err = audit_record_hash (rec, want);
	if (w->err != INKAN_OK)
		return 1;
	if (memcmp (want, rec->hash, AUDIT_HASH_LEN) != 0)
		problem (r, INKAN_AUDIT_HASH_MISMATCH, rec->seq, -1,
		         _("record %llu was altered: its fields do not give its hash"), (unsigned long long) rec->seq);
	if (rec->time_ms < w->last_time)
		problem (r, INKAN_AUDIT_TIME_BACKWARDS, rec->seq, -1,
		         _("record %llu is dated before the record before it"), (unsigned long long) rec->seq);
	memcpy (w->head, rec->hash, AUDIT_HASH_LEN);
next:
	w->last_time = rec->time_ms;
	w->expect_seq = rec->seq + 1;
	r->last_seq = rec->seq;
	return 0;
}

/* The stored hash of record SEQ: 1 found, 0 absent; the zero hash for 0. */
static int
hash_at (sqlite3 *db, uint64_t seq, uint8_t out[AUDIT_HASH_LEN])
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	memset (out, 0, AUDIT_HASH_LEN);
	if (seq == 0)
		return 1;
	if (sqlite3_prepare_v2 (db, "SELECT hash FROM records WHERE seq = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64 (st, 1, seq > INT64_MAX ? INT64_MAX : (sqlite3_int64) seq);
	if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_bytes (st, 0) == AUDIT_HASH_LEN) {
		memcpy (out, sqlite3_column_blob (st, 0), AUDIT_HASH_LEN);
		found = 1;
	}
	sqlite3_finalize (st);
	return found;
}

/* The one scheme the writer signs checkpoints with for PUB's type
 * (inkan_audit_checkpoint): ECDSA for EC, PSS for RSA.  Any other is
 * refused, so that a signature the key made for another purpose (PKCS#1
 * v1.5 over the same bytes) cannot pass for a checkpoint. */
static int
scheme_fits (EVP_PKEY *pub, inkan_sig_scheme scheme)
{
	switch (EVP_PKEY_get_base_id (pub)) {
	case EVP_PKEY_EC:
		return scheme == INKAN_SIG_ECDSA;
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		return scheme == INKAN_SIG_PSS;
	default:
		return 0;
	}
}

/* One checkpoint row: it must name a record still there, agree with the
 * chain there, and carry a good signature by the trusted (or its own) key. */
static void
check_checkpoint (sqlite3 *db, sqlite3_stmt *st, const inkan_audit_verify_opts *opts,
                  inkan_audit_verify_report *r)
{
	int64_t id = sqlite3_column_int64 (st, 0), t = sqlite3_column_int64 (st, 3);
	uint64_t seq = (uint64_t) sqlite3_column_int64 (st, 1);
	const uint8_t *head = sqlite3_column_blob (st, 2);
	int head_len = sqlite3_column_bytes (st, 2);
	const char *scheme_name = (const char *) sqlite3_column_text (st, 4);
	const uint8_t *spki = sqlite3_column_blob (st, 6);
	long spki_len = sqlite3_column_bytes (st, 6);
	const uint8_t *sig = sqlite3_column_blob (st, 7);
	size_t sig_len = (size_t) sqlite3_column_bytes (st, 7);
	uint8_t chain[AUDIT_HASH_LEN], msg[AUDIT_CHECKPOINT_MSG_MAX];
	size_t msg_len;
	inkan_sig_scheme scheme;
	EVP_PKEY *own = NULL;
	EVP_PKEY *pub;
	int ok = 0, trusted = opts != NULL && opts->trusted_key != NULL;

	r->checkpoints++;
	if (seq > r->last_seq || !hash_at (db, seq, chain)) {
		/* Where: the first record the tail lost, or the one cut out. */
		problem (r, INKAN_AUDIT_CHECKPOINT_MISSING_SEQ, seq > r->last_seq ? r->last_seq + 1 : seq, id,
		         _("checkpoint %lld covers record %llu, which the log no longer has (truncated)"),
		         (long long) id, (unsigned long long) seq);
		goto sig;
	}
	if (head == NULL || head_len != AUDIT_HASH_LEN || memcmp (head, chain, AUDIT_HASH_LEN) != 0) {
		problem (r, INKAN_AUDIT_CHECKPOINT_HEAD, seq, id,
		         _("checkpoint %lld: the chain's hash at record %llu is not the one signed"),
		         (long long) id, (unsigned long long) seq);
		goto sig;
	}
	ok = 1;
sig:
	/* The signature is checked over what the row says, whatever the
	 * chain: a forged checkpoint is its own finding. */
	if (spki != NULL)
		own = d2i_PUBKEY (NULL, &spki, spki_len);
	pub = trusted ? opts->trusted_key : own;
	if (trusted && (own == NULL || EVP_PKEY_eq (own, opts->trusted_key) != 1)) {
		problem (r, INKAN_AUDIT_CHECKPOINT_KEY, seq, id,
		         _("checkpoint %lld carries a key other than the trusted one"), (long long) id);
		ok = 0;
	}
	if (head == NULL || head_len != AUDIT_HASH_LEN || pub == NULL || !audit_scheme_from_name (scheme_name, &scheme) ||
	    !scheme_fits (pub, scheme)) {
		problem (r, INKAN_AUDIT_CHECKPOINT_SIGNATURE, seq, id,
		         _("checkpoint %lld: malformed head, key or scheme"), (long long) id);
		ok = 0;
		goto out;
	}
	audit_checkpoint_message (seq, head, t, msg, &msg_len);
	if (inkan_signature_verify (pub, scheme, INKAN_HASH_SHA256, msg, msg_len, 0, sig, sig_len) != INKAN_OK) {
		problem (r, INKAN_AUDIT_CHECKPOINT_SIGNATURE, seq, id,
		         _("checkpoint %lld: the signature does not verify"), (long long) id);
		ok = 0;
	}
	if (ok)
		r->checkpoints_valid++;
	if (seq > r->last_checkpoint_seq)
		r->last_checkpoint_seq = seq;
out:
	ERR_clear_error ();
	EVP_PKEY_free (own);
}

inkan_err
inkan_audit_verify (const char *path, const inkan_audit_verify_opts *opts, inkan_audit_verify_report *report)
{
	walk_state w = { .r = report, .expect_seq = 1, .last_time = INT64_MIN };
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	inkan_err err;
	int rc;

	memset (report, 0, sizeof *report);
	report->intact = 1;
	report->key_trusted = opts != NULL && opts->trusted_key != NULL;
	err = audit_open_readonly (path, &db);
	if (err != INKAN_OK)
		goto out;
	/* One read transaction for both passes: an appender working on the
	 * log meanwhile cannot make the checkpoints disagree with the chain. */
	rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		err = audit_walk (db, path, 0, check_record, &w);
	if (rc == SQLITE_OK && err == INKAN_OK)
		err = w.err;
	if (err != INKAN_OK)
		goto out;
	memcpy (report->head_hash, w.head, AUDIT_HASH_LEN);
	rc = sqlite3_prepare_v2 (db, "SELECT id, seq, head_hash, time, scheme, key_uri, spki, signature "
	                         "FROM checkpoints ORDER BY id", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW) {
		check_checkpoint (db, st, opts, report);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_OK)
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("cannot read the checkpoints of the audit log %s: %s"), path,
		                  sqlite3_errmsg (db));
out:
	sqlite3_finalize (st);
	sqlite3_close (db);
	if (err != INKAN_OK)
		report->intact = 0;
	return err;
}

void
inkan_audit_verify_report_clear (inkan_audit_verify_report *report)
{
	size_t i;

	if (report == NULL)
		return;
	for (i = 0; i < report->n_problems; i++)
		free (report->problems[i].detail);
	free (report->problems);
	memset (report, 0, sizeof *report);
}
