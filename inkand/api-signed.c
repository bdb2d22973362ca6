/* POST /v1/register/verify, /v1/token/verify, /v1/evidence/verify: the
 * signed objects of other parties, their signers checked against the
 * configured anchors and validated by the same engine as /v1/validate;
 * answered with the reports the CLI's verify verbs print with --json. */
#include <stdlib.h>
#include <string.h>

#include <inkan/evidence.h>
#include <inkan/register.h>
#include <inkan/view-token.h>
#include "inkand/inkand.h"

/* What a refusal's verdict is named in the record: the error, as the CLI's JSON names it. */
static void
conclude (check_job *j, inkan_err err, char *answer)
{
	j->answer = answer;
	j->verdict = err == INKAN_OK ? "good" : inkan_err_name (err);
	if (answer == NULL) {
		j->status = 500;
		snprintf (j->why, sizeof j->why, "%s", _("out of memory"));
	}
}

static void
cms_check_of (check_job *j, inkan_validator *v, inkan_cms_check *check)
{
	check->anchors = inkan_validator_get0_anchors (v);
	check->untrusted = j->chain;
	check->validator = v;
}

static void
run_register (check_job *j, inkan_validator *v)
{
	inkan_cms_check check = { 0 };
	inkan_register_record rec = { 0 };
	inkan_err err;

	cms_check_of (j, v, &check);
	err = inkan_register_verify (j->in, j->in_len, &check, j->have_doc ? j->doc_sha256 : NULL, j->doc_size, &rec);
	conclude (j, err, inkan_register_record_json (err, &rec));
	inkan_register_record_clear (&rec);
}

static void
run_evidence (check_job *j, inkan_validator *v)
{
	inkan_cms_check check = { 0 };
	inkan_evidence_report report;
	inkan_err err;

	cms_check_of (j, v, &check);
	memset (&report, 0, sizeof report);
	err = inkan_evidence_verify (j->doc_sha256, j->doc_size, j->in, j->in_len, j->in2, j->in2_len, &check, &report);
	conclude (j, err, inkan_evidence_report_json (err, &report));
}

static void
run_token (check_job *j, inkan_validator *v)
{
	inkan_view_token_check check = { 0 };
	inkan_view_token_info info;
	inkan_err err;
	char *token = strndup ((const char *) j->in, j->in_len);

	if (token == NULL) {
		conclude (j, INKAN_ERR_NOMEM, NULL);
		return;
	}
	memset (&info, 0, sizeof info);
	check.issuer_cert = j->cert;
	check.anchors = inkan_validator_get0_anchors (v);
	check.untrusted = j->chain;
	check.validator = v;
	check.doc_sha256 = j->doc_sha256;
	check.skew = j->skew;
	err = inkan_view_token_verify (token, &check, &info);
	conclude (j, err, inkan_view_token_json (err, &info));
	free (token);
}

/* The body of ENDPOINT, whatever it checks: parsed, then the job queued
 * (or refused); the record names it by the SHA-256 of IN. */
static void
submit_or_refuse (inkand_call *call, json_t *body, check_job *j, const char *why)
{
	if (why == NULL)
		why = inkand_check_take_common (body, j);
	if (why != NULL) {
		inkand_reply_error (call, 400, 0, "bad-request", why);
		inkand_check_free (j);
		return;
	}
	inkand_check_submit (j, j->in, j->in_len);
}

void
inkand_api_register_verify (inkand_call *call)
{
	static const char *const members[] = { "record", "document_sha256", "document_size", "chain", "at", NULL };
	json_t *body = inkand_read_json (call, members);
	check_job *j = body != NULL ? inkand_check_new (call, INKAND_CHECK_REGISTER, run_register) : NULL;
	const char *why;

	if (j != NULL) {
		why = inkand_check_take_b64 (body, "record", &j->in, &j->in_len);
		if (why == NULL)
			why = inkand_check_take_document (body, j, 0);
		submit_or_refuse (call, body, j, why);
	}
	json_decref (body);
}

void
inkand_api_evidence_verify (inkand_call *call)
{
	static const char *const members[] = { "original", "distribution", "document_sha256", "document_size", "chain",
	                                       "at", NULL };
	json_t *body = inkand_read_json (call, members);
	check_job *j = body != NULL ? inkand_check_new (call, INKAND_CHECK_EVIDENCE, run_evidence) : NULL;
	const char *why;

	if (j != NULL) {
		why = inkand_check_take_b64 (body, "original", &j->in, &j->in_len);
		if (why == NULL)
			why = inkand_check_take_b64 (body, "distribution", &j->in2, &j->in2_len);
		if (why == NULL)
			why = inkand_check_take_document (body, j, 1);
		submit_or_refuse (call, body, j, why);
	}
	json_decref (body);
}

void
inkand_api_token_verify (inkand_call *call)
{
	static const char *const members[] = { "token", "issuer_cert", "document_sha256", "skew", "chain", "at",
	                                       NULL };
	json_t *body = inkand_read_json (call, members);
	check_job *j = body != NULL ? inkand_check_new (call, INKAND_CHECK_TOKEN, run_token) : NULL;
	const char *token, *why = NULL;
	uint8_t *der = NULL;
	size_t len = 0;
	json_t *skew;

	if (j == NULL)
		goto out;
	token = json_string_value (json_object_get (body, "token"));
	skew = json_object_get (body, "skew");
	j->skew = 60;
	if (token == NULL || *token == '\0' || (j->in = (uint8_t *) strdup (token)) == NULL)
		why = _("\"token\" is the token's text");
	else
		why = inkand_check_take_b64 (body, "issuer_cert", &der, &len);
	if (why == NULL) {
		j->in_len = strlen (token);
		if ((j->cert = inkand_certcache_get (call->srv->certs, der, len, NULL)) == NULL)
			why = _("\"issuer_cert\" is not a DER certificate in base64");
	}
	if (why == NULL)
		why = inkand_check_take_document (body, j, 1);
	if (why == NULL && skew != NULL) {
		if (!json_is_integer (skew) || json_integer_value (skew) < 0 || json_integer_value (skew) > 86400)
			why = _("\"skew\" is 0-86400 seconds");
		else
			j->skew = (long) json_integer_value (skew);
	}
	free (der);
	submit_or_refuse (call, body, j, why);
out:
	json_decref (body);
}
