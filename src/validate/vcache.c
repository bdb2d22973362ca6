/* The memory cache of CRLs and OCSP answers, shared by validators on any
 * thread.  A CRL is wanted by (URL, key of its signer): the first caller
 * to find it missing or stale fetches it, the others wait for that fetch
 * (single flight) rather than each parse and index tens of megabytes
 * again.  Bounded: least recently used entries go first, and a CRL still
 * read by a validation lives on through its reference until it is done. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/validate/vint.h"

#define DEFAULT_MAX_BYTES ((size_t) 1 << 30)
/* OCSP answers are spread over this many lists by their key. */
#define OCSP_BUCKETS 256

struct crl_slot {
	char *url;
	unsigned char key[32];
	crl_index *index;       /* NULL until the first fetch succeeds */
	size_t bytes;
	int fetching;
	int waiters;            /* callers waiting for the fetch: the slot stays while they do */
	unsigned long gen;      /* fetches ended, for the waiters to see theirs end */
	char why[512];          /* why the last fetch failed */
	unsigned long long used;
	struct crl_slot *next;
};

struct ocsp_slot {
	char *key;
	uint8_t *data;
	size_t len;
	unsigned long long used;
	struct ocsp_slot *next;
};

struct inkan_vcache {
	pthread_mutex_t lock;
	pthread_cond_t fetched;
	struct crl_slot *crls;
	struct ocsp_slot *ocsp[OCSP_BUCKETS];
	unsigned long long tick;
	inkan_vcache_stats st;
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
ocsp_slot_free (struct ocsp_slot *s)
{
	free (s->key);
	free (s->data);
	free (s);
}

void
inkan_vcache_free (inkan_vcache *c)
{
	struct crl_slot *s, *next;
	struct ocsp_slot *o, *onext;
	size_t i;

	if (c == NULL)
		return;
	for (s = c->crls; s != NULL; s = next) {
		next = s->next;
		crl_slot_free (s);
	}
	for (i = 0; i < OCSP_BUCKETS; i++)
		for (o = c->ocsp[i]; o != NULL; o = onext) {
			onext = o->next;
			ocsp_slot_free (o);
		}
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

static void
ocsp_unlink (inkan_vcache *c, struct ocsp_slot **o)
{
	struct ocsp_slot *gone = *o;

	*o = gone->next;
	c->st.bytes -= gone->len;
	c->st.ocsp_answers--;
	ocsp_slot_free (gone);
}

/* Drop the least recently used entry that holds something and is not
 * being fetched, other than KEEP; *DONE when there is none.  (Rare: only
 * past the bound, so the CRL is freed here, under the lock.) */
static void
evict_one (inkan_vcache *c, const void *keep, int *done)
{
	struct crl_slot *s, *crl = NULL;
	struct ocsp_slot **o, **ocsp = NULL;
	size_t i;

	for (s = c->crls; s != NULL; s = s->next)
		if (s != keep && s->index != NULL && !s->fetching && (crl == NULL || s->used < crl->used))
			crl = s;
	for (i = 0; i < OCSP_BUCKETS; i++)
		for (o = &c->ocsp[i]; *o != NULL; o = &(*o)->next)
			if (*o != keep && (ocsp == NULL || (*o)->used < (*ocsp)->used))
				ocsp = o;
	if (crl == NULL && ocsp == NULL) {
		*done = 1;
		return;
	}
	c->st.evictions++;
	if (crl != NULL && (ocsp == NULL || crl->used < (*ocsp)->used)) {
		crl_index_free (crl_forget (c, crl));
		crl_drop_if_empty (c, crl);
		return;
	}
	ocsp_unlink (c, ocsp);
}

static void
enforce_bound (inkan_vcache *c, const void *keep)
{
	int done = 0;

	while (c->st.bytes > c->st.max_bytes && !done)
		evict_one (c, keep, &done);
}

vc_state
vcache_crl_get (inkan_vcache *c, const char *url, const unsigned char key[32], time_t at,
                long wait_ms, crl_index **out, char *why, size_t why_size)
{
	long long end = mono_ms () + wait_ms;
	struct crl_slot *s;
	vc_state state;
	int waited = 0;

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
	old = crl_forget (c, s);
	s->index = crl_index_ref (idx);
	s->bytes = bytes;
	c->st.bytes += bytes;
	c->st.crls++;
	c->st.crl_entries += idx->n;
	s->used = ++c->tick;
	enforce_bound (c, s);
out:
	pthread_cond_broadcast (&c->fetched);
	pthread_mutex_unlock (&c->lock);
	crl_index_free (old);
}

static struct ocsp_slot **
ocsp_find (inkan_vcache *c, const char *key)
{
	struct ocsp_slot **o;
	unsigned h = 5381;
	const char *p;

	for (p = key; *p != '\0'; p++)
		h = h * 33 + (unsigned char) *p;
	for (o = &c->ocsp[h % OCSP_BUCKETS]; *o != NULL; o = &(*o)->next)
		if (strcmp ((*o)->key, key) == 0)
			return o;
	return o;
}

int
vcache_ocsp_get (inkan_vcache *c, const char *key, uint8_t **data, size_t *len)
{
	struct ocsp_slot **o;
	int found = 0;

	pthread_mutex_lock (&c->lock);
	o = ocsp_find (c, key);
	if (*o != NULL && (*data = malloc ((*o)->len)) != NULL) {
		memcpy (*data, (*o)->data, (*o)->len);
		*len = (*o)->len;
		(*o)->used = ++c->tick;
		found = 1;
	}
	if (found)
		c->st.ocsp_hits++;
	else
		c->st.ocsp_misses++;
	pthread_mutex_unlock (&c->lock);
	return found;
}

void
vcache_ocsp_put (inkan_vcache *c, const char *key, const uint8_t *data, size_t len)
{
	struct ocsp_slot **o, *s = calloc (1, sizeof *s);

	if (s == NULL || (s->key = strdup (key)) == NULL || (s->data = malloc (len)) == NULL) {
		if (s != NULL)
			ocsp_slot_free (s);
		return;
	}
	memcpy (s->data, data, len);
	s->len = len;
	pthread_mutex_lock (&c->lock);
	o = ocsp_find (c, key);
	if (*o != NULL)
		ocsp_unlink (c, o);
	s->used = ++c->tick;
	s->next = *o;
	*o = s;
	c->st.bytes += len;
	c->st.ocsp_answers++;
	enforce_bound (c, s);
	pthread_mutex_unlock (&c->lock);
}

void
vcache_ocsp_drop (inkan_vcache *c, const char *key)
{
	struct ocsp_slot **o;

	pthread_mutex_lock (&c->lock);
	o = ocsp_find (c, key);
	if (*o != NULL)
		ocsp_unlink (c, o);
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
