/* The JPKI (My Number card) profile, as OpenSC's jpki driver and the
 * public myna tool talk to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/x509.h>
#include "vcard.h"

static const uint8_t atr[] = { 0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14 };
static const uint8_t aid[] = { 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01 };
static const char token[] = "JPKIAPICCTOKEN";

/* The PINs: EF, state names, tries and the rule for new values. */
typedef struct {
	uint16_t fid, key_fid;
	const char *pin, *tries, *key;
	int max;
	bool digits_only;
	size_t min, maxlen;
} jpki_pin;

static const jpki_pin pins[] = {
	{ 0x0018, 0x0017, "pin.auth", "tries.auth", "key.auth", 3, true, 4, 4 },
	{ 0x001B, 0x001A, "pin.sign", "tries.sign", "key.sign", 5, false, 6, 16 },
};

typedef struct {
	bool ap;
	uint16_t ef;
	bool verified[2];
} jpki_priv;

static const jpki_pin *
pin_for (uint16_t fid, bool key)
{
	for (size_t i = 0; i < 2; i++)
		if ((key ? pins[i].key_fid : pins[i].fid) == fid)
			return &pins[i];
	return NULL;
}

static bool
pin_rule_ok (const jpki_pin *p, const uint8_t *v, size_t len)
{
	if (len < p->min || len > p->maxlen)
		return false;
	for (size_t i = 0; i < len; i++) {
		bool digit = v[i] >= '0' && v[i] <= '9';
		bool upper = v[i] >= 'A' && v[i] <= 'Z';
		if (!digit && (p->digits_only || !upper))
			return false;
	}
	return true;
}

static const char *
file_name (uint16_t fid, char *buf, size_t size)
{
	snprintf (buf, size, "ef.%04X", fid);
	return buf;
}

static bool
jpki_store_key (vc_state *st, const char *name, EVP_PKEY *key)
{
	size_t len;
	uint8_t *der = vc_key_der (key, &len);
	if (!der)
		return false;
	vc_state_set (st, name, der, len);
	OPENSSL_clear_free (der, len);
	return true;
}

static bool
jpki_store_cert (vc_state *st, uint16_t fid, X509 *cert)
{
	char name[16];
	size_t len;
	uint8_t *der = vc_cert_der (cert, &len);
	if (!der)
		return false;
	vc_state_set (st, file_name (fid, name, sizeof name), der, len);
	OPENSSL_free (der);
	return true;
}

/* Loads KEY_PEM/CERT_PEM when given, else makes a key and a certificate
 * under a fresh CA stored at CA_FID (unless the caller gave that CA). */
static bool
jpki_pair (vc_state *st, const jpki_pin *p, const char *key_pem, const char *cert_pem,
           const char *ca_pem, uint16_t cert_fid, uint16_t ca_fid, const char *what)
{
	EVP_PKEY *key = NULL, *ca_key = NULL;
	X509 *cert = NULL, *ca = NULL;
	bool ok = false;
	char cn[64];

	if (key_pem && cert_pem) {
		key = vc_key_load_pem (key_pem);
		cert = vc_cert_load_pem (cert_pem);
		ca = ca_pem ? vc_cert_load_pem (ca_pem) : NULL;
		if (!key || !cert || (ca_pem && !ca)) {
			fprintf (stderr, "inkan-vcard: cannot read the %s key, certificate or CA\n", what);
			goto out;
		}
		if (!ca) {
			/* Without a CA the card still needs one in the CA file. */
			ca = X509_dup (cert);
		}
	} else {
		snprintf (cn, sizeof cn, "inkan test JPKI %s CA", what);
		ca_key = vc_key_rsa (2048);
		ca = ca_key ? vc_cert_make (ca_key, cn, NULL, NULL, true, false) : NULL;
		key = vc_key_rsa (2048);
		snprintf (cn, sizeof cn, "inkan test JPKI %s", what);
		cert = key && ca ? vc_cert_make (key, cn, ca, ca_key, false, p->fid == 0x001B) : NULL;
		if (!cert) {
			fprintf (stderr, "inkan-vcard: cannot make the %s key and certificate\n", what);
			goto out;
		}
	}
	ok = jpki_store_key (st, p->key, key) && jpki_store_cert (st, cert_fid, cert)
		&& jpki_store_cert (st, ca_fid, ca);
out:
	EVP_PKEY_free (key);
	EVP_PKEY_free (ca_key);
	X509_free (cert);
	X509_free (ca);
	return ok;
}

static bool
jpki_init (vc_state *st, const struct vc_init_args *args)
{
	const char *sign_pin = args->pin ? args->pin : "ABC123";
	const char *auth_pin = args->auth_pin ? args->auth_pin : "1234";

	if (!pin_rule_ok (&pins[1], (const uint8_t *) sign_pin, strlen (sign_pin))
	    || !pin_rule_ok (&pins[0], (const uint8_t *) auth_pin, strlen (auth_pin))) {
		fprintf (stderr, "inkan-vcard: JPKI signing password: 6-16 of A-Z0-9; authentication PIN: 4 digits\n");
		return false;
	}
	vc_state_set_str (st, "pin.sign", sign_pin);
	vc_state_set_str (st, "pin.auth", auth_pin);
	vc_state_set_int (st, "tries.sign", 5);
	vc_state_set_int (st, "tries.auth", 3);
	vc_state_set_str (st, "ef.0006", token);
	return jpki_pair (st, &pins[0], args->auth_key, args->auth_cert,
	                  args->n_ca > 0 ? args->ca_certs[0] : NULL, 0x000A, 0x000B, "authentication")
		&& jpki_pair (st, &pins[1], args->sign_key, args->sign_cert,
		              args->n_ca > 1 ? args->ca_certs[1] : NULL, 0x0001, 0x0002, "signature");
}

static void
jpki_reset (vc_card *card)
{
	memset (card->priv, 0, sizeof (jpki_priv));
}

static void
do_select (vc_card *card, jpki_priv *pv, const vc_apdu *a, vc_resp *r)
{
	char name[16];
	uint16_t fid;

	if (a->p1 == 0x04) {
		if (a->lc == sizeof aid && memcmp (a->data, aid, sizeof aid) == 0) {
			pv->ap = true;
			pv->ef = 0;
			r->sw = 0x9000;
		} else {
			r->sw = 0x6A82;
		}
		return;
	}
	if (a->p1 != 0x02 || a->lc != 2 || !pv->ap) {
		r->sw = 0x6A82;
		return;
	}
	fid = (uint16_t) (a->data[0] << 8 | a->data[1]);
	if (vc_state_get (card->state, file_name (fid, name, sizeof name), NULL)
	    || pin_for (fid, false) || pin_for (fid, true)) {
		pv->ef = fid;
		r->sw = 0x9000;
	} else {
		r->sw = 0x6A82;
	}
}

static void
do_read_binary (vc_card *card, jpki_priv *pv, const vc_apdu *a, vc_resp *r)
{
	char name[16];
	size_t len, off = (size_t) (a->p1 & 0x7f) << 8 | a->p2, n;
	const uint8_t *content;

	if (!pv->ap || pv->ef == 0 || (a->p1 & 0x80)) {
		r->sw = 0x6986;
		return;
	}
	content = vc_state_get (card->state, file_name (pv->ef, name, sizeof name), &len);
	if (!content) {
		r->sw = 0x6981;
		return;
	}
	/* As on the real card, the signing certificate needs the signing password. */
	if (pv->ef == 0x0001 && !pv->verified[1]) {
		r->sw = 0x6982;
		return;
	}
	if (off > len) {
		r->sw = 0x6B00;
		return;
	}
	n = a->ne ? a->ne : 256;
	if (n > len - off)
		n = len - off;
	vc_resp_add (r, content + off, n);
	r->sw = 0x9000;
}

static void
do_verify (vc_card *card, jpki_priv *pv, const vc_apdu *a, vc_resp *r)
{
	const jpki_pin *p = pv->ap ? pin_for (pv->ef, false) : NULL;
	size_t len;
	const uint8_t *want;
	int tries, idx;

	if (!p || a->p1 != 0x00 || a->p2 != 0x80) {
		r->sw = 0x6A86;
		return;
	}
	idx = (int) (p - pins);
	tries = vc_state_int (card->state, p->tries, 0);
	if (a->lc == 0) {
		/* OpenSC's bind aborts unless the count comes back as 63Cx,
		 * even when it is zero. */
		r->sw = 0x63C0 | (tries & 0xf);
		return;
	}
	if (tries <= 0) {
		r->sw = 0x6983;
		return;
	}
	want = vc_state_get (card->state, p->pin, &len);
	if (want && vc_pin_equal (a->data, a->lc, want, len)) {
		pv->verified[idx] = true;
		if (tries != p->max) {
			vc_state_set_int (card->state, p->tries, p->max);
			if (!vc_state_save (card->state)) {
				r->sw = 0x6581;
				return;
			}
		}
		r->sw = 0x9000;
		return;
	}
	pv->verified[idx] = false;
	vc_state_set_int (card->state, p->tries, tries - 1);
	r->sw = vc_state_save (card->state) ? 0x63C0 | ((tries - 1) & 0xf) : 0x6581;
}

/* CHANGE REFERENCE DATA 00 24 01 80 <new>, after VERIFY of the old one. */
static void
do_change (vc_card *card, jpki_priv *pv, const vc_apdu *a, vc_resp *r)
{
	const jpki_pin *p = pv->ap ? pin_for (pv->ef, false) : NULL;

	if (!p || a->p1 != 0x01 || a->p2 != 0x80) {
		r->sw = 0x6A86;
		return;
	}
	if (!pv->verified[p - pins]) {
		r->sw = 0x6982;
		return;
	}
	if (!pin_rule_ok (p, a->data, a->lc)) {
		r->sw = 0x6A80;
		return;
	}
	vc_state_set (card->state, p->pin, a->data, a->lc);
	r->sw = vc_state_save (card->state) ? 0x9000 : 0x6581;
}

static void
do_sign (vc_card *card, jpki_priv *pv, const vc_apdu *a, vc_resp *r)
{
	const jpki_pin *p = pv->ap ? pin_for (pv->ef, true) : NULL;

	if (!p || a->p1 != 0x00 || a->p2 != 0x80) {
		r->sw = 0x6A86;
		return;
	}
	if (!pv->verified[p - pins]) {
		r->sw = 0x6982;
		return;
	}
	vc_sign_stored (card->state, p->key, a->data, a->lc, r);
}

static void
jpki_process (vc_card *card, const vc_apdu *a, vc_resp *r)
{
	jpki_priv *pv = card->priv;

	if (a->cla == 0x00 && a->ins == 0xA4)
		do_select (card, pv, a, r);
	else if (a->cla == 0x00 && a->ins == 0xB0)
		do_read_binary (card, pv, a, r);
	else if (a->cla == 0x00 && a->ins == 0x20)
		do_verify (card, pv, a, r);
	else if (a->cla == 0x00 && a->ins == 0x24)
		do_change (card, pv, a, r);
	else if (a->cla == 0x80 && a->ins == 0x2A)
		do_sign (card, pv, a, r);
	else if (a->cla != 0x00 && a->cla != 0x80)
		r->sw = 0x6E00;
	else
		r->sw = 0x6D00;
}

const vc_profile vc_profile_jpki = {
	.name = "jpki",
	.atr = atr,
	.atr_len = sizeof atr,
	.init = jpki_init,
	.reset = jpki_reset,
	.process = jpki_process,
	.priv_size = sizeof (jpki_priv),
};
