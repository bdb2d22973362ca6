/* The verifications' validators: one per worker, so that a request's
 * narrowing (methods, time, purpose, intermediates) is set on a validator
 * no other thread uses, and all of them sharing one cache, so that a CRL
 * is fetched and indexed once for the whole daemon. */
#include <stdlib.h>

#include "inkand/inkand.h"

struct inkand_verifier {
	inkan_vcache *cache;
	inkan_validator **v;
	unsigned n;
};

inkan_err
inkand_verifier_new (const inkand_config *cfg, inkand_verifier **out)
{
	inkand_verifier *vf = calloc (1, sizeof *vf);
	inkan_err err;
	unsigned i;

	if (vf == NULL || (vf->v = calloc (cfg->workers, sizeof *vf->v)) == NULL) {
		free (vf);
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	err = inkand_from_lib (inkan_vcache_new (cfg->validate_cache_max, &vf->cache));
	/* on the cache's own thread: a responder that hangs would otherwise
	 * hold one of the workers for its timeout */
	if (err == INKAN_OK)
		inkan_vcache_set_refresh (vf->cache, cfg->validate_refresh_pct);
	for (i = 0; err == INKAN_OK && i < cfg->workers; i++, vf->n++) {
		err = inkand_from_lib (inkan_validator_new (&vf->v[i]));
		/* no disk cache: the daemon keeps its own in memory */
		if (err == INKAN_OK)
			err = inkand_from_lib (inkan_validator_load_config (vf->v[i], cfg->validate_config));
		if (err == INKAN_OK)
			inkan_validator_set_vcache (vf->v[i], vf->cache);
	}
	if (err != INKAN_OK) {
		inkand_verifier_free (vf);
		return err;
	}
	*out = vf;
	return INKAN_OK;
}

void
inkand_verifier_free (inkand_verifier *vf)
{
	unsigned i;

	if (vf == NULL)
		return;
	for (i = 0; i < vf->n; i++)
		inkan_validator_free (vf->v[i]);
	free (vf->v);
	inkan_vcache_free (vf->cache);
	free (vf);
}

inkan_validator *
inkand_verifier_get (inkand_verifier *vf, unsigned w)
{
	return w < vf->n ? vf->v[w] : NULL;
}

void
inkand_verifier_stats (inkand_verifier *vf, inkan_vcache_stats *st)
{
	inkan_vcache_stats_get (vf->cache, st);
}
