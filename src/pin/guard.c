/* The PIN guard: what the token's flags, the card's own counter and
 * inkan's record say of the tries left, and the rules every PIN goes
 * through on its way to the token (nothing to a locked PIN, the last try
 * only with consent, the failure recorded before the PIN leaves). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "pkcs11/ctx.h"
#include "pkcs11/p11.h"
#include "src/card/card.h"
#include "src/pin/record.h"

#define DEFAULT_MAX_TRIES 5

/* The PIN of role USER on TOK, as the card model knows it. */
static const inkan_card_pin_def *
pin_def (inkan_token *tok, inkan_user user)
{
	return inkan_card_pin_def_for (tok->info.label, tok->info.model, user);
}

const char *
inkan_pin_state_name (inkan_pin_state state)
{
	static const char *const names[] = { "ok", "count-low", "final-try", "locked" };

	return (unsigned) state <= INKAN_PIN_LOCKED ? names[state] : "unknown";
}

static int
serial_is_unique (const char *serial)
{
	/* OpenSC's JPKI emulation says 00000000 for every card. */
	return serial[0] != '\0' && strspn (serial, "0") != strlen (serial);
}

/* SHA-256 of the smallest public certificate on the token, by digest:
 * the same whichever order the token lists them in. */
static void
smallest_cert_digest (inkan_token *tok, unsigned char out[32])
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_ATTRIBUTE tmpl = { CKA_CLASS, &cls, sizeof cls };
	CK_OBJECT_HANDLE *found = NULL;
	CK_ULONG n = 0, i;

	memset (out, 0xff, 32);
	if (inkan_p11_find (tok, &tmpl, 1, &found, &n) != INKAN_OK)
		return;
	for (i = 0; i < n; i++) {
		unsigned char d[32];
		CK_BYTE *der = NULL;
		CK_ULONG len = 0;

		if (inkan_p11_get_attr (tok, found[i], CKA_VALUE, &der, &len) == INKAN_OK && der != NULL &&
		    EVP_Digest (der, len, d, NULL, EVP_sha256 (), NULL) && memcmp (d, out, 32) < 0)
			memcpy (out, d, 32);
		free (der);
	}
	free (found);
}

/* The record's file for this token and PIN: named by a digest of what
 * identifies the token, so that two cards never share a count. */
static inkan_err
record_path (inkan_token *tok, inkan_user user, char **out)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new ();
	unsigned char d[32], cert[32];
	char name[64], *hex;
	const char *parts[] = { tok->info.manufacturer, tok->info.model, tok->info.serial, tok->info.label };
	size_t i;
	inkan_err err;

	if (md == NULL || !EVP_DigestInit_ex (md, EVP_sha256 (), NULL)) {
		EVP_MD_CTX_free (md);
		return inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot hash the token's identity"));
	}
	for (i = 0; i < 4; i++)
		EVP_DigestUpdate (md, parts[i], strlen (parts[i]) + 1);
	if (!serial_is_unique (tok->info.serial)) {
		smallest_cert_digest (tok, cert);
		EVP_DigestUpdate (md, cert, sizeof cert);
	}
	EVP_DigestFinal_ex (md, d, NULL);
	EVP_MD_CTX_free (md);
	hex = inkan_hex_encode (d, 16);
	if (hex == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	snprintf (name, sizeof name, "%s.%s", hex, user == INKAN_USER_SO ? "so" : "user");
	free (hex);
	err = inkan_pin_record_path (tok->ctx->pin_record_dir, name, out);
	return err;
}

/* The card's own count of tries for PIN, -1 when it cannot be had (the
 * reader cannot be told, the card does not say): the other sources then
 * stand in. */
static int
card_tries (inkan_token *tok, const inkan_card_pin_def *def)
{
	char *reader = NULL;
	int tries = -1;

	if (inkan_token_reader (&tok->info, &reader) != INKAN_OK ||
	    inkan_card_pin_tries (reader, &def->pcsc, &tries) != INKAN_OK)
		tries = -1;
	free (reader);
	return tries;
}

static inkan_err
status_locked (inkan_token *tok, inkan_user user, const char *path, inkan_pin_status *st)
{
	const inkan_card_pin_def *def = pin_def (tok, user);
	CK_FLAGS low = user == INKAN_USER_SO ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW;
	CK_FLAGS final = user == INKAN_USER_SO ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY;
	CK_FLAGS locked = user == INKAN_USER_SO ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED;
	CK_FLAGS flags = 0;
	inkan_err err;
	int by_record, by_card = -1;

	memset (st, 0, sizeof *st);
	st->user = user;
	st->profile = def->name;
	if (def->max_tries > 0) {
		st->max_tries = def->max_tries;
		st->max_source = "profile";
	} else if (tok->ctx->pin_max_tries > 0) {
		st->max_tries = tok->ctx->pin_max_tries;
		st->max_source = "config";
	} else {
		st->max_tries = DEFAULT_MAX_TRIES;
		st->max_source = "default";
	}
	err = inkan_pin_record_read (path, &st->failures);
	if (err != INKAN_OK)
		return err;
	err = inkan_p11_token_flags (tok, &flags);
	if (err != INKAN_OK)
		return err;

	/* A card that tells its count is the truth: it counted every PIN it
	 * was sent, by whatever program.  Else the lowest figure wins: the
	 * record and the flags can each only know of more failures than the
	 * other, never of tries the token does not have. */
	if (def->pcsc.aid != NULL)
		by_card = card_tries (tok, def);
	by_record = st->max_tries - st->failures;
	if (by_record < 0)
		by_record = 0;
	st->tries_left = by_record;
	st->tries_source = "record";
	if (by_card >= 0) {
		st->tries_left = by_card;
		st->tries_source = "card";
		if (by_card > st->max_tries) {
			st->max_tries = by_card;
			st->max_source = "card";
		}
	} else if ((flags & locked) && st->tries_left > 0) {
		st->tries_left = 0;
		st->tries_source = "token-flags";
	} else if ((flags & final) && st->tries_left > 1) {
		st->tries_left = 1;
		st->tries_source = "token-flags";
	}
	st->state_source = st->tries_source;
	if (st->tries_left == 0)
		st->state = INKAN_PIN_LOCKED;
	else if (st->tries_left == 1)
		st->state = INKAN_PIN_FINAL_TRY;
	else if (by_card >= 0 ? by_card < st->max_tries : st->failures > 0)
		st->state = INKAN_PIN_COUNT_LOW;
	else if (flags & low) {
		st->state = INKAN_PIN_COUNT_LOW;
		st->state_source = "token-flags";
	} else
		st->state = INKAN_PIN_OK;
	return INKAN_OK;
}

inkan_err
inkan_pin_status_get (inkan_token *tok, inkan_user user, inkan_pin_status *out)
{
	char *path = NULL;
	inkan_err err;

	pthread_mutex_lock (&tok->lock);
	err = record_path (tok, user, &path);
	if (err == INKAN_OK)
		err = status_locked (tok, user, path, out);
	pthread_mutex_unlock (&tok->lock);
	free (path);
	return err;
}

static inkan_err
check_rules (const inkan_card_pin_def *def, const inkan_secret *pin)
{
	const char *p = inkan_secret_data (pin);
	size_t len = inkan_secret_len (pin), i;

	if (len < (size_t) def->min_len || len > (size_t) def->max_len)
		goto bad;
	for (i = 0; def->charset != NULL && i < len; i++) {
		char c = def->upcase ? (char) toupper ((unsigned char) p[i]) : p[i];

		if (c == '\0' || strchr (def->charset, c) == NULL)
			goto bad;
	}
	return INKAN_OK;
bad:
	return inkan_fail (INKAN_ERR_PIN_INVALID, "%s", def->rule ? _(def->rule) : _("the PIN is empty or too long"));
}

inkan_err
inkan_pin_check_rules (inkan_token *tok, const inkan_secret *pin)
{
	return check_rules (pin_def (tok, INKAN_USER_NORMAL), pin);
}

/* The JPKI card takes the signing password in upper case only. */
static inkan_err
normalise (const inkan_card_pin_def *def, const inkan_secret *pin, inkan_secret **out)
{
	inkan_err err;
	size_t i;

	err = inkan_secret_new (inkan_secret_data (pin), inkan_secret_len (pin), out);
	if (err != INKAN_OK || !def->upcase)
		return err;
	for (i = 0; i < inkan_secret_len (*out); i++) {
		char *c = (char *) inkan_secret_data (*out) + i;

		*c = (char) toupper ((unsigned char) *c);
	}
	return INKAN_OK;
}

/*
 * Codes that say the PIN never reached the token's own counter: the module
 * has no token, no session or no memory to send it with, so the token
 * cannot have counted a failure.  Anything else (CKR_DEVICE_ERROR,
 * CKR_GENERAL_ERROR, CKR_FUNCTION_FAILED, ...) may come after the token saw
 * the PIN, and keeps the failure counted.  A card pulled out mid-VERIFY
 * may have counted it too (cards lower the counter before they compare,
 * against just that), so CKR_DEVICE_REMOVED gives the try back only on a
 * token that is no card in a reader.  Without this, a flapping HSM that a
 * daemon logs in to again and again would spend the record's tries with a
 * right PIN, until the guard refuses it for good.
 */
static int
pin_not_sent (const inkan_token *tok, CK_RV rv)
{
	switch (rv) {
	case CKR_DEVICE_REMOVED:
		return !tok->removable;
	case CKR_TOKEN_NOT_PRESENT:
	case CKR_SESSION_HANDLE_INVALID:
	case CKR_SESSION_CLOSED:
	case CKR_CRYPTOKI_NOT_INITIALIZED:
	case CKR_HOST_MEMORY:
		return 1;
	default:
		return 0;
	}
}

typedef CK_RV (*pin_op) (inkan_token *tok, inkan_user user, const inkan_secret *pin, void *data);

static const char *
who (inkan_user user)
{
	return user == INKAN_USER_SO ? _("SO PIN") : _("user PIN");
}

/*
 * Send PIN to the token through OP, under the rules: nothing to a locked
 * PIN, the last try only with consent, and the record counted *before*
 * the PIN leaves, so that a crash mid-way never forgets a failure.
 */
static inkan_err
guarded (inkan_token *tok, inkan_user user, const inkan_secret *pin, unsigned flags,
         pin_op op, void *data, const char *call)
{
	inkan_pin_status st;
	inkan_secret *sent = NULL;
	char *path = NULL;
	inkan_err err;
	int lock = -1;
	CK_RV rv;

	pthread_mutex_lock (&tok->lock);
	err = record_path (tok, user, &path);
	/* Another process may be between reading the record and writing it
	 * back: without the lock, two of them could each see two tries left
	 * and send the last one between them without consent. */
	if (err == INKAN_OK)
		err = inkan_pin_record_lock (path, &lock);
	if (err == INKAN_OK)
		err = status_locked (tok, user, path, &st);
	if (err != INKAN_OK)
		goto out;
	if (st.state == INKAN_PIN_LOCKED) {
		err = inkan_fail (INKAN_ERR_PIN_LOCKED, _("the %s of token \"%s\" is locked (%s); nothing was sent. "
		                                          "Unblock it with the SO PIN or PUK (for a JPKI card, at the "
		                                          "municipal counter)"),
		                  who (user), tok->info.label, st.tries_source);
		goto out;
	}
	if (st.state == INKAN_PIN_FINAL_TRY && !(flags & INKAN_LOGIN_ALLOW_FINAL_TRY)) {
		err = inkan_fail (INKAN_ERR_PIN_FINAL_TRY,
		                  _("one try is left for the %s of token \"%s\" (%s): a wrong PIN now locks it; "
		                    "nothing was sent without consent to use the last try"),
		                  who (user), tok->info.label, st.tries_source);
		goto out;
	}
	err = normalise (pin_def (tok, user), pin, &sent);
	if (err == INKAN_OK)
		err = inkan_pin_record_write (path, st.failures + 1);
	if (err != INKAN_OK)
		goto out;

	rv = op (tok, user, sent, data);

	if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
		err = inkan_pin_record_write (path, 0);
	} else if (rv == CKR_PIN_INCORRECT) {
		int left = st.tries_left - 1;

		err = inkan_fail (INKAN_ERR_PIN_INCORRECT,
		                  left > 0 ? _("wrong %s for token \"%s\": %d tries left; at 0 the PIN locks")
		                           : _("wrong %s for token \"%s\": %d tries left, the PIN is now locked"),
		                  who (user), tok->info.label, left);
	} else if (rv == CKR_PIN_LOCKED) {
		inkan_pin_record_write (path, st.max_tries);
		err = inkan_fail (INKAN_ERR_PIN_LOCKED, _("the %s of token \"%s\" is locked"), who (user),
		                  tok->info.label);
	} else if (pin_not_sent (tok, rv)) {
		/* The record was raised before the PIN left: put it back as it
		 * was (if that fails, the record keeps the failure: the safe side). */
		(void) inkan_pin_record_write (path, st.failures);
		err = inkan_p11_fail (rv, call);
	} else {
		/* Whether the token counted it is unknown: the record keeps
		 * the failure, the safe side. */
		err = inkan_p11_fail (rv, call);
	}
out:
	inkan_pin_record_unlock (lock);
	pthread_mutex_unlock (&tok->lock);
	inkan_secret_free (sent);
	free (path);
	return err;
}

static CK_RV
op_login (inkan_token *tok, inkan_user user, const inkan_secret *pin, void *data)
{
	(void) data;
	return inkan_p11_login (tok, user, pin);
}

inkan_err
inkan_token_login (inkan_token *tok, inkan_user user, const inkan_secret *pin, unsigned flags)
{
	inkan_err err = guarded (tok, user, pin, flags, op_login, NULL, "C_Login");

	if (err == INKAN_OK)
		tok->logged_in = 1;
	return err;
}

static CK_RV
op_set_pin (inkan_token *tok, inkan_user user, const inkan_secret *old, void *data)
{
	const inkan_secret *new_pin = data;

	(void) user;
	return inkan_p11_set_pin (tok, old, new_pin);
}

/* OpenSC's jpki driver cannot change a PIN: inkan does, over PC/SC, in
 * the token's reader; the card's status words are told to the guard as the
 * PKCS#11 codes they mean, and a PC/SC failure is kept whole for the
 * caller. */
typedef struct {
	const inkan_card_pin_def *def;
	const char *reader;
	const inkan_secret *new_pin;
	inkan_err err;
	char why[512];
} pcsc_change;

static CK_RV
op_pcsc_change (inkan_token *tok, inkan_user user, const inkan_secret *old, void *data)
{
	pcsc_change *pc = data;
	unsigned sw = 0;

	(void) user;
	(void) tok;
	pc->err = inkan_card_pin_change (pc->reader, &pc->def->pcsc, inkan_secret_data (old), inkan_secret_len (old),
	                                 inkan_secret_data (pc->new_pin), inkan_secret_len (pc->new_pin), &sw);
	if (pc->err != INKAN_OK) {
		snprintf (pc->why, sizeof pc->why, "%s", inkan_detail ());
		/* A card pulled mid-exchange may have counted the PIN: not a
		 * code that gives the try back (pin_not_sent). */
		return CKR_DEVICE_ERROR;
	}
	if (sw == 0x9000)
		return CKR_OK;
	if ((sw & 0xFFF0) == 0x63C0)
		return CKR_PIN_INCORRECT;
	if (sw == 0x6983 || sw == 0x6984)
		return CKR_PIN_LOCKED;
	pc->err = INKAN_ERR_TOKEN;
	snprintf (pc->why, sizeof pc->why, _("the card refused the PIN change (status %04X)"), sw);
	return CKR_DEVICE_ERROR;
}

inkan_err
inkan_pin_change (inkan_token *tok, inkan_user user, const inkan_secret *old_pin,
                  const inkan_secret *new_pin, unsigned flags)
{
	const inkan_card_pin_def *def = pin_def (tok, user);
	inkan_secret *sent = NULL;
	char *reader = NULL;
	inkan_err err;

	/* The new PIN is checked before the old one costs a try. */
	err = check_rules (def, new_pin);
	if (err == INKAN_OK)
		err = normalise (def, new_pin, &sent);
	/* C_SetPIN changes the PIN of whoever is logged in, the user's in a
	 * public session: the SO must log in first. */
	if (err == INKAN_OK && user == INKAN_USER_SO)
		err = inkan_token_login (tok, user, old_pin, flags);
	if (err == INKAN_OK && def->change_by_pcsc)
		err = inkan_token_reader (&tok->info, &reader);
	if (err == INKAN_OK && def->change_by_pcsc) {
		pcsc_change pc = { .def = def, .reader = reader, .new_pin = sent };

		err = guarded (tok, user, old_pin, flags, op_pcsc_change, &pc, _("the card's PIN change over PC/SC"));
		if (pc.err != INKAN_OK)
			err = inkan_fail (pc.err, "%s", pc.why);
	} else if (err == INKAN_OK)
		err = guarded (tok, user, old_pin, flags, op_set_pin, sent, "C_SetPIN");
	inkan_secret_free (sent);
	free (reader);
	return err;
}

inkan_err
inkan_pin_unblock (inkan_token *tok, const inkan_secret *so_pin, const inkan_secret *new_pin, unsigned flags)
{
	const inkan_card_pin_def *def = pin_def (tok, INKAN_USER_NORMAL);
	inkan_secret *sent = NULL;
	char *path = NULL;
	inkan_err err;
	CK_RV rv;

	err = check_rules (def, new_pin);
	if (err == INKAN_OK)
		err = normalise (def, new_pin, &sent);
	if (err == INKAN_OK)
		err = inkan_token_login (tok, INKAN_USER_SO, so_pin, flags);
	if (err != INKAN_OK)
		goto out;
	pthread_mutex_lock (&tok->lock);
	rv = inkan_p11_init_pin (tok, sent);
	/* OpenSC refuses unless told how its cards unblock: say how */
	if (rv == CKR_FUNCTION_NOT_SUPPORTED)
		err = inkan_fail (INKAN_ERR_UNSUPPORTED, "%s",
		                  _("the module cannot set the user PIN with the SO PIN (C_InitPIN); for OpenSC, set "
		                    "user_pin_unblock_style = init_pin_in_so_session in the pkcs11 block of opensc.conf"));
	else if (rv != CKR_OK)
		err = inkan_p11_fail (rv, "C_InitPIN");
	if (err == INKAN_OK)
		err = record_path (tok, INKAN_USER_NORMAL, &path);
	if (err == INKAN_OK)
		err = inkan_pin_record_write (path, 0);
	pthread_mutex_unlock (&tok->lock);
out:
	inkan_secret_free (sent);
	free (path);
	return err;
}
