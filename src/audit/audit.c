/* The audit log's writer: one SQLite connection, one writer thread that
 * commits whatever appends are waiting as one transaction (group commit),
 * and the fail-closed state. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/x509.h>

#include "src/audit/audit-int.h"
#include "src/util/internal.h"

#define DEFAULT_BUSY_TIMEOUT_MS 5000
#define DEFAULT_MAX_BATCH 1024

/* One append waiting for its commit.  ENTRY is the caller's, who keeps it
 * until DONE is called; the job is malloc'd by the asynchronous append
 * and freed once DONE returns. */
typedef struct job {
	const inkan_audit_entry *entry;
	inkan_audit_done_fn done;
	void *arg;
	struct job *next;
} job;

struct inkan_audit {
	char *path;
	sqlite3 *db;
	unsigned max_batch;
	int64_t linger_ns;
	/* The writer's statements (LAST reads the last record), prepared
	 * once: a batch only binds and steps them.  Used under DB_LOCK. */
	sqlite3_stmt *begin, *last, *insert, *commit;
	/* Held for every transaction on DB: the writer's batches and the
	 * checkpoints, which must not land inside a batch. */
	pthread_mutex_t db_lock;

	/* LOCK guards everything below. */
	pthread_mutex_t lock;
	pthread_cond_t work;            /* the writer waits here for jobs */
	job *head, *tail;
	unsigned queued;                /* jobs from HEAD to TAIL */
	int stopping;
	uint64_t commits;               /* batches committed, for the benchmark */
	int failed;
	char failure[768];              /* set once, kept until close */
	pthread_t writer;
	int writer_started;
};

/* How long a batch waits for company by default (see writer_main). */
#define DEFAULT_LINGER_US 2000

static int64_t
mono_ns (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t
now_ms (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_REALTIME, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first failure wins and stays: every later write is refused with it.
 * MSG is SQLite's message for the failed step WHAT. */
static void
set_failure (inkan_audit *log, const char *what, const char *msg)
{
	pthread_mutex_lock (&log->lock);
	if (!log->failed)
		snprintf (log->failure, sizeof log->failure, _("the audit log %s cannot be written (%s): %s"),
		          log->path, what, msg);
	log->failed = 1;
	pthread_mutex_unlock (&log->lock);
}

static int
exec (sqlite3 *db, const char *sql)
{
	return sqlite3_exec (db, sql, NULL, NULL, NULL);
}

/* The last record's seq, hash and time inside the writer's transaction:
 * read from the file, not remembered, so that whatever else wrote to it
 * (another process on the same log) is built upon, not overwritten. */
static int
read_head (sqlite3_stmt *st, uint64_t *seq, uint8_t hash[AUDIT_HASH_LEN], int64_t *time_ms)
{
	int rc;

	*seq = 0;
	*time_ms = INT64_MIN;
	memset (hash, 0, AUDIT_HASH_LEN);
	rc = sqlite3_step (st);
	if (rc == SQLITE_ROW) {
		*seq = (uint64_t) sqlite3_column_int64 (st, 0);
		if (sqlite3_column_bytes (st, 1) == AUDIT_HASH_LEN)
			memcpy (hash, sqlite3_column_blob (st, 1), AUDIT_HASH_LEN);
		*time_ms = sqlite3_column_int64 (st, 2);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_reset (st);
	return rc;
}

/* Step ST, a statement without rows, and make it ready for the next time. */
static int
run (sqlite3_stmt *st)
{
	int rc = sqlite3_step (st);

	sqlite3_reset (st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
bind_text (sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text (st, i, s, -1, SQLITE_STATIC);
}

/* Insert BATCH as one transaction.  SQLite's return code; *WHAT says
 * which step failed. */
static int
commit_batch (inkan_audit *log, job *batch, uint64_t *first_seq, const char **what)
{
	sqlite3_stmt *st = log->insert;
	uint8_t prev[AUDIT_HASH_LEN], hash[AUDIT_HASH_LEN];
	uint64_t seq = 0;
	int64_t last_time = INT64_MIN, t;
	job *j;
	int rc;

	*what = "begin";
	rc = run (log->begin);
	if (rc == SQLITE_OK) {
		*what = "head";
		rc = read_head (log->last, &seq, prev, &last_time);
	}
	*what = "insert";
	/* Never earlier than the record before, even across a clock step, so
	 * that a verifier may treat time going backwards as tampering. */
	t = now_ms ();
	if (t < last_time)
		t = last_time;
	for (j = batch; rc == SQLITE_OK && j != NULL; j = j->next) {
		inkan_audit_record rec = {
			.seq = ++seq, .time_ms = t, .client = j->entry->client, .key_uri = j->entry->key_uri,
			.operation = j->entry->operation, .digest = j->entry->digest,
			.digest_len = j->entry->digest_len, .result = j->entry->result, .prev_hash = prev,
		};

		if (audit_record_hash (&rec, hash) != INKAN_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		sqlite3_bind_int64 (st, 1, (sqlite3_int64) rec.seq);
		sqlite3_bind_int64 (st, 2, rec.time_ms);
		bind_text (st, 3, rec.client);
		bind_text (st, 4, rec.key_uri);
		bind_text (st, 5, rec.operation);
		sqlite3_bind_blob (st, 6, rec.digest_len ? (const void *) rec.digest : "", (int) rec.digest_len,
		                   SQLITE_STATIC);
		bind_text (st, 7, rec.result);
		sqlite3_bind_blob (st, 8, prev, AUDIT_HASH_LEN, SQLITE_TRANSIENT);
		sqlite3_bind_blob (st, 9, hash, AUDIT_HASH_LEN, SQLITE_TRANSIENT);
		rc = run (st);
		if (j == batch)
			*first_seq = rec.seq;
		memcpy (prev, hash, AUDIT_HASH_LEN);
	}
	/* The bound pointers are the appenders', who may go once called back. */
	sqlite3_clear_bindings (st);
	if (rc == SQLITE_OK) {
		/* With synchronous=FULL, COMMIT returns after the WAL is fsync'd. */
		*what = "commit";
		rc = run (log->commit);
	}
	if (rc != SQLITE_OK) {
		/* The rollback must not overwrite the message that says why. */
		set_failure (log, *what, sqlite3_errmsg (log->db));
		(void) exec (log->db, "ROLLBACK");
	}
	return rc;
}

static void *
writer_main (void *arg)
{
	inkan_audit *log = arg;
	int streaming = 0;

	pthread_mutex_lock (&log->lock);
	for (;;) {
		job *batch, *j, *last, *next;
		uint64_t seq = 0;
		unsigned n = 1;
		const char *what;
		int failed;

		while (log->head == NULL && !log->stopping)
			pthread_cond_wait (&log->work, &log->lock);
		if (log->head == NULL)
			break;
		/* Appends came in during the last commit: a stream, not a lone
		 * caller.  Then each commit's fixed cost (its syscalls, the fsync,
		 * tens of microseconds of CPU) is better shared by more records:
		 * wait for more, up to the linger, while the CPU goes to signing.
		 * (Waiting only as long as the last commit took gave half the
		 * records per commit at 10,000 signatures a second, and a quarter
		 * more of the writer's CPU per record.)  A lone append never
		 * waits. */
		if (streaming && log->queued < log->max_batch && !log->stopping) {
			int64_t until = mono_ns () + log->linger_ns;
			struct timespec ts = { (time_t) (until / 1000000000), (long) (until % 1000000000) };

			while (log->queued < log->max_batch && !log->stopping &&
			       pthread_cond_timedwait (&log->work, &log->lock, &ts) == 0)
				;
		}
		/* Take up to max_batch of what waits; later arrivals queue for the
		 * next commit while this one runs. */
		batch = last = log->head;
		while (last->next != NULL && n < log->max_batch) {
			last = last->next;
			n++;
		}
		log->head = last->next;
		if (log->head == NULL)
			log->tail = NULL;
		last->next = NULL;
		log->queued -= n;
		failed = log->failed;
		pthread_mutex_unlock (&log->lock);

		if (!failed) {
			pthread_mutex_lock (&log->db_lock);
			failed = commit_batch (log, batch, &seq, &what) != SQLITE_OK;
			pthread_mutex_unlock (&log->db_lock);
		}

		pthread_mutex_lock (&log->lock);
		log->commits += !failed;
		streaming = log->head != NULL;
		pthread_mutex_unlock (&log->lock);
		/* In seq order, outside LOCK: a callback may ask for the failure.
		 * NEXT is read first, for DONE may end the job's life. */
		for (j = batch; j != NULL; j = next) {
			next = j->next;
			j->done (j->arg, failed ? INKAN_ERR_IO : INKAN_OK, failed ? 0 : seq++);
			free (j);
		}
		pthread_mutex_lock (&log->lock);
	}
	pthread_mutex_unlock (&log->lock);
	return NULL;
}

/* Durability of what the commit acknowledged: fsync the directory once, so
 * that the new database and WAL files' names survive a power cut too. */
static void
sync_dir (const char *path)
{
	char *copy = strdup (path);
	int fd;

	if (copy == NULL)
		return;
	fd = open (dirname (copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void) fsync (fd);
		close (fd);
	}
	free (copy);
}

/* 1: the database holds tables but no audit log's format mark (another
 * program's file, which must not get our tables); 0: empty or ours. */
static int
foreign_db (sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int tables = 0, ours = 0;

	if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step (st) == SQLITE_ROW)
		tables = sqlite3_column_int (st, 0);
	sqlite3_finalize (st);
	st = NULL;
	if (tables > 0 && sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE name = 'format'", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step (st) == SQLITE_ROW && sqlite3_column_type (st, 0) == SQLITE_TEXT)
		ours = strcmp ((const char *) sqlite3_column_text (st, 0), AUDIT_FORMAT) == 0;
	sqlite3_finalize (st);
	return tables > 0 && !ours;
}

static int
prepare (sqlite3 *db, const char *sql, sqlite3_stmt **out)
{
	return sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
}

static inkan_err
open_db (inkan_audit *log, unsigned busy_timeout_ms)
{
	sqlite3_stmt *st = NULL;
	const char *mode;
	inkan_err err = INKAN_OK;
	int rc;

	rc = sqlite3_open_v2 (log->path, &log->db,
	                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
	if (rc != SQLITE_OK)
		goto out;
	/* A file SQLite could open only for reading would fail every append:
	 * say so now, not at the first signature. */
	if (sqlite3_db_readonly (log->db, "main") == 1) {
		err = inkan_fail (INKAN_ERR_IO, _("the audit log %s is read-only"), log->path);
		goto out;
	}
	sqlite3_busy_timeout (log->db, (int) busy_timeout_ms);
	/* WAL: a commit is one sequential append and one fsync, and readers
	 * (verify, show) never block the writer.  synchronous=FULL: in WAL
	 * mode, NORMAL does not fsync at commit, so a power cut could lose
	 * records already acknowledged; FULL syncs the WAL before COMMIT
	 * returns, and group commit pays for it once per batch. */
	rc = sqlite3_prepare_v2 (log->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW) {
		mode = (const char *) sqlite3_column_text (st, 0);
		rc = mode != NULL && strcmp (mode, "wal") == 0 ? SQLITE_OK : SQLITE_CANTOPEN;
	}
	sqlite3_finalize (st);
	if (rc == SQLITE_OK)
		rc = exec (log->db, "PRAGMA synchronous=FULL");
	if (rc == SQLITE_OK)
		rc = exec (log->db, "BEGIN IMMEDIATE");
	if (rc != SQLITE_OK)
		goto out;
	if (foreign_db (log->db)) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("%s is not an inkan audit log (%s)"), log->path,
		                  _("another format"));
		goto out;
	}
	rc = exec (log->db, audit_schema);
	if (rc == SQLITE_OK)
		rc = exec (log->db, "COMMIT");
	if (rc == SQLITE_OK)
		sync_dir (log->path);
	if (rc == SQLITE_OK)
		rc = prepare (log->db, "BEGIN IMMEDIATE", &log->begin);
	if (rc == SQLITE_OK)
		rc = prepare (log->db, "SELECT seq, hash, time FROM records ORDER BY seq DESC LIMIT 1", &log->last);
	if (rc == SQLITE_OK)
		rc = prepare (log->db, "INSERT INTO records (" AUDIT_RECORD_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		              &log->insert);
	if (rc == SQLITE_OK)
		rc = prepare (log->db, "COMMIT", &log->commit);
out:
	if (err == INKAN_OK && rc != SQLITE_OK)
		err = inkan_fail (INKAN_ERR_IO, _("cannot open the audit log %s: %s"), log->path,
		                  log->db != NULL ? sqlite3_errmsg (log->db) : sqlite3_errstr (rc));
	return err;
}

inkan_err
inkan_audit_open_with (const char *path, const inkan_audit_options *opts, inkan_audit **out)
{
	inkan_audit *log = NULL;
	pthread_condattr_t attr;
	inkan_err err = INKAN_OK;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("no audit log path"));
	log = calloc (1, sizeof *log);
	if (log == NULL || (log->path = strdup (path)) == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	log->max_batch = opts != NULL && opts->max_batch > 0 ? opts->max_batch : DEFAULT_MAX_BATCH;
	log->linger_ns = (int64_t) (opts != NULL && opts->max_linger_us > 0 ? opts->max_linger_us : DEFAULT_LINGER_US) * 1000;
	pthread_mutex_init (&log->db_lock, NULL);
	pthread_mutex_init (&log->lock, NULL);
	pthread_condattr_init (&attr);
	pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
	pthread_cond_init (&log->work, &attr);
	pthread_condattr_destroy (&attr);
	err = open_db (log, opts != NULL && opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms
	                                                              : DEFAULT_BUSY_TIMEOUT_MS);
	if (err != INKAN_OK)
		goto out;
	if (pthread_create (&log->writer, NULL, writer_main, log) != 0) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("cannot start the audit log's writer thread"));
		goto out;
	}
	log->writer_started = 1;
	*out = log;
	log = NULL;
out:
	inkan_audit_close (log);
	return err;
}

inkan_err
inkan_audit_open (const char *path, inkan_audit **out)
{
	return inkan_audit_open_with (path, NULL, out);
}

void
inkan_audit_close (inkan_audit *log)
{
	if (log == NULL)
		return;
	if (log->writer_started) {
		pthread_mutex_lock (&log->lock);
		log->stopping = 1;
		pthread_cond_signal (&log->work);
		pthread_mutex_unlock (&log->lock);
		pthread_join (log->writer, NULL);
	}
	if (log->path != NULL) {
		sqlite3_finalize (log->begin);
		sqlite3_finalize (log->last);
		sqlite3_finalize (log->insert);
		sqlite3_finalize (log->commit);
		sqlite3_close (log->db);
		pthread_mutex_destroy (&log->db_lock);
		pthread_mutex_destroy (&log->lock);
		pthread_cond_destroy (&log->work);
	}
	free (log->path);
	free (log);
}

static int
entry_ok (const inkan_audit_entry *e)
{
	return e != NULL && e->client != NULL && e->key_uri != NULL && e->operation != NULL &&
	       e->result != NULL && (e->digest != NULL || e->digest_len == 0) && e->digest_len <= INT32_MAX;
}

inkan_err
inkan_audit_append_async (inkan_audit *log, const inkan_audit_entry *entry, inkan_audit_done_fn done, void *arg)
{
	inkan_err err = INKAN_OK;
	job *j;

	if (log == NULL || !entry_ok (entry) || done == NULL)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("an audit entry needs a client, key, operation and result"));
	j = malloc (sizeof *j);
	if (j == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	*j = (job) { .entry = entry, .done = done, .arg = arg };
	pthread_mutex_lock (&log->lock);
	if (log->failed || log->stopping) {
		err = inkan_fail (INKAN_ERR_IO, "%s", log->failed ? log->failure : _("the audit log is closing"));
		free (j);
	} else {
		if (log->tail != NULL)
			log->tail->next = j;
		else
			log->head = j;
		log->tail = j;
		/* The writer sleeps without a deadline only on an empty queue,
		 * and lingers only until a full batch: no other append wakes it. */
		if (++log->queued == 1 || log->queued >= log->max_batch)
			pthread_cond_signal (&log->work);
	}
	pthread_mutex_unlock (&log->lock);
	return err;
}

/* A blocking append's wait, on its stack: a condition of its own, so a
 * commit wakes each appender once and no other. */
typedef struct {
	inkan_audit *log;
	pthread_cond_t cond;
	int done;
	inkan_err err;
	uint64_t seq;
} waiter;

static void
wake (void *arg, inkan_err err, uint64_t seq)
{
	waiter *w = arg;

	pthread_mutex_lock (&w->log->lock);
	w->err = err;
	w->seq = seq;
	w->done = 1;
	pthread_cond_signal (&w->cond);
	pthread_mutex_unlock (&w->log->lock);
}

inkan_err
inkan_audit_append (inkan_audit *log, const inkan_audit_entry *entry, uint64_t *seq_out)
{
	waiter w = { .log = log };
	inkan_err err;

	pthread_cond_init (&w.cond, NULL);
	err = inkan_audit_append_async (log, entry, wake, &w);
	if (err == INKAN_OK) {
		pthread_mutex_lock (&log->lock);
		while (!w.done)
			pthread_cond_wait (&w.cond, &log->lock);
		/* The writer's detail is in its own thread: give this thread the
		 * reason, which is the log's failure. */
		if (w.err != INKAN_OK)
			err = inkan_fail (w.err, "%s", log->failure);
		pthread_mutex_unlock (&log->lock);
	}
	pthread_cond_destroy (&w.cond);
	if (err == INKAN_OK && seq_out != NULL)
		*seq_out = w.seq;
	return err;
}

const char *
inkan_audit_failure (inkan_audit *log)
{
	const char *f;

	pthread_mutex_lock (&log->lock);
	f = log->failed ? log->failure : NULL;
	pthread_mutex_unlock (&log->lock);
	return f;
}

uint64_t
audit_commits (inkan_audit *log)
{
	uint64_t n;

	pthread_mutex_lock (&log->lock);
	n = log->commits;
	pthread_mutex_unlock (&log->lock);
	return n;
}

/* The head as committed, read under DB_LOCK so no batch is half done. */
static inkan_err
committed_head (inkan_audit *log, uint64_t *seq, uint8_t hash[AUDIT_HASH_LEN])
{
	int64_t t;
	int rc;

	pthread_mutex_lock (&log->db_lock);
	rc = read_head (log->last, seq, hash, &t);
	pthread_mutex_unlock (&log->db_lock);
	if (rc != SQLITE_OK)
		return inkan_fail (INKAN_ERR_IO, _("cannot read the audit log %s: %s"), log->path, sqlite3_errstr (rc));
	return INKAN_OK;
}

inkan_err
audit_checkpoint_signed (inkan_audit *log, inkan_sig_scheme scheme, const char *key_uri, EVP_PKEY *pub,
                         audit_sign_fn sign, void *sign_ctx, uint64_t *seq_out)
{
	uint8_t head[AUDIT_HASH_LEN], msg[AUDIT_CHECKPOINT_MSG_MAX], *sig = NULL, *spki = NULL;
	size_t msg_len = 0, sig_len = 0;
	sqlite3_stmt *st = NULL;
	const char *failure;
	uint64_t seq = 0;
	int64_t t;
	int spki_len, rc;
	inkan_err err;

	failure = inkan_audit_failure (log);
	if (failure != NULL)
		return inkan_fail (INKAN_ERR_IO, "%s", failure);
	/* The public key goes in beside the signature, so the log can be
	 * checked offline, away from the token. */
	spki_len = i2d_PUBKEY (pub, &spki);
	if (spki_len <= 0) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot encode the checkpoint key's public key"));
		goto out;
	}
	err = committed_head (log, &seq, head);
	if (err != INKAN_OK)
		goto out;
	t = now_ms ();
	audit_checkpoint_message (seq, head, t, msg, &msg_len);
	/* Signing takes the token's time: appends go on meanwhile, and this
	 * checkpoint covers the head as it was when read. */
	err = sign (sign_ctx, msg, msg_len, &sig, &sig_len);
	if (err != INKAN_OK)
		goto out;

	pthread_mutex_lock (&log->db_lock);
	rc = sqlite3_prepare_v2 (log->db, "INSERT INTO checkpoints (seq, head_hash, time, scheme, key_uri, spki, "
	                         "signature) VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64 (st, 1, (sqlite3_int64) seq);
		sqlite3_bind_blob (st, 2, head, AUDIT_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_int64 (st, 3, t);
		bind_text (st, 4, audit_scheme_name (scheme));
		bind_text (st, 5, key_uri);
		sqlite3_bind_blob (st, 6, spki, spki_len, SQLITE_STATIC);
		sqlite3_bind_blob (st, 7, sig, (int) sig_len, SQLITE_STATIC);
		rc = sqlite3_step (st);
	}
	if (rc != SQLITE_DONE) {
		/* A write that failed here fails the log as an append would. */
		set_failure (log, "checkpoint", sqlite3_errmsg (log->db));
		err = inkan_fail (INKAN_ERR_IO, "%s", inkan_audit_failure (log));
	}
	sqlite3_finalize (st);
	pthread_mutex_unlock (&log->db_lock);
	if (err == INKAN_OK && seq_out != NULL)
		*seq_out = seq;
out:
	OPENSSL_free (spki);
	free (sig);
	return err;
}

typedef struct {
	inkan_key *key;
	inkan_sig_scheme scheme;
} token_signer;

static inkan_err
token_sign (void *ctx, const uint8_t *msg, size_t len, uint8_t **sig, size_t *sig_len)
{
	token_signer *ts = ctx;

	return inkan_key_sign (ts->key, ts->scheme, INKAN_HASH_SHA256, msg, len, 0, sig, sig_len);
}

inkan_err
inkan_audit_checkpoint (inkan_audit *log, inkan_key *key, uint64_t *seq_out)
{
	token_signer ts = { key, inkan_key_get_type (key) == INKAN_KEY_EC ? INKAN_SIG_ECDSA : INKAN_SIG_PSS };
	EVP_PKEY *pub = NULL;
	inkan_err err;

	err = inkan_key_get_public (key, &pub);
	if (err == INKAN_OK)
		err = audit_checkpoint_signed (log, ts.scheme, inkan_key_get_uri (key), pub, token_sign, &ts, seq_out);
	EVP_PKEY_free (pub);
	return err;
}
