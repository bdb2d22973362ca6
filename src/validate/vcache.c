/* The memory cache of CRLs, OCSP and SCVP answers and AIA-fetched
 * certificates, shared by validators on any thread.  A CRL is wanted by
 * (URL, key of its signer): the first caller to find it missing or stale
 * fetches it, the others wait for that fetch (single flight) rather than
 * each parse and index tens of megabytes again.  Near its nextUpdate, a
 * CRL is fetched again ahead of time on the cache's own thread, once,
 * while validations go on with the current one: none waits for it, and
 * a refresh that fails leaves the current CRL in place.  Bounded: least
 * recently used entries go first, and a CRL still read by a validation
 * lives on through its reference until it is done. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/validate/vint.h"

#define DEFAULT_MAX_BYTES ((size_t) 1 << 30)
/* OCSP and SCVP answers and AIA certificates are spread over this many
 * lists by their key. */
#define BLOB_BUCKETS 256
/* After a refresh ahead of nextUpdate, none of the same CRL before this:
 * a responder that fails, or serves the same CRL again, is not asked at
 * the rate requests come. */
#define REFRESH_RETRY_SECONDS 10

struct crl_slot {
	char *url;
	unsigned char key[32];
	crl_index *index;       /* NULL until the first fetch succeeds */
	size_t bytes;
	int fetching;
	int waiters;            /* callers waiting for the fetch: the slot stays while they do */
	unsigned long gen;      /* fetches ended, for the waiters to see theirs end */
	char why[512];          /* why the last fetch failed */
	time_t this_update, next_update;        /* the CRL held's, read once (0: none) */
	int refreshing;         /* a refresh ahead of nextUpdate is queued or under way */
	time_t refresh_after;   /* and none before this */
	unsigned long long used;
	struct crl_slot *next;
};

struct blob_slot {
	vc_kind kind;
	char *key;
	uint8_t *data;
	size_t len;
	time_t until;           /* 0: kept until dropped */
	unsigned long long used;
	struct blob_slot *next;
};

struct inkan_vcache {
	pthread_mutex_t lock;
	pthread_cond_t fetched;
	struct crl_slot *crls;
	struct blob_slot *blobs[BLOB_BUCKETS];
	unsigned long long tick;
	inkan_vcache_stats st;
	/* refreshes ahead of nextUpdate: the last REFRESH_PCT percent of a
	 * CRL's life (0: none), run one at a time by the refresher thread,
	 * started at the first */
	unsigned refresh_pct;
	crl_refresh *queue;
	pthread_cond_t queued;
	pthread_t refresher;
	int refresher_up, stopping;
};

inkan_err
inkan_vcache_new (size_t max_bytes, inkan_vcache **out)
{
	inkan_vcache *c = calloc (1, sizeof *c);
	pthread_condattr_t attr;

	if (c == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	pthread_mutex_init (&c->lock, NULL);
	/* waits are bounded by the monotonic deadlines of the validations */
	pthread_condattr_init (&attr);
	pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
	pthread_cond_init (&c->fetched, &attr);
	pthread_condattr_destroy (&attr);
	pthread_cond_init (&c->queued, NULL);
	c->st.max_bytes = max_bytes != 0 ? max_bytes : DEFAULT_MAX_BYTES;
	*out = c;
	return INKAN_OK;
}

static void
crl_slot_free (struct crl_slot *s)
{
	free (s->url);
	crl_index_free (s->index);
	free (s);
}

static void
blob_slot_free (struct blob_slot *s)
{
	free (s->key);
	free (s->data);
	free (s);
}

void
inkan_vcache_free (inkan_vcache *c)
{
	struct crl_slot *s, *next;
	struct blob_slot *o, *onext;
	crl_refresh *r;
	size_t i;

	if (c == NULL)
		return;
	/* a refresh under way ends within its timeout; the queued ones are dropped */
	pthread_mutex_lock (&c->lock);
	c->stopping = 1;
	pthread_cond_signal (&c->queued);
	pthread_mutex_unlock (&c->lock);
	if (c->refresher_up)
		pthread_join (c->refresher, NULL);
	while ((r = c->queue) != NULL) {
		c->queue = r->next;
		crl_refresh_free (r);
	}
	for (s = c->crls; s != NULL; s = next) {
		next = s->next;
		crl_slot_free (s);
	}
	for (i = 0; i < BLOB_BUCKETS; i++)
		for (o = c->blobs[i]; o != NULL; o = onext) {
			onext = o->next;
			blob_slot_free (o);
		}
	pthread_cond_destroy (&c->queued);
	pthread_cond_destroy (&c->fetched);
	pthread_mutex_destroy (&c->lock);
	free (c);
}

void
inkan_vcache_stats_get (inkan_vcache *c, inkan_vcache_stats *out)
{
	pthread_mutex_lock (&c->lock);
	*out = c->st;
	pthread_mutex_unlock (&c->lock);
}

void
inkan_vcache_set_refresh (inkan_vcache *c, unsigned percent)
{
	pthread_mutex_lock (&c->lock);
	c->refresh_pct = percent < 100 ? percent : 99;
	pthread_mutex_unlock (&c->lock);
}

static struct crl_slot *
crl_find (inkan_vcache *c, const char *url, const unsigned char key[32])
{
	struct crl_slot *s;

	for (s = c->crls; s != NULL; s = s->next)
		if (strcmp (s->url, url) == 0 && memcmp (s->key, key, sizeof s->key) == 0)
			return s;
	return NULL;
}

/* S's CRL, no longer counted: the caller frees it (outside the lock, as
 * freeing a million entries takes a while), or NULL. */
static crl_index *
crl_forget (inkan_vcache *c, struct crl_slot *s)
{
	crl_index *idx = s->index;

	if (idx != NULL) {
		c->st.bytes -= s->bytes;
		c->st.crl_entries -= idx->n;
		c->st.crls--;
		s->index = NULL;
		s->bytes = 0;
	}
	return idx;
}

/* A slot that holds nothing and that nobody fetches or waits for goes:
 * URLs that never gave a CRL (a hostile certificate may name any number)
 * leave nothing behind. */
static void
crl_drop_if_empty (inkan_vcache *c, struct crl_slot *s)
{
	struct crl_slot **at;

	if (s->index != NULL || s->fetching || s->waiters > 0)
		return;
	for (at = &c->crls; *at != NULL; at = &(*at)->next)
		if (*at == s) {
			*at = s->next;
			crl_slot_free (s);
			return;
		}
}

/* The entries of KIND held. */
static size_t *
held_of (inkan_vcache *c, vc_kind kind)
{
	switch (kind) {
	case VC_SCVP:
		return &c->st.scvp_answers;
	case VC_AIA:
		return &c->st.aia_certs;
	case VC_OCSP:
		break;
	}
	return &c->st.ocsp_answers;
}

static void
blob_unlink (inkan_vcache *c, struct blob_slot **o)
{
	struct blob_slot *gone = *o;

	*o = gone->next;
	c->st.bytes -= gone->len;
	(*held_of (c, gone->kind))--;
	blob_slot_free (gone);
}

/* Drop the least recently used entry that holds something and is not
 * being fetched, other than KEEP; *DONE when there is none.  (Rare: only
 * past the bound, so the CRL is freed here, under the lock.) */
static void
evict_one (inkan_vcache *c, const void *keep, int *done)
{
	struct crl_slot *s, *crl = NULL;
	struct blob_slot **o, **blob = NULL;
	size_t i;

	for (s = c->crls; s != NULL; s = s->next)
		if (s != keep && s->index != NULL && !s->fetching && (crl == NULL || s->used < crl->used))
			crl = s;
	for (i = 0; i < BLOB_BUCKETS; i++)
		for (o = &c->blobs[i]; *o != NULL; o = &(*o)->next)
			if (*o != keep && (blob == NULL || (*o)->used < (*blob)->used))
				blob = o;
	if (crl == NULL && blob == NULL) {
		*done = 1;
		return;
	}
	c->st.evictions++;
	if (crl != NULL && (blob == NULL || crl->used < (*blob)->used)) {
		crl_index_free (crl_forget (c, crl));
		crl_drop_if_empty (c, crl);
		return;
	}
	blob_unlink (c, blob);
}

static void
enforce_bound (inkan_vcache *c, const void *keep)
{
	int done = 0;

	while (c->st.bytes > c->st.max_bytes && !done)
		evict_one (c, keep, &done);
}

/* Within the last REFRESH_PCT percent of S's CRL's life at NOW: time to
 * fetch the next one.  A CRL without nextUpdate has no end to come near. */
static int
refresh_due (const inkan_vcache *c, const struct crl_slot *s, time_t now)
{
	time_t start = s->this_update, end = s->next_update;

	return c->refresh_pct != 0 && end > start &&
	       now >= end - (time_t) ((end - start) * (long long) c->refresh_pct / 100);
}

vc_state
vcache_crl_get (inkan_vcache *c, const char *url, const unsigned char key[32], time_t at,
                long wait_ms, crl_index **out, int *refresh, char *why, size_t why_size)
{
	long long end = mono_ms () + wait_ms;
	struct crl_slot *s;
	vc_state state;
	int waited = 0;
	time_t now;

	if (refresh != NULL)
		*refresh = 0;
	pthread_mutex_lock (&c->lock);
	s = crl_find (c, url, key);
	if (s == NULL) {
		s = calloc (1, sizeof *s);
		if (s == NULL || (s->url = strdup (url)) == NULL) {
			free (s);
			pthread_mutex_unlock (&c->lock);
			/* no cache then: the caller fetches for itself */
			return VC_FETCH;
		}
		memcpy (s->key, key, sizeof s->key);
		s->next = c->crls;
		c->crls = s;
	}
	s->used = ++c->tick;
	if (s->fetching) {
		unsigned long gen = s->gen;
		struct timespec ts = { (time_t) (end / 1000), (long) (end % 1000) * 1000000 };

		c->st.crl_waits++;
		waited = 1;
		s->waiters++;
		while (s->fetching && s->gen == gen &&
		       pthread_cond_timedwait (&c->fetched, &c->lock, &ts) != ETIMEDOUT)
			;
		s->waiters--;
		if (s->fetching && s->gen == gen) {
			method_say (why, why_size, "%s", _("another validation is fetching this CRL and it did not arrive in time"));
			c->st.crl_misses++;
			state = VC_FAILED;
			goto out;
		}
	}
	if (s->index != NULL && !crl_index_stale (s->index, at)) {
		c->st.crl_hits++;
		*out = crl_index_ref (s->index);
		state = VC_HIT;
		now = time (NULL);
		/* the first to see it near its end has the next one fetched */
		if (refresh != NULL && !s->refreshing && !s->fetching && now >= s->refresh_after &&
		    refresh_due (c, s, now)) {
			s->refreshing = 1;
			*refresh = 1;
		}
	} else if (waited) {
		/* the fetch waited for failed: its reason is this one's too */
		c->st.crl_misses++;
		method_say (why, why_size, "%s", s->why);
		state = VC_FAILED;
		crl_drop_if_empty (c, s);
	} else {
		c->st.crl_misses++;
		s->fetching = 1;
		state = VC_FETCH;
	}
out:
	pthread_mutex_unlock (&c->lock);
	return state;
}

/* IDX into S in place of its CRL, which is handed back for the caller to
 * free outside the lock. */
static crl_index *
crl_install (inkan_vcache *c, struct crl_slot *s, crl_index *idx, size_t bytes)
{
	crl_index *old = crl_forget (c, s);

	s->index = crl_index_ref (idx);
	/* read here, not at every hit: parsing an ASN1_TIME is not free */
	s->this_update = time_of (X509_CRL_get0_lastUpdate (idx->crl));
	s->next_update = time_of (X509_CRL_get0_nextUpdate (idx->crl));
	s->bytes = bytes;
	c->st.bytes += bytes;
	c->st.crls++;
	c->st.crl_entries += idx->n;
	s->used = ++c->tick;
	enforce_bound (c, s);
	return old;
}

void
vcache_crl_done (inkan_vcache *c, const char *url, const unsigned char key[32], crl_index *idx,
                 size_t bytes, const char *why)
{
	struct crl_slot *s;
	crl_index *old = NULL;

	pthread_mutex_lock (&c->lock);
	c->st.crl_fetches++;
	s = crl_find (c, url, key);
	if (s == NULL || !s->fetching)
		goto out;
	s->fetching = 0;
	s->gen++;
	if (idx == NULL) {
		c->st.crl_failures++;
		snprintf (s->why, sizeof s->why, "%s", why != NULL ? why : "");
		crl_drop_if_empty (c, s);
		goto out;
	}
	old = crl_install (c, s, idx, bytes);
out:
	pthread_cond_broadcast (&c->fetched);
	pthread_mutex_unlock (&c->lock);
	crl_index_free (old);
}

void
vcache_crl_refreshed (inkan_vcache *c, const char *url, const unsigned char key[32], crl_index *idx,
                      size_t bytes)
{
	struct crl_slot *s;
	crl_index *old = NULL;

	pthread_mutex_lock (&c->lock);
	c->st.crl_fetches++;
	c->st.crl_refreshes++;
	if (idx == NULL) {
		c->st.crl_failures++;
		c->st.crl_refresh_failures++;
	}
	/* gone when it was evicted meanwhile: then the new one is not kept either */
	s = crl_find (c, url, key);
	if (s == NULL)
		goto out;
	s->refreshing = 0;
	s->refresh_after = time (NULL) + REFRESH_RETRY_SECONDS;
	/* a server (or a mirror) behind the one that served the CRL held
	 * must not take it back to an older one */
	if (idx != NULL && (s->index == NULL || time_of (X509_CRL_get0_lastUpdate (idx->crl)) >= s->this_update))
		old = crl_install (c, s, idx, bytes);
	crl_drop_if_empty (c, s);
out:
	pthread_mutex_unlock (&c->lock);
	crl_index_free (old);
}

/* The refresher thread: the queued refreshes, oldest first, until the
 * cache is freed. */
static void *
refresher_main (void *arg)
{
	inkan_vcache *c = arg;
	crl_refresh *r;

	pthread_mutex_lock (&c->lock);
	for (;;) {
		while (c->queue == NULL && !c->stopping)
			pthread_cond_wait (&c->queued, &c->lock);
		if (c->stopping)
			break;
		r = c->queue;
		c->queue = r->next;
		pthread_mutex_unlock (&c->lock);
		crl_refresh_run (c, r);
		crl_refresh_free (r);
		pthread_mutex_lock (&c->lock);
	}
	pthread_mutex_unlock (&c->lock);
	return NULL;
}

void
vcache_crl_refresh (inkan_vcache *c, crl_refresh *r)
{
	crl_refresh **at;
	int queued = 0;

	pthread_mutex_lock (&c->lock);
	if (!c->stopping && !c->refresher_up)
		c->refresher_up = pthread_create (&c->refresher, NULL, refresher_main, c) == 0;
	if (c->refresher_up && !c->stopping) {
		for (at = &c->queue; *at != NULL; at = &(*at)->next)
			;
		r->next = NULL;
		*at = r;
		queued = 1;
		pthread_cond_signal (&c->queued);
	}
	pthread_mutex_unlock (&c->lock);
	if (!queued) {
		/* no thread to run it: counted as a refresh that failed */
		vcache_crl_refreshed (c, r->url, r->key, NULL, 0);
		crl_refresh_free (r);
	}
}

static size_t
blob_bucket (vc_kind kind, const char *key)
{
	unsigned h = 5381 + (unsigned) kind;
	const char *p;

	for (p = key; *p != '\0'; p++)
		h = h * 33 + (unsigned char) *p;
	return h % BLOB_BUCKETS;
}

static struct blob_slot **
blob_find (inkan_vcache *c, vc_kind kind, const char *key)
{
	struct blob_slot **o;

	for (o = &c->blobs[blob_bucket (kind, key)]; *o != NULL; o = &(*o)->next)
		if ((*o)->kind == kind && strcmp ((*o)->key, key) == 0)
			return o;
	return o;
}

static void
count_lookup (inkan_vcache *c, vc_kind kind, int found)
{
	switch (kind) {
	case VC_OCSP:
		(*(found ? &c->st.ocsp_hits : &c->st.ocsp_misses))++;
		break;
	case VC_SCVP:
		(*(found ? &c->st.scvp_hits : &c->st.scvp_misses))++;
		break;
	case VC_AIA:
		(*(found ? &c->st.aia_hits : &c->st.aia_misses))++;
		break;
	}
}

int
vcache_blob_get (inkan_vcache *c, vc_kind kind, const char *key, uint8_t **data, size_t *len)
{
	struct blob_slot **o;
	int found = 0;

	pthread_mutex_lock (&c->lock);
	o = blob_find (c, kind, key);
	/* past its validity it is no answer any more */
	if (*o != NULL && (*o)->until != 0 && (*o)->until <= time (NULL))
		blob_unlink (c, o);
	if (*o != NULL && (*data = malloc ((*o)->len)) != NULL) {
		memcpy (*data, (*o)->data, (*o)->len);
		*len = (*o)->len;
		(*o)->used = ++c->tick;
		found = 1;
	}
	count_lookup (c, kind, found);
	pthread_mutex_unlock (&c->lock);
	return found;
}

void
vcache_blob_put (inkan_vcache *c, vc_kind kind, const char *key, const uint8_t *data, size_t len, time_t until)
{
	struct blob_slot **o, *s = calloc (1, sizeof *s);

	if (s == NULL || (s->key = strdup (key)) == NULL || (s->data = malloc (len)) == NULL) {
		if (s != NULL)
			blob_slot_free (s);
		return;
	}
	memcpy (s->data, data, len);
	s->len = len;
	s->kind = kind;
	s->until = until;
	pthread_mutex_lock (&c->lock);
	o = blob_find (c, kind, key);
	if (*o != NULL)
		blob_unlink (c, o);
	s->used = ++c->tick;
	s->next = *o;
	*o = s;
	c->st.bytes += len;
	(*held_of (c, kind))++;
	enforce_bound (c, s);
	pthread_mutex_unlock (&c->lock);
}

void
vcache_blob_drop (inkan_vcache *c, vc_kind kind, const char *key)
{
	struct blob_slot **o;

	pthread_mutex_lock (&c->lock);
	o = blob_find (c, kind, key);
	if (*o != NULL)
		blob_unlink (c, o);
	pthread_mutex_unlock (&c->lock);
}

void
vcache_ocsp_fetched (inkan_vcache *c, int failed)
{
	pthread_mutex_lock (&c->lock);
	c->st.ocsp_fetches++;
	if (failed)
		c->st.ocsp_failures++;
	pthread_mutex_unlock (&c->lock);
}
