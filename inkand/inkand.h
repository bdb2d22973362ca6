/* inkand: the signing daemon.  What its files share. */
#ifndef INKAND_H
#define INKAND_H

#include <stddef.h>
#include <stdint.h>
#include <libintl.h>
#include <jansson.h>
#include <openssl/x509.h>
#include <inkan/inkan.h>
#include <inkan/audit.h>
#include <inkan/validate.h>

struct event_base;
struct evhttp_request;

#define _(s) gettext (s)
#define N_(s) (s)

/* ---- log.c: one JSON object per line on stderr, and the daemon's error detail ---- */

typedef enum {
	INKAND_INFO,
	INKAND_WARN,
	INKAND_ERROR,
} inkand_level;

/* Log EVENT (a stable name) with MESSAGE (translated, for people) and the
 * fields json_pack() makes of FMT ("{s:s, s:i}") and what follows; FMT may
 * be NULL.  Never give it PINs or key material. */
void inkand_log (inkand_level level, const char *event, const char *message, const char *fmt, ...);
/* The same, from the loop thread only, kept until inkand_log_flush(): one
 * write for a turn's request lines instead of one each. */
void inkand_log_deferred (inkand_level level, const char *event, const char *message, const char *fmt, ...);
void inkand_log_flush (void);

/* Keep a detail for ERR, as libinkan does for its own calls (per thread);
 * returns ERR. */
inkan_err inkand_fail (inkan_err err, const char *fmt, ...) __attribute__((format (printf, 2, 3)));
/* The last detail: ours when inkand_fail was the last to fail, else libinkan's. */
const char *inkand_detail (void);
/* After a libinkan call failed: take its detail as ours. */
inkan_err inkand_from_lib (inkan_err err);

/* ---- authz.c: who may use which key for what ---- */

typedef enum {
	INKAND_OP_SIGN = 1 << 0,        /* POST /v1/sign */
	INKAND_OP_CMS_SIGN = 1 << 1,    /* POST /v1/cms/sign */
	INKAND_OP_TOKEN_ISSUE = 1 << 2, /* POST /v1/token/issue */
	INKAND_OP_VERIFY = 1 << 3,      /* POST /v1/verify */
} inkand_op;

/* "sign", "cms-sign", "token-issue", "verify"; NULL for several or none. */
const char *inkand_op_name (inkand_op op);

/* The verifications: they use no key of inkand's, so a client is granted
 * them beside its keys ("operations"). */
typedef enum {
	INKAND_CHECK_VALIDATE = 1 << 0,         /* POST /v1/validate */
	INKAND_CHECK_REGISTER = 1 << 1,         /* POST /v1/register/verify */
	INKAND_CHECK_TOKEN = 1 << 2,            /* POST /v1/token/verify */
	INKAND_CHECK_EVIDENCE = 1 << 3,         /* POST /v1/evidence/verify */
} inkand_check;

/* "validate", "register-verify", "token-verify", "evidence-verify". */
const char *inkand_check_name (inkand_check check);

typedef struct inkand_authz inkand_authz;

/* The "clients" object of the configuration, against the key names in
 * KEYS (N of them): an unknown key or operation is an error. */
inkan_err inkand_authz_parse (json_t *clients, const char *const *keys, size_t n, inkand_authz **out);
void inkand_authz_free (inkand_authz *authz);
/* Default deny: CLIENT may do OP with key number KEY only when listed so. */
int inkand_authz_allows (const inkand_authz *authz, const char *client, size_t key, inkand_op op);
/* Default deny: CLIENT may do CHECK only when its "operations" list it. */
int inkand_authz_allows_check (const inkand_authz *authz, const char *client, inkand_check check);
/* The operations CLIENT may do with KEY (0: none). */
unsigned inkand_authz_ops (const inkand_authz *authz, const char *client, size_t key);
size_t inkand_authz_count (const inkand_authz *authz);
/* Whether some client may do anything with key number KEY: 1 and *CLIENT
 * (the first such identity), or 0. */
int inkand_authz_key_client (const inkand_authz *authz, size_t key, const char **client);

/* ---- config.c ---- */

typedef struct {
	char *name;
	char *uri;              /* the private key's pkcs11: URI */
	char *cert;             /* certificate: a file or a pkcs11: URI, or NULL */
} inkand_key_conf;

typedef struct {
	char *unix_path;        /* a UNIX socket, or NULL for TCP */
	unsigned mode;          /* of the socket file */
	char *host;
	unsigned port;
	char *tls_cert, *tls_key, *client_ca;
	int identity_dn;        /* identity "dn:<RFC 2253 DN>" instead of "cn:<CN>" */
} inkand_listen_conf;

typedef struct {
	char *path;             /* the file it came from, for reloads */
	char *module;           /* PKCS#11 module path, or NULL for p11-kit's */
	char *token;
	char *pin;              /* file:PATH, env:VAR or cred:NAME */
	char *pin_record_dir;
	unsigned workers, queue;
	size_t max_body;
	unsigned max_connections;
	double request_timeout; /* seconds for a request to arrive whole */
	double rate, burst;     /* requests per second per client, bucket size */
	char *audit_path;
	int audit_verifications;        /* record "good" verifications too, not only the others */
	char *validate_config;          /* the validate.conf of the verifications, or NULL: none served */
	size_t validate_cache_max;      /* bytes of CRLs and OCSP answers kept at most */
	unsigned validate_refresh_pct;  /* CRLs fetched again in this last part of their life (0: never) */
	unsigned audit_max_batch;       /* records per commit at most */
	unsigned audit_linger_us;       /* a streaming commit's wait for company */
	char *checkpoint_key;   /* a key name, or NULL */
	unsigned checkpoint_interval;
	unsigned checkpoint_every;      /* also after this many records; 0: by time only */
	inkand_listen_conf *listen;
	size_t n_listen;
	inkand_key_conf *keys;
	size_t n_keys;
	const char **key_names;
	/* Per key: 1 when it is the checkpoint key's object.  By name until
	 * inkand_keys_check() has resolved the keys on the token. */
	unsigned char *checkpoint_same;
	inkand_authz *authz;
} inkand_config;

inkan_err inkand_config_load (const char *path, inkand_config **out);
/* The configuration ROOT holds, as inkand_config_load checks it after
 * reading the file (whose path it then records). */
inkan_err inkand_config_parse (json_t *root, inkand_config **out);
void inkand_config_free (inkand_config *cfg);
/* A file named in the configuration: SOURCE itself, or for "cred:NAME" the
 * systemd credential $CREDENTIALS_DIRECTORY/NAME (LoadCredential=).  *OUT
 * is the caller's to free. */
inkan_err inkand_config_file (const char *source, char **out);
/* Key number of NAME, or -1. */
long inkand_config_key (const inkand_config *cfg, const char *name);
/* Read again only the "clients" of CFG's file, against CFG's keys. */
inkan_err inkand_config_reload_authz (const inkand_config *cfg, inkand_authz **out);
/* INKAN_ERR_USAGE when AUTHZ grants any client a key that is the
 * checkpoint key (CFG's checkpoint_same). */
inkan_err inkand_config_check_grants (const inkand_config *cfg, const inkand_authz *authz);

/* ---- ratelimit.c: a token bucket per client ---- */

typedef struct inkand_ratelimit inkand_ratelimit;

inkan_err inkand_ratelimit_new (double rate, double burst, inkand_ratelimit **out);
void inkand_ratelimit_free (inkand_ratelimit *rl);
/* Take COST tokens (a request, or the signatures of a batch beyond its
 * first) for CLIENT at time NOW (seconds): *WAIT 0 when allowed, else the
 * seconds until they will be there (for Retry-After).  INKAN_ERR_NOMEM
 * when CLIENT has no bucket and none can be made. */
inkan_err inkand_ratelimit_take (inkand_ratelimit *rl, const char *client, double cost, double now,
                                 unsigned *wait);

/* ---- pool.c: the workers, each with its own session, and the bounded queue ---- */

typedef struct inkand_pool inkand_pool;
typedef struct inkand_worker inkand_worker;
typedef struct inkand_job inkand_job;

/*
 * A job travels: loop thread -> queue -> a worker (WORK, retried once on a
 * fresh session after a token fault) -> the audit log's queue (the record,
 * appended asynchronously) -> back to the loop thread (REPLY) from the
 * commit's callback.  The caller owns the memory; REPLY
 * frees it.
 */
struct inkand_job {
	/* On a worker: the token part.  NULL: nothing to do on the token (a
	 * denial, only recorded). */
	inkan_err (*work) (inkand_job *job, inkand_worker *w);
	int tokenless;                  /* WORK needs no session (a verification) */
	/* On the loop thread, after the audit record. */
	void (*reply) (inkand_job *job);

	/* The audit record; OPERATION NULL: none (a checkpoint is a record
	 * of its own). */
	const char *client;
	const char *key_uri;
	const char *operation;
	uint8_t digest[32];             /* SHA-256 of what the client sent to be signed */
	const char *denied;             /* a denial's result ("denied", "not-found"), or NULL */
	const char *verdict;            /* a verification's result ("good", "revoked", ...), or NULL */

	/* Outcome. */
	inkan_err err;                  /* of WORK */
	char detail[256];
	inkan_err audit_err;
	char audit_detail[256];
	uint64_t seq;

	inkand_pool *pool;              /* the pool's */
	inkan_audit_entry record;       /* lives until the commit's callback */
	inkand_job *next;
};

/*
 * Open a session per worker on the configured token; the first one logs
 * in with PIN (kept for re-logins; the pool owns it from here), the others
 * share that login.  A failed login is not retried, here or ever after.
 * Replies are handed to BASE's loop.
 */
inkan_err inkand_pool_new (const inkand_config *cfg, inkan_ctx *ctx, inkan_secret *pin, inkan_audit *audit,
                           struct event_base *base, inkand_pool **out);
/* Queue JOB: 0, or -1 when the queue is full (answer 503).  Loop thread
 * only; the workers see the job at the next inkand_pool_flush(). */
int inkand_pool_submit (inkand_pool *pool, inkand_job *job);
/* Hand this turn's jobs to the workers: at the end of each turn of the loop. */
void inkand_pool_flush (inkand_pool *pool);
/* The worker's number, 0 to workers - 1. */
unsigned inkand_worker_index (const inkand_worker *w);
/* The key number I as opened on this worker's session, or NULL. */
inkan_key *inkand_worker_key (inkand_worker *w, size_t i);
/* Key number I as found at start-up: its full URI, and *TYPE. */
const char *inkand_pool_key_info (inkand_pool *pool, size_t i, inkan_key_type *type);
/* Key number I's public half, as found at start-up, or NULL. */
EVP_PKEY *inkand_pool_pubkey (inkand_pool *pool, size_t i);
/* Key number I's certificate (from the configuration), or NULL. */
X509 *inkand_pool_cert (inkand_pool *pool, size_t i);
/* The token the pool's sessions are on: at start-up only, before any job
 * (a fault later may close the session it belongs to). */
const inkan_token_info *inkand_pool_token_info (inkand_pool *pool);

/* ---- verifier.c: a validator per worker, all sharing one cache; reloaded whole ---- */

typedef struct inkand_verifier inkand_verifier;
/* One configuration's validators, a job's from its queueing to its answer. */
typedef struct inkand_vset inkand_vset;

/* From CFG's validate.conf, one validator for each of the WORKERS, and
 * the cache they share. */
inkan_err inkand_verifier_new (const inkand_config *cfg, inkand_verifier **out);
/* After the pool is freed. */
void inkand_verifier_free (inkand_verifier *vf);
/* Load validate.conf again, whole, for the jobs queued from now on; on
 * an error (the detail names FILE:LINE) the current set stays.  The cache
 * is kept.  Loop thread only. */
inkan_err inkand_verifier_reload (inkand_verifier *vf);
/* The validate.conf it loads. */
const char *inkand_verifier_path (const inkand_verifier *vf);
/* The current set, held for a job until inkand_verifier_release (a reload
 * frees the sets no job holds).  Loop thread only, both. */
inkand_vset *inkand_verifier_hold (inkand_verifier *vf);
void inkand_verifier_release (inkand_verifier *vf, inkand_vset *s);
/* Worker W's validator in S, unnarrowed: the configuration's methods, now. */
inkan_validator *inkand_vset_get (inkand_vset *s, unsigned w);
void inkand_verifier_stats (inkand_verifier *vf, inkan_vcache_stats *st);

/* ---- certcache.c: the certificates of verification requests, parsed once ---- */

typedef struct inkand_certcache inkand_certcache;

inkan_err inkand_certcache_new (inkand_certcache **out);
void inkand_certcache_free (inkand_certcache *c);
/* The certificate whose DER is the LEN bytes at DER (nothing else): a
 * reference of the caller's, parsed now or before; NULL when it is not
 * one.  SHA256, when not NULL, gets the DER's digest (the cache's key, the
 * audit record's too).  Loop thread only. */
X509 *inkand_certcache_get (inkand_certcache *c, const uint8_t *der, size_t len, uint8_t sha256[32]);

/* ---- keys.c: the configured keys as the token resolved them ---- */

/* Once the pool has opened the keys: INKAN_ERR_USAGE for a key whose URI
 * names another token than the configured one, or for a grant of any key
 * that is the checkpoint key's object under another name or URI (the same
 * object, or the same public key); CFG's checkpoint_same records which
 * keys those are, for reloads. */
inkan_err inkand_keys_check (inkand_config *cfg, inkand_pool *pool);

typedef struct {
	size_t queued, capacity;
	size_t audit_queued;            /* signed, waiting for the audit log */
	unsigned workers, sessions;     /* configured, and those with an open session */
	unsigned long retries, reopens, logins;
	int pin_failed;
} inkand_pool_stats;
/* Loop thread only. */
void inkand_pool_stats_get (inkand_pool *pool, inkand_pool_stats *st);
/* Records made in the audit log since start-up, counted as their requests
 * are answered.  Loop thread only. */
uint64_t inkand_pool_records (inkand_pool *pool);
/* Finish the queued jobs, stop the workers, close the sessions. */
void inkand_pool_free (inkand_pool *pool);

/* ---- conns.c: open connections counted and capped, requests given a deadline ---- */

#define INKAND_CLIENT_MAX 512

struct bufferevent;
struct evkeyvalq;
typedef struct inkand_conns inkand_conns;

typedef struct {
	unsigned long open, max;
	unsigned long refused;          /* closed at once, all slots taken */
	unsigned long timed_out;        /* a request that did not arrive whole in time */
} inkand_conns_stats;

/* At most MAX connections; each request must arrive whole within TIMEOUT
 * seconds of the connection's accept or of its previous answer.  When
 * accepting was paused (inkand_conns_accepted said so), RESUME(ARG) is
 * called to take it up again.  MAX must leave descriptors to spare below
 * RLIMIT_NOFILE. */
inkan_err inkand_conns_new (struct event_base *base, unsigned max, double timeout, void (*resume) (void *arg),
                            void *resume_arg, inkand_conns **out);
/* After every evhttp_free: the connections must be gone. */
void inkand_conns_free (inkand_conns *set);
/* From the evhttp bufferevent callback: BEV was made for a connection just
 * accepted.  1: the caller pauses every listener, until RESUME. */
int inkand_conns_accepted (inkand_conns *set, struct bufferevent *bev);
/* REQ has arrived whole and is the daemon's until answered.  Returns its
 * connection's note of who the client is (INKAND_CLIENT_MAX bytes, "" on
 * its first request), or NULL for a connection not counted. */
char *inkand_conns_request (inkand_conns *set, struct evhttp_request *req);
void inkand_conns_stats_get (const inkand_conns *set, inkand_conns_stats *st);

/* ---- metrics.c: Prometheus counters, kept by the loop thread alone ---- */

typedef enum {
	INKAND_EP_SIGN,
	INKAND_EP_CMS_SIGN,
	INKAND_EP_TOKEN_ISSUE,
	INKAND_EP_VERIFY,
	INKAND_EP_VALIDATE,
	INKAND_EP_REGISTER_VERIFY,
	INKAND_EP_TOKEN_VERIFY,
	INKAND_EP_EVIDENCE_VERIFY,
	INKAND_EP_KEYS,
	INKAND_EP_HEALTHZ,
	INKAND_EP_READYZ,
	INKAND_EP_METRICS,
	INKAND_EP_OTHER,
	INKAND_EP_COUNT
} inkand_endpoint;

typedef struct inkand_metrics inkand_metrics;

inkan_err inkand_metrics_new (const inkand_config *cfg, inkand_metrics **out);
void inkand_metrics_free (inkand_metrics *m);
void inkand_metrics_request (inkand_metrics *m, inkand_endpoint ep, int status, double seconds);
void inkand_metrics_signature (inkand_metrics *m, size_t key);
/* The text exposition format, with the pool's and the connections' gauges. */
/* VS: the verification cache's counters, or NULL when none is served. */
char *inkand_metrics_render (const inkand_metrics *m, const inkand_pool_stats *st, const inkand_conns_stats *cs,
                             const inkan_vcache_stats *vs);

/* ---- server.c: listeners, identities, routing, signals, the drain ---- */

typedef struct inkand_server inkand_server;

struct inkand_server {
	struct event_base *base;
	inkand_config *cfg;             /* its authz is swapped on SIGHUP */
	inkand_pool *pool;
	inkand_verifier *verifier;      /* NULL: no verifications served */
	inkand_certcache *certs;        /* the verification requests' certificates */
	inkan_audit *audit;
	inkand_metrics *metrics;
	inkand_ratelimit *ratelimit;
	inkand_conns *conns;
	struct listener *listeners;
	size_t n_listeners;
	unsigned long inflight;         /* jobs queued or running */
	int draining;
	int final_checkpoint;           /* the drain's checkpoint was queued */
	uint64_t records_checkpointed;  /* the pool's record count when a checkpoint was last queued */
	struct event *signals[3], *checkpoint;
	struct event *turn_end;         /* after a turn's requests: see end_turn() */
};

/* One request, from its arrival to its answer. */
typedef struct {
	inkand_server *srv;
	struct evhttp_request *req;
	char client[INKAND_CLIENT_MAX]; /* "unix:alice", "uid:1000", "cn:relay1", "dn:CN=relay1,O=..." */
	inkand_endpoint ep;
	double start;
	int queued;                     /* answered from a job: counted in flight */
} inkand_call;

/* identity.c: "cn:" and the subject's one common name into OUT: 0; or -1
 * when there is none, several, one with a NUL in it, or OUT is too small. */
int inkand_cert_cn (X509_NAME *name, char *out, size_t len);

inkan_err inkand_server_new (struct event_base *base, inkand_config *cfg, inkand_pool *pool,
                             inkand_verifier *verifier, inkan_audit *audit, inkand_server **out);
void inkand_server_free (inkand_server *srv);
/* Seconds on the monotonic clock. */
double inkand_now (void);

/* 1 when HEADERS hold Content-Length headers that differ (answered 400). */
int inkand_lengths_differ (const struct evkeyvalq *headers);
/* Answer CALL.  BODY is stolen.  RETRY_AFTER > 0 adds that header. */
void inkand_reply_json (inkand_call *call, int status, json_t *body);
void inkand_reply_error (inkand_call *call, int status, unsigned retry_after, const char *code,
                         const char *message);
void inkand_reply_text (inkand_call *call, int status, const char *type, const char *text);
/* Queue JOB (embedding CALL) on the pool: 0; or, the queue being full,
 * answer 503 with Retry-After and return -1 (the caller frees JOB). */
int inkand_submit (inkand_call *call, inkand_job *job);
/* Another job for CALL, already submitted once, which is answered once
 * for all of them: 0, or -1 with the queue full (nothing answered). */
int inkand_submit_more (inkand_call *call, inkand_job *job);

/* ---- api.c: what the endpoints share ---- */

/* The request body as a JSON object with no member but MEMBERS (NULL
 * ended), or NULL after answering 400: a misspelt option must not be
 * signed with its default. */
json_t *inkand_read_json (inkand_call *call, const char *const *members);
/* The same for a body of LEN bytes at DATA: the object, or NULL with the
 * reason in WHY (the 400's message). */
json_t *inkand_parse_body (const char *data, size_t len, const char *const *members, char *why, size_t why_len);
/* Standard base64 into bytes: 0, or -1 when it is not base64. */
int inkand_base64_decode (const char *text, uint8_t **out, size_t *len);
/* The body's "hash" (default sha256), "scheme" for a key of TYPE (default
 * ecdsa for EC, pkcs1 for RSA) and "format" (der, or raw: INKAN_SIG_RAW
 * into *FLAGS): NULL, or why not, for a 400. */
const char *inkand_take_hash (json_t *body, inkan_hash *out);
const char *inkand_take_scheme (json_t *body, inkan_key_type type, inkan_sig_scheme *out);
const char *inkand_take_format (json_t *body, unsigned *flags);
/* The HTTP status for a failed operation. */
int inkand_status_of (inkan_err err);

/* ---- api-check.c: what the verification endpoints share ---- */

typedef struct check_job check_job;
/* On the worker, with its validator V narrowed as the request asked:
 * fill J's answer (a JSON text) and verdict. */
typedef void (*check_fn) (check_job *j, inkan_validator *v);

struct check_job {
	inkand_job job;                 /* first: the pool hands this back */
	inkand_call call;
	inkand_check check;
	check_fn run;
	/* the narrowing, checked on the worker against the configured order */
	char methods[32];               /* "crl,ocsp", or "" */
	time_t at;                      /* 0: now */
	int purpose;                    /* inkan_purpose, or -1: the check's own default */
	inkand_vset *validators;        /* held from queueing to the answer, or NULL */
	STACK_OF(X509) *chain;          /* the request's intermediates, or NULL */
	X509 *cert;                     /* validate: the leaf; token-verify: the issuer */
	uint8_t *in;                    /* what is verified: record, token, original */
	size_t in_len;
	uint8_t *in2;                   /* evidence: the distribution */
	size_t in2_len;
	uint8_t doc_sha256[32];
	uint64_t doc_size;
	int have_doc;
	long skew;
	/* the answer */
	int status;
	char *answer;                   /* JSON text; NULL with STATUS and WHY an error */
	char why[256];
	const char *verdict;            /* the audit record's result */
};

/* Take the members of BODY every verification may have ("chain", "at",
 * and for /v1/validate "methods") into J: NULL, or what was wrong (for a 400). */
const char *inkand_check_take_common (json_t *body, check_job *j);
/* A base64 member NAME of BODY, decoded into *OUT: NULL or why not. */
const char *inkand_check_take_b64 (json_t *body, const char *name, uint8_t **out, size_t *len);
/* "document_sha256" (hex) and "document_size" into J: NULL or why not. */
const char *inkand_check_take_document (json_t *body, check_job *j, int required);
/* A fresh job for CALL doing CHECK with RUN, or NULL after answering 500. */
check_job *inkand_check_new (inkand_call *call, inkand_check check, check_fn run);
/* Refuse (unauthorised: recorded, 403), or queue J; J is the callee's
 * either way.  The record names what is checked by the SHA-256 of the
 * DIGEST_LEN bytes at DIGEST_OF; NULL: J's job.digest already holds it. */
void inkand_check_submit (check_job *j, const uint8_t *digest_of, size_t digest_len);
void inkand_check_free (check_job *j);

/* ---- api-*.c: the endpoints ---- */

void inkand_api_sign (inkand_call *call);       /* POST /v1/sign */
void inkand_api_cms_sign (inkand_call *call);   /* POST /v1/cms/sign */
void inkand_api_token_issue (inkand_call *call);/* POST /v1/token/issue */
void inkand_api_verify (inkand_call *call);     /* POST /v1/verify */
void inkand_api_validate (inkand_call *call);   /* POST /v1/validate */
void inkand_api_register_verify (inkand_call *call);    /* POST /v1/register/verify */
void inkand_api_token_verify (inkand_call *call);       /* POST /v1/token/verify */
void inkand_api_evidence_verify (inkand_call *call);    /* POST /v1/evidence/verify */
void inkand_api_keys (inkand_call *call);       /* GET /v1/keys */
void inkand_api_healthz (inkand_call *call);
void inkand_api_readyz (inkand_call *call);
void inkand_api_metrics (inkand_call *call);

#endif
