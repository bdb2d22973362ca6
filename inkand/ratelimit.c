/* Per-client rate limits: a token bucket per identity, refilled at RATE per
 * second up to BURST.  Loop thread only. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inkand/inkand.h"

/* Identities come from certificates and peer credentials, not from a
 * list: past this many buckets the fullest goes, which loses nothing, as
 * a full bucket is what a newcomer gets anyway. */
#define MAX_BUCKETS 4096

struct bucket {
	char *client;
	double tokens, stamp;
};

struct inkand_ratelimit {
	double rate, burst;
	struct bucket *b;
	size_t n;
};

inkan_err
inkand_ratelimit_new (double rate, double burst, inkand_ratelimit **out)
{
	inkand_ratelimit *rl = calloc (1, sizeof *rl);

	if (rl == NULL || (rl->b = calloc (MAX_BUCKETS, sizeof *rl->b)) == NULL) {
		free (rl);
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	rl->rate = rate;
	rl->burst = burst;
	*out = rl;
	return INKAN_OK;
}

void
inkand_ratelimit_free (inkand_ratelimit *rl)
{
	size_t i;

	if (rl == NULL)
		return;
	for (i = 0; i < rl->n; i++)
		free (rl->b[i].client);
	free (rl->b);
	free (rl);
}

static void
refill (inkand_ratelimit *rl, struct bucket *b, double now)
{
	b->tokens = fmin (rl->burst, b->tokens + (now - b->stamp) * rl->rate);
	b->stamp = now;
}

/* CLIENT's bucket, made when it has none: INKAN_OK and *OUT, or
 * INKAN_ERR_NOMEM with the table as it was (no entry without a name). */
static inkan_err
find (inkand_ratelimit *rl, const char *client, double now, struct bucket **out)
{
	struct bucket *b = NULL;
	char *name;
	size_t i;

	for (i = 0; i < rl->n; i++) {
		if (strcmp (rl->b[i].client, client) == 0) {
			*out = &rl->b[i];
			return INKAN_OK;
		}
	}
	/* The name first: a bucket is only given up for one that can be made. */
	name = strdup (client);
	if (name == NULL)
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	if (rl->n < MAX_BUCKETS) {
		b = &rl->b[rl->n++];
	} else {
		for (i = 0; i < rl->n; i++) {
			refill (rl, &rl->b[i], now);
			if (b == NULL || rl->b[i].tokens > b->tokens)
				b = &rl->b[i];
		}
		free (b->client);
	}
	b->client = name;
	b->tokens = rl->burst;
	b->stamp = now;
	*out = b;
	return INKAN_OK;
}

inkan_err
inkand_ratelimit_take (inkand_ratelimit *rl, const char *client, double cost, double now, unsigned *wait)
{
	struct bucket *b = NULL;
	inkan_err err = find (rl, client, now, &b);

	if (err != INKAN_OK)
		return err;
	refill (rl, b, now);
	if (b->tokens >= cost) {
		b->tokens -= cost;
		*wait = 0;
	} else {
		*wait = (unsigned) ceil ((cost - b->tokens) / rl->rate);
	}
	return INKAN_OK;
}
