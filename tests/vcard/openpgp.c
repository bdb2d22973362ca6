/* The OpenPGP card 3.3 profile, as OpenSC's openpgp driver and its
 * pkcs15init layer use it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/x509.h>
#include "vcard.h"

static const uint8_t atr[] = {
	0x3B, 0xDA, 0x18, 0xFF, 0x81, 0xB1, 0xFE, 0x75, 0x1F, 0x03, 0x00,
	0x31, 0xF5, 0x73, 0xC0, 0x01, 0x80, 0x00, 0x90, 0x00, 0xFC,
};
/* SELECT may name the AID by its first six bytes: RID D2 76 00 01 24, application 01 */
#define AID_PREFIX_LEN 6
/* Version 3.3, manufacturer FFFE (test), a fixed serial. */
static const uint8_t aid[] = {
	0xD2, 0x76, 0x00, 0x01, 0x24, 0x01, 0x03, 0x03,
	0xFF, 0xFE, 0x1A, 0x2B, 0x3C, 0x4D, 0x00, 0x00,
};
/* Card capabilities: command chaining, no extended lengths: OpenSC sizes
 * extended answers by the reader's 256-byte limit and loses the rest. */
static const uint8_t hist[] = { 0x00, 0x31, 0xF5, 0x73, 0xC0, 0x01, 0x80, 0x05, 0x90, 0x00 };
/* Extended capabilities: key import, PW status changeable; max
 * certificate 2048 bytes. */
static const uint8_t ext_caps[] = { 0x30, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0xFF, 0x00, 0x00 };
static const uint8_t ext_len[] = { 0x02, 0x02, 0x08, 0x00, 0x02, 0x02, 0x08, 0x00 };
static const uint8_t rsa2048[] = { 0x01, 0x08, 0x00, 0x00, 0x20, 0x00 };
/* P-256 (OID 1.2.840.10045.3.1.7): ECDSA (13) to sign, ECDH (12) to decrypt. */
static const uint8_t ecdsa_p256[] = { 0x13, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };
static const uint8_t ecdh_p256[] = { 0x12, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };

enum { PW1_MAX = 5, PW3_MAX = 3 };

typedef struct {
	bool selected;
	bool pw1_81, pw1_82, pw3;
	int cert_occurrence;
} pgp_priv;

/* Key slots: control reference template tag, DOs for attributes,
 * fingerprint, generation time. */
typedef struct {
	uint8_t crt;
	unsigned attr, fpr, time;
	const char *key;
} pgp_slot;

static const pgp_slot slots[] = {
	{ 0xB6, 0xC1, 0xC7, 0xCE, "pgp.key.sig" },
	{ 0xB8, 0xC2, 0xC8, 0xCF, "pgp.key.dec" },
	{ 0xA4, 0xC3, 0xC9, 0xD0, "pgp.key.aut" },
};

static const char *
do_name (unsigned tag, char *buf, size_t size)
{
	snprintf (buf, size, "pgp.do.%04X", tag);
	return buf;
}

static const uint8_t *
do_get (vc_card *card, unsigned tag, size_t *len)
{
	char name[24];
	return vc_state_get (card->state, do_name (tag, name, sizeof name), len);
}

/* A DO from the state, or LEN zero bytes when never written. */
static void
add_do_or_zero (vc_card *card, vc_resp *r, unsigned tag, size_t len)
{
	size_t have;
	const uint8_t *v = do_get (card, tag, &have);
	static const uint8_t zero[64];
	vc_resp_add (r, v && have == len ? v : zero, len);
}

static bool
pgp_init (vc_state *st, const struct vc_init_args *args)
{
	const char *pw1 = args->pin ? args->pin : "123456";
	const char *pw3 = args->admin_pin ? args->admin_pin : "12345678";
	char name[24];

	if (strlen (pw1) < 6 || strlen (pw1) > 127 || strlen (pw3) < 8 || strlen (pw3) > 127) {
		fprintf (stderr, "inkan-vcard: OpenPGP user PIN: 6+ characters, admin PIN: 8+\n");
		return false;
	}
	vc_state_set_str (st, "pgp.pw1", pw1);
	vc_state_set_str (st, "pgp.pw3", pw3);
	vc_state_set_int (st, "pgp.tries1", PW1_MAX);
	vc_state_set_int (st, "pgp.tries3", PW3_MAX);
	vc_state_set_int (st, "pgp.counter", 0);
	for (size_t i = 0; i < 3; i++) {
		const uint8_t *attr = !args->ec ? rsa2048 : i == 1 ? ecdh_p256 : ecdsa_p256;
		size_t len = !args->ec ? sizeof rsa2048 : sizeof ecdsa_p256;

		vc_state_set (st, do_name (slots[i].attr, name, sizeof name), attr, len);
	}
	return true;
}

static void
pgp_reset (vc_card *card)
{
	memset (card->priv, 0, sizeof (pgp_priv));
}

static void
add_counter3 (vc_resp *r, int v)
{
	uint8_t c[3] = { (uint8_t) (v >> 16), (uint8_t) (v >> 8), (uint8_t) v };
	vc_resp_tlv (r, 0x93, c, 3);
}

static void
add_pw_status (vc_card *card, vc_resp *r)
{
	uint8_t c4[7] = { 0x00, 0x7F, 0x7F, 0x7F,
	                  (uint8_t) vc_state_int (card->state, "pgp.tries1", 0), 0x00,
	                  (uint8_t) vc_state_int (card->state, "pgp.tries3", 0) };
	vc_resp_tlv (r, 0xC4, c4, sizeof c4);
}

/* The discretionary data objects (73). */
static void
add_73 (vc_card *card, vc_resp *r)
{
	vc_resp t = { 0 };
	size_t len;

	vc_resp_tlv (&t, 0xC0, ext_caps, sizeof ext_caps);
	for (size_t i = 0; i < 3; i++) {
		const uint8_t *a = do_get (card, slots[i].attr, &len);
		vc_resp_tlv (&t, slots[i].attr, a, a ? len : 0);
	}
	add_pw_status (card, &t);
	vc_resp_tl (&t, 0xC5, 60);
	for (size_t i = 0; i < 3; i++)
		add_do_or_zero (card, &t, slots[i].fpr, 20);
	vc_resp_tl (&t, 0xC6, 60);
	for (unsigned tag = 0xCA; tag <= 0xCC; tag++)
		add_do_or_zero (card, &t, tag, 20);
	vc_resp_tl (&t, 0xCD, 12);
	for (size_t i = 0; i < 3; i++)
		add_do_or_zero (card, &t, slots[i].time, 4);
	vc_resp_tlv (r, 0x73, t.data, t.len);
	vc_resp_clear (&t);
}

static void
add_stored (vc_card *card, vc_resp *r, unsigned tag)
{
	size_t len = 0;
	const uint8_t *v = do_get (card, tag, &len);
	vc_resp_tlv (r, tag, v, v ? len : 0);
}

static void
do_get_data (vc_card *card, pgp_priv *pv, const vc_apdu *a, vc_resp *r)
{
	unsigned tag = (unsigned) a->p1 << 8 | a->p2;
	vc_resp t = { 0 };
	char name[24];
	size_t len;
	const uint8_t *v;

	r->sw = 0x9000;
	switch (tag) {
	case 0x004F:
		vc_resp_add (r, aid, sizeof aid);
		return;
	case 0x5F52:
		vc_resp_add (r, hist, sizeof hist);
		return;
	case 0x00C4:
		add_pw_status (card, &t);
		vc_resp_add (r, t.data + 2, t.len - 2);
		break;
	case 0x006E:
		vc_resp_tlv (&t, 0x4F, aid, sizeof aid);
		vc_resp_tlv (&t, 0x5F52, hist, sizeof hist);
		vc_resp_tlv (&t, 0x7F66, ext_len, sizeof ext_len);
		add_73 (card, &t);
		vc_resp_add (r, t.data, t.len);
		break;
	case 0x0065:
		add_stored (card, &t, 0x5B);
		add_stored (card, &t, 0x5F2D);
		add_stored (card, &t, 0x5F35);
		vc_resp_add (r, t.data, t.len);
		break;
	case 0x007A:
		add_counter3 (&t, vc_state_int (card->state, "pgp.counter", 0));
		vc_resp_add (r, t.data, t.len);
		break;
	case 0x7F66:
		vc_resp_add (r, ext_len, sizeof ext_len);
		return;
	case 0x7F21:
		snprintf (name, sizeof name, "pgp.cert.%d", pv->cert_occurrence);
		v = vc_state_get (card->state, name, &len);
		if (v)
			vc_resp_add (r, v, len);
		return;
	case 0x005E: case 0x5F50: case 0x0101: case 0x0102:
		v = do_get (card, tag, &len);
		if (v)
			vc_resp_add (r, v, len);
		return;
	default:
		r->sw = 0x6A88;
		return;
	}
	vc_resp_clear (&t);
}

static bool
check_pw (vc_card *card, const char *pw, const char *tries_name, int max,
          const uint8_t *data, size_t len, vc_resp *r)
{
	size_t want_len;
	const uint8_t *want = vc_state_get (card->state, pw, &want_len);
	int tries = vc_state_int (card->state, tries_name, 0);

	if (tries <= 0) {
		r->sw = 0x6983;
		return false;
	}
	if (want && vc_pin_equal (data, len, want, want_len)) {
		if (tries != max) {
			vc_state_set_int (card->state, tries_name, max);
			if (!vc_state_save (card->state)) {
				r->sw = 0x6581;
				return false;
			}
		}
		r->sw = 0x9000;
		return true;
	}
	vc_state_set_int (card->state, tries_name, tries - 1);
	r->sw = !vc_state_save (card->state) ? 0x6581 : tries - 1 ? 0x63C0 | (tries - 1) : 0x6983;
	return false;
}

static void
do_verify (vc_card *card, pgp_priv *pv, const vc_apdu *a, vc_resp *r)
{
	bool admin = a->p2 == 0x83;
	const char *tries_name = admin ? "pgp.tries3" : "pgp.tries1";
	bool *flag = admin ? &pv->pw3 : a->p2 == 0x81 ? &pv->pw1_81 : &pv->pw1_82;
	int tries;

	if (a->p1 == 0xFF) {
		/* Reset the verification state. */
		*flag = false;
		r->sw = 0x9000;
		return;
	}
	if (a->p1 != 0x00 || (a->p2 != 0x81 && a->p2 != 0x82 && a->p2 != 0x83)) {
		r->sw = 0x6A86;
		return;
	}
	if (a->lc == 0) {
		tries = vc_state_int (card->state, tries_name, 0);
		r->sw = *flag ? 0x9000 : tries == 0 ? 0x6983 : 0x63C0 | (tries & 0xf);
		return;
	}
	*flag = check_pw (card, admin ? "pgp.pw3" : "pgp.pw1", tries_name,
	                  admin ? PW3_MAX : PW1_MAX, a->data, a->lc, r);
}

static bool
save (vc_card *card, vc_resp *r)
{
	r->sw = vc_state_save (card->state) ? 0x9000 : 0x6581;
	return r->sw == 0x9000;
}

/* CHANGE REFERENCE DATA 00 24 00 81|83: old PIN followed by the new one. */
static void
do_change (vc_card *card, pgp_priv *pv, const vc_apdu *a, vc_resp *r)
{
	bool admin = a->p2 == 0x83;
	const char *pw = admin ? "pgp.pw3" : "pgp.pw1";
	size_t old_len, min = admin ? 8 : 6;

	if (a->p1 != 0x00 || (a->p2 != 0x81 && !admin)) {
		r->sw = 0x6A86;
		return;
	}
	if (!vc_state_get (card->state, pw, &old_len) || a->lc < old_len + min) {
		r->sw = 0x6700;
		return;
	}
	if (!check_pw (card, pw, admin ? "pgp.tries3" : "pgp.tries1",
	               admin ? PW3_MAX : PW1_MAX, a->data, old_len, r))
		return;
	vc_state_set (card->state, pw, a->data + old_len, a->lc - old_len);
	if (save (card, r)) {
		pv->pw1_81 = pv->pw1_82 = pv->pw3 = false;
	}
}

/* RESET RETRY COUNTER 00 2C 02 81 <new user PIN>, after the admin PIN. */
static void
do_reset_retry (vc_card *card, pgp_priv *pv, const vc_apdu *a, vc_resp *r)
{
	if (a->p1 != 0x02 || a->p2 != 0x81) {
		r->sw = a->p1 == 0x00 ? 0x6982 : 0x6A86;
		return;
	}
	if (!pv->pw3) {
		r->sw = 0x6982;
		return;
	}
	if (a->lc < 6) {
		r->sw = 0x6A80;
		return;
	}
	vc_state_set (card->state, "pgp.pw1", a->data, a->lc);
	vc_state_set_int (card->state, "pgp.tries1", PW1_MAX);
	save (card, r);
}

static bool
writable (unsigned tag)
{
	static const unsigned tags[] = {
		0x005B, 0x005E, 0x5F2D, 0x5F35, 0x5F50, 0x0101, 0x0102, 0x0103, 0x0104,
		0x00C1, 0x00C2, 0x00C3, 0x00C7, 0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC,
		0x00CE, 0x00CF, 0x00D0, 0x00D5,
	};
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		if (tags[i] == tag)
			return true;
	return false;
}

static bool
attr_supported (const uint8_t *v, size_t len)
{
	static const uint8_t p256[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };
	if (len >= 6 && v[0] == 0x01)
		return v[1] == 0x08 && v[2] == 0x00;   /* RSA-2048 */
	return len >= 9 && (v[0] == 0x12 || v[0] == 0x13) && memcmp (v + 1, p256, sizeof p256) == 0;
}

static void
do_put_data (vc_card *card, pgp_priv *pv, const vc_apdu *a, vc_resp *r)
{
	unsigned tag = (unsigned) a->p1 << 8 | a->p2;
	char name[24];

	if (!pv->pw3) {
		r->sw = 0x6982;
		return;
	}
	if (tag == 0x7F21) {
		if (a->lc > 2048) {
			r->sw = 0x6700;
			return;
		}
		snprintf (name, sizeof name, "pgp.cert.%d", pv->cert_occurrence);
	} else if (writable (tag)) {
		if (tag >= 0xC1 && tag <= 0xC3 && !attr_supported (a->data, a->lc)) {
			r->sw = 0x6A80;
			return;
		}
		do_name (tag, name, sizeof name);
	} else {
		r->sw = 0x6A88;
		return;
	}
	if (a->lc)
		vc_state_set (card->state, name, a->data, a->lc);
	else
		vc_state_del (card->state, name);
	save (card, r);
}

/* SELECT DATA 00 A5 0n 04 60 04 5C 02 7F 21: which certificate GET/PUT
 * DATA 7F21 mean. */
static void
do_select_data (pgp_priv *pv, const vc_apdu *a, vc_resp *r)
{
	static const uint8_t want[] = { 0x60, 0x04, 0x5C, 0x02, 0x7F, 0x21 };
	if (a->p1 > 2 || a->p2 != 0x04 || a->lc != sizeof want || memcmp (a->data, want, sizeof want)) {
		r->sw = 0x6A80;
		return;
	}
	pv->cert_occurrence = a->p1;
	r->sw = 0x9000;
}

static const pgp_slot *
slot_for_crt (const vc_apdu *a)
{
	for (size_t i = 0; i < 3; i++)
		if (a->lc >= 1 && a->data[0] == slots[i].crt)
			return &slots[i];
	return NULL;
}

static void
add_bn (vc_resp *r, unsigned tag, EVP_PKEY *key, const char *param)
{
	BIGNUM *bn = NULL;
	uint8_t buf[512];
	int n;

	if (!EVP_PKEY_get_bn_param (key, param, &bn))
		return;
	n = BN_bn2bin (bn, buf);
	vc_resp_tlv (r, tag, buf, (size_t) n);
	BN_free (bn);
}

static void
add_public (EVP_PKEY *key, vc_resp *r)
{
	vc_resp t = { 0 };
	if (EVP_PKEY_is_a (key, "RSA")) {
		add_bn (&t, 0x81, key, OSSL_PKEY_PARAM_RSA_N);
		add_bn (&t, 0x82, key, OSSL_PKEY_PARAM_RSA_E);
	} else {
		uint8_t pt[133];
		size_t len = 0;
		if (EVP_PKEY_get_octet_string_param (key, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt, &len))
			vc_resp_tlv (&t, 0x86, pt, len);
	}
	vc_resp_tlv (r, 0x7F49, t.data, t.len);
	vc_resp_clear (&t);
}

/* GENERATE ASYMMETRIC KEY PAIR: 80 makes a key (admin PIN), 81 reads the
 * public part. */
static void
do_generate (vc_card *card, pgp_priv *pv, const vc_apdu *a, vc_resp *r)
{
	const pgp_slot *s = slot_for_crt (a);
	EVP_PKEY *key = NULL;
	size_t len;
	const uint8_t *attr;
	uint8_t *der;

	if (!s || a->p2 != 0x00 || (a->p1 != 0x80 && a->p1 != 0x81)) {
		r->sw = 0x6A80;
		return;
	}
	if (a->p1 == 0x80) {
		if (!pv->pw3) {
			r->sw = 0x6982;
			return;
		}
		attr = do_get (card, s->attr, &len);
		key = attr && attr[0] == 0x01 ? vc_key_rsa (2048) : vc_key_ec ();
		der = key ? vc_key_der (key, &len) : NULL;
		if (!der) {
			EVP_PKEY_free (key);
			r->sw = 0x6581;
			return;
		}
		vc_state_set (card->state, s->key, der, len);
		OPENSSL_clear_free (der, len);
		if (s->crt == 0xB6)
			vc_state_set_int (card->state, "pgp.counter", 0);
		if (!save (card, r)) {
			EVP_PKEY_free (key);
			return;
		}
	} else if (!(key = vc_state_key (card->state, s->key))) {
		r->sw = 0x6A88;
		return;
	}
	add_public (key, r);
	r->sw = 0x9000;
	EVP_PKEY_free (key);
}

static void
pgp_process (vc_card *card, const vc_apdu *a, vc_resp *r)
{
	pgp_priv *pv = card->priv;

	if (a->cla != 0x00) {
		r->sw = 0x6E00;
		return;
	}
	if (a->ins == 0xA4) {
		pv->selected = a->p1 == 0x04 && a->lc >= AID_PREFIX_LEN
			&& a->lc <= sizeof aid && memcmp (a->data, aid, a->lc) == 0;
		r->sw = pv->selected ? 0x9000 : 0x6A82;
		return;
	}
	if (!pv->selected) {
		r->sw = 0x6985;
		return;
	}
	switch (a->ins) {
	case 0xCA: do_get_data (card, pv, a, r); break;
	case 0x20: do_verify (card, pv, a, r); break;
	case 0x24: do_change (card, pv, a, r); break;
	case 0x2C: do_reset_retry (card, pv, a, r); break;
	case 0xDA: do_put_data (card, pv, a, r); break;
	case 0xA5: do_select_data (pv, a, r); break;
	case 0x47: do_generate (card, pv, a, r); break;
	case 0x2A:
		if (a->p1 != 0x9E || a->p2 != 0x9A) {
			r->sw = 0x6A86;
		} else if (!pv->pw1_81) {
			r->sw = 0x6982;
		} else {
			vc_sign_stored (card->state, slots[0].key, a->data, a->lc, r);
			if (r->sw == 0x9000) {
				/* PW1 is valid for one signature only (C4 byte 1 = 00). */
				pv->pw1_81 = false;
				vc_state_set_int (card->state, "pgp.counter",
				                  vc_state_int (card->state, "pgp.counter", 0) + 1);
				vc_state_save (card->state);
			}
		}
		break;
	case 0x88:
		if (!pv->pw1_82)
			r->sw = 0x6982;
		else
			vc_sign_stored (card->state, slots[2].key, a->data, a->lc, r);
		break;
	default:
		r->sw = 0x6D00;
	}
}

const vc_profile vc_profile_openpgp = {
	.name = "openpgp",
	.atr = atr,
	.atr_len = sizeof atr,
	.init = pgp_init,
	.reset = pgp_reset,
	.process = pgp_process,
	.priv_size = sizeof (pgp_priv),
};
