/*
 * The worker pool.  Each worker owns one inkan_token (its own PKCS#11
 * session) and its own key handles: sessions are never shared, so workers
 * never wait for each other on the token.  The token is logged in once;
 * the other sessions share that login (PKCS#11 logins are per token).
 *
 * A signed job is then handed to the audit log's queue, not waited for:
 * the worker signs the next one meanwhile, the records queued together
 * share one commit, and the commit's callbacks hand the jobs back to the
 * loop thread, which libevent wakes once for however many came.
 *
 * Faults: CKR_USER_NOT_LOGGED_IN, a dead session, a device error or a
 * removed device cost the worker its session and key handles (stale after
 * any re-login), and the request one more try on a fresh session, logged
 * in again when the token wants it.  The PIN is sent again only if it has
 * never failed: a wrong PIN is never retried.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <event2/event.h>

#include "inkand/inkand.h"

/* A queue between threads, under the pool's lock. */
struct stage {
	pthread_cond_t cond;
	inkand_job *head, *tail;
	atomic_size_t queued;           /* changed under the lock, read without */
	int stopping;
};

struct inkand_worker {
	inkand_pool *pool;
	unsigned index;
	pthread_t thread;
	inkan_token *tok;               /* NULL: no session, open one at the next job */
	inkan_key **keys;
};

struct inkand_pool {
	const inkand_config *cfg;
	inkan_ctx *ctx;
	inkan_secret *pin;
	inkan_audit *audit;

	pthread_mutex_t lock;           /* the stage */
	struct stage work;              /* for a worker */
	/* Submitted in this turn of the loop, handed to the workers together at
	 * its end: one lock and one wake-up for the turn, not one each, which
	 * the loop thread would otherwise fight the workers for.  The loop
	 * thread's alone. */
	inkand_job *held, *held_tail;
	size_t n_held;
	/* Signed, waiting for the audit log's commit.  Read without a lock
	 * (the queue bound needs no exact figure); it falls under DONE_LOCK,
	 * with the job's delivery, so that the pool is not freed under the
	 * writer thread's last callback. */
	atomic_size_t audit_pending;
	pthread_cond_t audit_idle;      /* AUDIT_PENDING fell to 0, under DONE_LOCK */

	pthread_mutex_t login_lock;     /* one login at a time, and the verdict on the PIN */
	int pin_failed;
	double login_after;             /* no login before this (inkand_now) after one failed */

	inkand_worker *workers;
	unsigned n_workers, started;
	inkan_key_type *key_types;      /* as found at start-up, for listings */
	char **key_uris;
	EVP_PKEY **pubs;                /* public halves, for /v1/verify; NULL when none */
	X509 **certs;

	atomic_ulong retries, reopens, logins;
	atomic_uint sessions;

	uint64_t records;               /* made in the audit log, counted at the reply: the loop thread's */
	struct event *done_ev;          /* wakes the loop thread for replies */
	pthread_mutex_t done_lock;
	inkand_job *done;
};

static int
pin_error (inkan_err err)
{
	return err == INKAN_ERR_PIN_INCORRECT || err == INKAN_ERR_PIN_LOCKED ||
	       err == INKAN_ERR_PIN_FINAL_TRY || err == INKAN_ERR_PIN_INVALID;
}

/* Faults a fresh session can cure (p11.c: CKR_SESSION_HANDLE_INVALID and
 * CKR_DEVICE_REMOVED are DEVICE_REMOVED, CKR_DEVICE_ERROR is TOKEN). */
static int
retryable (inkan_err err)
{
	return err == INKAN_ERR_NOT_LOGGED_IN || err == INKAN_ERR_DEVICE_REMOVED || err == INKAN_ERR_TOKEN;
}

/* Seconds between a failed login and the next: a flapping token is not
 * sent the PIN as fast as requests come, whatever each try costs. */
#define LOGIN_BACKOFF 1.0

static inkan_err
ensure_login (inkand_pool *p, inkan_token *tok)
{
	inkan_err err = INKAN_OK;

	pthread_mutex_lock (&p->login_lock);
	if (!inkan_token_needs_login (tok)) {
		err = INKAN_OK;
	} else if (p->pin_failed) {
		err = inkand_fail (INKAN_ERR_PIN_INCORRECT, "%s",
		                   _("the PIN was refused once; inkand does not send it again"));
	} else if (inkand_now () < p->login_after) {
		err = inkand_fail (INKAN_ERR_NOT_LOGGED_IN, "%s",
		                   _("the last login to the token failed; the next waits a moment"));
	} else {
		err = inkan_token_login (tok, INKAN_USER_NORMAL, p->pin, 0);
		if (err == INKAN_OK)
			atomic_fetch_add (&p->logins, 1);
		else if (pin_error (err))
			p->pin_failed = 1;
		else
			p->login_after = inkand_now () + LOGIN_BACKOFF;
	}
	pthread_mutex_unlock (&p->login_lock);
	return err;
}

static void
worker_drop (inkand_worker *w)
{
	size_t i;

	for (i = 0; i < w->pool->cfg->n_keys; i++) {
		inkan_key_free (w->keys[i]);
		w->keys[i] = NULL;
	}
	if (w->tok != NULL) {
		inkan_token_free (w->tok);
		w->tok = NULL;
		atomic_fetch_sub (&w->pool->sessions, 1);
	}
}

/* A session and the key handles; *AT_LOGIN: whether a failure was the login's. */
static inkan_err
worker_open (inkand_worker *w, int *at_login)
{
	const inkand_config *cfg = w->pool->cfg;
	inkan_err err;
	size_t i;

	*at_login = 0;
	err = inkan_token_open (w->pool->ctx, cfg->token, &w->tok);
	if (err != INKAN_OK)
		return err;
	atomic_fetch_add (&w->pool->sessions, 1);
	err = ensure_login (w->pool, w->tok);
	*at_login = err != INKAN_OK;
	for (i = 0; err == INKAN_OK && i < cfg->n_keys; i++)
		err = inkan_key_open (w->tok, cfg->keys[i].uri, &w->keys[i]);
	if (err != INKAN_OK)
		worker_drop (w);
	return err;
}

/* The next job, waiting for one; NULL once the stage stops and is empty
 * (stopping with jobs queued still hands them out: that is the drain). */
static inkand_job *
stage_take (inkand_pool *p, struct stage *st)
{
	inkand_job *job;

	pthread_mutex_lock (&p->lock);
	while (st->head == NULL && !st->stopping)
		pthread_cond_wait (&st->cond, &p->lock);
	job = st->head;
	if (job != NULL) {
		st->head = job->next;
		if (st->head == NULL)
			st->tail = NULL;
		st->queued--;
	}
	pthread_mutex_unlock (&p->lock);
	return job;
}

static void
stage_stop (inkand_pool *p, struct stage *st)
{
	pthread_mutex_lock (&p->lock);
	st->stopping = 1;
	pthread_cond_broadcast (&st->cond);
	pthread_mutex_unlock (&p->lock);
}

/* To the loop thread, for the answer; AUDITED when JOB was waiting for
 * its record.  Only the first job of a batch wakes the loop: the others
 * find the list taken by then, or are on it when the loop takes it.  At a
 * few thousand answers a second the wake-ups and the lock they share
 * with the loop are much of the daemon's own cost. */
static void
deliver (inkand_pool *p, inkand_job *job, int audited)
{
	int wake;

	pthread_mutex_lock (&p->done_lock);
	wake = p->done == NULL;
	job->next = p->done;
	p->done = job;
	if (audited && atomic_fetch_sub (&p->audit_pending, 1) == 1)
		pthread_cond_broadcast (&p->audit_idle);
	if (wake)
		event_active (p->done_ev, EV_READ, 1);
	pthread_mutex_unlock (&p->done_lock);
}

/* JOB's record is durable (ERR INKAN_OK), or the log has failed (DETAIL
 * says why) and the job must not be answered with its signature. */
static void
audit_finish (inkand_pool *p, inkand_job *job, inkan_err err, uint64_t seq, const char *detail)
{
	job->audit_err = err;
	job->seq = seq;
	if (err != INKAN_OK) {
		snprintf (job->audit_detail, sizeof job->audit_detail, "%s", detail);
		inkand_log (INKAND_ERROR, "audit-failed", _("the audit log cannot be written: nothing is signed"),
		            "{s:s}", "detail", job->audit_detail);
	}
	deliver (p, job, 1);
}

/* On the audit log's writer thread, after the commit. */
static void
audited (void *arg, inkan_err err, uint64_t seq)
{
	inkand_job *job = arg;
	const char *failure = err != INKAN_OK ? inkan_audit_failure (job->pool->audit) : NULL;

	audit_finish (job->pool, job, err, seq, failure != NULL ? failure : inkan_err_name (err));
}

static void
audit_record (inkand_pool *p, inkand_job *job)
{
	inkan_err err;

	job->record = (inkan_audit_entry) {
		.client = job->client,
		.key_uri = job->key_uri,
		.operation = job->operation,
		.digest = job->digest,
		.digest_len = sizeof job->digest,
		.result = job->denied ? job->denied : job->verdict ? job->verdict
		          : job->err != INKAN_OK ? inkan_err_name (job->err) : "ok",
	};
	atomic_fetch_add (&p->audit_pending, 1);
	err = inkan_audit_append_async (p->audit, &job->record, audited, job);
	/* Refused at once (the log has failed before): no callback comes. */
	if (err != INKAN_OK)
		audit_finish (p, job, err, 0, inkan_detail ());
}

static void
run_job (inkand_worker *w, inkand_job *job)
{
	inkand_pool *p = w->pool;
	inkan_err err = INKAN_OK;
	int attempt, at_login = 0;

	for (attempt = 0; job->work != NULL && attempt < 2; attempt++) {
		inkand_from_lib (INKAN_OK);
		if (attempt > 0) {
			atomic_fetch_add (&p->retries, 1);
			inkand_log (INKAND_WARN, "retry", _("token fault: retrying on a fresh session"),
			            "{s:s, s:s}", "error", inkan_err_name (err), "detail", job->detail);
		}
		if (w->tok == NULL && !job->tokenless) {
			atomic_fetch_add (&p->reopens, 1);
			err = worker_open (w, &at_login);
		}
		if (err == INKAN_OK)
			err = job->work (job, w);
		if (err != INKAN_OK)
			snprintf (job->detail, sizeof job->detail, "%s", inkand_detail ());
		/* A failed login is not tried again for the same request: each
		 * one may cost the PIN a try. */
		if (err == INKAN_OK || !retryable (err) || at_login)
			break;
		worker_drop (w);
	}
	job->err = err;
	if (job->operation == NULL)
		deliver (p, job, 0);
	else
		audit_record (p, job);
}

static void *
worker_main (void *arg)
{
	inkand_worker *w = arg;
	inkand_job *job;

	while ((job = stage_take (w->pool, &w->pool->work)) != NULL)
		run_job (w, job);
	return NULL;
}

/* Loop thread: the replies of finished jobs, oldest first. */
static void
on_done (evutil_socket_t fd, short what, void *arg)
{
	inkand_pool *p = arg;
	inkand_job *list, *rev = NULL, *next;

	(void) fd;
	(void) what;
	pthread_mutex_lock (&p->done_lock);
	list = p->done;
	p->done = NULL;
	pthread_mutex_unlock (&p->done_lock);
	for (; list != NULL; list = next) {
		next = list->next;
		list->next = rev;
		rev = list;
	}
	for (; rev != NULL; rev = next) {
		next = rev->next;
		if (rev->operation != NULL && rev->audit_err == INKAN_OK)
			p->records++;
		rev->reply (rev);
	}
}

int
inkand_pool_submit (inkand_pool *p, inkand_job *job)
{
	int ret = -1;

	/* Jobs waiting for their record count too: a log slower than the
	 * token must not grow a queue without bound either. */
	if (!p->work.stopping && atomic_load (&p->work.queued) + p->n_held + atomic_load (&p->audit_pending) <
	                             p->cfg->queue) {
		job->pool = p;
		job->next = NULL;
		if (p->held_tail != NULL)
			p->held_tail->next = job;
		else
			p->held = job;
		p->held_tail = job;
		p->n_held++;
		ret = 0;
	}
	return ret;
}

void
inkand_pool_flush (inkand_pool *p)
{
	size_t i;

	if (p->n_held == 0)
		return;
	pthread_mutex_lock (&p->lock);
	if (p->work.tail != NULL)
		p->work.tail->next = p->held;
	else
		p->work.head = p->held;
	p->work.tail = p->held_tail;
	atomic_fetch_add (&p->work.queued, p->n_held);
	/* One wake-up per job, up to one per worker: a broadcast would wake
	 * them all for a single job. */
	for (i = 0; i < p->n_held && i < p->n_workers; i++)
		pthread_cond_signal (&p->work.cond);
	pthread_mutex_unlock (&p->lock);
	p->held = p->held_tail = NULL;
	p->n_held = 0;
}

unsigned
inkand_worker_index (const inkand_worker *w)
{
	return w->index;
}

inkan_key *
inkand_worker_key (inkand_worker *w, size_t i)
{
	return i < w->pool->cfg->n_keys ? w->keys[i] : NULL;
}

const char *
inkand_pool_key_info (inkand_pool *p, size_t i, inkan_key_type *type)
{
	*type = p->key_types[i];
	return p->key_uris[i];
}

EVP_PKEY *
inkand_pool_pubkey (inkand_pool *p, size_t i)
{
	return i < p->cfg->n_keys ? p->pubs[i] : NULL;
}

X509 *
inkand_pool_cert (inkand_pool *p, size_t i)
{
	return i < p->cfg->n_keys ? p->certs[i] : NULL;
}

const inkan_token_info *
inkand_pool_token_info (inkand_pool *p)
{
	return inkan_token_get_info (p->workers[0].tok);
}

void
inkand_pool_stats_get (inkand_pool *p, inkand_pool_stats *st)
{
	/* Atomics, and N_HELD of the loop thread, which this is called on. */
	st->queued = atomic_load (&p->work.queued) + p->n_held;
	st->audit_queued = atomic_load (&p->audit_pending);
	pthread_mutex_lock (&p->login_lock);
	st->pin_failed = p->pin_failed;
	pthread_mutex_unlock (&p->login_lock);
	st->capacity = p->cfg->queue;
	st->workers = p->n_workers;
	st->sessions = atomic_load (&p->sessions);
	st->retries = atomic_load (&p->retries);
	st->reopens = atomic_load (&p->reopens);
	st->logins = atomic_load (&p->logins);
}

uint64_t
inkand_pool_records (inkand_pool *p)
{
	return p->records;
}

inkan_err
inkand_pool_new (const inkand_config *cfg, inkan_ctx *ctx, inkan_secret *pin, inkan_audit *audit,
                 struct event_base *base, inkand_pool **out)
{
	inkand_pool *p = calloc (1, sizeof *p);
	inkan_err err = INKAN_OK;
	size_t i;

	if (p == NULL) {
		inkan_secret_free (pin);
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	p->cfg = cfg;
	p->ctx = ctx;
	p->pin = pin;
	p->audit = audit;
	pthread_mutex_init (&p->lock, NULL);
	pthread_cond_init (&p->work.cond, NULL);
	pthread_cond_init (&p->audit_idle, NULL);
	pthread_mutex_init (&p->login_lock, NULL);
	pthread_mutex_init (&p->done_lock, NULL);
	p->workers = calloc (cfg->workers, sizeof *p->workers);
	p->key_types = calloc (cfg->n_keys + 1, sizeof *p->key_types);
	p->key_uris = calloc (cfg->n_keys + 1, sizeof *p->key_uris);
	p->certs = calloc (cfg->n_keys + 1, sizeof *p->certs);
	p->pubs = calloc (cfg->n_keys + 1, sizeof *p->pubs);
	p->done_ev = event_new (base, -1, 0, on_done, p);
	if (p->workers == NULL || p->key_types == NULL || p->key_uris == NULL || p->certs == NULL || p->pubs == NULL || p->done_ev == NULL) {
		err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	/* Sessions are opened here, before any thread runs: the first one's
	 * login is the one try the PIN gets at start-up. */
	for (p->n_workers = 0; p->n_workers < cfg->workers; p->n_workers++) {
		inkand_worker *w = &p->workers[p->n_workers];
		int at_login;

		w->pool = p;
		w->index = p->n_workers;
		w->keys = calloc (cfg->n_keys + 1, sizeof *w->keys);
		if (w->keys == NULL) {
			err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
			goto out;
		}
		err = worker_open (w, &at_login);
		if (err != INKAN_OK) {
			p->n_workers++;
			goto out;
		}
	}
	for (i = 0; i < cfg->n_keys; i++) {
		p->key_types[i] = inkan_key_get_type (p->workers[0].keys[i]);
		p->key_uris[i] = strdup (inkan_key_get_uri (p->workers[0].keys[i]));
		/* A key without a public object or certificate just cannot be
		 * used for verification. */
		if (inkan_key_get_public (p->workers[0].keys[i], &p->pubs[i]) != INKAN_OK)
			p->pubs[i] = NULL;
		if (p->key_uris[i] == NULL)
			err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		else if (cfg->keys[i].cert != NULL)
			err = inkand_from_lib (inkan_cert_load (ctx, cfg->keys[i].cert, NULL, 0, &p->certs[i]));
		if (err != INKAN_OK)
			goto out;
	}
	for (; p->started < p->n_workers; p->started++) {
		if (pthread_create (&p->workers[p->started].thread, NULL, worker_main, &p->workers[p->started]) != 0) {
			err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("cannot start a worker thread"));
			goto out;
		}
		/* By name in top -H, gdb and perf, and for bench/inkand.sh to
		 * find the threads that call the token. */
		pthread_setname_np (p->workers[p->started].thread, "inkand-worker");
	}
out:
	if (err != INKAN_OK) {
		inkand_pool_free (p);
		return err;
	}
	*out = p;
	return INKAN_OK;
}

void
inkand_pool_free (inkand_pool *p)
{
	unsigned i;
	size_t k;

	if (p == NULL)
		return;
	inkand_pool_flush (p);
	stage_stop (p, &p->work);
	for (i = 0; i < p->started; i++)
		pthread_join (p->workers[i].thread, NULL);
	/* The workers are done: wait for the records of what they signed,
	 * whose callbacks still reach into the pool. */
	pthread_mutex_lock (&p->done_lock);
	while (atomic_load (&p->audit_pending) > 0)
		pthread_cond_wait (&p->audit_idle, &p->done_lock);
	pthread_mutex_unlock (&p->done_lock);
	for (i = 0; i < p->n_workers; i++) {
		if (p->workers[i].keys != NULL)
			worker_drop (&p->workers[i]);
		free (p->workers[i].keys);
	}
	for (k = 0; p->key_uris != NULL && p->certs != NULL && p->pubs != NULL && k < p->cfg->n_keys; k++) {
		free (p->key_uris[k]);
		X509_free (p->certs[k]);
		EVP_PKEY_free (p->pubs[k]);
	}
	if (p->done_ev != NULL)
		event_free (p->done_ev);
	pthread_mutex_destroy (&p->lock);
	pthread_cond_destroy (&p->work.cond);
	pthread_cond_destroy (&p->audit_idle);
	pthread_mutex_destroy (&p->login_lock);
	pthread_mutex_destroy (&p->done_lock);
	inkan_secret_free (p->pin);
	free (p->key_types);
	free (p->key_uris);
	free (p->certs);
	free (p->pubs);
	free (p->workers);
	free (p);
}
