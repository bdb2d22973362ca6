/* The reports of the verify operations on registrations, view tokens and
 * evidence as JSON: what the CLI's verbs print with --json and inkand's
 * endpoints answer, made in one place so they cannot drift apart. */
#include <stdlib.h>
#include <time.h>
#include <jansson.h>

#include <inkan/evidence.h>
#include <inkan/register.h>
#include <inkan/view-token.h>
#include "src/util/internal.h"

static char *
dump (json_t *doc)
{
	char *text = doc != NULL ? json_dumps (doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref (doc);
	return text;
}

/* A refusal: which error, and the library's detail of it. */
static json_t *
refusal (inkan_err err)
{
	return json_pack ("{s:b, s:s, s:s}", "valid", 0, "error", inkan_err_name (err), "detail", inkan_detail ());
}

char *
inkan_register_record_json (inkan_err err, const inkan_register_record *r)
{
	char when[32] = "", *digest;
	json_t *rcp, *doc;
	struct tm tm;
	size_t i;

	if (err != INKAN_OK)
		return dump (refusal (err));
	if (gmtime_r (&r->at, &tm))
		strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	rcp = json_array ();
	for (i = 0; i < r->n_recipients; i++)
		json_array_append_new (rcp, json_string (r->recipients[i]));
	digest = inkan_hex_encode (r->document_sha256, 32);
	doc = json_pack ("{s:b, s:s, s:s, s:I, s:s, s:s, s:o, s:s, s:s, s:b}", "valid", 1,
		"id", r->id, "document", r->document_name, "size", (json_int_t) r->document_size,
		"sha256", digest ? digest : "", "sender", r->sender, "recipients", rcp,
		"registered_at", when, "signer", r->cms.signer, "signer_verified", r->cms.signer_verified);
	free (digest);
	return dump (doc);
}

char *
inkan_view_token_json (inkan_err err, const inkan_view_token_info *info)
{
	json_t *o = json_pack ("{s:b, s:s?}", "valid", err == INKAN_OK, "reason", err == INKAN_OK ? NULL : info->reason);

	if (o == NULL)
		return NULL;
	if (err == INKAN_OK)
		json_object_update_new (o, json_pack ("{s:s, s:s, s:s, s:s, s:I, s:I}", "issuer", info->issuer,
			"recipient", info->recipient,
			"recipient_type", info->kind == INKAN_VIEW_RECIPIENT_CI ? "ci" : "address",
			"id", info->id, "issued", (json_int_t) info->issued, "expires", (json_int_t) info->expires));
	else
		json_object_set_new (o, "detail", json_string (inkan_detail ()));
	return dump (o);
}

const char *
inkan_check_result_name (inkan_check_result r)
{
	return r == INKAN_CHECK_PASSED ? "passed" : r == INKAN_CHECK_FAILED ? "failed" : "skipped";
}

char *
inkan_evidence_report_json (inkan_err err, const inkan_evidence_report *r)
{
	json_t *checks = json_array ();
	int c;

	for (c = 0; c < INKAN_EVIDENCE_N_CHECKS; c++)
		json_array_append_new (checks, json_pack ("{s:s, s:s, s:s}", "check", inkan_evidence_check_name (c),
		                                          "result", inkan_check_result_name (r->result[c]), "detail", r->detail[c]));
	return dump (json_pack ("{s:b, s:o, s:s, s:s, s:s, s:s}", "valid", err == INKAN_OK, "checks", checks,
	                        "original_issuer", r->original_issuer, "original_signer", r->original_signer,
	                        "distribution_issuer", r->distribution_issuer,
	                        "distribution_signer", r->distribution_signer));
}
