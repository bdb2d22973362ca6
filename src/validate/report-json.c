/* The validation report as JSON: what `inkan validate --json` prints and
 * inkand's POST /v1/validate answers, made in one place so they cannot
 * drift apart. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <openssl/bn.h>

#include <inkan/name.h>
#include "src/validate/vint.h"

static void
iso_time (time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r (&t, &tm);
	strftime (buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *
order_json (const inkan_vreport *r)
{
	json_t *methods = json_array ();
	inkan_vorder o;
	size_t i;

	inkan_vreport_order (r, &o);
	for (i = 0; i < o.n_methods; i++)
		json_array_append_new (methods, json_string (inkan_method_name (o.methods[i])));
	return json_pack ("{s:o, s:s, s:s?, s:I, s:s?}", "methods", methods, "from", inkan_order_origin_name (o.origin),
	                  "file", o.file, "line", (json_int_t) o.line, "profile", o.profile);
}

/* NAME's text, or PREV's when NAME is the same DER (a certificate's
 * issuer is the next one's subject): the same bytes print the same, and
 * each text costs a memory stream. */
static char *
name_text_reuse (const X509_NAME *name, const X509_NAME *prev, const char *prev_text)
{
	const unsigned char *a, *b;
	size_t alen, blen;

	if (prev != NULL && prev_text != NULL && X509_NAME_get0_der (name, &a, &alen) &&
	    X509_NAME_get0_der (prev, &b, &blen) && alen == blen && memcmp (a, b, alen) == 0)
		return strdup (prev_text);
	return inkan_name_text (name);
}

static json_t *
chain_json (const inkan_vreport *r)
{
	json_t *chain = json_array ();
	const X509_NAME *prev = NULL;
	char *prev_text = NULL;
	size_t i;

	for (i = 0; i < inkan_vreport_chain_len (r); i++) {
		X509 *c = inkan_vreport_chain_cert (r, i);
		char *subject = name_text_reuse (X509_get_subject_name (c), prev, prev_text);
		char *issuer = name_text_reuse (X509_get_issuer_name (c), X509_get_subject_name (c), subject);
		BIGNUM *bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (c), NULL);
		char *serial = bn != NULL ? BN_bn2hex (bn) : NULL;

		json_array_append_new (chain, json_pack ("{s:s?, s:s?, s:s?}", "subject", subject,
		                                         "issuer", issuer, "serial", serial));
		free (subject);
		free (prev_text);
		/* the next certificate's subject is most likely this issuer */
		prev = X509_get_issuer_name (c);
		prev_text = issuer;
		OPENSSL_free (serial);
		BN_free (bn);
	}
	free (prev_text);
	return chain;
}

static json_t *
attempts_json (const inkan_vreport *r)
{
	json_t *methods = json_array ();
	size_t i;

	for (i = 0; i < inkan_vreport_attempts (r); i++) {
		const inkan_vattempt *a = inkan_vreport_attempt (r, i);

		json_array_append_new (methods, json_pack ("{s:s, s:I, s:s?, s:s, s:s, s:s, s:I, s:b, s:b}",
			"method", inkan_method_name (a->method), "depth", (json_int_t) a->depth, "url", a->url,
			"outcome", inkan_outcome_name (a->outcome), "answer", a->answer, "why", a->why,
			"duration_ms", (json_int_t) a->duration_ms, "decisive", a->decisive,
			"cached", a->from_cache));
	}
	return methods;
}

char *
inkan_vreport_json (const inkan_vreport *r)
{
	json_t *doc = json_object ();
	char when[32], *text;

	json_object_set_new (doc, "verdict", json_string (inkan_verdict_name (inkan_vreport_verdict (r))));
	json_object_set_new (doc, "why", json_string (inkan_vreport_why (r)));
	json_object_set_new (doc, "failed", inkan_vreport_failed_depth (r) < 0 ? json_null ()
	                     : json_pack ("{s:i, s:s}", "depth", inkan_vreport_failed_depth (r),
	                                  "subject", inkan_vreport_failed_subject (r)));
	iso_time (inkan_vreport_time (r), when, sizeof when);
	json_object_set_new (doc, "at", json_string (when));
	if (inkan_vreport_verdict (r) == INKAN_VERDICT_REVOKED) {
		iso_time (inkan_vreport_revocation_time (r), when, sizeof when);
		json_object_set_new (doc, "reason", json_string (inkan_reason_name (inkan_vreport_reason (r))));
		json_object_set_new (doc, "revoked_at", json_string (when));
	}
	json_object_set_new (doc, "chain", chain_json (r));
	json_object_set_new (doc, "anchor_pin", inkan_vreport_anchor_pin (r) != NULL
	                     ? json_string (inkan_vreport_anchor_pin (r)) : json_null ());
	json_object_set_new (doc, "order", order_json (r));
	json_object_set_new (doc, "methods", attempts_json (r));
	text = json_dumps (doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref (doc);
	return text;
}
