/* What the verification endpoints share: their request members, the job
 * that runs on a worker with that worker's validator narrowed as the
 * request asks (never widened), the refusal, and the audit record.  A
 * verification uses no session: a worker takes it whatever the token's
 * state, as the validation's network waits must not hold the loop. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>

#include "inkand/inkand.h"

/* Intermediates a request may give at most: a path is a handful. */
#define MAX_CHAIN 16

void
inkand_check_free (check_job *j)
{
	if (j == NULL)
		return;
	if (j->validators != NULL)
		inkand_verifier_release (j->call.srv->verifier, j->validators);
	sk_X509_pop_free (j->chain, X509_free);
	X509_free (j->cert);
	free (j->in);
	free (j->in2);
	free (j->answer);
	free (j);
}

const char *
inkand_check_take_b64 (json_t *body, const char *name, uint8_t **out, size_t *len)
{
	/* per thread: the loop thread's, used before its next request */
	static __thread char why[96];

	if (inkand_base64_decode (json_string_value (json_object_get (body, name)), out, len) != 0) {
		snprintf (why, sizeof why, _("\"%s\" is missing, or not base64"), name);
		return why;
	}
	return NULL;
}

/* "2026-11-22T10:00:00Z" or seconds since 1970. */
static int
take_time (json_t *v, time_t *out)
{
	const char *s = json_string_value (v);
	struct tm tm = { 0 };
	const char *end;

	if (json_is_integer (v) && json_integer_value (v) > 0) {
		*out = (time_t) json_integer_value (v);
		return 0;
	}
	if (s == NULL || (end = strptime (s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL || *end != '\0')
		return -1;
	*out = timegm (&tm);
	return 0;
}

/* ["crl", "ocsp"] into "crl,ocsp": the names are checked by the library. */
static int
take_methods (json_t *list, char *out, size_t size)
{
	size_t i, used = 0;
	json_t *m;

	if (!json_is_array (list) || json_array_size (list) == 0 || json_array_size (list) > INKAN_METHOD_LAST)
		return -1;
	json_array_foreach (list, i, m) {
		const char *name = json_string_value (m);
		int n;

		if (name == NULL || strchr (name, ',') != NULL)
			return -1;
		n = snprintf (out + used, size - used, "%s%s", i ? "," : "", name);
		if (n < 0 || (size_t) n >= size - used)
			return -1;
		used += (size_t) n;
	}
	return 0;
}

static const char *
take_chain (inkand_certcache *certs, json_t *list, STACK_OF(X509) **out)
{
	json_t *item;
	size_t i;

	if (!json_is_array (list) || json_array_size (list) > MAX_CHAIN)
		return _("\"chain\" is an array of at most 16 certificates in base64");
	*out = sk_X509_new_null ();
	if (*out == NULL)
		return _("out of memory");
	json_array_foreach (list, i, item) {
		uint8_t *der = NULL;
		size_t len = 0;
		X509 *x = NULL;

		if (inkand_base64_decode (json_string_value (item), &der, &len) == 0)
			x = inkand_certcache_get (certs, der, len, NULL);
		free (der);
		if (x == NULL || !sk_X509_push (*out, x)) {
			X509_free (x);
			return _("\"chain\" holds something that is not a DER certificate in base64");
		}
	}
	return NULL;
}

const char *
inkand_check_take_common (json_t *body, check_job *j)
{
	json_t *v;

	if ((v = json_object_get (body, "chain")) != NULL) {
		const char *why = take_chain (j->call.srv->certs, v, &j->chain);

		if (why != NULL)
			return why;
	}
	if ((v = json_object_get (body, "methods")) != NULL && take_methods (v, j->methods, sizeof j->methods) != 0)
		return _("\"methods\" is a non-empty array of crl, ocsp, scvp");
	if ((v = json_object_get (body, "at")) != NULL && take_time (v, &j->at) != 0)
		return _("\"at\" is a time such as 2026-11-22T10:00:00Z, or seconds since 1970");
	return NULL;
}

const char *
inkand_check_take_document (json_t *body, check_job *j, int required)
{
	const char *hex = json_string_value (json_object_get (body, "document_sha256"));
	json_t *size = json_object_get (body, "document_size");
	uint8_t *bin = NULL;
	size_t len = 0;

	if (hex == NULL && size == NULL && !required)
		return NULL;
	if (hex == NULL || inkan_hex_decode (hex, &bin, &len) != INKAN_OK || len != 32 ||
	    (size != NULL && (!json_is_integer (size) || json_integer_value (size) < 0))) {
		free (bin);
		return _("\"document_sha256\" is 64 hex digits, \"document_size\" a number of bytes");
	}
	memcpy (j->doc_sha256, bin, 32);
	free (bin);
	j->doc_size = size != NULL ? (uint64_t) json_integer_value (size) : 0;
	j->have_doc = 1;
	return NULL;
}

/* The configured order for the request's leaf, narrowed to J's methods,
 * onto V; or J's 400 when J asks for a method the order does not have. */
static int
narrow (check_job *j, inkan_validator *v, X509 *leaf)
{
	inkan_vorder o;
	char list[sizeof j->methods], *name, *save = NULL;
	size_t i;

	inkan_validator_set_methods (v, NULL);
	inkan_validator_set_time (v, j->at);
	if (j->purpose >= 0)
		inkan_validator_set_purpose (v, (inkan_purpose) j->purpose);
	if (inkan_validator_set_extra_chain (v, j->chain) != INKAN_OK)
		goto nomem;
	/* only /v1/validate takes "methods": a signer is not known before its check */
	if (j->methods[0] == '\0')
		return 0;
	inkan_validator_order_for (v, leaf, &o);
	memcpy (list, j->methods, sizeof list);
	for (name = strtok_r (list, ",", &save); name != NULL; name = strtok_r (NULL, ",", &save)) {
		for (i = 0; i < o.n_methods && strcmp (inkan_method_name (o.methods[i]), name) != 0; i++)
			;
		if (i == o.n_methods) {
			j->status = 400;
			snprintf (j->why, sizeof j->why, _("\"methods\" may only narrow the configured order: %s is not in it"),
			          name);
			return -1;
		}
	}
	if (inkan_validator_set_methods (v, j->methods) != INKAN_OK) {
		j->status = 400;
		snprintf (j->why, sizeof j->why, "%s", inkan_detail ());
		return -1;
	}
	return 0;
nomem:
	j->status = 500;
	snprintf (j->why, sizeof j->why, "%s", _("out of memory"));
	return -1;
}

static inkan_err
check_work (inkand_job *job, inkand_worker *w)
{
	check_job *j = (check_job *) job;
	inkan_validator *v = inkand_vset_get (j->validators, inkand_worker_index (w));

	/* the check's own purpose unless the request said: sign for signers */
	inkan_validator_set_purpose (v, j->check == INKAND_CHECK_VALIDATE ? INKAN_PURPOSE_ANY : INKAN_PURPOSE_SIGN);
	if (narrow (j, v, j->check == INKAND_CHECK_VALIDATE ? j->cert : NULL) == 0)
		j->run (j, v);
	/* nothing of this request stays on the worker's validator */
	(void) inkan_validator_set_extra_chain (v, NULL);
	if (j->answer != NULL) {
		j->job.verdict = j->verdict;
		/* good answers are recorded only when the configuration asks */
		if (strcmp (j->verdict, "good") == 0 && !j->call.srv->cfg->audit_verifications)
			j->job.operation = NULL;
	} else {
		j->job.operation = NULL;
	}
	return INKAN_OK;
}

static void
check_reply (inkand_job *job)
{
	check_job *j = (check_job *) job;

	if (job->operation != NULL && job->audit_err != INKAN_OK)
		inkand_reply_error (&j->call, 503, 0, "audit-failed", job->audit_detail);
	else if (job->denied != NULL)
		inkand_reply_error (&j->call, 403, 0, "forbidden", _("this client may not use this operation"));
	else if (j->answer != NULL)
		inkand_reply_text (&j->call, 200, "application/json", j->answer);
	else
		inkand_reply_error (&j->call, j->status, 0, j->status == 400 ? "bad-request" : "failed", j->why);
	inkand_check_free (j);
}

check_job *
inkand_check_new (inkand_call *call, inkand_check check, check_fn run)
{
	check_job *j = calloc (1, sizeof *j);

	if (j == NULL) {
		inkand_reply_error (call, 500, 0, "nomem", _("out of memory"));
		return NULL;
	}
	j->call = *call;
	j->check = check;
	j->run = run;
	j->purpose = -1;
	j->status = 500;
	return j;
}

void
inkand_check_submit (check_job *j, const uint8_t *data, size_t len)
{
	inkand_server *srv = j->call.srv;

	j->job.reply = check_reply;
	j->job.client = j->call.client;
	/* no key of ours: the record names none */
	j->job.key_uri = "";
	j->job.operation = inkand_check_name (j->check);
	if (data != NULL)
		EVP_Digest (data, len, j->job.digest, NULL, EVP_sha256 (), NULL);
	if (!inkand_authz_allows_check (srv->cfg->authz, j->call.client, j->check)) {
		/* recorded (through the pool, as the signing endpoints' refusals) before the 403 */
		j->job.denied = "denied";
	} else if (srv->verifier == NULL) {
		inkand_reply_error (&j->call, 404, 0, "not-configured",
		                    _("inkand serves no verification: its configuration names no validate.conf"));
		inkand_check_free (j);
		return;
	} else {
		j->job.work = check_work;
		j->job.tokenless = 1;
		/* queued under this validate.conf, answered under it: a reload
		 * meanwhile is for the requests after it */
		j->validators = inkand_verifier_hold (srv->verifier);
	}
	if (inkand_submit (&j->call, &j->job) != 0)
		inkand_check_free (j);
}
