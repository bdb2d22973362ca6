/* The audit log's writer: one connection to its store, one writer thread
 * that commits whatever appends are waiting as one transaction (group
 * commit), and the fail-closed state. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/x509.h>

#include "src/audit/store.h"
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
	audit_store *store;
	unsigned max_batch;
	int64_t linger_ns;
	/* Held for every use of STORE: the writer's batches and the
	 * checkpoints, which must not land inside a batch. */
	pthread_mutex_t db_lock;
	int locks_made;                 /* the mutexes and WORK exist: close may destroy them */

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
now_ms (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_REALTIME, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first failure wins and stays: every later write is refused with it.
 * MSG is the store's message for the failed step WHAT. */
static void
set_failure (inkan_audit *log, const char *what, const char *msg)
{
	pthread_mutex_lock (&log->lock);
	if (!log->failed)
		snprintf (log->failure, sizeof log->failure, _("the audit log %s cannot be written (%s): %s"),
		          log->store->name, what, msg);
	log->failed = 1;
	pthread_mutex_unlock (&log->lock);
}

/* Insert BATCH as one transaction under the chain's lock, built on the
 * head as stored (another process or host may have appended since the
 * last batch).  *WHAT says which step failed. */
static inkan_err
commit_batch (inkan_audit *log, job *batch, uint64_t *first_seq, const char **what)
{
	const audit_store_ops *ops = log->store->ops;
	uint8_t prev[AUDIT_HASH_LEN], hash[AUDIT_HASH_LEN];
	uint64_t seq = 0;
	int64_t last_time = INT64_MIN, t;
	inkan_err err;
	job *j;

	*what = "begin";
	err = ops->begin (log->store);
	if (err == INKAN_OK) {
		*what = "head";
		err = ops->head (log->store, &seq, prev, &last_time);
	}
	if (err == INKAN_OK)
		*what = "insert";
	/* Never earlier than the record before, even across a clock step (or
	 * another host's clock ahead of ours), so that a verifier may treat
	 * time going backwards as tampering. */
	t = now_ms ();
	if (t < last_time)
		t = last_time;
	for (j = batch; err == INKAN_OK && j != NULL; j = j->next) {
		inkan_audit_record rec = {
			.seq = ++seq, .time_ms = t, .client = j->entry->client, .key_uri = j->entry->key_uri,
			.operation = j->entry->operation, .digest = j->entry->digest,
			.digest_len = j->entry->digest_len, .result = j->entry->result, .prev_hash = prev,
			.hash = hash,
		};

		err = audit_record_hash (&rec, hash);
		if (err == INKAN_OK)
			err = ops->insert (log->store, &rec);
		if (j == batch)
			*first_seq = rec.seq;
		memcpy (prev, hash, AUDIT_HASH_LEN);
	}
	if (err == INKAN_OK) {
		*what = "commit";
		err = ops->commit (log->store);
	}
	if (err != INKAN_OK) {
		/* The rollback must not overwrite the message that says why. */
		set_failure (log, *what, inkan_detail ());
		ops->rollback (log->store);
	}
	return err;
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
			int64_t until = inkan_monotonic_ns () + log->linger_ns;
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
			failed = commit_batch (log, batch, &seq, &what) != INKAN_OK;
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
	if (log == NULL) {
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
	log->locks_made = 1;
	err = audit_store_open (path, 1, opts != NULL && opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms
	                                                                         : DEFAULT_BUSY_TIMEOUT_MS,
	                        &log->store);
	if (err != INKAN_OK)
		goto out;
	if (pthread_create (&log->writer, NULL, writer_main, log) != 0) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("cannot start the audit log's writer thread"));
		goto out;
	}
	log->writer_started = 1;
	pthread_setname_np (log->writer, "inkan-audit");
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
	audit_store_close (log->store);
	if (log->locks_made) {
		pthread_mutex_destroy (&log->db_lock);
		pthread_mutex_destroy (&log->lock);
		pthread_cond_destroy (&log->work);
	}
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

inkan_err
inkan_audit_probe (inkan_audit *log)
{
	const char *failure = inkan_audit_failure (log);

	if (failure != NULL)
		return inkan_fail (INKAN_ERR_IO, "%s", failure);
	return log->store->ops->probe != NULL ? log->store->ops->probe (log->store) : INKAN_OK;
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
	char why[512];
	int64_t t;
	inkan_err err;

	pthread_mutex_lock (&log->db_lock);
	err = log->store->ops->head (log->store, seq, hash, &t);
	pthread_mutex_unlock (&log->db_lock);
	if (err != INKAN_OK) {
		snprintf (why, sizeof why, "%s", inkan_detail ());
		err = inkan_fail (err, _("cannot read the audit log %s: %s"), log->store->name, why);
	}
	return err;
}

inkan_err
audit_checkpoint_signed (inkan_audit *log, inkan_sig_scheme scheme, const char *key_uri, EVP_PKEY *pub,
                         audit_sign_fn sign, void *sign_ctx, uint64_t *seq_out)
{
	uint8_t head[AUDIT_HASH_LEN], msg[AUDIT_CHECKPOINT_MSG_MAX], *sig = NULL, *spki = NULL;
	size_t msg_len = 0, sig_len = 0;
	audit_checkpoint_row cp;
	const char *failure;
	uint64_t seq = 0;
	int64_t t;
	int spki_len;
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

	cp = (audit_checkpoint_row) {
		.seq = (int64_t) seq, .head = head, .head_len = AUDIT_HASH_LEN, .time_ms = t,
		.scheme = inkan_sig_scheme_hash_name (scheme, INKAN_HASH_SHA256), .key_uri = key_uri, .spki = spki, .spki_len = (size_t) spki_len,
		.sig = sig, .sig_len = sig_len,
	};
	pthread_mutex_lock (&log->db_lock);
	err = log->store->ops->insert_checkpoint (log->store, &cp);
	if (err != INKAN_OK) {
		/* A write that failed here fails the log as an append would. */
		set_failure (log, "checkpoint", inkan_detail ());
		err = inkan_fail (INKAN_ERR_IO, "%s", inkan_audit_failure (log));
	}
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
