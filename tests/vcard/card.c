/* APDU dispatch common to every profile: GET RESPONSE, command chaining,
 * and the hostile answers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include "vcard.h"

const vc_profile *
vc_profile_find (const char *name)
{
	if (strcmp (name, vc_profile_jpki.name) == 0)
		return &vc_profile_jpki;
	if (strcmp (name, vc_profile_openpgp.name) == 0)
		return &vc_profile_openpgp;
	return NULL;
}

bool
vc_pin_equal (const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && CRYPTO_memcmp (a, b, alen) == 0;
}

vc_card *
vc_card_new (const vc_profile *p, vc_state *st, vc_hostile h)
{
	vc_card *card = calloc (1, sizeof *card);
	if (!card || !(card->priv = calloc (1, p->priv_size)))
		abort ();
	card->profile = p;
	card->state = st;
	card->hostile = h;
	card->hostile_ins = -1;
	card->pull_ins = -1;
	card->hold_ins = -1;
	card->hold_p1p2 = -1;
	card->rng = 0x2545F491;
	return card;
}

void
vc_card_free (vc_card *card)
{
	if (!card)
		return;
	free (card->pending);
	free (card->chain);
	free (card->priv);
	free (card);
}

void
vc_card_reset (vc_card *card)
{
	free (card->pending);
	card->pending = NULL;
	card->pending_len = 0;
	free (card->chain);
	card->chain = NULL;
	card->chain_len = 0;
	card->profile->reset (card);
}

/* Hands out up to NE bytes of the pending data, with 61xx while more is left. */
static void
emit_pending (vc_card *card, size_t ne, uint16_t sw, vc_resp *out)
{
	size_t n = card->pending_len;
	if (ne == 0)
		ne = 256;
	if (n > ne)
		n = ne;
	vc_resp_add (out, card->pending, n);
	memmove (card->pending, card->pending + n, card->pending_len - n);
	card->pending_len -= n;
	if (card->pending_len == 0)
		out->sw = sw;
	else
		out->sw = 0x6100 | (card->pending_len > 255 ? 0 : card->pending_len);
}

/* False when a signal (the card being pulled) cut the wait short. */
static bool
sleep_ms (int ms, bool resume)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (ms > 0 && nanosleep (&ts, &ts) != 0)
		if (errno != EINTR || !resume)
			return false;
	return true;
}

static uint32_t
next_rand (vc_card *card)
{
	/* xorshift: reproducible garbage, no need for strength here */
	uint32_t x = card->rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return card->rng = x;
}

/* The R-APDU as it should be: data, then the status word. */
static void
make_honest (const vc_resp *r, uint8_t **out, size_t *outlen)
{
	size_t n = r->len;
	uint8_t *buf = malloc (n + 2);

	if (!buf)
		abort ();
	if (n)
		memcpy (buf, r->data, n);
	buf[n] = r->sw >> 8;
	buf[n + 1] = r->sw & 0xff;
	*out = buf;
	*outlen = n + 2;
}

static void
make_hostile (vc_card *card, vc_resp *r, uint8_t **out, size_t *outlen)
{
	size_t n = r->len;
	uint8_t *buf;

	make_honest (r, out, outlen);
	buf = *out;
	switch (card->hostile) {
	case VC_HOSTILE_NONE:
		break;
	case VC_HOSTILE_TRUNCATE:
		if (n > 0)
			*outlen = n / 2 + 1;
		break;
	case VC_HOSTILE_SHORT:
		*outlen = 1;
		break;
	case VC_HOSTILE_GARBAGE:
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t) next_rand (card);
		break;
	case VC_HOSTILE_BAD_LENGTH:
		/* Claim more than is there, in whatever TLV the data starts with. */
		if (n >= 4 && buf[1] == 0x82) {
			buf[2] = 0xff;
			buf[3] = 0xff;
		} else if (n >= 2) {
			buf[1] = 0x7f;
		}
		break;
	case VC_HOSTILE_SW_SWAP:
		memmove (buf + 2, buf, n);
		buf[0] = r->sw >> 8;
		buf[1] = r->sw & 0xff;
		break;
	}
}

void
vc_card_transmit (vc_card *card, const uint8_t *in, size_t inlen,
                  uint8_t **out, size_t *outlen)
{
	vc_resp r = { 0 };
	vc_apdu a;

	if (!vc_apdu_parse (in, inlen, &a)) {
		r.sw = 0x6700;
		goto done;
	}
	if (a.ins == 0xC0 && (a.cla & 0x80) == 0) {
		if (card->pending_len == 0)
			r.sw = 0x6985;
		else
			emit_pending (card, a.ne, card->pending_sw, &r);
		goto done;
	}
	/* A new command abandons what GET RESPONSE had not fetched. */
	card->pending_len = 0;
	if (a.cla & 0x10) {
		uint8_t *c = realloc (card->chain, card->chain_len + a.lc + 1);
		if (!c)
			abort ();
		card->chain = c;
		if (a.lc)
			memcpy (c + card->chain_len, a.data, a.lc);
		card->chain_len += a.lc;
		r.sw = 0x9000;
		goto done;
	}
	if (card->chain_len) {
		uint8_t *c = realloc (card->chain, card->chain_len + a.lc + 1);
		if (!c)
			abort ();
		if (a.lc)
			memcpy (c + card->chain_len, a.data, a.lc);
		card->chain = c;
		a.data = c;
		a.lc = card->chain_len + a.lc;
	}
	/* Held BEFORE it is carried out: a test can kill the program or pull
	 * the card in between, and a card pulled has not done it (a
	 * certificate issued but not yet written, say). */
	bool held = a.ins == card->hold_ins && (card->hold_p1p2 < 0 || (a.p1 << 8 | a.p2) == card->hold_p1p2);
	if (held)
		fprintf (stderr, "inkan-vcard: holding INS %02X %02X %02X for %d ms\n", a.ins, a.p1, a.p2, card->hold_ms);
	if (held && !sleep_ms (card->hold_ms, false))
		r.sw = 0x6F00;
	else
		card->profile->process (card, &a, &r);
	/* A slow count widens the window between a program reading the count
	 * and sending its PIN, where a race between programs would show. */
	if (a.ins == 0x20 && a.lc == 0)
		sleep_ms (card->count_delay_ms, true);
	free (card->chain);
	card->chain = NULL;
	card->chain_len = 0;
	if (r.len > 0) {
		size_t ne = a.ne ? a.ne : 256;
		if (r.len > ne) {
			/* Keep the answer for GET RESPONSE. */
			free (card->pending);
			card->pending = r.data;
			card->pending_len = r.len;
			card->pending_sw = r.sw;
			r.data = NULL;
			r.len = r.cap = 0;
			emit_pending (card, ne, card->pending_sw, &r);
		}
	}
done:
	if (card->hostile_ins >= 0 && (inlen < 2 || in[1] != card->hostile_ins))
		make_honest (&r, out, outlen);
	else
		make_hostile (card, &r, out, outlen);
	vc_resp_clear (&r);
}
