/* inkan-kiosk — renewal on the card. */
#include "renew.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <inkan/enroll.h>
#include <inkan/key.h>
#include "ca.h"
#include "card.h"

void
kiosk_renew_clear (kiosk_renew *rn)
{
	kiosk_issue_clear (&rn->iss);
	X509_free (rn->old_cert);
	g_free (rn->old_serial);
	memset (rn, 0, sizeof *rn);
}

/* Journal a step of this renewal; a journal that cannot record stops it. */
static inkan_err
record (kiosk_renew *rn, kiosk_step step, inkan_err result, X509 *cert, char **why)
{
	inkan_err err = kiosk_session_record (rn->iss.s, rn->iss.card_id, KIOSK_OP_RENEW, step, result, rn->iss.key_uri,
	                                      cert, why);

	return err != INKAN_OK ? err : result;
}

/* Whether the journal shows CERT issued on this very card. */
static inkan_err
issued_here (kiosk_renew *rn, char **why)
{
	char *card = NULL;
	inkan_err err = kiosk_journal_card_of (rn->iss.s->settings->audit_log, rn->old_serial, &card);

	if (err == INKAN_OK && strcmp (card, rn->iss.card_id) != 0)
		err = INKAN_ERR_NOT_FOUND;
	if (err == INKAN_ERR_NOT_FOUND)
		*why = g_strdup_printf (_("The journal shows no issuance of the card's certificate (serial number %s) on "
		                          "this card: it cannot be renewed here."), rn->old_serial);
	else if (err != INKAN_OK)
		*why = g_strdup_printf (_("The journal cannot be read: %s"), inkan_detail ());
	free (card);
	return err;
}

inkan_err
kiosk_renew_find_card (kiosk_session *s, kiosk_renew *rn, char **why)
{
	const kiosk_resume *r;
	inkan_err err;

	memset (rn, 0, sizeof *rn);
	err = kiosk_card_find (s, &rn->iss, why);
	if (err != INKAN_OK)
		return err;
	r = &rn->iss.resume;
	if (r->kind == KIOSK_RESUME_WRITE && r->op == KIOSK_OP_RENEW) {
		/* The CA answered, the card never got it: write it from the journal. */
		err = kiosk_issue_resume (&rn->iss, why);
		rn->write_only = err == INKAN_OK;
		return err;
	}
	if (r->kind != KIOSK_RESUME_NONE && !(r->kind == KIOSK_RESUME_RESTART && r->op == KIOSK_OP_RENEW)) {
		*why = g_strdup (r->op == KIOSK_OP_ISSUE
		                 ? _("An issuance on this card is not finished: finish it on the Issue screen first.")
		                 /* The Issue screen applies the rule (kiosk_resume_decide) whatever the operation. */
		                 : _("A renewal on this card left its certificate written but its receipt never "
		                     "acknowledged: read the card on the Issue screen, which checks what the card holds "
		                     "and re-uses, writes again or revokes it."));
		return INKAN_ERR_USAGE;
	}
	err = kiosk_card_current_cert (&rn->iss, &rn->old_cert, &rn->iss.key_uri, why);
	if (err != INKAN_OK)
		return err;
	rn->old_serial = kiosk_cert_serial (rn->old_cert);
	err = issued_here (rn, why);
	/* What the journal's steps are filed under from here on. */
	rn->iss.resume.op = KIOSK_OP_RENEW;
	return err;
}

char *
kiosk_renew_describe (const kiosk_renew *rn)
{
	return kiosk_cert_receipt (rn->write_only ? rn->iss.cert : rn->old_cert, NULL);
}

inkan_err
kiosk_renew_enrol (kiosk_renew *rn, const inkan_secret *pin, unsigned flags, char **why)
{
	kiosk_issue *iss = &rn->iss;
	inkan_token *tok = NULL;
	inkan_key *key = NULL;
	inkan_enroll *e = NULL;
	STACK_OF(X509) *trusted = NULL;
	inkan_err err = inkan_token_open (iss->s->card_ctx, iss->key_uri, &tok);

	*why = NULL;
	if (err != INKAN_OK) {
		*why = g_strdup_printf ("%s: %s", _("The card cannot be opened (was it taken out?)"), inkan_detail ());
		return err;
	}
	/* Asking for the last try sends nothing: not an event of the card's. */
	err = inkan_token_login (tok, INKAN_USER_NORMAL, pin, flags);
	if (err == INKAN_ERR_PIN_FINAL_TRY)
		goto out;
	if (err != INKAN_OK)
		*why = g_strdup_printf ("%s: %s", _("The resident's PIN was not accepted"), inkan_detail ());
	err = record (rn, KIOSK_STEP_BEGIN, err, rn->old_cert, why);
	if (err == INKAN_OK && (err = inkan_key_open (tok, iss->key_uri, &key)) != INKAN_OK)
		*why = g_strdup_printf ("%s: %s", _("The card's key cannot be found"), inkan_detail ());
	if (err == INKAN_OK)
		err = kiosk_ca_client (iss->s, &e, &trusted, why);
	if (err == INKAN_OK)
		err = record (rn, KIOSK_STEP_REQUEST, INKAN_OK, NULL, why);
	if (err != INKAN_OK)
		goto out;
	X509_free (iss->cert);
	iss->cert = NULL;
	/* The same key, and it signs the request under the old certificate. */
	err = inkan_enroll_kur (e, key, rn->old_cert, key, &iss->cert);
	if (err != INKAN_OK)
		kiosk_ca_answer_why (e, err, why);
	err = record (rn, KIOSK_STEP_ISSUED, err, iss->cert, why);
out:
	ERR_clear_error ();
	inkan_enroll_free (e);
	sk_X509_pop_free (trusted, X509_free);
	inkan_key_free (key);
	inkan_token_free (tok);
	return err;
}
