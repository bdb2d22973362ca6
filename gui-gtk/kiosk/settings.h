/* inkan-kiosk — kiosk.conf: which CA, how requests are protected, whom
 * answers are trusted from, what cards are issued and where the journal
 * goes.  A model: no widgets. */
#ifndef KIOSK_SETTINGS_H
#define KIOSK_SETTINGS_H

#include <glib.h>
#include <inkan/error.h>

typedef enum {
	KIOSK_PROTECT_SIGNER,   /* requests signed by the signed-in staff member's key (the RA) */
	KIOSK_PROTECT_MAC,      /* PBM under mac-reference with the secret from mac-secret */
} kiosk_protection;

typedef struct {
	char *ca_url;
	kiosk_protection protection;
	char *mac_reference;
	char *mac_secret;       /* a secret source (file:, env:, fd:), never the secret */
	char **trusted;         /* certificate files, NULL-terminated */
	char *card_profile;     /* the card model issued at this counter: "openpgp", ... */
	char *key_type;         /* what the card generates: "rsa:2048", "ec:P-256" */
	char *holder_data;      /* "jpki" (name, date of birth, sex, address) or "name" */
	char *audit_log;
	char *staff_token;      /* PKCS#11 URI the staff tokens match, or NULL: any token with a certificate */
	char *staff_module;     /* PKCS#11 module of the staff tokens, or NULL: p11-kit's */
	char *card_module;      /* PKCS#11 module of the residents' cards, or NULL: p11-kit's */
	int timeout;            /* seconds for one CMP exchange */
	char *office_pin;       /* where the office's admin PIN / PUK is (file:, env:, fd:), or NULL: staff type it */
} kiosk_settings;

/* Read PATH (a regular file up to 1 MiB).  On failure *WHY gets a
 * translated sentence naming the file and what is wrong (g_free). */
inkan_err kiosk_settings_load (const char *path, kiosk_settings **out, char **why);
/* The same from text already in memory; NAME is how messages call it. */
inkan_err kiosk_settings_parse (const char *name, const char *text, size_t len, kiosk_settings **out,
                                char **why);
void kiosk_settings_free (kiosk_settings *s);

#endif
