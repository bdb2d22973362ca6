/* The card model inside libinkan: one description per kind of card
 * (profiles.c), read by the PIN guard above and by the public card API. */
#ifndef INKAN_CARD_CARD_H
#define INKAN_CARD_CARD_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/card.h>

#include "src/reader/link.h"
#include "src/util/internal.h"

/* Where a PIN lives on a card, for the commands inkan sends beside
 * OpenSC: its application, the file it sits in (0: the application
 * itself), and its reference (VERIFY's P2).  AID NULL: not to be asked. */
typedef struct {
	const unsigned char *aid;
	size_t aid_len;
	uint16_t ef;
	unsigned char ref;
} inkan_card_pin_ref;

typedef struct {
	const char *name;
	const char *label;              /* N_() */
	inkan_user role;
	const char *token_has;          /* "" matches any token of the card */
	int min_len, max_len;
	const char *charset;
	int upcase;
	const char *rule;               /* N_(), or NULL */
	int max_tries;
	inkan_card_pin_ref pcsc;        /* the card's own count of tries */
	int change_by_pcsc;             /* OpenSC cannot change it: inkan does */
	/* The card takes the PIN in VERIFY as typed (no padding, no format):
	 * inkan sends it in the transaction that read the count, so that no
	 * other program's VERIFY comes between. */
	int verify_by_pcsc;
	/* The PIN (its name) whose VERIFY lets RESET RETRY COUNTER with
	 * P1 RESET_P1 set this one anew over PC/SC, or NULL. */
	const char *reset_by;
	unsigned char reset_p1;
} inkan_card_pin_def;

/* An ATR pattern (see inkan_atr_match) and, when it names a product
 * more closely than the profile does, its own description (N_()). */
typedef struct {
	const char *pattern;
	const char *description;
} inkan_card_atr;

struct inkan_card_profile {
	const char *id;
	const char *description;        /* N_() */
	const inkan_card_atr *atrs;     /* ends with a NULL pattern */
	const inkan_card_pin_def *pins;
	size_t n_pins;
	const inkan_card_key_slot *keys;
	size_t n_keys;
	int can_generate;
	inkan_user keygen_user;         /* who logs in to generate a key */
	int serial_shared;              /* every card of the kind gives the same serial */
};

/* profiles.c: every profile, the generic one last. */
extern const inkan_card_profile inkan_card_profiles[];
extern const size_t inkan_card_profile_count;

/* The PIN of role USER that logs in to the token with this label and
 * model: the card's, else the generic profile's.  Never NULL. */
const inkan_card_pin_def *inkan_card_pin_def_for (const char *label, const char *model, inkan_user user);

/* keygen.c: whether the card behind token INFO would show a key generated
 * with ID (NULL: a random one) on that token: INKAN_ERR_WRONG_SLOT naming
 * the IDs or the token it takes, INKAN_ERR_UNSUPPORTED for a card that
 * makes no keys.  Tokens of no known card take any ID. */
inkan_err inkan_card_check_key_id (const inkan_token_info *info, const uint8_t *id, size_t id_len);

/* The slot of PROF a key is to be made in for inkan_card_keygen: by
 * PURPOSE (one bit), and then PARAMS' ID, if any, must be the slot's; with
 * PURPOSE 0, the slot of that ID.  The errors inkan_card_keygen gives. */
inkan_err inkan_card_key_slot_pick (const inkan_card_profile *prof, unsigned purpose,
                                    const inkan_keygen_params *params, const inkan_card_key_slot **out);

/* The first half of inkan_card_keygen: the slot for PURPOSE and PARAMS'
 * ID, and the card's token that shows its keys, opened (*SHOW, to free),
 * once it is known that the slot holds no key. */
inkan_err inkan_card_keygen_prepare (inkan_token *tok, unsigned purpose, const inkan_keygen_params *params,
                                     const inkan_card_key_slot **slot, inkan_token **show);

/* The second, once SHOW is logged in as the card's keygen_user: the key
 * made in SLOT, and RESULT as inkan_card_keygen's. */
inkan_err inkan_card_keygen_in_slot (inkan_token *show, const inkan_card_key_slot *slot,
                                     const inkan_keygen_params *params, inkan_keygen_result *result);

/* atr.c: 1 when ATR matches PATTERN (hex bytes separated by spaces, '.'
 * for any nibble, as long as the ATR), 0 when not, -1 when PATTERN is
 * malformed. */
int inkan_atr_match (const char *pattern, const uint8_t *atr, size_t atr_len);

/* pin-apdu.c: one transaction with the card for one of its PINs, which
 * no other program's command can come between.  While it is open, OpenSC
 * in this process waits for it too: close it before any PKCS#11 call. */
typedef struct {
	inkan_card_link link;
	const inkan_card_pin_ref *pin;  /* NULL: closed */
} inkan_card_pin_session;

/* Begin the transaction with the card in READER (its full name) and select
 * PIN's application and file. */
inkan_err inkan_card_pin_open (const char *reader, const inkan_card_pin_ref *pin, inkan_card_pin_session *s);
/* Ends it; a closed or never opened (zeroed) session is fine. */
void inkan_card_pin_close (inkan_card_pin_session *s);
int inkan_card_pin_is_open (const inkan_card_pin_session *s);

/* The PIN's tries left, by VERIFY with no data (ISO 7816-4: 63Cx, or 6983
 * when blocked); -1 when the card does not say (the PIN is verified
 * already, or the card ignores the query). */
inkan_err inkan_card_pin_query (inkan_card_pin_session *s, int *tries);

/* VERIFY with PIN.  INKAN_OK means the card answered: *SW is 9000, 63Cx
 * (wrong, x left), 6983 (locked), or another refusal. */
inkan_err inkan_card_pin_verify (inkan_card_pin_session *s, const char *pin, size_t len, unsigned *sw);

/* After a VERIFY of the session's PIN: CHANGE REFERENCE DATA 00 24 01 REF
 * with the new PIN alone (the JPKI card's way). */
inkan_err inkan_card_pin_set_verified (inkan_card_pin_session *s, const char *new_pin, size_t len, unsigned *sw);

/* After a VERIFY of the session's PIN (TARGET's reset_by): RESET RETRY
 * COUNTER 00 2C RESET_P1 REF(TARGET) with TARGET's new PIN. */
inkan_err inkan_card_pin_reset (inkan_card_pin_session *s, const inkan_card_pin_def *target, const char *new_pin,
                                size_t len, unsigned *sw);

/* VERIFY FF: the card forgets that the session's PIN was verified
 * (ISO 7816-4, OpenPGP card 3); a card that does not know it is ignored. */
void inkan_card_pin_forget (inkan_card_pin_session *s);

/* The tries of PIN on the card in READER, in a transaction of its own. */
inkan_err inkan_card_pin_tries (const char *reader, const inkan_card_pin_ref *pin, int *tries);

/* reader-tokens.c: which of the N READERS the slot description DESC
 * names: exactly, or as the one reader whose name begins with the 64
 * bytes a PKCS#11 slot description holds.  *AT gets its index. */
inkan_err inkan_reader_of_slot (const char *desc, char *const *readers, size_t n, size_t *at);

#endif
