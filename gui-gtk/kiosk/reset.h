/* inkan-kiosk — a resident's PIN reset at the counter (locked or
 * forgotten): the card model says which PIN and which credential of the
 * office's resets it; the new PIN is checked against the card's rules
 * before anything is sent.  Journalled, never a PIN.  A model: no
 * widgets, every call blocks. */
#ifndef KIOSK_RESET_H
#define KIOSK_RESET_H

#include <inkan/card.h>
#include <inkan/pin.h>
#include <inkan/secret.h>

#include "issue.h"

typedef struct {
	kiosk_issue card;               /* the card found (card_id, token_uri, profile) */
	inkan_card_pin_info user;       /* the PIN reset */
	inkan_card_pin_info office;     /* the office's credential that resets it */
	inkan_pin_status user_status;   /* as last read from the card */
	inkan_pin_status office_status;
} kiosk_reset;

/* The card, its PINs from the card model, their tries; BEGIN journalled. */
inkan_err kiosk_reset_find_card (kiosk_session *s, kiosk_reset *rs, char **why);
void kiosk_reset_clear (kiosk_reset *rs);

/* For the screen: which PIN, where it stands, what resets it; its rule. */
char *kiosk_reset_describe (const kiosk_reset *rs);
char *kiosk_reset_rule (const kiosk_reset *rs);

/* NEW_PIN (checked against the rule first: INKAN_ERR_PIN_INVALID, nothing
 * sent, nothing journalled) set with the office's credential OFFICE.
 * FLAGS: INKAN_LOGIN_ALLOW_FINAL_TRY once staff agreed to use the office
 * credential's last try (INKAN_ERR_PIN_FINAL_TRY: nothing sent, ask).
 * PINS journalled with the card's answer, DONE after a success; the tries
 * are read again either way. */
inkan_err kiosk_reset_run (kiosk_reset *rs, const inkan_secret *office, const inkan_secret *new_pin, unsigned flags,
                           char **why);

/* "3 of 3" and the like, or NULL when the card does not say. */
char *kiosk_reset_tries (const inkan_pin_status *st);

#endif
