/* POST /v1/validate: is a certificate good?  The path to the configured
 * anchors, then CRL, OCSP and SCVP in the configured order, answered with
 * the report `inkan validate --json` prints. */
#include <stdlib.h>
#include <string.h>

#include "inkand/inkand.h"

static void
run_validate (check_job *j, inkan_validator *v)
{
	inkan_vreport *r = NULL;
	inkan_err err = inkan_validate (v, j->cert, &r);

	if (err != INKAN_OK) {
		j->status = inkand_status_of (err);
		snprintf (j->why, sizeof j->why, "%s", inkan_detail ());
		return;
	}
	j->verdict = inkan_verdict_name (inkan_vreport_verdict (r));
	j->answer = inkan_vreport_json (r);
	if (j->answer == NULL)
		snprintf (j->why, sizeof j->why, "%s", _("out of memory"));
	inkan_vreport_free (r);
}

static const char *
take_purpose (json_t *body, check_job *j)
{
	static const char *const names[] = { [INKAN_PURPOSE_ANY] = "any", [INKAN_PURPOSE_SIGN] = "sign",
	                                     [INKAN_PURPOSE_AUTH] = "auth" };
	const char *p = json_string_value (json_object_get (body, "purpose"));
	size_t i;

	if (json_object_get (body, "purpose") == NULL)
		return NULL;
	for (i = 0; p != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strcmp (p, names[i]) == 0) {
			j->purpose = (int) i;
			return NULL;
		}
	return _("\"purpose\" is sign, auth or any");
}

void
inkand_api_validate (inkand_call *call)
{
	static const char *const members[] = { "cert", "chain", "methods", "purpose", "at", NULL };
	json_t *body = inkand_read_json (call, members);
	check_job *j;
	const char *why;

	if (body == NULL)
		return;
	j = inkand_check_new (call, INKAND_CHECK_VALIDATE, run_validate);
	if (j == NULL)
		goto out;
	why = inkand_check_take_b64 (body, "cert", &j->in, &j->in_len);
	if (why == NULL && (j->cert = inkand_certcache_get (call->srv->certs, j->in, j->in_len, j->job.digest)) == NULL)
		why = _("\"cert\" is not a DER certificate in base64");
	if (why == NULL)
		why = inkand_check_take_common (body, j);
	if (why == NULL)
		why = take_purpose (body, j);
	if (why != NULL) {
		inkand_reply_error (call, 400, 0, "bad-request", why);
		inkand_check_free (j);
		goto out;
	}
	/* the record names the certificate by the SHA-256 of its DER: the
	 * cache's key, already in job.digest */
	inkand_check_submit (j, NULL, 0);
out:
	json_decref (body);
}
