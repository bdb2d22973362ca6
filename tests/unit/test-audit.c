/* The audit log: round trip, group commit from many threads and from
 * asynchronous appends, failing closed, and every kind of tampering found at the right seq. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "src/audit/audit-int.h"
#include "src/util/internal.h"

typedef struct tamper_case tamper_case;

typedef struct {
	char dir[64];
	char path[96];
	EVP_PKEY *key;          /* the checkpoint signer */
	const tamper_case *tc;  /* for test_tamper */
} fixture;

static int
setup (void **state)
{
	fixture *f = calloc (1, sizeof *f);

	strcpy (f->dir, "/tmp/inkan-audit-test.XXXXXX");
	if (f == NULL || mkdtemp (f->dir) == NULL)
		return -1;
	snprintf (f->path, sizeof f->path, "%s/audit.db", f->dir);
	f->key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
	*state = f;
	return f->key != NULL ? 0 : -1;
}

static int
teardown (void **state)
{
	fixture *f = *state;
	char cmd[128];

	snprintf (cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	EVP_PKEY_free (f->key);
	free (f);
	return system (cmd) == 0 ? 0 : -1;
}

/* A software stand-in for the token's inkan_key_sign: SHA-256, DER ECDSA
 * or RSA-PSS with a salt of the hash's length. */
static inkan_err
soft_sign (void *ctx, const uint8_t *msg, size_t len, uint8_t **sig, size_t *sig_len)
{
	EVP_PKEY *key = ctx;
	EVP_MD_CTX *md = EVP_MD_CTX_new ();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	ok = EVP_DigestSignInit (md, &pctx, EVP_sha256 (), NULL, key) == 1;
	if (ok && EVP_PKEY_get_base_id (key) == EVP_PKEY_RSA)
		ok = EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen (pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
	ok = ok && EVP_DigestSign (md, NULL, sig_len, msg, len) == 1 && (*sig = malloc (*sig_len)) != NULL &&
	     EVP_DigestSign (md, *sig, sig_len, msg, len) == 1;
	EVP_MD_CTX_free (md);
	return ok ? INKAN_OK : INKAN_ERR_CRYPTO;
}

static inkan_err
checkpoint (inkan_audit *log, EVP_PKEY *key, uint64_t *seq)
{
	inkan_sig_scheme scheme = EVP_PKEY_get_base_id (key) == EVP_PKEY_RSA ? INKAN_SIG_PSS : INKAN_SIG_ECDSA;

	return audit_checkpoint_signed (log, scheme, "pkcs11:token=test;object=audit", key, soft_sign, key, seq);
}

static void
entry_for (uint64_t i, char *client, size_t client_size, uint8_t digest[32], inkan_audit_entry *e)
{
	snprintf (client, client_size, "client-%llu", (unsigned long long) i);
	memset (digest, (int) (i & 0xff), 32);
	e->client = client;
	e->key_uri = "pkcs11:token=relay;object=seal";
	e->operation = i % 2 ? "sign" : "cms-sign";
	e->digest = digest;
	e->digest_len = 32;
	e->result = "ok";
}

/* A closed log of N records (client-1 ... client-N), with a checkpoint of
 * the head when CHECKPOINT. */
static void
make_log (fixture *f, uint64_t n, int with_checkpoint)
{
	inkan_audit *log = NULL;
	uint64_t i, seq = 0;

	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_OK);
	for (i = 1; i <= n; i++) {
		char client[32];
		uint8_t digest[32];
		inkan_audit_entry e;

		entry_for (i, client, sizeof client, digest, &e);
		assert_int_equal (inkan_audit_append (log, &e, &seq), INKAN_OK);
		assert_int_equal (seq, i);
	}
	if (with_checkpoint) {
		assert_int_equal (checkpoint (log, f->key, &seq), INKAN_OK);
		assert_int_equal (seq, n);
	}
	inkan_audit_close (log);
}

static void
verify (fixture *f, EVP_PKEY *trusted, inkan_audit_verify_report *r)
{
	inkan_audit_verify_opts opts = { .trusted_key = trusted };

	assert_int_equal (inkan_audit_verify (f->path, &opts, r), INKAN_OK);
}

static int
has_problem (const inkan_audit_verify_report *r, inkan_audit_problem_kind kind, uint64_t seq)
{
	size_t i;

	for (i = 0; i < r->n_problems; i++)
		if (r->problems[i].kind == kind && r->problems[i].seq == seq)
			return 1;
	return 0;
}

static int
check_read (const inkan_audit_record *rec, void *user)
{
	uint64_t *next = user;
	char client[32];
	uint8_t digest[32], hash[32];
	inkan_audit_entry e;

	entry_for (rec->seq, client, sizeof client, digest, &e);
	assert_int_equal (rec->seq, *next);
	assert_string_equal (rec->client, client);
	assert_string_equal (rec->operation, e.operation);
	assert_int_equal (rec->digest_len, 32);
	assert_memory_equal (rec->digest, digest, 32);
	assert_non_null (rec->hash);
	assert_int_equal (audit_record_hash (rec, hash), INKAN_OK);
	assert_memory_equal (hash, rec->hash, 32);
	(*next)++;
	return 0;
}

static void
test_round_trip (void **state)
{
	fixture *f = *state;
	inkan_audit_verify_report r;
	inkan_audit *log = NULL;
	uint8_t zero[32] = { 0 };
	uint64_t next = 1, seq = 0;
	char client[32];
	uint8_t digest[32];
	inkan_audit_entry e;

	make_log (f, 10, 1);
	verify (f, f->key, &r);
	assert_true (r.intact);
	assert_int_equal (r.n_problems, 0);
	assert_int_equal (r.records, 10);
	assert_int_equal (r.last_seq, 10);
	assert_int_equal (r.checkpoints, 1);
	assert_int_equal (r.checkpoints_valid, 1);
	assert_int_equal (r.last_checkpoint_seq, 10);
	assert_true (r.key_trusted);
	inkan_audit_verify_report_clear (&r);
	assert_int_equal (inkan_audit_read (f->path, 1, check_read, &next), INKAN_OK);
	assert_int_equal (next, 11);

	/* Reopened, the chain goes on where it was. */
	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_OK);
	assert_null (inkan_audit_failure (log));
	entry_for (11, client, sizeof client, digest, &e);
	assert_int_equal (inkan_audit_append (log, &e, &seq), INKAN_OK);
	assert_int_equal (seq, 11);
	inkan_audit_close (log);
	verify (f, NULL, &r);
	assert_true (r.intact);
	assert_int_equal (r.last_seq, 11);
	assert_false (r.key_trusted);
	inkan_audit_verify_report_clear (&r);

	/* The first record follows the genesis value, 32 zero bytes. */
	next = 1;
	{
		sqlite3 *db;
		sqlite3_stmt *st;

		assert_int_equal (sqlite3_open (f->path, &db), SQLITE_OK);
		assert_int_equal (sqlite3_prepare_v2 (db, "SELECT prev_hash FROM records WHERE seq = 1", -1, &st, NULL),
		                  SQLITE_OK);
		assert_int_equal (sqlite3_step (st), SQLITE_ROW);
		assert_int_equal (sqlite3_column_bytes (st, 0), 32);
		assert_memory_equal (sqlite3_column_blob (st, 0), zero, 32);
		sqlite3_finalize (st);
		sqlite3_close (db);
	}
}

/* Fixed bytes for a fixed record: the encoding in doc/audit-log.md must
 * not drift. */
static void
test_hash_encoding (void **state)
{
	static const uint8_t digest[2] = { 0xab, 0xcd };
	uint8_t zero[32] = { 0 }, got[32], want[32];
	inkan_audit_record rec = {
		.seq = 1, .time_ms = 1700000000000, .client = "c", .key_uri = "k", .operation = "sign",
		.digest = digest, .digest_len = 2, .result = "ok", .prev_hash = zero,
	};
	uint8_t enc[256];
	size_t n = 0;
	inkan_audit_record other = rec;

	(void) state;
#define PUT(p, l) (memcpy (enc + n, p, l), n += l)
#define LEN(l) (enc[n] = 0, enc[n + 1] = 0, enc[n + 2] = 0, enc[n + 3] = (uint8_t) (l), n += 4)
	LEN (21); PUT ("inkan-audit-record-v1", 21);
	PUT ("\0\0\0\0\0\0\0\1", 8);
	PUT ("\x00\x00\x01\x8b\xcf\xe5\x68\x00", 8);
	LEN (1); PUT ("c", 1);
	LEN (1); PUT ("k", 1);
	LEN (4); PUT ("sign", 4);
	LEN (2); PUT (digest, 2);
	LEN (2); PUT ("ok", 2);
	LEN (32); PUT (zero, 32);
#undef PUT
#undef LEN
	assert_non_null (EVP_Q_digest (NULL, "SHA256", NULL, enc, n, want, NULL));
	assert_int_equal (audit_record_hash (&rec, got), INKAN_OK);
	assert_memory_equal (got, want, 32);
	/* Moving a byte across a field boundary changes the hash. */
	other.client = "ck";
	other.key_uri = "";
	assert_int_equal (audit_record_hash (&other, got), INKAN_OK);
	assert_memory_not_equal (got, want, 32);
}

#define THREADS 8
#define PER_THREAD 150

typedef struct {
	inkan_audit *log;
	int id;
	uint64_t seqs[PER_THREAD];
	inkan_err err;
} worker;

static void *
append_many (void *arg)
{
	worker *w = arg;
	int i;

	for (i = 0; i < PER_THREAD && w->err == INKAN_OK; i++) {
		char client[32];
		uint8_t digest[32];
		inkan_audit_entry e;

		entry_for ((uint64_t) (w->id * PER_THREAD + i), client, sizeof client, digest, &e);
		snprintf (client, sizeof client, "t%d-%d", w->id, i);
		w->err = inkan_audit_append (w->log, &e, &w->seqs[i]);
	}
	return NULL;
}

typedef struct {
	uint8_t seen[THREADS * PER_THREAD + 1];
	worker *workers;
} seen_state;

static int
note_seen (const inkan_audit_record *rec, void *user)
{
	seen_state *s = user;
	int t, i;

	assert_true (rec->seq >= 1 && rec->seq <= THREADS * PER_THREAD);
	assert_int_equal (sscanf (rec->client, "t%d-%d", &t, &i), 2);
	/* Each thread's record is at the seq its append returned. */
	assert_int_equal (s->workers[t].seqs[i], rec->seq);
	s->seen[rec->seq]++;
	return 0;
}

/* Threads on two handles of one file (as two processes would be): every
 * append lands once, at the seq it was told, in one unbroken chain; and
 * appends that met in time shared commits. */
static void
test_concurrent_appends (void **state)
{
	fixture *f = *state;
	worker w[THREADS];
	pthread_t th[THREADS];
	seen_state *s = calloc (1, sizeof *s);
	inkan_audit_verify_report r;
	inkan_audit *logs[2] = { NULL, NULL };
	uint64_t commits;
	int i;

	assert_non_null (s);
	assert_int_equal (inkan_audit_open (f->path, &logs[0]), INKAN_OK);
	assert_int_equal (inkan_audit_open (f->path, &logs[1]), INKAN_OK);
	for (i = 0; i < THREADS; i++) {
		w[i] = (worker) { .log = logs[i % 2], .id = i };
		assert_int_equal (pthread_create (&th[i], NULL, append_many, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal (pthread_join (th[i], NULL), 0);
		assert_int_equal (w[i].err, INKAN_OK);
	}
	commits = audit_commits (logs[0]) + audit_commits (logs[1]);
	print_message ("# %d appends in %llu commits\n", THREADS * PER_THREAD, (unsigned long long) commits);
	assert_true (commits < THREADS * PER_THREAD);
	inkan_audit_close (logs[0]);
	inkan_audit_close (logs[1]);

	s->workers = w;
	assert_int_equal (inkan_audit_read (f->path, 0, note_seen, s), INKAN_OK);
	for (i = 1; i <= THREADS * PER_THREAD; i++)
		assert_int_equal (s->seen[i], 1);
	verify (f, NULL, &r);
	assert_true (r.intact);
	assert_int_equal (r.records, THREADS * PER_THREAD);
	assert_int_equal (r.last_seq, THREADS * PER_THREAD);
	inkan_audit_verify_report_clear (&r);
	free (s);
}

static int
append_one (inkan_audit *log, uint64_t i)
{
	char client[32];
	uint8_t digest[32];
	inkan_audit_entry e;

	entry_for (i, client, sizeof client, digest, &e);
	return inkan_audit_append (log, &e, NULL);
}

/* Another writer holds the file's write lock past the timeout: the append
 * fails, and so does every later one, after the lock is gone too. */
static void
test_fail_closed_locked (void **state)
{
	fixture *f = *state;
	inkan_audit_options opts = { .busy_timeout_ms = 100 };
	inkan_audit_verify_report r;
	inkan_audit *log = NULL;
	sqlite3 *other = NULL;

	make_log (f, 3, 0);
	assert_int_equal (inkan_audit_open_with (f->path, &opts, &log), INKAN_OK);
	assert_int_equal (append_one (log, 4), INKAN_OK);
	assert_int_equal (sqlite3_open (f->path, &other), SQLITE_OK);
	assert_int_equal (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

	assert_int_equal (append_one (log, 5), INKAN_ERR_IO);
	assert_non_null (strstr (inkan_detail (), "database is locked"));
	assert_non_null (inkan_audit_failure (log));
	assert_non_null (strstr (inkan_audit_failure (log), "database is locked"));
	assert_non_null (strstr (inkan_audit_failure (log), f->path));

	assert_int_equal (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close (other);
	inkan_detail_clear ();
	assert_int_equal (append_one (log, 5), INKAN_ERR_IO);
	assert_non_null (strstr (inkan_detail (), "database is locked"));
	assert_int_equal (checkpoint (log, f->key, NULL), INKAN_ERR_IO);
	inkan_audit_close (log);

	/* Reopened: writable again, and nothing half-written is left. */
	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_OK);
	assert_null (inkan_audit_failure (log));
	assert_int_equal (append_one (log, 5), INKAN_OK);
	inkan_audit_close (log);
	verify (f, NULL, &r);
	assert_true (r.intact);
	assert_int_equal (r.last_seq, 5);
	inkan_audit_verify_report_clear (&r);
}

/* Readiness: a log that could take a write says so; one whose next write
 * would fail (here a file size limit below the probe's write, as a quota
 * would) says why before any append has failed. */
static void
test_probe (void **state)
{
	fixture *f = *state;
	struct rlimit old, tiny;
	inkan_audit *log = NULL;
	void (*old_handler) (int);
	inkan_err err;

	make_log (f, 1, 0);
	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_OK);
	assert_int_equal (inkan_audit_probe (log), INKAN_OK);
	assert_int_equal (getrlimit (RLIMIT_FSIZE, &old), 0);
	tiny = old;
	tiny.rlim_cur = 1024;
	old_handler = signal (SIGXFSZ, SIG_IGN);
	assert_int_equal (setrlimit (RLIMIT_FSIZE, &tiny), 0);
	err = inkan_audit_probe (log);
	assert_int_equal (setrlimit (RLIMIT_FSIZE, &old), 0);
	signal (SIGXFSZ, old_handler);
	assert_int_equal (err, INKAN_ERR_IO);
	assert_non_null (strstr (inkan_detail (), "cannot be written: File too large"));
	assert_null (inkan_audit_failure (log));
	assert_int_equal (append_one (log, 2), INKAN_OK);
	inkan_audit_close (log);
}

/* The disk fills up (a file size limit, which the kernel enforces on the
 * WAL like a full disk): the append fails with SQLite's reason and the log
 * stays closed. */
static void
test_fail_closed_disk_full (void **state)
{
	fixture *f = *state;
	struct rlimit old, small;
	inkan_audit_verify_report r;
	inkan_audit *log = NULL;
	uint64_t i, ok = 0;
	char big[8192];
	inkan_err err = INKAN_OK;
	void (*old_handler) (int);

	memset (big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	make_log (f, 2, 0);
	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_OK);
	assert_int_equal (getrlimit (RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 512 * 1024;
	old_handler = signal (SIGXFSZ, SIG_IGN);
	assert_int_equal (setrlimit (RLIMIT_FSIZE, &small), 0);
	for (i = 3; i < 1000 && err == INKAN_OK; i++) {
		inkan_audit_entry e = { big, "pkcs11:object=k", "sign", (const uint8_t *) "", 0, "ok" };

		err = inkan_audit_append (log, &e, NULL);
		ok += err == INKAN_OK;
	}
	assert_int_equal (setrlimit (RLIMIT_FSIZE, &old), 0);
	signal (SIGXFSZ, old_handler);
	assert_int_equal (err, INKAN_ERR_IO);
	assert_true (ok > 10);
	assert_non_null (inkan_audit_failure (log));
	print_message ("# disk full after %llu appends: %s\n", (unsigned long long) ok, inkan_audit_failure (log));
	/* Room again, still refused: a log with a hole of unknown size in its
	 * history is not written to until someone reopens it. */
	assert_int_equal (append_one (log, 1000), INKAN_ERR_IO);
	assert_non_null (strstr (inkan_detail (), "cannot be written"));
	assert_int_equal (inkan_audit_probe (log), INKAN_ERR_IO);
	inkan_audit_close (log);
	verify (f, NULL, &r);
	assert_true (r.intact);
	assert_int_equal (r.last_seq, 2 + ok);
	inkan_audit_verify_report_clear (&r);
}

/* One caller appending one record after another is no stream: each
 * record is committed alone, at once, not held back for company. */
static void
test_lone_appends (void **state)
{
	fixture *f = *state;
	inkan_audit *log = NULL;
	uint64_t i;

	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_OK);
	for (i = 1; i <= 20; i++)
		assert_int_equal (append_one (log, i), INKAN_OK);
	assert_int_equal (audit_commits (log), 20);
	inkan_audit_close (log);
}

/* What the asynchronous appends' callbacks saw, in the order called. */
#define ASYNC_N 300
typedef struct {
	pthread_mutex_t lock;
	unsigned calls[ASYNC_N];
	int order[ASYNC_N];
	inkan_err errs[ASYNC_N];
	uint64_t seqs[ASYNC_N];
	unsigned n;
	char clients[ASYNC_N][32];
	uint8_t digests[ASYNC_N][32];
	inkan_audit_entry entries[ASYNC_N];
} async_state;

typedef struct {
	async_state *s;
	int i;
} async_arg;

static void
async_done (void *arg, inkan_err err, uint64_t seq)
{
	async_arg *a = arg;
	async_state *s = a->s;

	pthread_mutex_lock (&s->lock);
	s->calls[a->i]++;
	s->errs[a->i] = err;
	s->seqs[a->i] = seq;
	s->order[s->n++] = a->i;
	pthread_mutex_unlock (&s->lock);
}

static async_state *
async_new (async_arg *args)
{
	async_state *s = calloc (1, sizeof *s);
	int i;

	assert_non_null (s);
	pthread_mutex_init (&s->lock, NULL);
	for (i = 0; i < ASYNC_N; i++) {
		entry_for ((uint64_t) i + 1, s->clients[i], sizeof s->clients[i], s->digests[i], &s->entries[i]);
		args[i] = (async_arg) { s, i };
	}
	return s;
}

/* Appends that return at once: every callback called once, in the order
 * of the appends, each with the seq the record has; close waits for them;
 * and the appends queued together shared commits. */
static void
test_async_order (void **state)
{
	fixture *f = *state;
	async_arg args[ASYNC_N];
	async_state *s = async_new (args);
	inkan_audit_verify_report r;
	inkan_audit *log = NULL;
	uint64_t commits, next = 1;
	int i;

	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_OK);
	assert_int_equal (inkan_audit_append_async (log, NULL, async_done, &args[0]), INKAN_ERR_USAGE);
	assert_int_equal (inkan_audit_append_async (log, &s->entries[0], NULL, NULL), INKAN_ERR_USAGE);
	for (i = 0; i < ASYNC_N; i++)
		assert_int_equal (inkan_audit_append_async (log, &s->entries[i], async_done, &args[i]), INKAN_OK);
	pthread_mutex_lock (&s->lock);
	/* Half of them: close must wait for the rest. */
	while (s->n < ASYNC_N / 2) {
		pthread_mutex_unlock (&s->lock);
		usleep (1000);
		pthread_mutex_lock (&s->lock);
	}
	pthread_mutex_unlock (&s->lock);
	commits = audit_commits (log);
	inkan_audit_close (log);
	assert_int_equal (s->n, ASYNC_N);
	assert_true (commits < ASYNC_N / 2);
	for (i = 0; i < ASYNC_N; i++) {
		assert_int_equal (s->calls[i], 1);
		assert_int_equal (s->order[i], i);
		assert_int_equal (s->errs[i], INKAN_OK);
		assert_int_equal (s->seqs[i], (uint64_t) i + 1);
	}
	print_message ("# the first %d or more of %d asynchronous appends in %llu commits\n", ASYNC_N / 2, ASYNC_N,
	               (unsigned long long) commits);
	assert_int_equal (inkan_audit_read (f->path, 0, check_read, &next), INKAN_OK);
	assert_int_equal (next, ASYNC_N + 1);
	verify (f, NULL, &r);
	assert_true (r.intact);
	inkan_audit_verify_report_clear (&r);
	pthread_mutex_destroy (&s->lock);
	free (s);
}

/* The file is locked past the timeout under queued appends: each callback
 * gets the error, once, with no seq; an append after that is refused at
 * once, without a callback; nothing half-written is left. */
static void
test_async_fail_closed (void **state)
{
	fixture *f = *state;
	inkan_audit_options opts = { .busy_timeout_ms = 100 };
	async_arg args[ASYNC_N];
	async_state *s = async_new (args);
	inkan_audit_verify_report r;
	inkan_audit *log = NULL;
	sqlite3 *other = NULL;
	int i;

	make_log (f, 3, 0);
	assert_int_equal (inkan_audit_open_with (f->path, &opts, &log), INKAN_OK);
	assert_int_equal (sqlite3_open (f->path, &other), SQLITE_OK);
	assert_int_equal (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < 50; i++)
		assert_int_equal (inkan_audit_append_async (log, &s->entries[i], async_done, &args[i]), INKAN_OK);
	while (inkan_audit_failure (log) == NULL)
		usleep (10 * 1000);
	assert_int_equal (inkan_audit_append_async (log, &s->entries[50], async_done, &args[50]), INKAN_ERR_IO);
	assert_non_null (strstr (inkan_detail (), "database is locked"));
	inkan_audit_close (log);
	assert_int_equal (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close (other);
	assert_int_equal (s->n, 50);
	for (i = 0; i < 50; i++) {
		assert_int_equal (s->calls[i], 1);
		assert_int_equal (s->order[i], i);
		assert_int_equal (s->errs[i], INKAN_ERR_IO);
		assert_int_equal (s->seqs[i], 0);
	}
	assert_int_equal (s->calls[50], 0);
	verify (f, NULL, &r);
	assert_true (r.intact);
	assert_int_equal (r.last_seq, 3);
	inkan_audit_verify_report_clear (&r);
	pthread_mutex_destroy (&s->lock);
	free (s);
}

/* Edit a closed log as an attacker would, through SQLite, triggers
 * dropped first. */
static void
tamper (fixture *f, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_int_equal (sqlite3_open (f->path, &db), SQLITE_OK);
	assert_int_equal (sqlite3_exec (db, "DROP TRIGGER records_append_only_u; DROP TRIGGER records_append_only_d",
	                                NULL, NULL, NULL), SQLITE_OK);
	if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg ("%s: %s", sql, msg);
	sqlite3_close (db);
}

static void
expect_tampered (fixture *f, inkan_audit_problem_kind kind, uint64_t seq)
{
	inkan_audit_verify_report r;
	size_t i;

	verify (f, f->key, &r);
	for (i = 0; i < r.n_problems; i++)
		print_message ("#   %s at %llu: %s\n", inkan_audit_problem_name (r.problems[i].kind),
		               (unsigned long long) r.problems[i].seq, r.problems[i].detail);
	assert_false (r.intact);
	assert_int_equal (r.first_bad_seq, seq);
	assert_true (has_problem (&r, kind, seq));
	inkan_audit_verify_report_clear (&r);
}

/* Each on a fresh log of 10 records and a checkpoint of seq 10. */
struct tamper_case {
	const char *sql;
	inkan_audit_problem_kind kind;
	uint64_t seq;           /* where verify must say it is */
	size_t n_problems;      /* and how many it finds; 0: not checked */
};

static const tamper_case altered = {
	"UPDATE records SET client = 'someone-else' WHERE seq = 4", INKAN_AUDIT_HASH_MISMATCH, 4, 1 };
static const tamper_case altered_digest = {
	"UPDATE records SET digest = zeroblob (32) WHERE seq = 7", INKAN_AUDIT_HASH_MISMATCH, 7, 0 };
static const tamper_case deleted = { "DELETE FROM records WHERE seq = 5", INKAN_AUDIT_SEQ_GAP, 5, 1 };
/* Room made at 5 by moving 5.. up one, and a record put there. */
static const tamper_case inserted = {
	"UPDATE records SET seq = seq + 1000 WHERE seq >= 5;"
	"UPDATE records SET seq = seq - 999 WHERE seq >= 1000;"
	"INSERT INTO records SELECT 5, time, 'intruder', key_uri, operation, digest, result, hash, "
	"randomblob (32) FROM records WHERE seq = 4", INKAN_AUDIT_HASH_MISMATCH, 5, 0 };
/* Records 3 and 4 trade places (their seqs stay). */
static const tamper_case swapped = {
	"UPDATE records SET seq = 1003 WHERE seq = 3; UPDATE records SET seq = 3 WHERE seq = 4;"
	"UPDATE records SET seq = 4 WHERE seq = 1003", INKAN_AUDIT_CHAIN_BREAK, 3, 0 };
/* The tail after seq 7 cut off: the chain that is left is whole, but the
 * checkpoint of seq 10 says there was more. */
static const tamper_case truncated = {
	"DELETE FROM records WHERE seq > 7", INKAN_AUDIT_CHECKPOINT_MISSING_SEQ, 8, 1 };

/* Rows no writer makes: each is reported where it is, not skipped. */
static const tamper_case below_one = {
	"INSERT INTO records SELECT -3, time, client, key_uri, operation, digest, result, prev_hash, hash "
	"FROM records WHERE seq = 2", INKAN_AUDIT_MALFORMED, 0, 1 };
static const tamper_case zero = {
	"INSERT INTO records SELECT 0, time, client, key_uri, operation, digest, result, prev_hash, hash "
	"FROM records WHERE seq = 2", INKAN_AUDIT_MALFORMED, 0, 1 };
/* The same bytes, of another type: they hash alike, the column says no. */
static const tamper_case text_as_blob = {
	"UPDATE records SET client = CAST (client AS BLOB) WHERE seq = 6", INKAN_AUDIT_MALFORMED, 6, 1 };
static const tamper_case time_as_text = {
	"UPDATE records SET time = 'yesterday' WHERE seq = 8", INKAN_AUDIT_MALFORMED, 8, 0 };
static const tamper_case digest_as_text = {
	"UPDATE records SET digest = 'abc' WHERE seq = 2", INKAN_AUDIT_MALFORMED, 2, 0 };
/* A text with a NUL inside, which strlen() would hash short. */
static const tamper_case embedded_nul = {
	"UPDATE records SET result = CAST (X'6F6B00787878' AS TEXT) WHERE seq = 3", INKAN_AUDIT_MALFORMED, 3, 0 };
static const tamper_case checkpoint_scheme_as_blob = {
	"UPDATE checkpoints SET scheme = CAST (scheme AS BLOB)", INKAN_AUDIT_MALFORMED, 10, 0 };

static int
setup_case (void **state)
{
	const tamper_case *tc = *state;

	if (setup (state) != 0)
		return -1;
	((fixture *) *state)->tc = tc;
	return 0;
}

static void
test_tamper (void **state)
{
	fixture *f = *state;
	inkan_audit_verify_report r;

	make_log (f, 10, 1);
	tamper (f, f->tc->sql);
	expect_tampered (f, f->tc->kind, f->tc->seq);
	verify (f, f->key, &r);
	if (f->tc->n_problems > 0)
		assert_int_equal (r.n_problems, f->tc->n_problems);
	inkan_audit_verify_report_clear (&r);
}

static void
test_tamper_time (void **state)
{
	fixture *f = *state;
	inkan_audit_verify_report r;

	make_log (f, 10, 1);
	tamper (f, "UPDATE records SET time = time - 3600000 WHERE seq = 6");
	verify (f, f->key, &r);
	assert_int_equal (r.first_bad_seq, 6);
	assert_true (has_problem (&r, INKAN_AUDIT_HASH_MISMATCH, 6));
	assert_true (has_problem (&r, INKAN_AUDIT_TIME_BACKWARDS, 6));
	inkan_audit_verify_report_clear (&r);
}

/* The whole chain rewritten from record 6 on, hashes and all, by someone
 * who knows the format but not the checkpoint key. */
static void
test_tamper_rewritten_chain (void **state)
{
	fixture *f = *state;
	inkan_audit *log = NULL;
	uint64_t seq = 0, i;

	make_log (f, 10, 1);
	tamper (f, "DELETE FROM records WHERE seq > 5");
	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_OK);
	for (i = 6; i <= 10; i++) {
		inkan_audit_entry e = { "forger", "pkcs11:object=x", "sign", (const uint8_t *) "", 0, "ok" };

		assert_int_equal (inkan_audit_append (log, &e, &seq), INKAN_OK);
	}
	assert_int_equal (seq, 10);
	inkan_audit_close (log);
	expect_tampered (f, INKAN_AUDIT_CHECKPOINT_HEAD, 10);
}

static void
test_checkpoint_forged (void **state)
{
	fixture *f = *state;
	EVP_PKEY *other = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
	inkan_audit_verify_report r;
	inkan_audit *log = NULL;

	/* Signed by another key: fine on its own terms, not by the trusted one. */
	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_OK);
	assert_int_equal (append_one (log, 1), INKAN_OK);
	assert_int_equal (checkpoint (log, other, NULL), INKAN_OK);
	inkan_audit_close (log);
	verify (f, NULL, &r);
	assert_true (r.intact);
	assert_int_equal (r.checkpoints_valid, 1);
	inkan_audit_verify_report_clear (&r);
	expect_tampered (f, INKAN_AUDIT_CHECKPOINT_KEY, 1);
	EVP_PKEY_free (other);

	/* A checkpoint moved to another seq no longer verifies. */
	tamper (f, "DELETE FROM checkpoints");
	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_OK);
	assert_int_equal (append_one (log, 2), INKAN_OK);
	assert_int_equal (checkpoint (log, f->key, NULL), INKAN_OK);
	inkan_audit_close (log);
	tamper (f, "UPDATE checkpoints SET seq = 1, head_hash = (SELECT hash FROM records WHERE seq = 1)");
	expect_tampered (f, INKAN_AUDIT_CHECKPOINT_SIGNATURE, 1);
}

/* The scheme column of the log's first checkpoint, after setting every
 * checkpoint's to SET_TO (unless NULL). */
static char *
stored_scheme (fixture *f, const char *set_to)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *name = NULL;

	assert_int_equal (sqlite3_open (f->path, &db), SQLITE_OK);
	if (set_to != NULL) {
		assert_int_equal (sqlite3_prepare_v2 (db, "UPDATE checkpoints SET scheme = ?", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text (st, 1, set_to, -1, SQLITE_STATIC);
		assert_int_equal (sqlite3_step (st), SQLITE_DONE);
		sqlite3_finalize (st);
	}
	assert_int_equal (sqlite3_prepare_v2 (db, "SELECT scheme FROM checkpoints ORDER BY id LIMIT 1", -1, &st, NULL), SQLITE_OK);
	assert_int_equal (sqlite3_step (st), SQLITE_ROW);
	name = strdup ((const char *) sqlite3_column_text (st, 0));
	sqlite3_finalize (st);
	sqlite3_close (db);
	return name;
}

static void
test_checkpoint_rsa (void **state)
{
	fixture *f = *state;
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 2048);
	inkan_audit_verify_report r;
	inkan_audit *log = NULL;
	uint64_t seq = 99;
	char *name;

	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_OK);
	/* An empty log's head is seq 0 and the genesis value. */
	assert_int_equal (checkpoint (log, rsa, &seq), INKAN_OK);
	assert_int_equal (seq, 0);
	assert_int_equal (append_one (log, 1), INKAN_OK);
	assert_int_equal (checkpoint (log, rsa, &seq), INKAN_OK);
	assert_int_equal (seq, 1);
	inkan_audit_close (log);
	verify (f, rsa, &r);
	assert_true (r.intact);
	assert_int_equal (r.checkpoints, 2);
	assert_int_equal (r.checkpoints_valid, 2);
	inkan_audit_verify_report_clear (&r);
	/* Logs hold the scheme with its hash, as they always have: the writer
	 * still writes it, the verifier still reads it, and a name without the
	 * hash (the CLI's "rsa-pss") is not a checkpoint's. */
	name = stored_scheme (f, NULL);
	assert_string_equal (name, "rsa-pss-sha256");
	free (name);
	free (stored_scheme (f, "rsa-pss"));
	verify (f, rsa, &r);
	assert_int_equal (r.checkpoints_valid, 0);
	assert_true (has_problem (&r, INKAN_AUDIT_CHECKPOINT_SIGNATURE, 1));
	inkan_audit_verify_report_clear (&r);
	EVP_PKEY_free (rsa);
}

/* An RSA signature in PKCS#1 v1.5 over a checkpoint's bytes: not what the
 * writer makes, refused even though it verifies as PKCS#1. */
static inkan_err
pkcs1_sign (void *ctx, const uint8_t *msg, size_t len, uint8_t **sig, size_t *sig_len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new ();
	int ok;

	ok = md != NULL && EVP_DigestSignInit (md, NULL, EVP_sha256 (), NULL, ctx) == 1 &&
	     EVP_DigestSign (md, NULL, sig_len, msg, len) == 1 && (*sig = malloc (*sig_len)) != NULL &&
	     EVP_DigestSign (md, *sig, sig_len, msg, len) == 1;
	EVP_MD_CTX_free (md);
	return ok ? INKAN_OK : INKAN_ERR_CRYPTO;
}

static void
test_checkpoint_scheme_of_key (void **state)
{
	fixture *f = *state;
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 2048);
	inkan_audit_verify_report r;
	inkan_audit *log = NULL;

	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_OK);
	assert_int_equal (append_one (log, 1), INKAN_OK);
	assert_int_equal (audit_checkpoint_signed (log, INKAN_SIG_PKCS1, "pkcs11:token=test;object=audit", rsa,
	                                           pkcs1_sign, rsa, NULL), INKAN_OK);
	inkan_audit_close (log);
	verify (f, rsa, &r);
	assert_false (r.intact);
	assert_int_equal (r.checkpoints, 1);
	assert_int_equal (r.checkpoints_valid, 0);
	assert_true (has_problem (&r, INKAN_AUDIT_CHECKPOINT_SIGNATURE, 1));
	inkan_audit_verify_report_clear (&r);
	EVP_PKEY_free (rsa);
}

static void
test_not_a_log (void **state)
{
	fixture *f = *state;
	inkan_audit_verify_report r;
	inkan_audit *log = NULL;
	FILE *fp;

	assert_int_equal (inkan_audit_verify (f->path, NULL, &r), INKAN_ERR_IO);
	inkan_audit_verify_report_clear (&r);
	fp = fopen (f->path, "w");
	assert_non_null (fp);
	fputs ("not a database, but long enough to look like a header of one..................................", fp);
	fclose (fp);
	assert_int_not_equal (inkan_audit_verify (f->path, NULL, &r), INKAN_OK);
	inkan_audit_verify_report_clear (&r);
	assert_int_equal (inkan_audit_open (f->path, &log), INKAN_ERR_IO);
	assert_null (log);

	/* Another program's database gets no tables of ours. */
	{
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;

		unlink (f->path);
		assert_int_equal (sqlite3_open (f->path, &db), SQLITE_OK);
		assert_int_equal (sqlite3_exec (db, "CREATE TABLE theirs (x)", NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal (inkan_audit_open (f->path, &log), INKAN_ERR_BAD_INPUT);
		assert_null (log);
		assert_non_null (strstr (inkan_detail (), "not an inkan audit log"));
		assert_int_equal (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL), SQLITE_OK);
		assert_int_equal (sqlite3_step (st), SQLITE_ROW);
		assert_int_equal (sqlite3_column_int (st, 0), 1);
		sqlite3_finalize (st);
		sqlite3_close (db);
		assert_int_equal (inkan_audit_verify (f->path, NULL, &r), INKAN_ERR_BAD_INPUT);
		inkan_audit_verify_report_clear (&r);
	}
}

/* A password in a PostgreSQL URI, wherever libpq reads it from, is never
 * part of the name messages show; a file path is shown as it is. */
static void
test_display_name (void **state)
{
	static const char *const uris[] = {
		"postgresql://inkan:hunter2@db.example/audit?sslmode=verify-full",
		"postgres://db.example:5433/audit?password=hunter2&user=inkan",
	};
	char *name;
	size_t i;

	(void) state;
	for (i = 0; i < sizeof uris / sizeof uris[0]; i++) {
		name = inkan_audit_display_name (uris[i]);
		assert_non_null (name);
		assert_null (strstr (name, "hunter2"));
		/* Without libpq nothing of the URI is read (store-nopgsql.c). */
		if (INKAN_WITH_PGSQL) {
			assert_non_null (strstr (name, "dbname='audit'"));
			assert_non_null (strstr (name, "user='inkan'"));
		} else {
			assert_non_null (strstr (name, "no PostgreSQL support"));
		}
		free (name);
	}
	name = inkan_audit_display_name ("postgresql://inkan:hunter2@[::1/audit");
	assert_non_null (name);
	assert_null (strstr (name, "hunter2"));
	free (name);
	name = inkan_audit_display_name ("/var/lib/inkand/audit.db");
	assert_string_equal (name, "/var/lib/inkand/audit.db");
	free (name);
}

int
main (void)
{
#define T(name) cmocka_unit_test_setup_teardown (name, setup, teardown)
#define TAMPER(c) { "test_tamper_" #c, test_tamper, setup_case, teardown, (void *) &c }
	const struct CMUnitTest tests[] = {
		T (test_round_trip),
		T (test_hash_encoding),
		T (test_concurrent_appends),
		T (test_fail_closed_locked),
		T (test_probe),
		T (test_fail_closed_disk_full),
		T (test_lone_appends),
		T (test_async_order),
		T (test_async_fail_closed),
		TAMPER (altered),
		TAMPER (altered_digest),
		TAMPER (deleted),
		TAMPER (inserted),
		TAMPER (swapped),
		TAMPER (truncated),
		TAMPER (below_one),
		TAMPER (zero),
		TAMPER (text_as_blob),
		TAMPER (time_as_text),
		TAMPER (digest_as_text),
		TAMPER (embedded_nul),
		TAMPER (checkpoint_scheme_as_blob),
		T (test_display_name),
		T (test_tamper_time),
		T (test_tamper_rewritten_chain),
		T (test_checkpoint_forged),
		T (test_checkpoint_rsa),
		T (test_checkpoint_scheme_of_key),
		T (test_not_a_log),
	};
#undef T
#undef TAMPER

	return cmocka_run_group_tests (tests, NULL, NULL);
}
