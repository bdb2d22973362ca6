/* The order loop: the path first, then each revocation method in the
 * configured order until one is decisive. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/cert.h>
#include "src/validate/vint.h"

void
method_say (char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	vsnprintf (buf, size, fmt, ap);
	va_end (ap);
}

long
budget_ms (const inkan_validator *v, long timeout_ms)
{
	long long left = v->end_ms - mono_ms ();

	if (left < 0)
		left = 0;
	return timeout_ms < left ? timeout_ms : (long) left;
}

time_t
judge_time (const inkan_validator *v)
{
	return v->at != 0 ? v->at : time (NULL);
}

typedef void (*method_fn) (inkan_validator *v, STACK_OF(X509) *chain, method_result *res);

static const method_fn methods[INKAN_METHOD_LAST] = {
	[INKAN_METHOD_CRL] = method_crl,
	[INKAN_METHOD_OCSP] = method_ocsp,
	[INKAN_METHOD_SCVP] = method_scvp,
};

static inkan_err
record (inkan_vreport *r, size_t depth, inkan_method m, const method_result *res, long ms, int decisive)
{
	inkan_vattempt *a, *more = realloc (r->attempts, (r->n_attempts + 1) * sizeof *more);

	if (more == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	r->attempts = more;
	a = &more[r->n_attempts++];
	memset (a, 0, sizeof *a);
	a->method = m;
	a->depth = depth;
	a->outcome = res->outcome;
	a->duration_ms = ms;
	a->decisive = decisive;
	a->from_cache = res->from_cache;
	a->url = res->url != NULL ? strdup (res->url) : NULL;
	a->answer = strdup (res->answer);
	a->why = strdup (res->why);
	if (a->answer == NULL || a->why == NULL || (res->url != NULL && a->url == NULL))
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	return INKAN_OK;
}

static inkan_err
set_why (inkan_vreport *r, const char *why)
{
	free (r->why);
	r->why = strdup (why);
	return r->why != NULL ? INKAN_OK : inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
}

/* The status of one certificate as the methods found it. */
typedef struct {
	inkan_outcome outcome;
	inkan_method by;        /* the decisive method, when good or revoked */
	int reason;
	time_t revoked_at;
} cert_status;

/* The certificate at v->depth, PATH leading from it to the anchor, by each
 * method in order.  Revoked is final; good is final; unknown and
 * unavailable fall through, but an unknown is remembered so the outcome is
 * not "nobody answered".  CA certificates skip SCVP: the server checks the
 * leaf's whole path or nothing. */
static inkan_err
check_status (inkan_validator *v, inkan_vreport *r, STACK_OF(X509) *path, cert_status *st)
{
	size_t i;
	inkan_err err = INKAN_OK;

	st->outcome = INKAN_OUTCOME_UNAVAILABLE;
	for (i = 0; i < v->order->n; i++) {
		inkan_method m = v->order->methods[i];
		method_result res = { .outcome = INKAN_OUTCOME_UNAVAILABLE, .reason = -1 };
		long long start = mono_ms ();
		int decisive;

		if (v->depth > 0 && m == INKAN_METHOD_SCVP)
			continue;
		if (budget_ms (v, v->timeout_ms[m]) == 0)
			method_say (res.why, sizeof res.why, "%s", _("the total deadline had passed"));
		else
			methods[m] (v, path, &res);
		decisive = res.outcome == INKAN_OUTCOME_GOOD || res.outcome == INKAN_OUTCOME_REVOKED;
		err = record (r, v->depth, m, &res, (long) (mono_ms () - start), decisive);
		free (res.url);
		if (err != INKAN_OK)
			return err;
		if (res.outcome == INKAN_OUTCOME_UNKNOWN)
			st->outcome = INKAN_OUTCOME_UNKNOWN;
		if (decisive) {
			st->outcome = res.outcome;
			st->by = m;
			st->reason = res.reason;
			st->revoked_at = res.revoked_at;
			break;
		}
	}
	return INKAN_OK;
}

/* Whether one of the configured methods other than SCVP has somewhere to
 * ask about CA certificate CA.  One that names nowhere is not checked: its
 * status is then the anchor's word, as the path verification already took it. */
static int
ca_is_checkable (const inkan_validator *v, X509 *ca)
{
	size_t i;
	int found = 0;

	for (i = 0; i < v->order->n && !found; i++) {
		if (v->order->methods[i] == INKAN_METHOD_CRL) {
			found = X509_get_ext_by_NID (ca, NID_crl_distribution_points, -1) >= 0;
		} else if (v->order->methods[i] == INKAN_METHOD_OCSP) {
			STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp (ca);

			found = sk_OPENSSL_STRING_num (urls) > 0;
			X509_email_free (urls);
		}
	}
	return found;
}

/* The verdict from the status of the certificate at DEPTH, the first one
 * that was not good (or the leaf's, when all were). */
static inkan_err
conclude (inkan_vreport *r, size_t depth, const cert_status *st)
{
	char why[128];

	switch (st->outcome) {
	case INKAN_OUTCOME_GOOD:
		r->verdict = INKAN_VERDICT_GOOD;
		return INKAN_OK;
	case INKAN_OUTCOME_REVOKED:
		r->verdict = INKAN_VERDICT_REVOKED;
		r->reason = st->reason;
		r->revoked_at = st->revoked_at;
		if (depth == 0)
			return INKAN_OK;
		snprintf (why, sizeof why, _("CA certificate %zu of the path is revoked"), depth);
		return set_why (r, why);
	case INKAN_OUTCOME_UNKNOWN:
		r->verdict = INKAN_VERDICT_UNKNOWN;
		if (depth == 0)
			return set_why (r, _("no method knew the certificate's status"));
		snprintf (why, sizeof why, _("no method knew the status of CA certificate %zu of the path"), depth);
		return set_why (r, why);
	default:
		r->verdict = INKAN_VERDICT_UNAVAILABLE;
		if (depth == 0)
			return set_why (r, _("no revocation method could be asked"));
		snprintf (why, sizeof why, _("no revocation method could be asked about CA certificate %zu of the path"),
		          depth);
		return set_why (r, why);
	}
}

/* The leaf first, then each CA certificate below the anchor, nearest first,
 * until one is not good: a revoked CA revokes all it signed (RFC 5280 6.1.3).
 * A leaf that SCVP vouched for needs no more, as the server checked the path. */
static inkan_err
run_methods (inkan_validator *v, inkan_vreport *r)
{
	size_t depth = 0, n = (size_t) sk_X509_num (r->chain);
	cert_status st;
	inkan_err err;

	v->depth = 0;
	err = check_status (v, r, r->chain, &st);
	if (err != INKAN_OK || st.outcome != INKAN_OUTCOME_GOOD || st.by == INKAN_METHOD_SCVP)
		goto out;
	for (depth = 1; depth + 1 < n; depth++) {
		STACK_OF(X509) *path;
		size_t i;

		if (!ca_is_checkable (v, sk_X509_value (r->chain, (int) depth)))
			continue;
		/* the path from this CA up: the methods read it as "subject, issuer, ..." */
		path = sk_X509_dup (r->chain);
		if (path == NULL) {
			err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
			goto out;
		}
		for (i = 0; i < depth; i++)
			(void) sk_X509_shift (path);
		v->depth = depth;
		err = check_status (v, r, path, &st);
		sk_X509_free (path);
		if (err != INKAN_OK || st.outcome != INKAN_OUTCOME_GOOD)
			goto out;
	}
	depth = 0;
out:
	v->depth = 0;
	return err != INKAN_OK ? err : conclude (r, depth, &st);
}

/* The order for LEAF: the caller's; else the configuration's for the
 * leaf's profile, or its general one; else CRL first, which works offline
 * from the cache, then OCSP. */
static const method_order *
pick_order (const inkan_validator *v, X509 *leaf, inkan_order_origin *origin, const char **profile)
{
	static const method_order builtin = { { INKAN_METHOD_CRL, INKAN_METHOD_OCSP }, 2, NULL, 0 };
	static const char *const slot_names[ORDER_SLOTS] = { NULL, "gpki", "npki", "jpki" };
	int slot;

	switch (inkan_cert_profile_of (leaf)) {
	case INKAN_PROFILE_GPKI: case INKAN_PROFILE_GPKI_CA: case INKAN_PROFILE_EPKI: case INKAN_PROFILE_EPKI_CA:
		slot = ORDER_GPKI;
		break;
	case INKAN_PROFILE_NPKI: case INKAN_PROFILE_NPKI_ROOT: case INKAN_PROFILE_NPKI_CA:
		slot = ORDER_NPKI;
		break;
	case INKAN_PROFILE_JPKI_SIGN: case INKAN_PROFILE_JPKI_AUTH: case INKAN_PROFILE_JPKI_CA:
		slot = ORDER_JPKI;
		break;
	default: slot = ORDER_ALL; break;
	}
	if (v->conf_order[slot].n == 0)
		slot = ORDER_ALL;
	*profile = NULL;
	if (v->set_order.n > 0) {
		*origin = INKAN_ORDER_SET;
		return &v->set_order;
	}
	if (v->conf_order[slot].n > 0) {
		*origin = INKAN_ORDER_CONFIG;
		*profile = slot_names[slot];
		return &v->conf_order[slot];
	}
	*origin = INKAN_ORDER_BUILTIN;
	return &builtin;
}

void
inkan_validator_order_for (inkan_validator *v, X509 *leaf, inkan_vorder *out)
{
	const method_order *o = pick_order (v, leaf, &out->origin, &out->profile);

	out->methods = o->methods;
	out->n_methods = o->n;
	out->file = o->file;
	out->line = o->line;
}

static inkan_err
choose_order (inkan_validator *v, X509 *leaf, inkan_vreport *r)
{
	v->order = pick_order (v, leaf, &r->order_origin, &r->order_profile);
	memcpy (r->order, v->order->methods, v->order->n * sizeof r->order[0]);
	r->n_order = v->order->n;
	r->order_line = v->order->line;
	if (v->order->file != NULL && (r->order_file = strdup (v->order->file)) == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	return INKAN_OK;
}

inkan_err
inkan_validate (inkan_validator *v, X509 *leaf, inkan_vreport **out)
{
	inkan_vreport *r = calloc (1, sizeof *r);
	inkan_err err;

	if (r == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	r->reason = -1;
	r->failed_depth = -1;
	pthread_mutex_lock (&v->lock);
	r->at = judge_time (v);
	v->end_ms = mono_ms () + v->deadline_ms;
	err = choose_order (v, leaf, r);
	if (err == INKAN_OK)
		err = path_build (v, leaf, r);
	if (err == INKAN_OK && r->verdict != INKAN_VERDICT_INVALID)
		err = run_methods (v, r);
	pthread_mutex_unlock (&v->lock);
	if (err != INKAN_OK) {
		inkan_vreport_free (r);
		return err;
	}
	*out = r;
	return INKAN_OK;
}

inkan_err
inkan_validate_require_good (inkan_validator *v, X509 *cert, char *status)
{
	inkan_vreport *r = NULL;
	inkan_verdict verdict;
	inkan_err err;

	err = inkan_validate (v, cert, &r);
	if (err != INKAN_OK)
		return err;
	verdict = inkan_vreport_verdict (r);
	if (status != NULL)
		snprintf (status, 16, "%s", inkan_verdict_name (verdict));
	if (verdict == INKAN_VERDICT_REVOKED)
		err = inkan_fail (INKAN_ERR_REJECTED, _("the certificate is revoked (%s)"),
		                  inkan_reason_name (inkan_vreport_reason (r)));
	else if (verdict != INKAN_VERDICT_GOOD)
		err = inkan_fail (INKAN_ERR_REJECTED, _("the certificate is %s: %s"), inkan_verdict_name (verdict),
		                  inkan_vreport_why (r) ? inkan_vreport_why (r) : "");
	inkan_vreport_free (r);
	return err;
}
