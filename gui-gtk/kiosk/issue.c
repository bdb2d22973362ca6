/* inkan-kiosk — issuance on the card, step by step. */
#include "issue.h"

#include <glib/gi18n.h>
#include <string.h>
#include <openssl/err.h>
#include <inkan/cert.h>
#include <inkan/enroll.h>
#include <inkan/object.h>
#include <inkan/pin.h>
#include "ca.h"
#include "card.h"
#include "revoke.h"

void
kiosk_issue_clear (kiosk_issue *iss)
{
	g_free (iss->card_id);
	g_free (iss->token_uri);
	kiosk_resume_clear (&iss->resume);
	kiosk_holder_clear (&iss->holder);
	g_free (iss->key_uri);
	X509_free (iss->cert);
	memset (iss, 0, sizeof *iss);
}

static void
fail_why (char **why, const char *what)
{
	g_free (*why);
	*why = g_strdup_printf ("%s: %s", what, inkan_detail ());
}

/* Journal a step of this issuance; a journal that cannot record stops it. */
static inkan_err
record (kiosk_issue *iss, kiosk_step step, inkan_err result, char **why)
{
	kiosk_op op = iss->resume.op == KIOSK_OP_RENEW ? KIOSK_OP_RENEW : KIOSK_OP_ISSUE;
	inkan_err err = kiosk_session_record (iss->s, iss->card_id, op, step, result, iss->key_uri, iss->cert, why);

	return err != INKAN_OK ? err : result;
}

inkan_err
kiosk_issue_find_card (kiosk_session *s, kiosk_issue *iss, char **why)
{
	inkan_err err = kiosk_card_find (s, iss, why);

	if (err == INKAN_OK && !inkan_card_profile_can_generate (iss->profile)) {
		err = INKAN_ERR_UNSUPPORTED;
		*why = g_strdup_printf (_("This card (%s) cannot generate keys."), inkan_card_profile_description (iss->profile));
	}
	return err;
}

inkan_err
kiosk_issue_begin (kiosk_issue *iss, char **why)
{
	iss->resume.op = KIOSK_OP_ISSUE;
	return record (iss, KIOSK_STEP_BEGIN, INKAN_OK, why);
}

inkan_err
kiosk_issue_set_holder (kiosk_issue *iss, const char *name, const char *birth, const char *sex, const char *address,
                        char **why)
{
	inkan_err err = kiosk_holder_set (&iss->holder, name, birth, sex, address, why);

	/* What staff mistyped is not an event of the card's: not journalled. */
	if (err != INKAN_OK)
		return err;
	return record (iss, KIOSK_STEP_HOLDER, INKAN_OK, why);
}

char *
kiosk_issue_pin_rule (kiosk_issue *iss)
{
	inkan_card_pin_info pins[8];
	size_t n = inkan_card_profile_pins (iss->profile, pins, G_N_ELEMENTS (pins));

	for (size_t i = 0; i < n && i < G_N_ELEMENTS (pins); i++)
		if (pins[i].role == INKAN_USER_NORMAL && pins[i].rule != NULL)
			return g_strdup (pins[i].rule);
	return g_strdup (_("The card's PIN rules are not known: choose one the resident will remember."));
}

/* A token of the card: its first, or the one a key URI names. */
static inkan_err
open_card (kiosk_issue *iss, const char *uri, inkan_token **tok, char **why)
{
	inkan_err err = inkan_token_open (iss->s->card_ctx, uri != NULL ? uri : iss->token_uri, tok);

	if (err != INKAN_OK)
		fail_why (why, _("The card cannot be opened (was it taken out?)"));
	return err;
}

inkan_err
kiosk_issue_set_pin (kiosk_issue *iss, const inkan_secret *admin, const inkan_secret *new_pin, char **why)
{
	inkan_token *tok = NULL;
	inkan_err err = open_card (iss, NULL, &tok, why);

	if (err != INKAN_OK)
		return record (iss, KIOSK_STEP_PINS, err, why);
	/* The rules first: nothing that could cost a try is sent for a PIN the card would refuse. */
	err = inkan_pin_check_rules (tok, new_pin);
	if (err != INKAN_OK) {
		fail_why (why, _("The new PIN does not meet the card's rules"));
		inkan_token_free (tok);
		return err;
	}
	err = inkan_pin_unblock (tok, admin, new_pin, 0);
	if (err != INKAN_OK)
		fail_why (why, _("The resident's PIN could not be set"));
	inkan_token_free (tok);
	return record (iss, KIOSK_STEP_PINS, err, why);
}

inkan_err
kiosk_issue_keygen (kiosk_issue *iss, const inkan_secret *admin, char **why)
{
	inkan_keygen_params params = { .label = "inkan kiosk" };
	inkan_keygen_result res = { 0 };
	inkan_token *tok = NULL;
	inkan_err err = open_card (iss, NULL, &tok, why);

	if (err == INKAN_OK)
		err = inkan_keygen_parse_type (iss->s->settings->key_type, &params);
	if (err == INKAN_OK) {
		err = inkan_card_keygen (tok, admin, 0, INKAN_KEY_PURPOSE_SIGNATURE, &params, &res);
		if (err != INKAN_OK)
			fail_why (why, _("The key pair could not be generated on the card"));
	}
	if (err == INKAN_OK) {
		g_free (iss->key_uri);
		iss->key_uri = g_strdup (res.private_uri);
	}
	inkan_keygen_result_clear (&res);
	inkan_token_free (tok);
	err = record (iss, KIOSK_STEP_KEYGEN, err, why);
	return err == INKAN_OK ? kiosk_session_reload_cards (iss->s, why) : err;
}

inkan_err
kiosk_issue_enrol (kiosk_issue *iss, const inkan_secret *pin, char **why)
{
	inkan_token *tok = NULL;
	inkan_key *key = NULL;
	inkan_enroll *e = NULL;
	STACK_OF(X509) *trusted = NULL;
	X509_NAME *subject = NULL;
	char **sans = NULL;
	inkan_err err = open_card (iss, iss->key_uri, &tok, why);

	if (err == INKAN_OK && (err = inkan_token_login (tok, INKAN_USER_NORMAL, pin, 0)) != INKAN_OK)
		fail_why (why, _("The resident's PIN was not accepted"));
	if (err == INKAN_OK && (err = inkan_key_open (tok, iss->key_uri, &key)) != INKAN_OK)
		fail_why (why, _("The card's key cannot be found"));
	if (err == INKAN_OK)
		err = kiosk_holder_request (&iss->holder, strcmp (iss->s->settings->holder_data, "jpki") == 0,
		                            iss->card_id, &subject, &sans);
	if (err == INKAN_OK)
		err = kiosk_ca_client (iss->s, &e, &trusted, why);
	if (err != INKAN_OK)
		goto out;
	err = record (iss, KIOSK_STEP_REQUEST, INKAN_OK, why);
	if (err != INKAN_OK)
		goto out;
	X509_free (iss->cert);
	iss->cert = NULL;
	err = inkan_enroll_ir (e, key, subject, (const char *const *) sans, sans != NULL ? g_strv_length (sans) : 0,
	                       &iss->cert);
	if (err != INKAN_OK)
		kiosk_ca_answer_why (e, err, why);
	err = record (iss, KIOSK_STEP_ISSUED, err, why);
out:
	ERR_clear_error ();
	g_strfreev (sans);
	X509_NAME_free (subject);
	inkan_enroll_free (e);
	sk_X509_pop_free (trusted, X509_free);
	inkan_key_free (key);
	inkan_token_free (tok);
	return err;
}

/* The card's public key, the other half of ISS->key_uri. */
static inkan_err
card_pubkey (kiosk_issue *iss, inkan_token *tok, EVP_PKEY **pub, char **why)
{
	char **parts = g_strsplit (iss->key_uri, "type=private", 2), *pub_uri = g_strjoinv ("type=public", parts);
	inkan_err err = inkan_pubkey_get (tok, pub_uri, pub);

	if (err != INKAN_OK)
		fail_why (why, _("The card's public key cannot be read"));
	g_strfreev (parts);
	g_free (pub_uri);
	return err;
}

/* Whether the card now holds CERT beside its key, and CERT certifies the key. */
static inkan_err
read_back (kiosk_issue *iss, inkan_token *tok, X509 *cert, char **why)
{
	inkan_token_cert *certs = NULL;
	size_t n = 0;
	unsigned char *der = NULL;
	int len = i2d_X509 (cert, &der), found = 0;
	EVP_PKEY *pub = NULL;
	inkan_err err = inkan_token_certs (tok, &certs, &n);

	for (size_t i = 0; err == INKAN_OK && i < n; i++)
		found |= len > 0 && certs[i].der_len == (size_t) len && memcmp (certs[i].der, der, (size_t) len) == 0;
	if (err == INKAN_OK && !found) {
		err = INKAN_ERR_TOKEN;
		*why = g_strdup (_("The certificate read back from the card is not the one written."));
	}
	if (err == INKAN_OK)
		err = card_pubkey (iss, tok, &pub, why);
	if (err == INKAN_OK && EVP_PKEY_eq (X509_get0_pubkey (cert), pub) != 1) {
		err = INKAN_ERR_BAD_SIGNATURE;
		*why = g_strdup (_("The certificate on the card does not certify the card's key."));
	}
	if (err != INKAN_OK && *why == NULL)
		fail_why (why, _("The certificate cannot be read back from the card"));
	EVP_PKEY_free (pub);
	OPENSSL_free (der);
	inkan_token_certs_free (certs, n);
	return err;
}

/* The slot holds one certificate: a renewal's replaces the one before
 * (removed first: the journal has the new one, so a card pulled between
 * the two is written from there).  *PRESENT: DER is there already. */
static inkan_err
clear_slot (inkan_token *tok, const inkan_card_key_slot *slot, const unsigned char *der, size_t len, int *present)
{
	inkan_token_cert *certs = NULL;
	size_t n = 0;
	inkan_err err = inkan_token_certs (tok, &certs, &n);

	*present = 0;
	for (size_t i = 0; err == INKAN_OK && i < n; i++) {
		if (certs[i].object.id_len != slot->id_len || memcmp (certs[i].object.id, slot->id, slot->id_len) != 0)
			continue;
		if (certs[i].der_len == len && memcmp (certs[i].der, der, len) == 0)
			*present = 1;
		else
			err = inkan_object_delete (tok, certs[i].object.uri);
	}
	inkan_token_certs_free (certs, n);
	return err;
}

inkan_err
kiosk_issue_write (kiosk_issue *iss, const inkan_secret *admin, char **why)
{
	inkan_card_key_slot slot;
	inkan_token *tok = NULL;
	unsigned char *der = NULL;
	int len = i2d_X509 (iss->cert, &der), present = 0;
	inkan_err err = open_card (iss, iss->key_uri, &tok, why);

	if (err == INKAN_OK && (err = inkan_token_login (tok, INKAN_USER_SO, admin, 0)) != INKAN_OK)
		fail_why (why, _("The office's admin PIN was not accepted"));
	if (err == INKAN_OK && !kiosk_card_signature_slot (iss->profile, &slot))
		err = INKAN_ERR_UNSUPPORTED;
	if (err == INKAN_OK && (err = clear_slot (tok, &slot, der, (size_t) len, &present)) != INKAN_OK)
		fail_why (why, _("The card's previous certificate could not be removed"));
	if (err == INKAN_OK && !present &&
	    (err = inkan_cert_import (tok, der, (size_t) len, "inkan kiosk", slot.id, slot.id_len, NULL)) != INKAN_OK)
		fail_why (why, _("The certificate could not be written to the card"));
	if (err == INKAN_OK)
		err = read_back (iss, tok, iss->cert, why);
	OPENSSL_free (der);
	inkan_token_free (tok);
	ERR_clear_error ();
	return record (iss, KIOSK_STEP_WRITTEN, err, why);
}

inkan_err
kiosk_issue_done (kiosk_issue *iss, char **why)
{
	return record (iss, KIOSK_STEP_DONE, INKAN_OK, why);
}

inkan_err
kiosk_issue_unacknowledged (kiosk_issue *iss, kiosk_ack_action *action, char **why)
{
	inkan_card_key_slot slot;
	inkan_token_cert *certs = NULL, *in_slot = NULL;
	inkan_token *tok = NULL;
	EVP_PKEY *pub = NULL;
	X509 *on_card = NULL;
	size_t n = 0;
	int certifies = 0;
	inkan_err err = open_card (iss, iss->key_uri, &tok, why);

	if (err == INKAN_OK && !kiosk_card_signature_slot (iss->profile, &slot))
		err = INKAN_ERR_UNSUPPORTED;
	if (err == INKAN_OK && (err = inkan_token_certs (tok, &certs, &n)) != INKAN_OK)
		fail_why (why, _("The certificates on the card cannot be read"));
	for (size_t i = 0; err == INKAN_OK && i < n; i++)
		if (certs[i].object.id_len == slot.id_len && memcmp (certs[i].object.id, slot.id, slot.id_len) == 0)
			in_slot = &certs[i];
	if (in_slot != NULL) {
		const unsigned char *p = in_slot->der;
		on_card = d2i_X509 (NULL, &p, (long) in_slot->der_len);
		err = card_pubkey (iss, tok, &pub, why);
		certifies = err == INKAN_OK && on_card != NULL && EVP_PKEY_eq (X509_get0_pubkey (on_card), pub) == 1;
	}
	if (err == INKAN_OK)
		*action = kiosk_resume_decide (&iss->resume, in_slot != NULL ? in_slot->der : NULL,
		                               in_slot != NULL ? in_slot->der_len : 0, certifies);
	ERR_clear_error ();
	X509_free (on_card);
	EVP_PKEY_free (pub);
	inkan_token_certs_free (certs, n);
	inkan_token_free (tok);
	return err;
}

inkan_err
kiosk_issue_reuse (kiosk_issue *iss, char **why)
{
	return record (iss, KIOSK_STEP_REUSED, INKAN_OK, why);
}

inkan_err
kiosk_issue_revoke_unacknowledged (kiosk_issue *iss, char **why)
{
	kiosk_revoke rv = { 0 };
	inkan_err err = kiosk_revoke_take (iss->s, X509_dup (iss->cert), &rv, why);

	/* Never handed over, and the card holds another: replaced. */
	if (err == INKAN_OK)
		err = kiosk_revoke_run (&rv, kiosk_revoke_reason_index (4), why);
	kiosk_revoke_clear (&rv);
	return err;
}

inkan_err
kiosk_issue_resume (kiosk_issue *iss, char **why)
{
	const unsigned char *p = iss->resume.cert_der;

	g_free (iss->key_uri);
	iss->key_uri = g_strdup (iss->resume.key_uri);
	if (iss->resume.kind == KIOSK_RESUME_WRITE || iss->resume.kind == KIOSK_RESUME_ACKNOWLEDGE) {
		X509_free (iss->cert);
		iss->cert = d2i_X509 (NULL, &p, (long) iss->resume.cert_len);
		if (iss->cert == NULL) {
			*why = g_strdup (_("The certificate in the journal cannot be read."));
			return INKAN_ERR_BAD_INPUT;
		}
	}
	return iss->key_uri != NULL ? INKAN_OK : INKAN_ERR_BAD_INPUT;
}
