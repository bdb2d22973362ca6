/* inkan-kiosk — finding the resident's card and what it holds. */
#include "card.h"

#include <glib/gi18n.h>
#include <string.h>
#include <openssl/err.h>
#include <inkan/object.h>

/* The card's name in the journal: its serial, or where the serial does not
 * tell cards apart (JPKI), the hash of a certificate on it. */
static char *
card_id_of (kiosk_session *s, const inkan_card_profile *p, const inkan_token_info *info)
{
	int by_serial = inkan_card_serial_identifies (p, info->serial);
	inkan_token_cert *certs = NULL;
	inkan_token *tok = NULL;
	size_t n = 0;
	char *id;

	if (!by_serial && (inkan_token_open (s->card_ctx, info->uri, &tok) != INKAN_OK ||
	                   inkan_token_certs (tok, &certs, &n) != INKAN_OK))
		n = 0;
	id = kiosk_card_id (inkan_card_profile_id (p), info->serial != NULL ? info->serial : "", by_serial, certs, n);
	inkan_token_certs_free (certs, n);
	inkan_token_free (tok);
	return id;
}

/* The card's tokens: those of the settings' profile, SLOT_HAS (NULL: any)
 * in the label; the first one's index, or N. */
static size_t
card_token (kiosk_session *s, const inkan_token_info *infos, size_t n, const char *slot_has)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp (inkan_card_profile_id (inkan_card_profile_of_token (&infos[i])), s->settings->card_profile) == 0 &&
		    (slot_has == NULL || (infos[i].label != NULL && strstr (infos[i].label, slot_has) != NULL)))
			break;
	return i;
}

inkan_err
kiosk_card_find (kiosk_session *s, kiosk_issue *iss, char **why)
{
	inkan_token_info *infos = NULL;
	size_t n = 0, i;
	inkan_err err;

	*why = NULL;
	memset (iss, 0, sizeof *iss);
	iss->s = s;
	err = inkan_token_list (s->card_ctx, NULL, &infos, &n);
	if (err != INKAN_OK) {
		*why = g_strdup_printf ("%s: %s", _("The card reader cannot be read"), inkan_detail ());
		return err;
	}
	err = INKAN_ERR_NOT_FOUND;
	if ((i = card_token (s, infos, n, NULL)) == n) {
		*why = g_strdup_printf (_("No card of this counter's kind (%s) is in the reader."), s->settings->card_profile);
		goto out;
	}
	iss->profile = inkan_card_profile_of_token (&infos[i]);
	iss->card_id = card_id_of (s, iss->profile, &infos[i]);
	if (iss->card_id == NULL) {
		err = INKAN_ERR_BAD_INPUT;
		*why = g_strdup (_("The card gives neither a serial number nor a certificate the journal could name it by."));
		goto out;
	}
	iss->token_uri = g_strdup (infos[i].uri);
	err = kiosk_journal_resume (s->settings->audit_log, iss->card_id, &iss->resume);
	if (err != INKAN_OK)
		*why = g_strdup_printf ("%s: %s", _("The journal cannot be read"), inkan_detail ());
out:
	inkan_token_info_free (infos, n);
	return err;
}

int
kiosk_card_signature_slot (const inkan_card_profile *p, inkan_card_key_slot *out)
{
	inkan_card_key_slot slots[8];
	size_t n = inkan_card_profile_keys (p, slots, G_N_ELEMENTS (slots));

	for (size_t i = 0; i < n && i < G_N_ELEMENTS (slots); i++)
		if (slots[i].purposes & INKAN_KEY_PURPOSE_SIGNATURE) {
			*out = slots[i];
			return 1;
		}
	return 0;
}

/* The private key beside the certificate at CERT_URI: the same token and
 * ID; not its label (OpenSC labels a card's certificate and key apart).
 * NULL for a URI that is not a certificate's. */
static char *
key_beside (const char *cert_uri)
{
	char **parts;
	GString *uri;
	int typed = 0;

	if (!g_str_has_prefix (cert_uri, "pkcs11:"))
		return NULL;
	parts = g_strsplit (cert_uri + strlen ("pkcs11:"), ";", -1);
	uri = g_string_new ("pkcs11:");
	for (char **p = parts; *p != NULL; p++) {
		if (g_str_has_prefix (*p, "object="))
			continue;
		typed |= strcmp (*p, "type=cert") == 0;
		g_string_append_printf (uri, "%s%s", uri->len > strlen ("pkcs11:") ? ";" : "",
		                        strcmp (*p, "type=cert") == 0 ? "type=private" : *p);
	}
	g_strfreev (parts);
	return g_string_free (uri, !typed);
}

inkan_err
kiosk_card_current_cert (kiosk_issue *iss, X509 **cert, char **key_uri, char **why)
{
	inkan_card_key_slot slot;
	inkan_token_info *infos = NULL;
	inkan_token *tok = NULL;
	inkan_token_cert *certs = NULL;
	size_t n = 0, ncerts = 0, i;
	inkan_err err;

	*cert = NULL;
	*key_uri = NULL;
	if (!kiosk_card_signature_slot (iss->profile, &slot)) {
		*why = g_strdup_printf (_("This card (%s) has no signature key slot."),
		                        inkan_card_profile_description (iss->profile));
		return INKAN_ERR_UNSUPPORTED;
	}
	err = inkan_token_list (iss->s->card_ctx, NULL, &infos, &n);
	if (err == INKAN_OK && (i = card_token (iss->s, infos, n, slot.token_has)) == n)
		err = INKAN_ERR_NOT_FOUND;
	if (err == INKAN_OK)
		err = inkan_token_open (iss->s->card_ctx, infos[i].uri, &tok);
	if (err == INKAN_OK)
		err = inkan_token_certs (tok, &certs, &ncerts);
	if (err != INKAN_OK) {
		*why = g_strdup_printf ("%s: %s", _("The card's certificate cannot be read (was the card taken out?)"),
		                        inkan_detail ());
		goto out;
	}
	for (i = 0; i < ncerts; i++) {
		const unsigned char *p = certs[i].der;
		if (certs[i].object.id_len != slot.id_len || memcmp (certs[i].object.id, slot.id, slot.id_len) != 0)
			continue;
		*cert = d2i_X509 (NULL, &p, (long) certs[i].der_len);
		*key_uri = key_beside (certs[i].object.uri);
		break;
	}
	if (*cert == NULL || *key_uri == NULL) {
		X509_free (*cert);
		*cert = NULL;
		g_clear_pointer (key_uri, g_free);
		err = INKAN_ERR_NOT_FOUND;
		*why = g_strdup (_("The card holds no certificate in its signature slot: there is nothing to renew."));
	}
out:
	ERR_clear_error ();
	inkan_token_certs_free (certs, ncerts);
	inkan_token_free (tok);
	inkan_token_info_free (infos, n);
	return err;
}
