/* The verifications' validators: one per worker, so that a request's
 * narrowing (methods, time, purpose, intermediates) is set on a validator
 * no other thread uses, and all of them sharing one cache, so that a CRL
 * is fetched and indexed once for the whole daemon.
 *
 * A reload (SIGHUP) loads a whole new set of validators from validate.conf
 * beside the one in use, and only when every one of them loaded does it
 * become the current set.  A job holds the set that was current when it
 * was queued (inkand_verifier_hold) and runs on it to the end, so a
 * request never sees half of one configuration and half of another; the
 * old set is freed when its last job is answered.  Holding and releasing
 * happen on the loop thread alone (queueing and answering), so the counts
 * need no lock, and the workers only read the set their job holds.
 *
 * The cache outlives reloads, on purpose: a CRL is kept by its URL and the
 * key of the CA that signed it, and an OCSP answer is judged again at each
 * use against the validator's anchors, so nothing in it vouches for a
 * certificate by an anchor.  A path is built and checked against the new
 * set's anchors before any revocation is asked, and a CA that no longer
 * chains to an anchor gets "invalid" whatever its CRL says.  Keeping it
 * spares a 1M-entry CRL its refetch and reindexing on every reload. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inkand/inkand.h"

struct inkand_vset {
	inkan_validator **v;
	unsigned n;
	unsigned long holds;    /* jobs queued or running on this set */
	inkand_vset *next;      /* retired, waiting for their jobs */
};

struct inkand_verifier {
	inkan_vcache *cache;
	char *path;
	unsigned workers;
	inkand_vset *current;
	inkand_vset *retired;
};

static void
vset_free (inkand_vset *s)
{
	unsigned i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		inkan_validator_free (s->v[i]);
	free (s->v);
	free (s);
}

/* Whether the file at PATH is still what stat said it was in BEFORE. */
static int
unchanged (const char *path, const struct stat *before)
{
	struct stat now;

	return stat (path, &now) == 0 && now.st_ino == before->st_ino && now.st_dev == before->st_dev &&
	       now.st_size == before->st_size && now.st_mtim.tv_sec == before->st_mtim.tv_sec &&
	       now.st_mtim.tv_nsec == before->st_mtim.tv_nsec;
}

/* A validator for each worker from PATH, all on CACHE: the whole set, or
 * none and the first validator's error (naming FILE:LINE).  Each worker's
 * reads the file again, so a file rewritten meanwhile (an editor saving
 * as SIGHUP came) could leave workers on different settings: refused. */
static inkan_err
vset_load (const char *path, unsigned workers, inkan_vcache *cache, inkand_vset **out)
{
	inkand_vset *s = calloc (1, sizeof *s);
	inkan_err err = INKAN_OK;
	struct stat before;

	if (s == NULL || (s->v = calloc (workers, sizeof *s->v)) == NULL) {
		free (s);
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	if (stat (path, &before) != 0)
		err = inkand_fail (INKAN_ERR_IO, _("cannot read %s: %s"), path, strerror (errno));
	for (; err == INKAN_OK && s->n < workers; s->n++) {
		err = inkand_from_lib (inkan_validator_new (&s->v[s->n]));
		/* no disk cache: the daemon keeps its own in memory */
		if (err == INKAN_OK)
			err = inkand_from_lib (inkan_validator_load_config (s->v[s->n], path));
		if (err == INKAN_OK)
			inkan_validator_set_vcache (s->v[s->n], cache);
	}
	if (err == INKAN_OK && !unchanged (path, &before))
		err = inkand_fail (INKAN_ERR_IO, _("%s changed while it was read; nothing of it was taken"), path);
	if (err != INKAN_OK) {
		vset_free (s);
		return err;
	}
	*out = s;
	return INKAN_OK;
}

inkan_err
inkand_verifier_new (const inkand_config *cfg, inkand_verifier **out)
{
	inkand_verifier *vf = calloc (1, sizeof *vf);
	inkan_err err;

	if (vf == NULL || (vf->path = strdup (cfg->validate_config)) == NULL) {
		free (vf);
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	vf->workers = cfg->workers;
	err = inkand_from_lib (inkan_vcache_new (cfg->validate_cache_max, &vf->cache));
	/* on the cache's own thread: a responder that hangs would otherwise
	 * hold one of the workers for its timeout */
	if (err == INKAN_OK)
		inkan_vcache_set_refresh (vf->cache, cfg->validate_refresh_pct);
	if (err == INKAN_OK)
		err = vset_load (vf->path, vf->workers, vf->cache, &vf->current);
	if (err != INKAN_OK) {
		inkand_verifier_free (vf);
		return err;
	}
	*out = vf;
	return INKAN_OK;
}

inkan_err
inkand_verifier_reload (inkand_verifier *vf)
{
	inkand_vset *next = NULL, *old = vf->current;
	inkan_err err = vset_load (vf->path, vf->workers, vf->cache, &next);

	if (err != INKAN_OK)
		return err;
	vf->current = next;
	if (old->holds > 0) {
		old->next = vf->retired;
		vf->retired = old;
	} else {
		vset_free (old);
	}
	return INKAN_OK;
}

const char *
inkand_verifier_path (const inkand_verifier *vf)
{
	return vf->path;
}

void
inkand_verifier_free (inkand_verifier *vf)
{
	inkand_vset *s, *next;

	if (vf == NULL)
		return;
	/* after the pool: no job runs on any set any more */
	for (s = vf->retired; s != NULL; s = next) {
		next = s->next;
		vset_free (s);
	}
	vset_free (vf->current);
	inkan_vcache_free (vf->cache);
	free (vf->path);
	free (vf);
}

inkand_vset *
inkand_verifier_hold (inkand_verifier *vf)
{
	vf->current->holds++;
	return vf->current;
}

void
inkand_verifier_release (inkand_verifier *vf, inkand_vset *s)
{
	inkand_vset **at;

	if (s == NULL || --s->holds > 0 || s == vf->current)
		return;
	for (at = &vf->retired; *at != NULL; at = &(*at)->next)
		if (*at == s) {
			*at = s->next;
			vset_free (s);
			return;
		}
}

inkan_validator *
inkand_vset_get (inkand_vset *s, unsigned w)
{
	return w < s->n ? s->v[w] : NULL;
}

void
inkand_verifier_stats (inkand_verifier *vf, inkan_vcache_stats *st)
{
	inkan_vcache_stats_get (vf->cache, st);
}
