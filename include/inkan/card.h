/* inkan — what inkan knows about a kind of card (its PINs, their rules
 * and tries, its key slots and the tokens OpenSC shows for it), and which
 * PKCS#11 tokens are the card in a given reader: what a front end needs to
 * go from a reader event to a PIN dialog and a certificate list without
 * matching strings of its own. */
#ifndef INKAN_CARD_H
#define INKAN_CARD_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/ctx.h>
#include <inkan/token.h>
#include <inkan/key.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One kind of card; the profiles are static: never freed. */
typedef struct inkan_card_profile inkan_card_profile;

/*
 * The profile of the card whose ATR this is: "jpki" (My Number card),
 * "juki", "openpgp", "piv", "kr-token", or "generic" for an ATR inkan does
 * not know.  An ATR names the chip, not the applications on it: a guess
 * (see inkan_card_type_guess, which answers "unknown" where this answers
 * the generic profile).
 */
INKAN_API const inkan_card_profile *inkan_card_profile_for_atr (const uint8_t *atr, size_t atr_len);

/* The profile of the card (or HSM) behind a token, from the label and
 * model OpenSC gives the token; "generic" for any other token. */
INKAN_API const inkan_card_profile *inkan_card_profile_of_token (const inkan_token_info *info);

/* Stable, untranslated: "jpki", "openpgp", "piv", "kr-token", "juki", "generic". */
INKAN_API const char *inkan_card_profile_id (const inkan_card_profile *p);
/* Translated: "My Number card (JPKI)". */
INKAN_API const char *inkan_card_profile_description (const inkan_card_profile *p);
/* Whether keys can be generated on the card through PKCS#11. */
INKAN_API int inkan_card_profile_can_generate (const inkan_card_profile *p);
/* Whether SERIAL (a token's serial, as inkan_token_info has it) tells a
 * card of profile P from every other: not where the cards of a profile
 * share one (OpenSC's JPKI emulation says 00000000 for every My Number
 * card), nor for an empty or all-zero serial.  Where it does not, name the
 * card by something on it, such as the SHA-256 of a certificate. */
INKAN_API int inkan_card_serial_identifies (const inkan_card_profile *p, const char *serial);
/* Whose PIN key generation on the card takes (an OpenPGP card: the SO's,
 * its admin PIN): the PIN inkan_card_keygen is to be given. */
INKAN_API inkan_user inkan_card_profile_keygen_user (const inkan_card_profile *p);

typedef struct {
	const char *name;       /* stable: "jpki-sign", "jpki-auth", "openpgp", "openpgp-admin", "piv", "generic" */
	const char *label;      /* translated: "signing password" */
	inkan_user role;        /* INKAN_USER_NORMAL or INKAN_USER_SO (admin PIN, PUK) */
	const char *rule;       /* translated sentence for a PIN dialog, or NULL: no rule known */
	int min_len, max_len;   /* in bytes */
	const char *charset;    /* the characters allowed, or NULL: any */
	int upcase;             /* lower-case letters are taken as upper-case */
	int max_tries;          /* tries a fresh PIN has; 0: set per card or per token (ask inkan_pin_status_get) */
	const char *token_has;  /* part of the label of the token this PIN logs in to; "" for any */
} inkan_card_pin_info;

/* The PINs of profile P: writes up to MAX of them to OUT (may be NULL
 * with MAX 0), returns how many there are. */
INKAN_API size_t inkan_card_profile_pins (const inkan_card_profile *p, inkan_card_pin_info *out, size_t max);

/* The PIN of role USER that logs in to token INFO, as the PIN guard
 * applies it: the card's, or the generic rules of a token inkan does not
 * know (its max_tries then 0: configured, see inkan_ctx_set_pin_max_tries). */
INKAN_API void inkan_card_pin_for_token (const inkan_token_info *info, inkan_user user,
                                         inkan_card_pin_info *out);

typedef enum {
	INKAN_KEY_PURPOSE_SIGNATURE = 1 << 0,
	INKAN_KEY_PURPOSE_DECRYPTION = 1 << 1,
	INKAN_KEY_PURPOSE_AUTHENTICATION = 1 << 2,
} inkan_key_purpose;

typedef struct {
	unsigned purposes;      /* inkan_key_purpose bits */
	const uint8_t *id;      /* the CKA_ID a key in this slot has (and must be generated with) */
	size_t id_len;
	const char *token_has;  /* part of the label of the token that shows the key */
	const char *pin;        /* name of the PIN that unlocks it (inkan_card_pin_info.name) */
} inkan_card_key_slot;

/* The key slots of profile P, as inkan_card_profile_pins. */
INKAN_API size_t inkan_card_profile_keys (const inkan_card_profile *p, inkan_card_key_slot *out, size_t max);

/*
 * Generate a key pair in the card's key slot for PURPOSE (one
 * INKAN_KEY_PURPOSE_* bit), on the card behind TOK, whichever of the
 * card's tokens TOK is.  With PURPOSE 0 the slot is the one whose ID
 * PARAMS->id names; else PARAMS->id is NULL or that slot's ID.
 * PARAMS->label may be ignored by the card.
 *
 * The key is made on the card's token that shows the slot's keys, logged
 * in there with PIN as the card wants for key generation (an OpenPGP card:
 * as the SO, with the admin PIN), through the PIN guard (FLAGS:
 * INKAN_LOGIN_ALLOW_FINAL_TRY); PIN NULL: that token needs no login or has
 * one already.  A slot that holds a key already is not overwritten
 * (INKAN_ERR_USAGE), and no PIN is sent then.
 *
 * RESULT has the URIs of both halves on that token (an OpenPGP card's
 * signature key: "OpenPGP card (User PIN (sig))"), read back from it, and
 * the slot's ID.  INKAN_ERR_UNSUPPORTED for a card that makes no keys,
 * whose slots inkan does not know (use inkan_keygen), or that makes no
 * key of this type in that slot; INKAN_ERR_WRONG_SLOT for a purpose or ID
 * the card has no slot for.
 */
INKAN_API inkan_err inkan_card_keygen (inkan_token *tok, const inkan_secret *pin, unsigned flags, unsigned purpose,
                                       const inkan_keygen_params *params, inkan_keygen_result *result);

/*
 * The PKCS#11 tokens that are the card in the PC/SC reader READER (a name
 * from inkan_reader_list or a watch event); none (*N_OUT 0) for an empty
 * reader or a card no module shows.  A module names a token's reader in
 * the slot description, cut at 64 bytes: a cut name that begins more than
 * one reader's name is INKAN_ERR_AMBIGUOUS, not a guess.  Free the list
 * with inkan_token_info_free.
 */
INKAN_API inkan_err inkan_reader_tokens (inkan_ctx *ctx, const char *reader, inkan_token_info **out,
                                         size_t *n_out);

/* The name of the PC/SC reader that holds token INFO (malloc'd), by the
 * same match; INKAN_ERR_NOT_FOUND for a token in no reader (an HSM). */
INKAN_API inkan_err inkan_token_reader (const inkan_token_info *info, char **reader_out);

#ifdef __cplusplus
}
#endif

#endif
