/* The order loop: the path first, then each revocation method in the
 * configured order until one is decisive. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/validate/vint.h"

void
method_say (char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	vsnprintf (buf, size, fmt, ap);
	va_end (ap);
}

long long
mono_ms (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
record (inkan_vreport *r, inkan_method m, const method_result *res, long ms, int decisive)
{
	inkan_vattempt *a, *more = realloc (r->attempts, (r->n_attempts + 1) * sizeof *more);

	if (more == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	r->attempts = more;
	a = &more[r->n_attempts++];
	memset (a, 0, sizeof *a);
	a->method = m;
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

/* Revoked is final; good is final; unknown and unavailable fall through,
 * but an unknown is remembered so the verdict is not "nobody answered". */
static inkan_err
run_methods (inkan_validator *v, inkan_vreport *r)
{
	int answered_unknown = 0;
	size_t i;
	inkan_err err = INKAN_OK;

	for (i = 0; i < v->n_methods && err == INKAN_OK; i++) {
		inkan_method m = v->order[i];
		method_result res = { .outcome = INKAN_OUTCOME_UNAVAILABLE, .reason = -1 };
		long long start = mono_ms ();
		int decisive;

		if (budget_ms (v, v->timeout_ms[m]) == 0)
			method_say (res.why, sizeof res.why, "%s", _("the total deadline had passed"));
		else
			methods[m] (v, r->chain, &res);
		decisive = res.outcome == INKAN_OUTCOME_GOOD || res.outcome == INKAN_OUTCOME_REVOKED;
		err = record (r, m, &res, (long) (mono_ms () - start), decisive);
		free (res.url);
		if (err != INKAN_OK)
			break;
		if (res.outcome == INKAN_OUTCOME_UNKNOWN)
			answered_unknown = 1;
		if (!decisive)
			continue;
		r->verdict = res.outcome == INKAN_OUTCOME_GOOD ? INKAN_VERDICT_GOOD : INKAN_VERDICT_REVOKED;
		r->reason = res.reason;
		r->revoked_at = res.revoked_at;
		return INKAN_OK;
	}
	if (err != INKAN_OK)
		return err;
	if (answered_unknown) {
		r->verdict = INKAN_VERDICT_UNKNOWN;
		return set_why (r, _("no method knew the certificate's status"));
	}
	r->verdict = INKAN_VERDICT_UNAVAILABLE;
	return set_why (r, _("no revocation method could be asked"));
}

inkan_err
inkan_validate (inkan_validator *v, X509 *leaf, inkan_vreport **out)
{
	inkan_vreport *r = calloc (1, sizeof *r);
	inkan_err err;

	if (r == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	r->reason = -1;
	pthread_mutex_lock (&v->lock);
	r->at = judge_time (v);
	v->end_ms = mono_ms () + v->deadline_ms;
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
