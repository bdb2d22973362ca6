/* inkan-kiosk — the CMP client for the counter's CA. */
#include "ca.h"

#include <glib/gi18n.h>
#include <inkan/cert.h>
#include <inkan/secret.h>

/* A CMP client for this counter's CA, as the settings say. */
inkan_err
kiosk_ca_client (kiosk_session *s, inkan_enroll **out, STACK_OF(X509) **keep, char **why)
{
	kiosk_settings *st = s->settings;
	inkan_enroll *e = NULL;
	inkan_secret *secret = NULL;
	STACK_OF(X509) *all = sk_X509_new_null ();
	inkan_err err = inkan_enroll_new (st->ca_url, &e);

	if (err == INKAN_OK)
		err = inkan_enroll_set_timeout (e, st->timeout);
	for (char **t = st->trusted; err == INKAN_OK && *t != NULL; t++) {
		STACK_OF(X509) *certs = NULL;
		err = inkan_certs_load (NULL, *t, NULL, 0, &certs);
		while (err == INKAN_OK && sk_X509_num (certs) > 0) {
			X509 *c = sk_X509_shift (certs);
			sk_X509_push (all, c);
			err = inkan_enroll_add_trusted (e, c);
		}
		sk_X509_pop_free (certs, X509_free);
	}
	if (err == INKAN_OK && st->protection == KIOSK_PROTECT_MAC) {
		err = inkan_secret_read (st->mac_secret, &secret);
		if (err == INKAN_OK)
			err = inkan_enroll_set_mac (e, st->mac_reference, secret);
	} else if (err == INKAN_OK) {
		err = s->staff_key != NULL ? inkan_enroll_set_signer (e, s->staff_cert, s->staff_key) : INKAN_ERR_NOT_LOGGED_IN;
	}
	inkan_secret_free (secret);
	if (err != INKAN_OK) {
		g_free (*why);
		*why = g_strdup_printf ("%s: %s", _("The CA client could not be set up"), inkan_detail ());
		inkan_enroll_free (e);
		sk_X509_pop_free (all, X509_free);
		return err;
	}
	*out = e;
	*keep = all;
	return INKAN_OK;
}

void
kiosk_ca_answer_why (inkan_enroll *e, inkan_err err, char **why)
{
	const inkan_enroll_answer *a = inkan_enroll_last_answer (e);

	g_free (*why);
	if (err == INKAN_ERR_REJECTED && a != NULL)
		*why = g_strdup_printf (_("The CA refused: %s%s%s"), a->status_name, a->text != NULL ? " — " : "",
		                        a->text != NULL ? a->text : "");
	else if (err != INKAN_ERR_IO)
		*why = g_strdup_printf (_("The certificate request failed: %s"), inkan_detail ());
	else
		*why = g_strdup_printf (_("The CA could not be reached or gave no usable answer: %s"), inkan_detail ());
}
