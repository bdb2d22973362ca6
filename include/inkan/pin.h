/* inkan — PINs: how many tries are left, where that figure comes from,
 * changing and unblocking; and never the try that locks without consent. */
#ifndef INKAN_PIN_H
#define INKAN_PIN_H

#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/ctx.h>
#include <inkan/secret.h>
#include <inkan/token.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	INKAN_PIN_OK,
	INKAN_PIN_COUNT_LOW,    /* a wrong PIN since the last success */
	INKAN_PIN_FINAL_TRY,    /* one wrong PIN more locks it */
	INKAN_PIN_LOCKED,
} inkan_pin_state;

typedef struct {
	inkan_user user;
	inkan_pin_state state;
	int tries_left;             /* -1: nobody knows */
	const char *tries_source;   /* "card", "token-flags", "record", or NULL */
	int max_tries;
	const char *max_source;     /* "profile", "config", "default" */
	const char *state_source;   /* where the state came from, as above */
	int failures;               /* consecutive failures in inkan's record */
	const char *profile;        /* the PIN of the card profile (<inkan/card.h>): "jpki-sign",
	                             * "jpki-auth", "openpgp", "openpgp-admin", "piv", "generic" */
} inkan_pin_status;

/* "ok", "count-low", "final-try", "locked" */
INKAN_API const char *inkan_pin_state_name (inkan_pin_state state);

/* Where inkan keeps its record of consecutive failures (one small file per
 * token and PIN).  Default: $XDG_STATE_HOME/inkan/pin, else
 * ~/.local/state/inkan/pin.  Kiosks point it at a shared path. */
INKAN_API inkan_err inkan_ctx_set_pin_record_dir (inkan_ctx *ctx, const char *dir);

/* The number of tries of tokens whose profile does not say (HSMs); default 5. */
INKAN_API inkan_err inkan_ctx_set_pin_max_tries (inkan_ctx *ctx, int max);

INKAN_API inkan_err inkan_pin_status_get (inkan_token *tok, inkan_user user, inkan_pin_status *out);

/* Does PIN meet the rules of TOK's user PIN in its card profile (JPKI
 * signing password: 6-16 of A-Z and 0-9; JPKI authentication PIN: 4
 * digits)?  INKAN_ERR_PIN_INVALID with the rule in the detail when not. */
INKAN_API inkan_err inkan_pin_check_rules (inkan_token *tok, const inkan_secret *pin);
/* The same for USER's PIN (an OpenPGP card's admin PIN: 8 or more). */
INKAN_API inkan_err inkan_pin_check_rules_for (inkan_token *tok, inkan_user user, const inkan_secret *pin);

/* C_SetPIN with the old PIN (the same guard as login: INKAN_LOGIN_ALLOW_FINAL_TRY);
 * the new PIN must meet the rules of USER's PIN.  A card whose PIN OpenSC
 * cannot change (JPKI) is changed over PC/SC in the token's reader. */
INKAN_API inkan_err inkan_pin_change (inkan_token *tok, inkan_user user, const inkan_secret *old_pin,
                                      const inkan_secret *new_pin, unsigned flags);

/*
 * Set a new user PIN with the SO PIN (admin PIN, PUK), whether the user PIN
 * is locked or not; NEW_PIN must meet the card's rules, checked before
 * anything is sent.  Where the card model knows how (an OpenPGP card:
 * VERIFY of the admin PIN, then RESET RETRY COUNTER), over PC/SC in one
 * transaction, so that OpenSC needs no configuration; else C_InitPIN after
 * an SO login.  The SO PIN goes through the guard with its own tries
 * (INKAN_LOGIN_ALLOW_FINAL_TRY for its last).  Clears the user PIN's record.
 */
INKAN_API inkan_err inkan_pin_unblock (inkan_token *tok, const inkan_secret *so_pin,
                                       const inkan_secret *new_pin, unsigned flags);

/*
 * At issuance: the resident's own PINs, set with the SO PIN the issuer
 * holds.  NEW_PIN becomes the user PIN (as inkan_pin_unblock), and then,
 * when NEW_SO_PIN is not NULL, it replaces the SO PIN (as inkan_pin_change).
 * Both are checked against the card's rules first: when either fails,
 * nothing is sent.  Should the SO PIN's change fail after the user PIN was
 * set, the detail says so: the SO PIN is then still SO_PIN.
 */
INKAN_API inkan_err inkan_pin_set (inkan_token *tok, const inkan_secret *so_pin, const inkan_secret *new_pin,
                                   const inkan_secret *new_so_pin, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif
