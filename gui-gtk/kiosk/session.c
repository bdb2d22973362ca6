/* inkan-kiosk — sign-in with the staff member's token, and the journal
 * entries that name them. */
#include "session.h"

#include <glib/gi18n.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <time.h>
#include <inkan/cert.h>
#include <inkan/hex.h>
#include <inkan/name.h>
#include <inkan/object.h>

static inkan_err
ctx_for (const char *module, inkan_ctx **out)
{
	inkan_err err = inkan_ctx_new (out);

	if (err == INKAN_OK && module != NULL && (err = inkan_ctx_set_module (*out, module)) != INKAN_OK) {
		inkan_ctx_free (*out);
		*out = NULL;
	}
	return err;
}

inkan_err
kiosk_session_new (kiosk_settings *settings, kiosk_session **out, char **why)
{
	kiosk_session *s = g_new0 (kiosk_session, 1);
	inkan_err err;

	s->settings = settings;
	*why = NULL;
	err = kiosk_journal_open (settings->audit_log, &s->journal);
	if (err != INKAN_OK) {
		*why = g_strdup_printf (_("The journal %s cannot be opened: %s"), settings->audit_log, inkan_detail ());
		goto out;
	}
	if ((err = ctx_for (settings->staff_module, &s->staff_ctx)) != INKAN_OK ||
	    (err = ctx_for (settings->card_module, &s->card_ctx)) != INKAN_OK) {
		*why = g_strdup (inkan_detail ());
		goto out;
	}
	*out = s;
	s = NULL;
out:
	kiosk_session_free (s);
	return err;
}

inkan_err
kiosk_session_reload_cards (kiosk_session *s, char **why)
{
	inkan_ctx *fresh = NULL;
	inkan_err err;

	/* The old context goes first: the module is loaded once per process. */
	inkan_ctx_free (s->card_ctx);
	s->card_ctx = NULL;
	err = ctx_for (s->settings->card_module, &fresh);
	if (err != INKAN_OK) {
		g_free (*why);
		*why = g_strdup (inkan_detail ());
		return err;
	}
	s->card_ctx = fresh;
	return INKAN_OK;
}

void
kiosk_session_sign_out (kiosk_session *s)
{
	g_clear_pointer (&s->staff, g_free);
	g_clear_pointer (&s->staff_name, g_free);
	g_clear_pointer (&s->staff_key, inkan_key_free);
	g_clear_pointer (&s->staff_cert, X509_free);
}

void
kiosk_session_free (kiosk_session *s)
{
	if (s == NULL)
		return;
	kiosk_session_sign_out (s);
	kiosk_journal_close (s->journal);
	inkan_ctx_free (s->staff_ctx);
	inkan_ctx_free (s->card_ctx);
	kiosk_settings_free (s->settings);
	g_free (s);
}

inkan_err
kiosk_session_staff_tokens (kiosk_session *s, inkan_token_info **out, size_t *n, char **why)
{
	inkan_err err = inkan_token_list (s->staff_ctx, s->settings->staff_token, out, n);

	*why = err != INKAN_OK ? g_strdup (inkan_detail ()) : NULL;
	return err;
}

char *
kiosk_cert_fingerprint (X509 *cert)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	GString *s = g_string_new (NULL);

	if (X509_digest (cert, EVP_sha256 (), md, &len) != 1)
		return g_string_free (s, FALSE);
	for (unsigned i = 0; i < len; i++)
		g_string_append_printf (s, i ? ":%02X" : "%02X", md[i]);
	return g_string_free (s, FALSE);
}

char *
kiosk_cert_serial (X509 *cert)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (cert), NULL);
	char *hex = bn != NULL ? BN_bn2hex (bn) : NULL, *out = g_ascii_strdown (hex != NULL ? hex : "", -1);

	OPENSSL_free (hex);
	BN_free (bn);
	return out;
}

char *
kiosk_cert_subject (X509 *cert)
{
	BIO *b = BIO_new (BIO_s_mem ());
	char *data = NULL, *text;
	long len;

	X509_NAME_print_ex (b, X509_get_subject_name (cert), 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_get_mem_data (b, &data);
	text = g_strndup (data, len > 0 ? (gsize) len : 0);
	BIO_free (b);
	return text;
}

static void
time_text (const ASN1_TIME *t, char *buf, size_t size)
{
	BIO *b = BIO_new (BIO_s_mem ());
	int n;

	buf[0] = '\0';
	if (b != NULL && ASN1_TIME_print_ex (b, t, ASN1_DTFLGS_ISO8601) == 1 && (n = BIO_read (b, buf, (int) size - 1)) > 0)
		buf[n] = '\0';
	BIO_free (b);
}

char *
kiosk_cert_holder (X509 *cert)
{
	inkan_cert_view *v = NULL;
	const inkan_cert_field *f;
	char *name = NULL;

	if (inkan_cert_view_new (cert, time (NULL), &v) == INKAN_OK && (f = inkan_cert_view_find (v, "name")) != NULL &&
	    !f->undecodable)
		name = g_strdup (f->value);
	inkan_cert_view_free (v);
	return name != NULL ? name : kiosk_cert_subject (cert);
}

char *
kiosk_cert_receipt (X509 *cert, const char *holder)
{
	char *serial = kiosk_cert_serial (cert), *fp = kiosk_cert_fingerprint (cert), *subject = NULL, *text;
	char from[64], to[64];

	time_text (X509_get0_notBefore (cert), from, sizeof from);
	time_text (X509_get0_notAfter (cert), to, sizeof to);
	if (holder == NULL)
		holder = subject = kiosk_cert_holder (cert);
	text = g_strdup_printf (_("Holder: %s\nSerial number: %s\nSHA-256 fingerprint: %s\nValid from %s to %s"), holder,
	                        serial, fp, from, to);
	g_free (subject);
	g_free (serial);
	g_free (fp);
	return text;
}

inkan_err
kiosk_session_office_pin (kiosk_session *s, const inkan_secret *typed, inkan_secret **out, char **why)
{
	inkan_err err;

	*out = NULL;
	if (s->settings->office_pin != NULL) {
		err = inkan_secret_read (s->settings->office_pin, out);
		if (err != INKAN_OK)
			*why = g_strdup_printf (_("The office's PIN cannot be read from %s (kiosk.conf office-pin): %s"),
			                        s->settings->office_pin, inkan_detail ());
		return err;
	}
	if (typed == NULL) {
		*why = g_strdup (_("Staff must type the office's admin PIN."));
		return INKAN_ERR_USAGE;
	}
	return inkan_secret_new (inkan_secret_data (typed), inkan_secret_len (typed), out);
}

static char *
common_name (X509 *cert)
{
	X509_NAME *name = X509_get_subject_name (cert);
	int i = X509_NAME_get_index_by_NID (name, NID_commonName, -1);
	unsigned char *utf8 = NULL;
	char *out = NULL;

	if (i >= 0 && ASN1_STRING_to_UTF8 (&utf8, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, i))) >= 0)
		out = g_strdup ((char *) utf8);
	OPENSSL_free (utf8);
	return out;
}

/* The private key with the certificate's CKA_ID on TOK, or NULL. */
static inkan_key *
key_for (inkan_token *tok, const inkan_token_cert *c)
{
	char *hex = inkan_hex_encode (c->object.id, c->object.id_len), *uri;
	GString *pct = g_string_new (NULL);
	inkan_key *key = NULL;

	for (size_t i = 0; hex != NULL && hex[i] != '\0'; i += 2)
		g_string_append_printf (pct, "%%%c%c", hex[i], hex[i + 1]);
	uri = g_strdup_printf ("%s;id=%s;type=private", inkan_token_get_info (tok)->uri, pct->str);
	if (c->object.id_len == 0 || inkan_key_open (tok, uri, &key) != INKAN_OK)
		key = NULL;
	g_free (uri);
	g_string_free (pct, TRUE);
	free (hex);
	return key;
}

inkan_err
kiosk_session_sign_in (kiosk_session *s, const char *token_uri, const inkan_secret *pin, unsigned flags,
                       char **why)
{
	inkan_token *tok = NULL;
	inkan_token_cert *certs = NULL;
	size_t n = 0;
	const unsigned char *p;
	inkan_err err;
	char *who = NULL, *fp = NULL, *subject = NULL;

	*why = NULL;
	kiosk_session_sign_out (s);
	err = inkan_token_open (s->staff_ctx, token_uri, &tok);
	if (err == INKAN_OK)
		err = inkan_token_login (tok, INKAN_USER_NORMAL, pin, flags);
	if (err == INKAN_OK)
		err = inkan_token_certs (tok, &certs, &n);
	if (err != INKAN_OK) {
		/* The guard's refusal of a final try is a question, not an event. */
		if (err != INKAN_ERR_PIN_FINAL_TRY)
			*why = g_strdup (inkan_detail ());
		goto out;
	}
	err = INKAN_ERR_NOT_FOUND;
	for (size_t i = 0; i < n && s->staff_key == NULL; i++) {
		p = certs[i].der;
		X509 *cert = d2i_X509 (NULL, &p, (long) certs[i].der_len);
		inkan_key *key = cert != NULL ? key_for (tok, &certs[i]) : NULL;
		if (key != NULL) {
			s->staff_key = key;
			s->staff_cert = cert;
		} else {
			X509_free (cert);
		}
	}
	ERR_clear_error ();
	if (s->staff_key == NULL) {
		*why = g_strdup (_("This token holds no certificate with its private key: it is not a staff token."));
		goto out;
	}
	subject = inkan_name_text (X509_get_subject_name (s->staff_cert));
	fp = kiosk_cert_fingerprint (s->staff_cert);
	who = g_strdup_printf ("%s (SHA-256 %s)", subject != NULL ? subject : "?", fp);
	s->staff_name = common_name (s->staff_cert);
	if (s->staff_name == NULL)
		s->staff_name = g_strdup (subject != NULL ? subject : "?");
	s->staff = who;
	who = NULL;
	err = kiosk_session_record (s, "-", KIOSK_OP_SIGNIN, KIOSK_STEP_DONE, INKAN_OK, NULL, NULL, why);
out:
	/* A failed sign-in is journalled under the token it was tried on. */
	if (err != INKAN_OK && err != INKAN_ERR_PIN_FINAL_TRY && s->staff == NULL) {
		kiosk_journal_entry e = {
			.staff = token_uri != NULL ? token_uri : "?", .card = "-", .op = KIOSK_OP_SIGNIN,
			.step = KIOSK_STEP_DONE, .result = err,
		};
		kiosk_journal_record (s->journal, &e);
	}
	if (err != INKAN_OK)
		kiosk_session_sign_out (s);
	inkan_token_certs_free (certs, n);
	inkan_token_free (tok);
	free (subject);
	g_free (fp);
	g_free (who);
	return err;
}

inkan_err
kiosk_session_record (kiosk_session *s, const char *card, kiosk_op op, kiosk_step step, inkan_err result,
                      const char *key_uri, X509 *cert, char **why)
{
	unsigned char *der = NULL;
	int len = cert != NULL ? i2d_X509 (cert, &der) : 0;
	char *serial = cert != NULL ? kiosk_cert_serial (cert) : NULL;
	kiosk_journal_entry e = {
		.staff = s->staff, .card = card, .op = op, .step = step, .result = result, .key_uri = key_uri,
		.cert_serial = serial, .cert_der = len > 0 ? der : NULL, .cert_len = len > 0 ? (size_t) len : 0,
	};
	inkan_err err = s->staff != NULL ? kiosk_journal_record (s->journal, &e) : INKAN_ERR_NOT_LOGGED_IN;

	if (err != INKAN_OK && why != NULL) {
		g_free (*why);
		*why = g_strdup_printf (_("The journal could not record this step, so the kiosk stops here: %s"),
		                        err == INKAN_ERR_NOT_LOGGED_IN ? _("no one is signed in") : inkan_detail ());
	}
	OPENSSL_free (der);
	g_free (serial);
	return err;
}
