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
	if (!inkan_card_serial_identifies (inkan_card_profile_of_token (&tok->info), tok->info.serial)) {
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

/* The status of USER's PIN from the record at PATH, the token's FLAGS and
 * BY_CARD, the card's own count (-1: none). */
static inkan_err
status_locked (inkan_token *tok, inkan_user user, const char *path, CK_FLAGS flags, int by_card,
               inkan_pin_status *st)
{
	const inkan_card_pin_def *def = pin_def (tok, user);
	CK_FLAGS low = user == INKAN_USER_SO ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW;
	CK_FLAGS final = user == INKAN_USER_SO ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY;
	CK_FLAGS locked = user == INKAN_USER_SO ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED;
	inkan_err err;
	int by_record;

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

	/* A card that tells its count is the truth: it counted every PIN it
	 * was sent, by whatever program.  Else the lowest figure wins: the
	 * record and the flags can each only know of more failures than the
	 * other, never of tries the token does not have. */
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
	const inkan_card_pin_def *def = pin_def (tok, user);
	CK_FLAGS flags = 0;
	char *path = NULL;
	inkan_err err;

	pthread_mutex_lock (&tok->lock);
	err = record_path (tok, user, &path);
	if (err == INKAN_OK)
		err = inkan_p11_token_flags (tok, &flags);
	if (err == INKAN_OK)
		err = status_locked (tok, user, path, flags, def->pcsc.aid != NULL ? card_tries (tok, def) : -1, out);
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
inkan_pin_check_rules_for (inkan_token *tok, inkan_user user, const inkan_secret *pin)
{
	return check_rules (pin_def (tok, user), pin);
}

inkan_err
inkan_pin_check_rules (inkan_token *tok, const inkan_secret *pin)
{
	return inkan_pin_check_rules_for (tok, INKAN_USER_NORMAL, pin);
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

/* One PIN on its way to the token, as the guard hands it to an operation:
 * the card's PIN as the model knows it, and the transaction with the card
 * in which its count was read, when there is one. */
typedef struct {
	inkan_user user;
	const inkan_card_pin_def *def;
	inkan_card_pin_session card;
	void *data;
	/* A failure of the operation's own (PC/SC, the card's refusal), kept
	 * whole for the caller instead of the CK_RV it is told as. */
	inkan_err err;
	char why[512];
} pin_call;

typedef CK_RV (*pin_op) (inkan_token *tok, const inkan_secret *pin, pin_call *c);

static const char *
who (inkan_user user)
{
	return user == INKAN_USER_SO ? _("SO PIN") : _("user PIN");
}

/* The card's answer SW to WHAT, as the PKCS#11 code the guard reads. */
static CK_RV
card_rv (pin_call *c, inkan_err err, unsigned sw, const char *what)
{
	if (err != INKAN_OK) {
		c->err = err;
		snprintf (c->why, sizeof c->why, "%s", inkan_detail ());
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
	c->err = INKAN_ERR_TOKEN;
	snprintf (c->why, sizeof c->why, _("the card refused %s (status %04X)"), what, sw);
	return CKR_DEVICE_ERROR;
}

/* VERIFY of the PIN over PC/SC, in the transaction that read the count;
 * CKR_OK when the card took it. */
static CK_RV
card_verify (pin_call *c, const inkan_secret *pin)
{
	unsigned sw = 0;
	inkan_err err = inkan_card_pin_verify (&c->card, inkan_secret_data (pin), inkan_secret_len (pin), &sw);

	return card_rv (c, err, sw, _("the PIN"));
}

/*
 * Where the card takes the PIN as typed, it is verified over PC/SC first,
 * in the transaction that read the count: no other program's PIN can come
 * between the count and this one, so a decision taken on the count holds.
 * Only a PIN the card took goes on to the module (whose own VERIFY then
 * cannot fail for want of tries); the transaction ends before, as OpenSC in
 * this process waits for it.
 */
static CK_RV
verify_first (pin_call *c, const inkan_secret *pin)
{
	CK_RV rv = CKR_OK;

	if (c->def->verify_by_pcsc && inkan_card_pin_is_open (&c->card))
		rv = card_verify (c, pin);
	inkan_card_pin_close (&c->card);
	return rv;
}

/* The operations that need the card's transaction cannot be sent
 * without it: nothing was, and the guard gives the try back. */
static CK_RV
need_card (pin_call *c)
{
	if (inkan_card_pin_is_open (&c->card))
		return CKR_OK;
	c->err = INKAN_ERR_DEVICE_REMOVED;
	snprintf (c->why, sizeof c->why, "%s", _("the card's reader cannot be reached over PC/SC"));
	return CKR_TOKEN_NOT_PRESENT;
}

/*
 * Send PIN to the token through OP, under the rules: nothing to a locked
 * PIN, the last try only with consent, and the record counted *before*
 * the PIN leaves, so that a crash mid-way never forgets a failure.  The
 * record's lock makes every program using libinkan take its turn; the
 * card's transaction, from reading its count to the PIN's VERIFY, keeps
 * out every other program, whatever record it keeps.
 */
static inkan_err
guarded (inkan_token *tok, inkan_user user, const inkan_secret *pin, unsigned flags,
         pin_op op, void *data, const char *call)
{
	pin_call c = { .user = user, .def = pin_def (tok, user), .data = data };
	inkan_pin_status st;
	inkan_secret *sent = NULL;
	CK_FLAGS token_flags = 0;
	char *path = NULL, *reader = NULL;
	int lock = -1, by_card = -1;
	inkan_err err;
	CK_RV rv;

	pthread_mutex_lock (&tok->lock);
	err = record_path (tok, user, &path);
	/* Another process may be between reading the record and writing it
	 * back: without the lock, two of them could each see two tries left
	 * and send the last one between them without consent. */
	if (err == INKAN_OK)
		err = inkan_pin_record_lock (path, &lock);
	/* The module is asked before the card's transaction begins: it
	 * would wait for it. */
	if (err == INKAN_OK)
		err = inkan_p11_token_flags (tok, &token_flags);
	if (err != INKAN_OK)
		goto out;
	/* No reader or no answer: the other sources stand in for the count. */
	if (c.def->pcsc.aid != NULL && inkan_token_reader (&tok->info, &reader) == INKAN_OK &&
	    inkan_card_pin_open (reader, &c.def->pcsc, &c.card) == INKAN_OK &&
	    inkan_card_pin_query (&c.card, &by_card) != INKAN_OK) {
		inkan_card_pin_close (&c.card);
		by_card = -1;
	}
	inkan_detail_clear ();
	err = status_locked (tok, user, path, token_flags, by_card, &st);
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
	err = normalise (c.def, pin, &sent);
	if (err == INKAN_OK)
		err = inkan_pin_record_write (path, st.failures + 1);
	if (err != INKAN_OK)
		goto out;

	rv = op (tok, sent, &c);
	inkan_card_pin_close (&c.card);

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
	} else {
		/* The record was raised before the PIN left: put it back as it
		 * was when the PIN cannot have reached the token (if that
		 * fails, the record keeps the failure: the safe side).  Else
		 * whether the token counted it is unknown: the record keeps the
		 * failure, the safe side. */
		if (pin_not_sent (tok, rv))
			(void) inkan_pin_record_write (path, st.failures);
		err = c.err != INKAN_OK ? inkan_fail (c.err, "%s", c.why) : inkan_p11_fail (rv, call);
	}
out:
	inkan_card_pin_close (&c.card);
	inkan_pin_record_unlock (lock);
	pthread_mutex_unlock (&tok->lock);
	inkan_secret_free (sent);
	free (reader);
	free (path);
	return err;
}

static CK_RV
op_login (inkan_token *tok, const inkan_secret *pin, pin_call *c)
{
	CK_RV rv = verify_first (c, pin);

	return rv == CKR_OK ? inkan_p11_login (tok, c->user, pin) : rv;
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
op_set_pin (inkan_token *tok, const inkan_secret *old, pin_call *c)
{
	CK_RV rv = verify_first (c, old);

	return rv == CKR_OK ? inkan_p11_set_pin (tok, old, c->data) : rv;
}

/* OpenSC's jpki driver cannot change a PIN: inkan does, over PC/SC, the
 * old PIN's VERIFY and the change in the one transaction. */
static CK_RV
op_pcsc_change (inkan_token *tok, const inkan_secret *old, pin_call *c)
{
	const inkan_secret *new_pin = c->data;
	unsigned sw = 0;
	CK_RV rv = need_card (c);

	(void) tok;
	if (rv == CKR_OK)
		rv = card_verify (c, old);
	if (rv == CKR_OK) {
		inkan_err err = inkan_card_pin_set_verified (&c->card, inkan_secret_data (new_pin),
		                                             inkan_secret_len (new_pin), &sw);

		rv = card_rv (c, err, sw, _("the PIN change"));
	}
	return rv;
}

inkan_err
inkan_pin_change (inkan_token *tok, inkan_user user, const inkan_secret *old_pin,
                  const inkan_secret *new_pin, unsigned flags)
{
	const inkan_card_pin_def *def = pin_def (tok, user);
	inkan_secret *sent = NULL;
	inkan_err err;

	/* The new PIN is checked before the old one costs a try. */
	err = check_rules (def, new_pin);
	if (err == INKAN_OK)
		err = normalise (def, new_pin, &sent);
	/* C_SetPIN changes the PIN of whoever is logged in, the user's in a
	 * public session: the SO must log in first. */
	if (err == INKAN_OK && user == INKAN_USER_SO && !def->change_by_pcsc)
		err = inkan_token_login (tok, user, old_pin, flags);
	if (err == INKAN_OK)
		err = guarded (tok, user, old_pin, flags, def->change_by_pcsc ? op_pcsc_change : op_set_pin, sent,
		               def->change_by_pcsc ? _("the card's PIN change over PC/SC") : "C_SetPIN");
	inkan_secret_free (sent);
	return err;
}

/* What an unblock over PC/SC sets: the user PIN TARGET, to NEW_PIN. */
typedef struct {
	const inkan_card_pin_def *target;
	const inkan_secret *new_pin;
} pcsc_reset;

/* VERIFY of the unblocking PIN and RESET RETRY COUNTER, in the one
 * transaction; then the card is told to forget that PIN (VERIFY FF, which
 * cards before OpenPGP 3 ignore), so that no program after this one finds
 * it verified. */
static CK_RV
op_pcsc_reset (inkan_token *tok, const inkan_secret *so_pin, pin_call *c)
{
	const pcsc_reset *r = c->data;
	unsigned sw = 0;
	CK_RV rv = need_card (c);

	(void) tok;
	if (rv == CKR_OK)
		rv = card_verify (c, so_pin);
	if (rv == CKR_OK) {
		inkan_err err = inkan_card_pin_reset (&c->card, r->target, inkan_secret_data (r->new_pin),
		                                      inkan_secret_len (r->new_pin), &sw);

		rv = card_rv (c, err, sw, _("the PIN reset"));
	}
	if (rv == CKR_OK)
		inkan_card_pin_forget (&c->card);
	return rv;
}

/* C_InitPIN in the SO's session, for tokens inkan cannot unblock itself. */
static inkan_err
init_pin (inkan_token *tok, const inkan_secret *so_pin, const inkan_secret *new_pin, unsigned flags)
{
	inkan_err err = inkan_token_login (tok, INKAN_USER_SO, so_pin, flags);
	CK_RV rv;

	if (err != INKAN_OK)
		return err;
	pthread_mutex_lock (&tok->lock);
	rv = inkan_p11_init_pin (tok, new_pin);
	pthread_mutex_unlock (&tok->lock);
	/* OpenSC refuses unless told how its cards unblock: say how */
	if (rv == CKR_FUNCTION_NOT_SUPPORTED)
		return inkan_fail (INKAN_ERR_UNSUPPORTED, "%s",
		                   _("the module cannot set the user PIN with the SO PIN (C_InitPIN); for OpenSC, set "
		                     "user_pin_unblock_style = init_pin_in_so_session in the pkcs11 block of opensc.conf"));
	return rv == CKR_OK ? INKAN_OK : inkan_p11_fail (rv, "C_InitPIN");
}

inkan_err
inkan_pin_unblock (inkan_token *tok, const inkan_secret *so_pin, const inkan_secret *new_pin, unsigned flags)
{
	const inkan_card_pin_def *def = pin_def (tok, INKAN_USER_NORMAL);
	pcsc_reset r = { .target = def };
	inkan_secret *sent = NULL;
	char *path = NULL, *reader = NULL;
	inkan_err err;

	err = check_rules (def, new_pin);
	if (err == INKAN_OK)
		err = normalise (def, new_pin, &sent);
	if (err != INKAN_OK)
		goto out;
	r.new_pin = sent;
	/* Over PC/SC where the card model knows how and the card's reader is
	 * known: OpenSC does it only when configured to. */
	if (def->reset_by != NULL && strcmp (pin_def (tok, INKAN_USER_SO)->name, def->reset_by) == 0 &&
	    inkan_token_reader (&tok->info, &reader) == INKAN_OK)
		err = guarded (tok, INKAN_USER_SO, so_pin, flags, op_pcsc_reset, &r, _("the card's PIN reset over PC/SC"));
	else
		err = init_pin (tok, so_pin, sent, flags);
	pthread_mutex_lock (&tok->lock);
	if (err == INKAN_OK)
		err = record_path (tok, INKAN_USER_NORMAL, &path);
	if (err == INKAN_OK)
		err = inkan_pin_record_write (path, 0);
	pthread_mutex_unlock (&tok->lock);
out:
	inkan_secret_free (sent);
	free (reader);
	free (path);
	return err;
}
