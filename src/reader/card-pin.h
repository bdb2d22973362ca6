/* A card's PIN spoken to over PC/SC, beside OpenSC: the tries counter it
 * keeps (which OpenSC's PKCS#11 shows only as flags) and the JPKI PIN
 * change (which OpenSC's jpki driver cannot do).  Used by pkcs11/pin.c. */
#ifndef INKAN_CARD_PIN_H
#define INKAN_CARD_PIN_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/error.h>

/* Where a PIN lives on a card: its application, the file it sits in
 * (0: the application itself), and its reference (VERIFY's P2). */
typedef struct {
	const unsigned char *aid;
	size_t aid_len;
	uint16_t ef;
	unsigned char ref;
} inkan_card_pin;

extern const inkan_card_pin inkan_card_pin_jpki_sign;  /* signing password, EF 001B */
extern const inkan_card_pin inkan_card_pin_jpki_auth;  /* authentication PIN, EF 0018 */
extern const inkan_card_pin inkan_card_pin_openpgp_pw1; /* OpenPGP user PIN (81/82 share it) */
extern const inkan_card_pin inkan_card_pin_openpgp_pw3; /* OpenPGP admin PIN */

/* The tries the card in READER has left for PIN, by VERIFY with no data
 * (ISO 7816-4: 63Cx, or 6983 when blocked).  *TRIES is -1 when the card
 * does not say (the PIN is verified already, or the card ignores the
 * query).  READER is the reader's name, or a prefix of it (PKCS#11 slot
 * descriptions are cut at 64 characters). */
inkan_err inkan_card_pin_tries (const char *reader, const inkan_card_pin *pin, int *tries);

/* VERIFY OLD_PIN, then CHANGE REFERENCE DATA 00 24 01 REF with NEW_PIN.
 * INKAN_OK means the card answered: *SW is 9000 when changed, else the
 * status of the VERIFY (63Cx wrong, 6983 locked) or of the change. */
inkan_err inkan_card_pin_change (const char *reader, const inkan_card_pin *pin, const char *old_pin,
                                 size_t old_len, const char *new_pin, size_t new_len, unsigned *sw);

#endif
