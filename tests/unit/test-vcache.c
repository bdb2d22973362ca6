/* The shared cache: one fetch for many threads wanting the same CRL at
 * once, a failed fetch shared by its waiters (and nothing left behind),
 * a CRL past its nextUpdate fetched again, the bound kept by dropping the
 * least recently used, a refresh ahead of nextUpdate asked of one caller
 * only (the CRL held serving on when it fails or brings an older one),
 * and OCSP and SCVP answers kept, dropped and expired. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "src/validate/vint.h"

static const unsigned char key_a[32] = { 1 };

/* An empty CRL whose nextUpdate is NEXT (seconds from now), indexed. */
static crl_index *
crl_until (long next)
{
	X509_CRL *crl = X509_CRL_new ();
	ASN1_TIME *t = ASN1_TIME_set (NULL, time (NULL) + next);
	crl_index *idx = NULL;

	X509_CRL_set1_nextUpdate (crl, t);
	ASN1_TIME_free (t);
	assert_int_equal (crl_index_new (crl, &idx), INKAN_OK);
	return idx;
}

struct herd {
	inkan_vcache *c;
	int fail;
	vc_state state;
	char why[128];
};

/* One of many: a hit, or (for the one that fetches) a slow fetch. */
static void *
one (void *arg)
{
	struct herd *h = arg;
	crl_index *idx = NULL;

	h->state = vcache_crl_get (h->c, "http://x/a.crl", key_a, time (NULL), 5000, &idx, NULL, h->why, sizeof h->why);
	if (h->state == VC_FETCH) {
		usleep (200000);
		idx = h->fail ? NULL : crl_until (3600);
		vcache_crl_done (h->c, "http://x/a.crl", key_a, idx, 100, "the server said no");
	}
	crl_index_free (idx);
	return NULL;
}

static void
run_herd (inkan_vcache *c, int fail, int *fetched, int *hits, int *failed)
{
	struct herd h[8];
	pthread_t t[8];
	int i;

	*fetched = *hits = *failed = 0;
	for (i = 0; i < 8; i++) {
		h[i] = (struct herd) { .c = c, .fail = fail };
		pthread_create (&t[i], NULL, one, &h[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join (t[i], NULL);
		*fetched += h[i].state == VC_FETCH;
		*hits += h[i].state == VC_HIT;
		if (h[i].state == VC_FAILED) {
			(*failed)++;
			assert_string_equal (h[i].why, "the server said no");
		}
	}
}

static void
test_single_flight (void **state)
{
	inkan_vcache *c = NULL;
	inkan_vcache_stats st;
	int fetched, hits, failed;

	(void) state;
	assert_int_equal (inkan_vcache_new (0, &c), INKAN_OK);
	/* the fetch fails: the others (those that waited for it) fail with its reason */
	run_herd (c, 1, &fetched, &hits, &failed);
	assert_true (fetched >= 1);
	assert_int_equal (hits, 0);
	inkan_vcache_stats_get (c, &st);
	assert_int_equal (st.crls, 0);
	/* then it succeeds: fetched once however many wanted it */
	run_herd (c, 0, &fetched, &hits, &failed);
	assert_int_equal (fetched, 1);
	assert_int_equal (hits + failed, 7);
	assert_int_equal (failed, 0);
	inkan_vcache_stats_get (c, &st);
	assert_int_equal (st.crls, 1);
	assert_int_equal (st.bytes, 100);
	assert_true (st.crl_waits >= 1);
	inkan_vcache_free (c);
}

static void
test_stale_and_bound (void **state)
{
	inkan_vcache *c = NULL;
	inkan_vcache_stats st;
	crl_index *idx = NULL, *got = NULL;
	unsigned char key_b[32] = { 2 };
	char why[64];

	(void) state;
	assert_int_equal (inkan_vcache_new (250, &c), INKAN_OK);
	assert_int_equal (vcache_crl_get (c, "u", key_a, time (NULL), 10, &got, NULL, why, sizeof why), VC_FETCH);
	/* current until a minute ago: within the 5 minutes of skew, still usable */
	idx = crl_until (-60);
	vcache_crl_done (c, "u", key_a, idx, 200, NULL);
	crl_index_free (idx);
	assert_int_equal (vcache_crl_get (c, "u", key_a, time (NULL), 10, &got, NULL, why, sizeof why), VC_HIT);
	crl_index_free (got);
	/* judged an hour on, it is stale: fetched again */
	assert_int_equal (vcache_crl_get (c, "u", key_a, time (NULL) + 3600, 10, &got, NULL, why, sizeof why), VC_FETCH);
	vcache_crl_done (c, "u", key_a, NULL, 0, "gone");
	/* another signer's CRL at the same URL is another entry; two do not fit in 250 bytes */
	assert_int_equal (vcache_crl_get (c, "u", key_b, time (NULL), 10, &got, NULL, why, sizeof why), VC_FETCH);
	idx = crl_until (3600);
	vcache_crl_done (c, "u", key_b, idx, 200, NULL);
	crl_index_free (idx);
	inkan_vcache_stats_get (c, &st);
	assert_int_equal (st.crls, 1);
	assert_int_equal (st.bytes, 200);
	assert_int_equal (st.evictions, 1);
	assert_int_equal (vcache_crl_get (c, "u", key_b, time (NULL), 10, &got, NULL, why, sizeof why), VC_HIT);
	crl_index_free (got);
	inkan_vcache_free (c);
}

static void
test_ocsp (void **state)
{
	inkan_vcache *c = NULL;
	inkan_vcache_stats st;
	uint8_t *data = NULL;
	size_t len = 0;

	(void) state;
	assert_int_equal (inkan_vcache_new (0, &c), INKAN_OK);
	assert_false (vcache_blob_get (c, VC_OCSP, "id1", &data, &len));
	vcache_blob_put (c, VC_OCSP, "id1", (const uint8_t *) "answer", 6, 0);
	vcache_blob_put (c, VC_OCSP, "id1", (const uint8_t *) "newer!!", 7, 0);
	assert_true (vcache_blob_get (c, VC_OCSP, "id1", &data, &len));
	assert_int_equal (len, 7);
	assert_memory_equal (data, "newer!!", 7);
	free (data);
	inkan_vcache_stats_get (c, &st);
	assert_int_equal (st.ocsp_answers, 1);
	assert_int_equal (st.bytes, 7);
	vcache_blob_drop (c, VC_OCSP, "id1");
	assert_false (vcache_blob_get (c, VC_OCSP, "id1", &data, &len));
	inkan_vcache_stats_get (c, &st);
	assert_int_equal (st.bytes, 0);
	assert_int_equal (st.ocsp_hits, 1);
	assert_int_equal (st.ocsp_misses, 2);
	/* the same key of another kind is another entry; past its time, gone */
	vcache_blob_put (c, VC_SCVP, "id1", (const uint8_t *) "verdict", 7, time (NULL) + 60);
	vcache_blob_put (c, VC_AIA, "id1", (const uint8_t *) "certs", 5, time (NULL) - 1);
	assert_true (vcache_blob_get (c, VC_SCVP, "id1", &data, &len));
	free (data);
	assert_false (vcache_blob_get (c, VC_AIA, "id1", &data, &len));
	assert_false (vcache_blob_get (c, VC_OCSP, "id1", &data, &len));
	inkan_vcache_stats_get (c, &st);
	assert_int_equal (st.scvp_hits, 1);
	assert_int_equal (st.aia_misses, 1);
	assert_int_equal (st.scvp_answers, 1);
	assert_int_equal (st.aia_certs, 0);
	assert_int_equal (st.bytes, 7);
	inkan_vcache_free (c);
}

/* A CRL made SINCE seconds ago, current for NEXT more, indexed. */
static crl_index *
crl_life (long since, long next)
{
	crl_index *idx = crl_until (next);
	ASN1_TIME *t = ASN1_TIME_set (NULL, time (NULL) - since);

	X509_CRL_set1_lastUpdate (idx->crl, t);
	ASN1_TIME_free (t);
	return idx;
}

static void
test_refresh_ahead (void **state)
{
	inkan_vcache *c = NULL;
	inkan_vcache_stats st;
	crl_index *idx, *got = NULL, *newer;
	char why[128];
	int refresh = 0;

	(void) state;
	assert_int_equal (inkan_vcache_new (0, &c), INKAN_OK);
	inkan_vcache_set_refresh (c, 50);
	/* 90 % of its life left: not yet */
	assert_int_equal (vcache_crl_get (c, "u", key_a, time (NULL), 10, &got, &refresh, why, sizeof why), VC_FETCH);
	idx = crl_life (100, 900);
	vcache_crl_done (c, "u", key_a, idx, 100, NULL);
	crl_index_free (idx);
	assert_int_equal (vcache_crl_get (c, "u", key_a, time (NULL), 10, &got, &refresh, why, sizeof why), VC_HIT);
	assert_false (refresh);
	crl_index_free (got);
	/* 40 %: the first caller refreshes, the others do not */
	assert_int_equal (vcache_crl_get (c, "v", key_a, time (NULL), 10, &got, &refresh, why, sizeof why), VC_FETCH);
	idx = crl_life (600, 400);
	vcache_crl_done (c, "v", key_a, idx, 100, NULL);
	assert_int_equal (vcache_crl_get (c, "v", key_a, time (NULL), 10, &got, &refresh, why, sizeof why), VC_HIT);
	assert_true (refresh);
	crl_index_free (got);
	assert_int_equal (vcache_crl_get (c, "v", key_a, time (NULL), 10, &got, &refresh, why, sizeof why), VC_HIT);
	assert_false (refresh);
	crl_index_free (got);
	/* failed: the CRL held serves on, and is not refreshed again at once */
	vcache_crl_refreshed (c, "v", key_a, NULL, 0);
	assert_int_equal (vcache_crl_get (c, "v", key_a, time (NULL), 10, &got, &refresh, why, sizeof why), VC_HIT);
	assert_ptr_equal (got, idx);
	assert_false (refresh);
	crl_index_free (got);
	/* a new one replaces it */
	newer = crl_life (0, 700);
	vcache_crl_refreshed (c, "v", key_a, newer, 100);
	assert_int_equal (vcache_crl_get (c, "v", key_a, time (NULL), 10, &got, &refresh, why, sizeof why), VC_HIT);
	assert_ptr_equal (got, newer);
	crl_index_free (got);
	/* an older one than that (a lagging mirror) does not take it back */
	crl_index_free (idx);
	idx = crl_life (900, 100);
	vcache_crl_refreshed (c, "v", key_a, idx, 100);
	assert_int_equal (vcache_crl_get (c, "v", key_a, time (NULL), 10, &got, &refresh, why, sizeof why), VC_HIT);
	assert_ptr_equal (got, newer);
	crl_index_free (got);
	crl_index_free (newer);
	crl_index_free (idx);
	inkan_vcache_stats_get (c, &st);
	assert_int_equal (st.crl_refreshes, 3);
	assert_int_equal (st.crl_refresh_failures, 1);
	assert_int_equal (st.crl_fetches, 5);
	assert_int_equal (st.crls, 2);
	assert_int_equal (st.bytes, 200);
	inkan_vcache_free (c);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_single_flight),
		cmocka_unit_test (test_stale_and_bound),
		cmocka_unit_test (test_ocsp),
		cmocka_unit_test (test_refresh_ahead),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
