/* Checking an audit log: the chain of records, then every checkpoint. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "src/audit/store.h"
#include "src/util/internal.h"

/* A log altered everywhere would make a report of millions of lines; the
 * first ones say where, the count says how much. */
#define MAX_PROBLEMS 100

typedef struct {
	inkan_audit_verify_report *r;
	audit_store *store;
	const inkan_audit_verify_opts *opts;
	uint64_t expect_seq;
	uint8_t head[AUDIT_HASH_LEN];
	int64_t last_time;
	int64_t first_time;             /* of the first record */
	uint64_t covered_seq;           /* the highest seq a valid checkpoint covers */
	int64_t covered_time;           /* and that checkpoint's time */
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
check_record (const audit_row *row, void *user)
{
	walk_state *w = user;
	inkan_audit_verify_report *r = w->r;
	const inkan_audit_record *rec = &row->rec;
	uint8_t want[AUDIT_HASH_LEN];

	r->records++;
	/* The writer starts at 1: a row below is no record of its chain but
	 * one put there by hand, reported, not skipped, and left out of the
	 * chain so that the records around it are checked as they are. */
	if (row->bad_column == audit_record_column[0]) {
		problem (r, INKAN_AUDIT_MALFORMED, 0, -1, "%s", _("a row's seq is not an integer"));
		return 0;
	}
	if (row->seq < 1) {
		problem (r, INKAN_AUDIT_MALFORMED, 0, -1, _("a row has seq %lld: records begin at 1"),
		         (long long) row->seq);
		return 0;
	}
	if (row->bad_column != NULL)
		problem (r, INKAN_AUDIT_MALFORMED, rec->seq, -1,
		         _("record %llu: its %s is not of the column's type, or holds a NUL"),
		         (unsigned long long) rec->seq, row->bad_column);
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
	if (w->last_time == INT64_MIN)
		w->first_time = rec->time_ms;
	w->last_time = rec->time_ms;
	w->expect_seq = rec->seq + 1;
	r->last_seq = rec->seq;
	return 0;
}

/* The stored hash of record SEQ: 1 found, 0 absent; the zero hash for 0. */
static int
hash_at (audit_store *s, uint64_t seq, uint8_t out[AUDIT_HASH_LEN])
{
	memset (out, 0, AUDIT_HASH_LEN);
	return seq == 0 || s->ops->hash_at (s, seq, out);
}

/* The scheme of a checkpoint by its stored name ("ecdsa-sha256", as logs
 * have held it from the start): always with SHA-256. */
static int
scheme_named (const char *name, inkan_sig_scheme *scheme)
{
	inkan_hash hash;

	return inkan_sig_scheme_from_name (name, scheme, &hash) == INKAN_OK && hash == INKAN_HASH_SHA256;
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
check_checkpoint (const audit_checkpoint_row *cp, void *user)
{
	walk_state *w = user;
	const inkan_audit_verify_opts *opts = w->opts;
	inkan_audit_verify_report *r = w->r;
	int64_t id = cp->id, t = cp->time_ms;
	uint64_t seq = (uint64_t) cp->seq;
	const uint8_t *head = cp->head;
	size_t head_len = cp->head_len;
	const char *scheme_name = cp->scheme;
	const uint8_t *spki = cp->spki;
	long spki_len = (long) cp->spki_len;
	const uint8_t *sig = cp->sig;
	size_t sig_len = cp->sig_len;
	uint8_t chain[AUDIT_HASH_LEN], msg[AUDIT_CHECKPOINT_MSG_MAX];
	size_t msg_len;
	inkan_sig_scheme scheme;
	EVP_PKEY *own = NULL;
	EVP_PKEY *pub;
	int ok = 0, trusted = opts != NULL && opts->trusted_key != NULL;

	r->checkpoints++;
	if (cp->bad_column != NULL)
		problem (r, INKAN_AUDIT_MALFORMED, seq, id, _("checkpoint %lld: its %s is not of the column's type"),
		         (long long) id, cp->bad_column);
	if (seq > r->last_seq || !hash_at (w->store, seq, chain)) {
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
	if (head == NULL || head_len != AUDIT_HASH_LEN || pub == NULL || !scheme_named (scheme_name, &scheme) ||
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
	if (ok && (seq > w->covered_seq || (seq == w->covered_seq && t > w->covered_time))) {
		w->covered_seq = seq;
		w->covered_time = t;
	}
	if (seq > r->last_checkpoint_seq)
		r->last_checkpoint_seq = seq;
out:
	ERR_clear_error ();
	EVP_PKEY_free (own);
}

inkan_err
inkan_audit_verify (const char *path, const inkan_audit_verify_opts *opts, inkan_audit_verify_report *report)
{
	walk_state w = { .r = report, .opts = opts, .expect_seq = 1, .last_time = INT64_MIN };
	inkan_err err;

	memset (report, 0, sizeof *report);
	report->intact = 1;
	report->key_trusted = opts != NULL && opts->trusted_key != NULL;
	err = audit_store_open (path, 0, 0, &w.store);
	if (err != INKAN_OK)
		goto out;
	/* One read snapshot for both passes: an appender working on the log
	 * meanwhile cannot make the checkpoints disagree with the chain. */
	err = w.store->ops->snapshot (w.store);
	/* Every row, whatever its seq: one below 1 is a finding too. */
	if (err == INKAN_OK)
		err = w.store->ops->walk (w.store, INT64_MIN, check_record, &w);
	if (err == INKAN_OK)
		err = w.err;
	if (err != INKAN_OK)
		goto out;
	memcpy (report->head_hash, w.head, AUDIT_HASH_LEN);
	err = w.store->ops->walk_checkpoints (w.store, check_checkpoint, &w);
	if (err == INKAN_OK && report->last_seq > w.covered_seq) {
		int64_t since = w.covered_seq > 0 ? w.covered_time : w.first_time;

		report->unprotected_records = report->last_seq - w.covered_seq;
		report->unprotected_seconds = w.last_time > since ? (w.last_time - since) / 1000 : 0;
	}
out:
	audit_store_close (w.store);
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
