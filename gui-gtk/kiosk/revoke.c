/* inkan-kiosk — revocation through the CA, journalled. */
#include "revoke.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <inkan/cert.h>
#include <inkan/enroll.h>
#include "ca.h"

static const struct {
	int code;
	const char *label;
} reasons[KIOSK_REVOKE_REASONS] = {
	{ 1, N_("The card was lost or stolen (key compromise)") },
	{ 3, N_("The holder's data changed (affiliation changed)") },
	{ 4, N_("A new certificate replaces it (superseded)") },
	{ 5, N_("The holder no longer needs it (cessation of operation)") },
	{ 9, N_("The holder is no longer entitled to it (privilege withdrawn)") },
	{ 0, N_("No reason given (unspecified)") },
};

int
kiosk_revoke_reason_code (unsigned index)
{
	return index < KIOSK_REVOKE_REASONS ? reasons[index].code : -1;
}

unsigned
kiosk_revoke_reason_index (int code)
{
	unsigned i;

	for (i = 0; i < KIOSK_REVOKE_REASONS && reasons[i].code != code; i++)
		;
	return i;
}

const char *
kiosk_revoke_reason_label (unsigned index)
{
	return index < KIOSK_REVOKE_REASONS ? _(reasons[index].label) : NULL;
}

void
kiosk_revoke_clear (kiosk_revoke *rv)
{
	X509_free (rv->cert);
	g_free (rv->card_id);
	g_free (rv->serial);
	g_free (rv->subject);
	memset (rv, 0, sizeof *rv);
}

inkan_err
kiosk_revoke_take (kiosk_session *s, X509 *cert, kiosk_revoke *rv, char **why)
{
	char *card = NULL;
	inkan_err err;

	*why = NULL;
	memset (rv, 0, sizeof *rv);
	rv->s = s;
	rv->cert = cert;
	rv->serial = kiosk_cert_serial (rv->cert);
	rv->subject = kiosk_cert_subject (rv->cert);
	/* Journalled under the card it was issued on, so that the revocation
	 * closes whatever that card had open; a certificate from elsewhere
	 * under its serial. */
	err = kiosk_journal_card_of (s->settings->audit_log, rv->serial, &card);
	if (err == INKAN_OK)
		rv->card_id = g_strdup (card);
	else if (err == INKAN_ERR_NOT_FOUND)
		rv->card_id = g_strdup_printf ("serial:%s", rv->serial);
	else {
		*why = g_strdup_printf (_("The journal cannot be read: %s"), inkan_detail ());
		goto out;
	}
	err = INKAN_OK;
	if (!kiosk_card_id_valid (rv->card_id)) {
		err = INKAN_ERR_BAD_INPUT;
		*why = g_strdup (_("The certificate's serial number cannot be journalled."));
	}
out:
	free (card);
	return err;
}

inkan_err
kiosk_revoke_from_der (kiosk_session *s, const uint8_t *der, size_t len, kiosk_revoke *rv, char **why)
{
	const unsigned char *p = der;
	X509 *cert = d2i_X509 (NULL, &p, (long) len);

	if (cert == NULL || p != der + len) {
		X509_free (cert);
		ERR_clear_error ();
		memset (rv, 0, sizeof *rv);
		*why = g_strdup (_("The certificate in the journal cannot be read."));
		return INKAN_ERR_BAD_INPUT;
	}
	return kiosk_revoke_take (s, cert, rv, why);
}

char *
kiosk_revoke_holder (const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *cert = d2i_X509 (NULL, &p, (long) len);
	char *holder = cert != NULL ? kiosk_cert_holder (cert) : NULL;

	X509_free (cert);
	ERR_clear_error ();
	return holder != NULL ? holder : g_strdup (_("(unreadable)"));
}

inkan_err
kiosk_revoke_load (kiosk_session *s, const char *path, kiosk_revoke *rv, char **why)
{
	STACK_OF(X509) *certs = NULL;
	inkan_err err;

	*why = NULL;
	memset (rv, 0, sizeof *rv);
	err = inkan_certs_load (NULL, path, NULL, 0, &certs);
	if (err == INKAN_OK && sk_X509_num (certs) < 1)
		err = INKAN_ERR_NOT_FOUND;
	if (err != INKAN_OK)
		*why = g_strdup_printf (_("No certificate can be read from %s: %s"), path, inkan_detail ());
	else
		err = kiosk_revoke_take (s, sk_X509_shift (certs), rv, why);
	ERR_clear_error ();
	sk_X509_pop_free (certs, X509_free);
	return err;
}

/* Journal a step; a journal that cannot record stops the revocation. */
static inkan_err
record (kiosk_revoke *rv, kiosk_step step, inkan_err result, char **why)
{
	inkan_err err = kiosk_session_record (rv->s, rv->card_id, KIOSK_OP_REVOKE, step, result, NULL, rv->cert, why);

	return err != INKAN_OK ? err : result;
}

inkan_err
kiosk_revoke_run (kiosk_revoke *rv, unsigned index, char **why)
{
	inkan_enroll *e = NULL;
	STACK_OF(X509) *trusted = NULL;
	int reason = kiosk_revoke_reason_code (index);
	inkan_err err = reason >= 0 ? INKAN_OK : INKAN_ERR_BAD_INPUT;

	*why = NULL;
	if (err == INKAN_OK)
		err = kiosk_ca_client (rv->s, &e, &trusted, why);
	if (err == INKAN_OK)
		err = record (rv, KIOSK_STEP_BEGIN, INKAN_OK, why);
	if (err != INKAN_OK)
		goto out;
	err = inkan_enroll_rr (e, rv->cert, reason);
	if (err != INKAN_OK)
		kiosk_ca_answer_why (e, err, why);
	err = record (rv, KIOSK_STEP_REVOKED, err, why);
	if (err == INKAN_OK)
		err = record (rv, KIOSK_STEP_DONE, INKAN_OK, why);
out:
	ERR_clear_error ();
	inkan_enroll_free (e);
	sk_X509_pop_free (trusted, X509_free);
	return err;
}
