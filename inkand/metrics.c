/* Prometheus metrics.  Counted where the replies are sent, on the loop
 * thread, so plain integers do; the pool's figures come as a snapshot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inkand/inkand.h"

static const char *const endpoint_names[INKAND_EP_COUNT] = {
	"/v1/sign", "/v1/cms/sign", "/v1/token/issue", "/v1/verify", "/v1/validate", "/v1/register/verify",
	"/v1/token/verify", "/v1/evidence/verify", "/v1/keys", "/healthz", "/readyz", "/metrics", "other",
};

/* Upper bounds of the latency buckets, in seconds. */
static const double bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5 };
#define N_BOUNDS (sizeof bounds / sizeof bounds[0])

struct status_count {
	int status;
	unsigned long n;
};

struct inkand_metrics {
	const inkand_config *cfg;
	/* Per endpoint: the statuses seen (a handful), and the latencies. */
	struct status_count status[INKAND_EP_COUNT][16];
	unsigned long buckets[INKAND_EP_COUNT][N_BOUNDS];
	unsigned long count[INKAND_EP_COUNT];
	double sum[INKAND_EP_COUNT];
	unsigned long *signatures;      /* per key */
};

inkan_err
inkand_metrics_new (const inkand_config *cfg, inkand_metrics **out)
{
	inkand_metrics *m = calloc (1, sizeof *m);

	if (m == NULL || (m->signatures = calloc (cfg->n_keys + 1, sizeof *m->signatures)) == NULL) {
		free (m);
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	m->cfg = cfg;
	*out = m;
	return INKAN_OK;
}

void
inkand_metrics_free (inkand_metrics *m)
{
	if (m == NULL)
		return;
	free (m->signatures);
	free (m);
}

void
inkand_metrics_request (inkand_metrics *m, inkand_endpoint ep, int status, double seconds)
{
	struct status_count *sc = m->status[ep];
	size_t i;

	/* Statuses are the few this daemon answers; the last slot takes any
	 * overflow rather than losing the count. */
	for (i = 0; i < 15 && sc[i].status != 0 && sc[i].status != status; i++)
		;
	sc[i].status = status;
	sc[i].n++;
	for (i = 0; i < N_BOUNDS; i++)
		if (seconds <= bounds[i])
			m->buckets[ep][i]++;
	m->count[ep]++;
	m->sum[ep] += seconds;
}

void
inkand_metrics_signature (inkand_metrics *m, size_t key)
{
	if (key < m->cfg->n_keys)
		m->signatures[key]++;
}

/* The verifications' cache: what it holds, and how often it served. */
static void
render_vcache (FILE *f, const inkan_vcache_stats *vs)
{
	fprintf (f, "# HELP inkand_vcache_hits_total Validations served from the cache, by kind.\n"
	            "# TYPE inkand_vcache_hits_total counter\n"
	            "inkand_vcache_hits_total{kind=\"crl\"} %llu\ninkand_vcache_hits_total{kind=\"ocsp\"} %llu\n"
	            "inkand_vcache_hits_total{kind=\"scvp\"} %llu\ninkand_vcache_hits_total{kind=\"aia\"} %llu\n"
	            "# HELP inkand_vcache_misses_total Lookups the cache could not serve, by kind.\n"
	            "# TYPE inkand_vcache_misses_total counter\n"
	            "inkand_vcache_misses_total{kind=\"crl\"} %llu\ninkand_vcache_misses_total{kind=\"ocsp\"} %llu\n"
	            "inkand_vcache_misses_total{kind=\"scvp\"} %llu\ninkand_vcache_misses_total{kind=\"aia\"} %llu\n"
	            "# HELP inkand_vcache_fetches_total CRLs (refreshes included) and OCSP answers fetched (or read from files).\n"
	            "# TYPE inkand_vcache_fetches_total counter\n"
	            "inkand_vcache_fetches_total{kind=\"crl\"} %llu\ninkand_vcache_fetches_total{kind=\"ocsp\"} %llu\n"
	            "# HELP inkand_vcache_failures_total Fetches that brought nothing usable.\n"
	            "# TYPE inkand_vcache_failures_total counter\n"
	            "inkand_vcache_failures_total{kind=\"crl\"} %llu\ninkand_vcache_failures_total{kind=\"ocsp\"} %llu\n"
	            "# HELP inkand_vcache_refreshes_total CRLs fetched again ahead of their nextUpdate.\n"
	            "# TYPE inkand_vcache_refreshes_total counter\ninkand_vcache_refreshes_total %llu\n"
	            "# HELP inkand_vcache_refresh_failures_total Refreshes ahead of nextUpdate that failed (the CRL held serves on).\n"
	            "# TYPE inkand_vcache_refresh_failures_total counter\ninkand_vcache_refresh_failures_total %llu\n"
	            "# HELP inkand_vcache_waits_total Lookups that waited for another's fetch of the same CRL.\n"
	            "# TYPE inkand_vcache_waits_total counter\ninkand_vcache_waits_total %llu\n"
	            "# HELP inkand_vcache_evictions_total Entries dropped to keep within the bound.\n"
	            "# TYPE inkand_vcache_evictions_total counter\ninkand_vcache_evictions_total %llu\n"
	            "# HELP inkand_vcache_entries Entries held, by kind.\n# TYPE inkand_vcache_entries gauge\n"
	            "inkand_vcache_entries{kind=\"crl\"} %zu\ninkand_vcache_entries{kind=\"ocsp\"} %zu\n"
	            "inkand_vcache_entries{kind=\"scvp\"} %zu\ninkand_vcache_entries{kind=\"aia\"} %zu\n"
	            "# HELP inkand_vcache_crl_serials Revoked serials indexed, all CRLs together.\n"
	            "# TYPE inkand_vcache_crl_serials gauge\ninkand_vcache_crl_serials %zu\n"
	            "# HELP inkand_vcache_bytes Bytes held (DER and index).\n# TYPE inkand_vcache_bytes gauge\n"
	            "inkand_vcache_bytes %zu\n"
	            "# HELP inkand_vcache_max_bytes Bytes held at most (validate.cache_mb).\n"
	            "# TYPE inkand_vcache_max_bytes gauge\ninkand_vcache_max_bytes %zu\n",
	         vs->crl_hits, vs->ocsp_hits, vs->scvp_hits, vs->aia_hits, vs->crl_misses, vs->ocsp_misses,
	         vs->scvp_misses, vs->aia_misses, vs->crl_fetches, vs->ocsp_fetches, vs->crl_failures, vs->ocsp_failures,
	         vs->crl_refreshes, vs->crl_refresh_failures, vs->crl_waits, vs->evictions, vs->crls, vs->ocsp_answers,
	         vs->scvp_answers, vs->aia_certs, vs->crl_entries, vs->bytes, vs->max_bytes);
}

char *
inkand_metrics_render (const inkand_metrics *m, const inkand_pool_stats *st, const inkand_conns_stats *cs,
                       const inkan_vcache_stats *vs)
{
	char *text = NULL;
	size_t len = 0, i, e;
	FILE *f = open_memstream (&text, &len);

	if (f == NULL)
		return NULL;
	fprintf (f, "# HELP inkand_requests_total HTTP requests answered, by endpoint and status.\n"
	            "# TYPE inkand_requests_total counter\n");
	for (e = 0; e < INKAND_EP_COUNT; e++)
		for (i = 0; i < 16 && m->status[e][i].status != 0; i++)
			fprintf (f, "inkand_requests_total{endpoint=\"%s\",status=\"%d\"} %lu\n", endpoint_names[e],
			         m->status[e][i].status, m->status[e][i].n);
	fprintf (f, "# HELP inkand_request_duration_seconds Time from request to answer.\n"
	            "# TYPE inkand_request_duration_seconds histogram\n");
	for (e = 0; e < INKAND_EP_COUNT; e++) {
		if (m->count[e] == 0)
			continue;
		for (i = 0; i < N_BOUNDS; i++)
			fprintf (f, "inkand_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %lu\n",
			         endpoint_names[e], bounds[i], m->buckets[e][i]);
		fprintf (f, "inkand_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %lu\n"
		            "inkand_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n"
		            "inkand_request_duration_seconds_count{endpoint=\"%s\"} %lu\n",
		         endpoint_names[e], m->count[e], endpoint_names[e], m->sum[e], endpoint_names[e], m->count[e]);
	}
	fprintf (f, "# HELP inkand_signatures_total Signatures returned, by key.\n"
	            "# TYPE inkand_signatures_total counter\n");
	for (i = 0; i < m->cfg->n_keys; i++)
		fprintf (f, "inkand_signatures_total{key=\"%s\"} %lu\n", m->cfg->keys[i].name, m->signatures[i]);
	fprintf (f, "# HELP inkand_queue_depth Jobs waiting for a worker.\n# TYPE inkand_queue_depth gauge\n"
	            "inkand_queue_depth %zu\n"
	            "# HELP inkand_audit_queue_depth Signed jobs waiting for their audit record.\n"
	            "# TYPE inkand_audit_queue_depth gauge\ninkand_audit_queue_depth %zu\n"
	            "# HELP inkand_queue_capacity Jobs the queue holds before answering 503.\n"
	            "# TYPE inkand_queue_capacity gauge\ninkand_queue_capacity %zu\n"
	            "# HELP inkand_sessions Workers with an open token session.\n# TYPE inkand_sessions gauge\n"
	            "inkand_sessions %u\n"
	            "# HELP inkand_retries_total Requests retried on a fresh session after a token fault.\n"
	            "# TYPE inkand_retries_total counter\ninkand_retries_total %lu\n"
	            "# HELP inkand_session_reopens_total Sessions opened again after a token fault.\n"
	            "# TYPE inkand_session_reopens_total counter\ninkand_session_reopens_total %lu\n"
	            "# HELP inkand_logins_total Logins to the token (the first, then after faults).\n"
	            "# TYPE inkand_logins_total counter\ninkand_logins_total %lu\n",
	         st->queued, st->audit_queued, st->capacity, st->sessions, st->retries, st->reopens, st->logins);
	fprintf (f, "# HELP inkand_connections Open client connections.\n# TYPE inkand_connections gauge\n"
	            "inkand_connections %lu\n"
	            "# HELP inkand_connections_max Open connections at most (max_connections).\n"
	            "# TYPE inkand_connections_max gauge\ninkand_connections_max %lu\n"
	            "# HELP inkand_connections_refused_total Connections closed at once, max_connections being open.\n"
	            "# TYPE inkand_connections_refused_total counter\ninkand_connections_refused_total %lu\n"
	            "# HELP inkand_request_timeouts_total Connections closed because a request did not arrive whole "
	            "within request_timeout.\n"
	            "# TYPE inkand_request_timeouts_total counter\ninkand_request_timeouts_total %lu\n",
	         cs->open, cs->max, cs->refused, cs->timed_out);
	if (vs != NULL)
		render_vcache (f, vs);
	if (fclose (f) != 0) {
		free (text);
		return NULL;
	}
	return text;
}
