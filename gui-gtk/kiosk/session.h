/* inkan-kiosk — the counter's session: settings, the journal, and the
 * staff member signed in with their own token, whose key signs the CMP
 * requests (the RA).  A model: no widgets; every call may block (tokens,
 * disk) and is made off the main loop. */
#ifndef KIOSK_SESSION_H
#define KIOSK_SESSION_H

#include <openssl/x509.h>
#include <inkan/ctx.h>
#include <inkan/key.h>
#include <inkan/secret.h>
#include <inkan/token.h>

#include "journal.h"
#include "settings.h"

typedef struct {
	kiosk_settings *settings;
	kiosk_journal *journal;
	inkan_ctx *staff_ctx;
	inkan_ctx *card_ctx;
	/* While someone is signed in: */
	char *staff;            /* "subject (SHA-256 fingerprint)", as the journal names them */
	char *staff_name;       /* the subject's CN, for the screen */
	inkan_key *staff_key;
	X509 *staff_cert;
} kiosk_session;

/* Settings taken over; the journal opened at their audit-log path. */
inkan_err kiosk_session_new (kiosk_settings *settings, kiosk_session **out, char **why);
void kiosk_session_free (kiosk_session *s);

/* The staff tokens present (info->uri, ->label): those matching
 * staff-token, else every token of the staff module. */
inkan_err kiosk_session_staff_tokens (kiosk_session *s, inkan_token_info **out, size_t *n, char **why);

/* Log in to the token TOKEN_URI with PIN (FLAGS: INKAN_LOGIN_ALLOW_FINAL_TRY
 * once the staff member agreed), take the first certificate with its
 * private key on it as the staff member's, journal the sign-in (its
 * failures too).  INKAN_ERR_PIN_FINAL_TRY: ask, then call again. */
inkan_err kiosk_session_sign_in (kiosk_session *s, const char *token_uri, const inkan_secret *pin,
                                 unsigned flags, char **why);
void kiosk_session_sign_out (kiosk_session *s);

/* A fresh context for the residents' cards: OpenSC 0.23 shows a key
 * generated on an OpenPGP card correctly only after its module is loaded
 * again. */
inkan_err kiosk_session_reload_cards (kiosk_session *s, char **why);

/* Journal one step of the signed-in staff member. */
inkan_err kiosk_session_record (kiosk_session *s, const char *card, kiosk_op op, kiosk_step step,
                                inkan_err result, const char *key_uri, X509 *cert, char **why);

/* "AB:CD:..." SHA-256 of CERT, and its serial in hex (g_free both). */
char *kiosk_cert_fingerprint (X509 *cert);
char *kiosk_cert_serial (X509 *cert);
/* The subject in one line, its UTF-8 as is (a holder's name is often not ASCII). */
char *kiosk_cert_subject (X509 *cert);
/* The holder's name as the certificate's profile has it (a JPKI
 * certificate: its otherName, not the subject), else the subject. */
char *kiosk_cert_holder (X509 *cert);
/* A receipt's lines for CERT: HOLDER (NULL: the name the certificate
 * gives its holder), serial, fingerprint, validity. */
char *kiosk_cert_receipt (X509 *cert, const char *holder);

/* The office's credential (admin PIN, PUK) that resets a resident's PIN
 * and writes certificates: from where the settings' office-pin says, read
 * afresh each time (so a corrected file is taken), else a copy of TYPED
 * (NULL: staff typed nothing). */
inkan_err kiosk_session_office_pin (kiosk_session *s, const inkan_secret *typed, inkan_secret **out, char **why);

#endif
