/* inkan-kiosk — issuing a certificate on a resident's card, step by step,
 * each step journalled before it counts; and the same steps resumed from
 * the journal.  A model: no widgets, every call blocks (card, CA). */
#ifndef KIOSK_ISSUE_H
#define KIOSK_ISSUE_H

#include <openssl/x509.h>
#include <inkan/card.h>
#include <inkan/secret.h>

#include "holder.h"
#include "session.h"

typedef struct {
	kiosk_session *s;
	char *card_id;          /* as the journal names the card */
	char *token_uri;        /* the card's first token */
	const inkan_card_profile *profile;
	kiosk_resume resume;    /* where the journal says this card stopped */
	kiosk_holder holder;
	char *key_uri;          /* the card's new key (private half) */
	X509 *cert;             /* issued */
} kiosk_issue;

/* The resident's card in the reader: the token of the card profile the
 * settings name, which must be able to generate keys; its journal state
 * in ISS->resume.  INKAN_ERR_NOT_FOUND: no such card yet. */
inkan_err kiosk_issue_find_card (kiosk_session *s, kiosk_issue *iss, char **why);
void kiosk_issue_clear (kiosk_issue *iss);

/* Each step below journals itself, its failure too; an error from the
 * journal stops the flow (*WHY says so). */
inkan_err kiosk_issue_begin (kiosk_issue *iss, char **why);
inkan_err kiosk_issue_set_holder (kiosk_issue *iss, const char *name, const char *birth, const char *sex,
                                  const char *address, char **why);
/* The rules of the card's user PIN, as a sentence for the screen. */
char *kiosk_issue_pin_rule (kiosk_issue *iss);
/* NEW_PIN set as the resident's PIN (the card's rules checked before
 * anything is sent), with the office's ADMIN PIN. */
inkan_err kiosk_issue_set_pin (kiosk_issue *iss, const inkan_secret *admin, const inkan_secret *new_pin,
                               char **why);
inkan_err kiosk_issue_keygen (kiosk_issue *iss, const inkan_secret *admin, char **why);
/* CMP ir for the card's key, the proof of possession signed on the card
 * with the resident's PIN. */
inkan_err kiosk_issue_enrol (kiosk_issue *iss, const inkan_secret *pin, char **why);
/* Written with the admin PIN, read back, checked to certify the card's key. */
inkan_err kiosk_issue_write (kiosk_issue *iss, const inkan_secret *admin, char **why);
/* The receipt was shown and acknowledged: the operation is closed. */
inkan_err kiosk_issue_done (kiosk_issue *iss, char **why);

/* A certificate written but never acknowledged (after kiosk_issue_resume
 * of an ACKNOWLEDGE): what the rule (kiosk_resume_decide) says, given the
 * certificate the card now holds in the key's slot. */
inkan_err kiosk_issue_unacknowledged (kiosk_issue *iss, kiosk_ack_action *action, char **why);
/* Staff confirmed re-using it: journalled; the receipt is shown again. */
inkan_err kiosk_issue_reuse (kiosk_issue *iss, char **why);
/* The card holds another certificate: the journal's, never handed over,
 * is revoked as superseded (which closes the issuance). */
inkan_err kiosk_issue_revoke_unacknowledged (kiosk_issue *iss, char **why);

/* Take over the journal's key (ENROL) or certificate (WRITE, ACKNOWLEDGE). */
inkan_err kiosk_issue_resume (kiosk_issue *iss, char **why);

#endif
