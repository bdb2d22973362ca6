/* inkan-kiosk — the resident's card in the reader, as every operation at
 * the counter first finds it: its profile, the name the journal gives it,
 * where the journal says it stopped, and its signature slot's certificate.
 * A model: no widgets, every call blocks. */
#ifndef KIOSK_CARD_H
#define KIOSK_CARD_H

#include <openssl/x509.h>
#include <inkan/card.h>

#include "issue.h"

/* The card of the settings' card profile in the reader: ISS->s, card_id,
 * token_uri, profile and resume filled in (what an issuance, a renewal
 * and a PIN reset share).  INKAN_ERR_NOT_FOUND: no such card. */
inkan_err kiosk_card_find (kiosk_session *s, kiosk_issue *iss, char **why);

/* The slot the profile keeps its signature key in; 0: none. */
int kiosk_card_signature_slot (const inkan_card_profile *p, inkan_card_key_slot *out);

/* The certificate in the card's signature slot and the URI of the private
 * key beside it.  INKAN_ERR_NOT_FOUND: the slot holds no certificate. */
inkan_err kiosk_card_current_cert (kiosk_issue *iss, X509 **cert, char **key_uri, char **why);

#endif
