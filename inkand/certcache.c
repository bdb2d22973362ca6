/* Certificates the verification requests send, parsed once: a relay sees
 * the same signers and CAs again and again, and OpenSSL 3.0 spends more
 * on decoding a certificate (its public key above all, through the
 * provider's decoders) than on verifying a signature with it.  Keyed by
 * the SHA-256 of the DER; the loop thread's alone, so no lock.  Bounded:
 * when full, it starts again empty. */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "inkand/inkand.h"

#define SLOTS 4096              /* a power of two */
#define MAX_HELD (SLOTS / 2)

struct slot {
	unsigned char md[32];
	X509 *x;
};

struct inkand_certcache {
	struct slot slots[SLOTS];
	size_t held;
};

inkan_err
inkand_certcache_new (inkand_certcache **out)
{
	*out = calloc (1, sizeof **out);
	return *out != NULL ? INKAN_OK : inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
}

static void
clear (inkand_certcache *c)
{
	size_t i;

	for (i = 0; i < SLOTS; i++) {
		X509_free (c->slots[i].x);
		c->slots[i].x = NULL;
	}
	c->held = 0;
}

void
inkand_certcache_free (inkand_certcache *c)
{
	if (c == NULL)
		return;
	clear (c);
	free (c);
}

X509 *
inkand_certcache_get (inkand_certcache *c, const uint8_t *der, size_t len, uint8_t sha256[32])
{
	unsigned char buf[32], *md = sha256 != NULL ? sha256 : buf;
	const unsigned char *p = der;
	size_t i;
	X509 *x;

	if (!EVP_Digest (der, len, md, NULL, EVP_sha256 (), NULL))
		return NULL;
	/* open addressing on the digest's first bytes, linear probing */
	for (i = ((size_t) md[0] << 8 | md[1]) % SLOTS; c->slots[i].x != NULL; i = (i + 1) % SLOTS)
		if (memcmp (c->slots[i].md, md, sizeof c->slots[i].md) == 0)
			return X509_up_ref (c->slots[i].x) ? c->slots[i].x : NULL;
	x = d2i_X509 (NULL, &p, (long) len);
	/* only whole DER certificates: trailing bytes would be another's key */
	if (x == NULL || p != der + len) {
		X509_free (x);
		return NULL;
	}
	/* the public key decoded now, once, not by each validation */
	(void) X509_get0_pubkey (x);
	if (c->held >= MAX_HELD) {
		clear (c);
		for (i = ((size_t) md[0] << 8 | md[1]) % SLOTS; c->slots[i].x != NULL; i = (i + 1) % SLOTS)
			;
	}
	if (X509_up_ref (x)) {
		memcpy (c->slots[i].md, md, sizeof c->slots[i].md);
		c->slots[i].x = x;
		c->held++;
	}
	return x;
}
