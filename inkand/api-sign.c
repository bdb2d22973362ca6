/*
 * The signing endpoints: POST /v1/sign, /v1/cms/sign, /v1/token/issue.
 * The loop thread checks the request and the client's rights; a worker
 * signs and records; the loop thread answers.  A denial travels the same
 * way without touching the token, so that it is recorded before the 403.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "inkand/inkand.h"

/* A view token is a grant to see a document: a day at most. */
#define TOKEN_TTL_MAX 86400

/* The most digests one POST /v1/sign may carry in "digests". */
#define BATCH_MAX 64

typedef struct sign_batch sign_batch;

typedef struct {
	inkand_job job;                 /* first: the pool hands this back */
	inkand_call call;
	inkand_op op;
	size_t key;
	char *key_name;
	inkan_hash hash;
	inkan_sig_scheme scheme;
	unsigned flags;                 /* INKAN_SIG_RAW, or INKAN_CMS_* */
	int prehashed;                  /* INPUT is a digest, not data */
	uint8_t *input;                 /* what the client sent to be signed */
	size_t input_len;
	char *recipient;                /* token-issue */
	inkan_view_recipient_kind kind;
	long ttl;
	uint8_t *out;                   /* the signature, the CMS, the token */
	size_t out_len;
	sign_batch *batch;              /* one of a batch's digests, number INDEX */
	size_t index;
} sign_job;

/* A request's "digests": a job each, signed by whichever worker is free
 * and recorded each on its own, answered together once the last is back.
 * A relay with many documents a second then pays for the HTTP exchange,
 * the parse and the request log once per batch, not once per signature. */
struct sign_batch {
	inkand_call call;               /* the one answer */
	char *key_name;
	size_t n, left;                 /* jobs, and those not back yet */
	char **sigs;                    /* base64, by index */
	json_int_t *seqs;
	/* The first failure: then no signature of the batch leaves. */
	int status;
	const char *code;
	char message[256];
};

static void
sign_job_free (sign_job *j)
{
	free (j->key_name);
	free (j->input);
	free (j->recipient);
	free (j->out);
	free (j);
}

/* Worker: the token part.  A retry starts afresh. */
static inkan_err
sign_work (inkand_job *job, inkand_worker *w)
{
	sign_job *j = (sign_job *) job;
	inkan_key *key = inkand_worker_key (w, j->key);
	X509 *cert = inkand_pool_cert (j->call.srv->pool, j->key);
	inkan_view_token_claims claims;
	inkan_err err;

	free (j->out);
	j->out = NULL;
	switch (j->op) {
	case INKAND_OP_CMS_SIGN:
		err = inkan_cms_sign (key, cert, NULL, j->hash, j->flags, j->input, j->input_len, &j->out, &j->out_len);
		break;
	case INKAND_OP_TOKEN_ISSUE:
		claims = (inkan_view_token_claims) {
			.kind = j->kind, .recipient = j->recipient, .ttl = j->ttl,
			/* Sent the document itself: its SHA-256 is the record's digest. */
			.doc_sha256 = j->prehashed ? j->input : j->job.digest,
		};
		err = inkan_view_token_issue (key, cert, &claims, (char **) &j->out);
		if (err == INKAN_OK)
			j->out_len = strlen ((char *) j->out);
		break;
	default:
		err = j->prehashed ? inkan_key_sign_prehashed (key, j->scheme, j->hash, j->input, j->input_len, j->flags,
		                                               &j->out, &j->out_len)
		                   : inkan_key_sign (key, j->scheme, j->hash, j->input, j->input_len, j->flags,
		                                     &j->out, &j->out_len);
		break;
	}
	return err;
}

static void
batch_free (sign_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free (b->sigs[i]);
	free (b->sigs);
	free (b->seqs);
	free (b->key_name);
	free (b);
}

static void
batch_fail (sign_batch *b, int status, const char *code, const char *message)
{
	if (b->status != 0)
		return;
	b->status = status;
	b->code = code;
	snprintf (b->message, sizeof b->message, "%s", message);
}

/* N of the batch's jobs are back (or never went): the answer after the last. */
static void
batch_back (sign_batch *b, size_t n)
{
	json_t *sigs, *seqs;
	size_t i;

	b->left -= n;
	if (b->left > 0)
		return;
	if (b->status != 0) {
		unsigned retry_after = strcmp (b->code, "busy") == 0 ? 1 : 0;

		inkand_reply_error (&b->call, b->status, retry_after, b->code, b->message);
		batch_free (b);
		return;
	}
	sigs = json_array ();
	seqs = json_array ();
	for (i = 0; sigs != NULL && seqs != NULL && i < b->n; i++) {
		if (json_array_append_new (sigs, json_string (b->sigs[i])) != 0 ||
		    json_array_append_new (seqs, json_integer (b->seqs[i])) != 0)
			break;
	}
	if (i < b->n) {
		json_decref (sigs);
		json_decref (seqs);
		inkand_reply_error (&b->call, 500, 0, "nomem", _("out of memory"));
	} else {
		inkand_reply_json (&b->call, 200, json_pack ("{s:o, s:s, s:o}", "signatures", sigs, "key", b->key_name,
		                                              "audit_seqs", seqs));
	}
	batch_free (b);
}

/* Loop thread: one of a batch's jobs is back. */
static void
batch_reply (sign_job *j)
{
	sign_batch *b = j->batch;

	if (j->job.audit_err != INKAN_OK)
		batch_fail (b, 503, "audit-failed", j->job.audit_detail);
	else if (j->job.err != INKAN_OK)
		batch_fail (b, inkand_status_of (j->job.err), inkan_err_name (j->job.err), j->job.detail);
	else if ((b->sigs[j->index] = inkan_base64_encode (j->out, j->out_len, INKAN_BASE64_STD)) == NULL)
		batch_fail (b, 500, "nomem", _("out of memory"));
	else {
		b->seqs[j->index] = (json_int_t) j->job.seq;
		inkand_metrics_signature (b->call.srv->metrics, j->key);
	}
	sign_job_free (j);
	batch_back (b, 1);
}

/* Loop thread: the answer, now that the record is durable (or not). */
static void
sign_reply (inkand_job *job)
{
	sign_job *j = (sign_job *) job;
	inkand_call *call = &j->call;
	char *text = NULL;
	json_t *body;

	if (j->batch != NULL) {
		batch_reply (j);
		return;
	}
	if (job->audit_err != INKAN_OK) {
		/* Fail closed: a signature that is not on record does not leave. */
		inkand_reply_error (call, 503, 0, "audit-failed", job->audit_detail);
	} else if (job->denied != NULL && strcmp (job->denied, "not-found") == 0) {
		inkand_reply_error (call, 404, 0, "no-such-key", _("no key of that name is configured"));
	} else if (job->denied != NULL) {
		inkand_reply_error (call, 403, 0, "forbidden", _("this client may not use this key for this operation"));
	} else if (job->err != INKAN_OK) {
		inkand_reply_error (call, inkand_status_of (job->err), 0, inkan_err_name (job->err), job->detail);
	} else if (j->op == INKAND_OP_TOKEN_ISSUE ||
	           (text = inkan_base64_encode (j->out, j->out_len, INKAN_BASE64_STD)) != NULL) {
		const char *field = j->op == INKAND_OP_SIGN ? "signature" : j->op == INKAND_OP_CMS_SIGN ? "cms" : "token";

		body = json_pack ("{s:s, s:s, s:I}", field, text ? text : (char *) j->out, "key", j->key_name,
		                  "audit_seq", (json_int_t) job->seq);
		inkand_metrics_signature (call->srv->metrics, j->key);
		inkand_reply_json (call, 200, body);
	} else {
		inkand_reply_error (call, 500, 0, "nomem", _("out of memory"));
	}
	free (text);
	sign_job_free (j);
}

/* "data" (or, where DIGEST_OK, "digest") into J's input. */
static const char *
take_input (json_t *body, sign_job *j, int digest_ok)
{
	const char *data = json_string_value (json_object_get (body, "data"));
	const char *digest = digest_ok ? json_string_value (json_object_get (body, "digest")) : NULL;

	if ((data == NULL) == (digest == NULL))
		return digest_ok ? _("give either \"data\" or \"digest\", in base64") : _("give \"data\", in base64");
	if (inkand_base64_decode (data ? data : digest, &j->input, &j->input_len) != 0)
		return _("\"data\" or \"digest\" is not base64");
	j->prehashed = digest != NULL;
	return NULL;
}

/* "digests" checked, and its first into J's input. */
static const char *
take_first_digest (json_t *body, json_t *digests, sign_job *j)
{
	size_t n = json_array_size (digests);

	if (json_object_get (body, "data") != NULL || json_object_get (body, "digest") != NULL)
		return _("give \"digests\" alone, without \"data\" or \"digest\"");
	if (!json_is_array (digests) || n == 0 || n > BATCH_MAX)
		return _("\"digests\" is an array of 1 to 64 digests, in base64");
	if (inkand_base64_decode (json_string_value (json_array_get (digests, 0)), &j->input, &j->input_len) != 0)
		return _("\"digests\" holds something that is not base64");
	j->prehashed = 1;
	return NULL;
}

/* Jobs 1.. of a batch: FIRST's copies, each with its own digest.  0, or
 * the status to answer with and *WHY. */
static int
batch_jobs (sign_job *first, json_t *digests, sign_job **jobs, size_t n, const char **why)
{
	size_t i;

	for (i = 1; i < n; i++) {
		sign_job *c = malloc (sizeof *c);

		if (c == NULL) {
			*why = _("out of memory");
			return 500;
		}
		*c = *first;
		c->input = NULL;
		jobs[i] = c;
		*why = inkand_base64_decode (json_string_value (json_array_get (digests, i)), &c->input,
		                             &c->input_len) != 0 ? _("\"digests\" holds something that is not base64")
		       : c->input_len != first->input_len   ? _("the digests are not all of the same length")
		                                            : NULL;
		if (*why != NULL)
			return 400;
		EVP_Digest (c->input, c->input_len, c->job.digest, NULL, EVP_sha256 (), NULL);
	}
	return 0;
}

/* FIRST, its digest the first of DIGESTS, checked and allowed: a job for
 * each digest, answered together (see sign_batch).  Takes FIRST. */
static void
start_batch (inkand_call *call, sign_job *first, json_t *digests)
{
	inkand_server *srv = call->srv;
	size_t n = json_array_size (digests), i, sent = 0;
	sign_batch *b = calloc (1, sizeof *b);
	sign_job **jobs = calloc (n, sizeof *jobs);
	const char *why = NULL;
	unsigned wait;
	int status;

	if (jobs == NULL) {
		sign_job_free (first);
		inkand_reply_error (call, 500, 0, "nomem", _("out of memory"));
		goto out;
	}
	jobs[0] = first;
	if (b == NULL || (b->sigs = calloc (n, sizeof *b->sigs)) == NULL ||
	    (b->seqs = calloc (n, sizeof *b->seqs)) == NULL) {
		inkand_reply_error (call, 500, 0, "nomem", _("out of memory"));
		goto out;
	}
	b->call = *call;
	b->n = b->left = n;
	b->key_name = first->key_name;
	first->key_name = NULL;
	/* The rate counts signatures: the request took one already. */
	if ((double) n > srv->cfg->burst) {
		inkand_reply_error (call, 400, 0, "bad-request", _("more digests than the rate limit's burst allows at once"));
		goto out;
	}
	if (n > 1 && inkand_ratelimit_take (srv->ratelimit, call->client, (double) (n - 1), call->start, &wait) != INKAN_OK) {
		inkand_reply_error (call, 503, 1, "nomem", _("out of memory"));
		goto out;
	}
	if (n > 1 && wait > 0) {
		inkand_reply_error (call, 429, wait, "rate-limited", _("too many requests from this client"));
		goto out;
	}
	status = batch_jobs (first, digests, jobs, n, &why);
	if (status != 0) {
		inkand_reply_error (call, status, 0, status == 500 ? "nomem" : "bad-request", why);
		goto out;
	}
	for (i = 0; i < n; i++) {
		jobs[i]->batch = b;
		jobs[i]->index = i;
		jobs[i]->job.client = b->call.client;
	}
	if (inkand_submit (&b->call, &first->job) != 0)
		goto out;
	for (sent = 1; sent < n && inkand_submit_more (&b->call, &jobs[sent]->job) == 0; sent++)
		;
	if (sent < n) {
		/* B is the jobs' that went now, answered after the last. */
		batch_fail (b, 503, "busy", _("all workers are busy and the queue is full; try again"));
		batch_back (b, n - sent);
	}
	b = NULL;
out:
	for (i = sent; jobs != NULL && i < n; i++)
		if (jobs[i] != NULL)
			sign_job_free (jobs[i]);
	free (jobs);
	if (b != NULL)
		batch_free (b);
}

static const char *
check_sign (json_t *body, sign_job *j, inkan_key_type type)
{
	static const size_t digest_len[] = { [INKAN_HASH_SHA256] = 32, [INKAN_HASH_SHA384] = 48,
		                             [INKAN_HASH_SHA512] = 64 };
	const char *why = inkand_take_hash (body, &j->hash);

	if (why == NULL)
		why = inkand_take_scheme (body, type, &j->scheme);
	if (why == NULL)
		why = inkand_take_format (body, &j->flags);
	if (why == NULL && j->prehashed && j->input_len != digest_len[j->hash])
		why = _("the digest's length does not fit \"hash\"");
	return why;
}

static const char *
check_cms (json_t *body, sign_job *j, inkan_key_type type)
{
	const char *why = inkand_take_hash (body, &j->hash);

	if (why == NULL)
		why = inkand_take_scheme (body, type, &j->scheme);
	if (why == NULL && inkand_pool_cert (j->call.srv->pool, j->key) == NULL)
		why = _("no certificate is configured for this key");
	if (json_is_true (json_object_get (body, "detached")))
		j->flags |= INKAN_CMS_DETACHED;
	if (j->scheme == INKAN_SIG_PSS)
		j->flags |= INKAN_CMS_PSS;
	return why;
}

static const char *
check_token (json_t *body, sign_job *j, inkan_key_type type)
{
	const char *addr = json_string_value (json_object_get (body, "recipient"));
	const char *ci = json_string_value (json_object_get (body, "ci"));
	json_t *ttl = json_object_get (body, "ttl");

	(void) type;
	if ((addr == NULL) == (ci == NULL))
		return _("give either \"recipient\" or \"ci\"");
	if (j->prehashed && j->input_len != 32)
		return _("\"digest\" is the document's SHA-256");
	if (ttl != NULL && (!json_is_integer (ttl) || json_integer_value (ttl) < 1))
		return _("\"ttl\" is a number of seconds");
	if (ttl != NULL && json_integer_value (ttl) > TOKEN_TTL_MAX)
		return _("\"ttl\" is at most 86400 seconds");
	if (inkand_pool_cert (j->call.srv->pool, j->key) == NULL)
		return _("no certificate is configured for this key");
	j->kind = addr ? INKAN_VIEW_RECIPIENT_ADDRESS : INKAN_VIEW_RECIPIENT_CI;
	j->recipient = strdup (addr ? addr : ci);
	j->ttl = ttl ? (long) json_integer_value (ttl) : 600;
	return j->recipient ? NULL : _("out of memory");
}

/* The longest key name a client may send.  Configured names are short; an
 * unknown one is recorded as it came (the audit record of the 404), so
 * without a bound any client, even one with no rights, could grow the log
 * by max_body a request until the disk is full and the log fails closed. */
#define KEY_NAME_MAX 128

/* The body's "key": NULL, or why not, for a 400 before anything is queued. */
static const char *
take_key_name (json_t *body, const char **out)
{
	json_t *key = json_object_get (body, "key");

	*out = json_string_value (key);
	if (*out == NULL)
		return _("\"key\" names the key to sign with");
	/* An embedded NUL would make the recorded name differ from the one sent. */
	if (json_string_length (key) > KEY_NAME_MAX || strlen (*out) != json_string_length (key))
		return _("\"key\" is too long for a key name");
	return NULL;
}

static void
handle (inkand_call *call, inkand_op op, const char *const *members,
        const char *(*check) (json_t *, sign_job *, inkan_key_type))
{
	inkand_server *srv = call->srv;
	json_t *body = inkand_read_json (call, members), *digests;
	const char *name, *why;
	inkan_key_type type;
	sign_job *j = NULL;
	long k;

	if (body == NULL)
		return;
	why = take_key_name (body, &name);
	if (why != NULL) {
		inkand_reply_error (call, 400, 0, "bad-request", why);
		goto out;
	}
	j = calloc (1, sizeof *j);
	if (j == NULL || (j->key_name = strdup (name)) == NULL) {
		inkand_reply_error (call, 500, 0, "nomem", _("out of memory"));
		goto out;
	}
	j->call = *call;
	j->op = op;
	digests = op == INKAND_OP_SIGN ? json_object_get (body, "digests") : NULL;
	why = digests != NULL ? take_first_digest (body, digests, j) : take_input (body, j, op != INKAND_OP_CMS_SIGN);
	if (why != NULL) {
		inkand_reply_error (call, 400, 0, "bad-request", why);
		goto out;
	}
	j->job.work = sign_work;
	j->job.reply = sign_reply;
	j->job.client = j->call.client;
	j->job.operation = inkand_op_name (op);
	EVP_Digest (j->input, j->input_len, j->job.digest, NULL, EVP_sha256 (), NULL);

	k = inkand_config_key (srv->cfg, name);
	if (k < 0) {
		j->job.denied = "not-found";
		j->job.key_uri = j->key_name;
	} else if (!inkand_authz_allows (srv->cfg->authz, call->client, (size_t) k, op)) {
		j->job.denied = "denied";
		j->job.key_uri = srv->cfg->keys[k].uri;
	} else {
		j->key = (size_t) k;
		j->job.key_uri = inkand_pool_key_info (srv->pool, j->key, &type);
		why = check (body, j, type);
		if (why != NULL) {
			inkand_reply_error (call, 400, 0, "bad-request", why);
			goto out;
		}
	}
	if (j->job.denied != NULL) {
		/* Refused: recorded once, with the first digest, and answered alone. */
		j->job.work = NULL;
	} else if (digests != NULL) {
		start_batch (call, j, digests);
		j = NULL;
		goto out;
	}
	if (inkand_submit (&j->call, &j->job) == 0)
		j = NULL;
out:
	if (j != NULL)
		sign_job_free (j);
	json_decref (body);
}

void
inkand_api_sign (inkand_call *call)
{
	static const char *const members[] = { "key", "data", "digest", "digests", "hash", "scheme", "format", NULL };

	handle (call, INKAND_OP_SIGN, members, check_sign);
}

void
inkand_api_cms_sign (inkand_call *call)
{
	static const char *const members[] = { "key", "data", "hash", "scheme", "detached", NULL };

	handle (call, INKAND_OP_CMS_SIGN, members, check_cms);
}

void
inkand_api_token_issue (inkand_call *call)
{
	static const char *const members[] = { "key", "data", "digest", "recipient", "ci", "ttl", NULL };

	handle (call, INKAND_OP_TOKEN_ISSUE, members, check_token);
}
