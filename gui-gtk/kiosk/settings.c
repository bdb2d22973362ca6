/* inkan-kiosk — kiosk.conf, read with libinkan's bounded file reader and
 * parsed as a GLib key file ([kiosk] group; doc/kiosk.md lists the keys). */
#include "settings.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <inkan/ctx.h>
#include <inkan/file.h>
#include <inkan/key.h>

static const char *const known_keys[] = {
	"ca-url", "protection", "mac-reference", "mac-secret", "trusted", "card-profile",
	"key-type", "holder-data", "audit-log", "staff-token", "staff-module", "card-module", "timeout",
	"office-pin", NULL,
};

static const char *const card_profiles[] = { "openpgp", "jpki", "piv", "kr-token", "juki", "generic", NULL };

void
kiosk_settings_free (kiosk_settings *s)
{
	if (s == NULL)
		return;
	g_free (s->ca_url);
	g_free (s->mac_reference);
	g_free (s->mac_secret);
	g_strfreev (s->trusted);
	g_free (s->card_profile);
	g_free (s->holder_data);
	g_free (s->key_type);
	g_free (s->audit_log);
	g_free (s->staff_token);
	g_free (s->staff_module);
	g_free (s->card_module);
	g_free (s->office_pin);
	g_free (s);
}

static int
one_of (const char *v, const char *const *set)
{
	return g_strv_contains (set, v);
}

/* A required or optional string; "" counts as absent. */
static char *
get (GKeyFile *kf, const char *key)
{
	char *v = g_key_file_get_string (kf, "kiosk", key, NULL);

	if (v != NULL)
		g_strstrip (v);
	if (v != NULL && *v == '\0') {
		g_free (v);
		v = NULL;
	}
	return v;
}

inkan_err
kiosk_settings_parse (const char *name, const char *text, size_t len, kiosk_settings **out, char **why)
{
	GKeyFile *kf = g_key_file_new ();
	kiosk_settings *s = g_new0 (kiosk_settings, 1);
	GError *gerr = NULL;
	char **keys = NULL, *prot = NULL, *timeout = NULL;
	inkan_err err = INKAN_ERR_BAD_INPUT;

	*why = NULL;
	if (!g_key_file_load_from_data (kf, text, len, G_KEY_FILE_NONE, &gerr)) {
		*why = g_strdup_printf (_("%s: %s"), name, gerr->message);
		goto out;
	}
	if (!g_key_file_has_group (kf, "kiosk")) {
		*why = g_strdup_printf (_("%s: no [kiosk] group"), name);
		goto out;
	}
	/* A misspelt key would silently fall back to a default: refused. */
	keys = g_key_file_get_keys (kf, "kiosk", NULL, NULL);
	for (char **k = keys; k != NULL && *k != NULL; k++)
		if (!one_of (*k, known_keys)) {
			*why = g_strdup_printf (_("%s: unknown setting \"%s\""), name, *k);
			goto out;
		}
	s->ca_url = get (kf, "ca-url");
	s->audit_log = get (kf, "audit-log");
	if (s->ca_url == NULL || s->audit_log == NULL) {
		*why = g_strdup_printf (_("%s: \"%s\" is required"), name, s->ca_url == NULL ? "ca-url" : "audit-log");
		goto out;
	}
	if (!g_str_has_prefix (s->ca_url, "http://") && !g_str_has_prefix (s->ca_url, "https://")) {
		*why = g_strdup_printf (_("%s: ca-url \"%s\" is not an http:// or https:// URL"), name, s->ca_url);
		goto out;
	}
	prot = get (kf, "protection");
	if (prot == NULL || strcmp (prot, "signer") == 0) {
		s->protection = KIOSK_PROTECT_SIGNER;
	} else if (strcmp (prot, "mac") == 0) {
		s->protection = KIOSK_PROTECT_MAC;
		s->mac_reference = get (kf, "mac-reference");
		s->mac_secret = get (kf, "mac-secret");
		if (s->mac_reference == NULL || s->mac_secret == NULL) {
			*why = g_strdup_printf (_("%s: protection \"mac\" needs mac-reference and mac-secret"), name);
			goto out;
		}
		if (g_str_has_prefix (s->mac_secret, "pass:")) {
			*why = g_strdup_printf (_("%s: mac-secret must name where the secret is (file:, env:, fd:), not hold it"),
			                        name);
			goto out;
		}
	} else {
		*why = g_strdup_printf (_("%s: protection \"%s\" is neither \"signer\" nor \"mac\""), name, prot);
		goto out;
	}
	s->trusted = g_key_file_get_string_list (kf, "kiosk", "trusted", NULL, NULL);
	if (s->trusted == NULL || s->trusted[0] == NULL) {
		*why = g_strdup_printf (_("%s: \"trusted\" must list the CA certificates answers may be signed by"), name);
		goto out;
	}
	for (char **t = s->trusted; *t != NULL; t++)
		g_strstrip (*t);
	s->card_profile = get (kf, "card-profile");
	if (s->card_profile == NULL)
		s->card_profile = g_strdup ("openpgp");
	if (!one_of (s->card_profile, card_profiles)) {
		*why = g_strdup_printf (_("%s: card-profile \"%s\" is not a card inkan knows"), name, s->card_profile);
		goto out;
	}
	s->key_type = get (kf, "key-type");
	if (s->key_type == NULL)
		s->key_type = g_strdup ("rsa:2048");
	if (inkan_keygen_parse_type (s->key_type, &(inkan_keygen_params) { 0 }) != INKAN_OK) {
		*why = g_strdup_printf (_("%s: key-type \"%s\" is not rsa:BITS or ec:CURVE"), name, s->key_type);
		goto out;
	}
	s->holder_data = get (kf, "holder-data");
	if (s->holder_data == NULL)
		s->holder_data = g_strdup ("jpki");
	if (strcmp (s->holder_data, "jpki") != 0 && strcmp (s->holder_data, "name") != 0) {
		*why = g_strdup_printf (_("%s: holder-data \"%s\" is neither \"jpki\" nor \"name\""), name, s->holder_data);
		goto out;
	}
	s->staff_token = get (kf, "staff-token");
	s->staff_module = get (kf, "staff-module");
	s->card_module = get (kf, "card-module");
	s->office_pin = get (kf, "office-pin");
	if (s->office_pin != NULL && !g_str_has_prefix (s->office_pin, "file:") &&
	    !g_str_has_prefix (s->office_pin, "env:") && !g_str_has_prefix (s->office_pin, "fd:")) {
		*why = g_strdup_printf (_("%s: office-pin must name where the office's PIN is (file:, env:, fd:), not hold it"),
		                        name);
		goto out;
	}
	s->timeout = 30;
	timeout = get (kf, "timeout");
	if (timeout != NULL) {
		char *end;
		long t = strtol (timeout, &end, 10);
		if (*end != '\0' || t < 1 || t > 600) {
			*why = g_strdup_printf (_("%s: timeout \"%s\" is not a number of seconds from 1 to 600"), name,
			                        timeout);
			goto out;
		}
		s->timeout = (int) t;
	}
	*out = s;
	s = NULL;
	err = INKAN_OK;
out:
	g_clear_error (&gerr);
	g_strfreev (keys);
	g_free (prot);
	g_free (timeout);
	kiosk_settings_free (s);
	g_key_file_free (kf);
	return err;
}

inkan_err
kiosk_settings_load (const char *path, kiosk_settings **out, char **why)
{
	uint8_t *data = NULL;
	size_t len = 0;
	inkan_err err;

	*why = NULL;
	err = inkan_file_read (path, INKAN_FILE_LIMIT_SETTINGS, 0, &data, &len);
	if (err != INKAN_OK) {
		*why = g_strdup (inkan_detail ());
		return err;
	}
	err = kiosk_settings_parse (path, (const char *) data, len, out, why);
	free (data);
	return err;
}
