/*
 * The signing endpoints: POST /v1/sign, /v1/cms/sign, /v1/token/issue.
 * The loop thread checks the request and the client's rights; a worker
 * signs and records; the loop thread answers.  A denial travels the same
 * way without touching the token, so that it is recorded before the 403.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "cli/inkand/inkand.h"

/* A view token is a grant to see a document: a day at most. */
#define TOKEN_TTL_MAX 86400

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
} sign_job;

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

/* Loop thread: the answer, now that the record is durable (or not). */
static void
sign_reply (inkand_job *job)
{
	sign_job *j = (sign_job *) job;
	inkand_call *call = &j->call;
	char *text = NULL;
	json_t *body;

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
	           (text = inkand_base64_encode (j->out, j->out_len)) != NULL) {
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
handle (inkand_call *call, inkand_op op, const char *(*check) (json_t *, sign_job *, inkan_key_type))
{
	inkand_server *srv = call->srv;
	json_t *body = inkand_read_json (call);
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
	why = take_input (body, j, op != INKAND_OP_CMS_SIGN);
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
	if (j->job.denied != NULL)
		j->job.work = NULL;
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
	handle (call, INKAND_OP_SIGN, check_sign);
}

void
inkand_api_cms_sign (inkand_call *call)
{
	handle (call, INKAND_OP_CMS_SIGN, check_cms);
}

void
inkand_api_token_issue (inkand_call *call)
{
	handle (call, INKAND_OP_TOKEN_ISSUE, check_token);
}
