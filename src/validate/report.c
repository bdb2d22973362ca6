/* The validation report: the verdict, the path, and each method tried. */
#include <stdio.h>
#include <stdlib.h>
#include <openssl/x509v3.h>

#include "src/validate/vint.h"

void
inkan_vreport_free (inkan_vreport *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n_attempts; i++) {
		free (r->attempts[i].url);
		free (r->attempts[i].answer);
		free (r->attempts[i].why);
	}
	free (r->attempts);
	free (r->why);
	free (r->failed_subject);
	free (r->anchor_pin);
	free (r->order_file);
	sk_X509_pop_free (r->chain, X509_free);
	free (r);
}

inkan_verdict
inkan_vreport_verdict (const inkan_vreport *r)
{
	return r->verdict;
}

time_t
inkan_vreport_time (const inkan_vreport *r)
{
	return r->at;
}

const char *
inkan_vreport_why (const inkan_vreport *r)
{
	return r->why != NULL ? r->why : "";
}

int
inkan_vreport_reason (const inkan_vreport *r)
{
	return r->reason;
}

time_t
inkan_vreport_revocation_time (const inkan_vreport *r)
{
	return r->revoked_at;
}

size_t
inkan_vreport_chain_len (const inkan_vreport *r)
{
	return r->chain != NULL ? (size_t) sk_X509_num (r->chain) : 0;
}

X509 *
inkan_vreport_chain_cert (const inkan_vreport *r, size_t i)
{
	return i < inkan_vreport_chain_len (r) ? sk_X509_value (r->chain, (int) i) : NULL;
}

size_t
inkan_vreport_attempts (const inkan_vreport *r)
{
	return r->n_attempts;
}

const inkan_vattempt *
inkan_vreport_attempt (const inkan_vreport *r, size_t i)
{
	return i < r->n_attempts ? &r->attempts[i] : NULL;
}

int
inkan_vreport_failed_depth (const inkan_vreport *r)
{
	return r->failed_depth;
}

const char *
inkan_vreport_failed_subject (const inkan_vreport *r)
{
	return r->failed_subject;
}

const char *
inkan_vreport_anchor_pin (const inkan_vreport *r)
{
	return r->anchor_pin;
}

void
inkan_vreport_order (const inkan_vreport *r, inkan_vorder *out)
{
	out->origin = r->order_origin;
	out->methods = r->order;
	out->n_methods = r->n_order;
	out->file = r->order_file;
	out->line = r->order_line;
	out->profile = r->order_profile;
}

const char *
inkan_order_origin_name (inkan_order_origin o)
{
	static const char *const names[] = { "builtin", "set", "config" };

	return (unsigned) o < sizeof names / sizeof names[0] ? names[o] : "unknown";
}

const char *
inkan_method_name (inkan_method m)
{
	static const char *const names[INKAN_METHOD_LAST] = { "crl", "ocsp", "scvp" };

	return (unsigned) m < INKAN_METHOD_LAST ? names[m] : "unknown";
}

const char *
inkan_verdict_name (inkan_verdict v)
{
	static const char *const names[] = { "good", "revoked", "unknown", "invalid", "unavailable" };

	return (unsigned) v < sizeof names / sizeof names[0] ? names[v] : "unknown";
}

const char *
inkan_outcome_name (inkan_outcome o)
{
	static const char *const names[] = { "good", "revoked", "unknown", "unavailable" };

	return (unsigned) o < sizeof names / sizeof names[0] ? names[o] : "unknown";
}

const char *
inkan_reason_name (int reason)
{
	/* RFC 5280 CRLReason; 7 is unused. */
	static const char *const names[] = {
		"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
		"superseded", "cessationOfOperation", "certificateHold", NULL,
		"removeFromCRL", "privilegeWithdrawn", "aACompromise",
	};

	if (reason < 0 || (size_t) reason >= sizeof names / sizeof names[0] || names[reason] == NULL)
		return "unspecified";
	return names[reason];
}

time_t
time_of (const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm (t, &tm))
		return 0;
	return timegm (&tm);
}

void
time_str (const ASN1_TIME *t, char *buf, size_t size)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm (t, &tm) || strftime (buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf (buf, size, "-");
}
