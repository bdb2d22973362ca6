/* Key generation on a card, logged in as the card wants it on the one of
 * its tokens that will show the key: the card model picks the slot, the
 * PIN guard sends the PIN. */
#include <string.h>

#include "pkcs11/p11.h"
#include "src/card/card.h"

inkan_err
inkan_card_keygen (inkan_token *tok, const inkan_secret *pin, unsigned flags, unsigned purpose,
                   const inkan_keygen_params *params, inkan_keygen_result *result)
{
	const inkan_card_profile *prof = inkan_card_profile_of_token (&tok->info);
	const inkan_card_key_slot *slot = NULL;
	inkan_token *show = NULL;
	inkan_err err;

	memset (result, 0, sizeof *result);
	err = inkan_card_keygen_prepare (tok, purpose, params, &slot, &show);
	if (err == INKAN_OK && pin != NULL)
		err = inkan_token_login (show, prof->keygen_user, pin, flags);
	if (err == INKAN_OK)
		err = inkan_card_keygen_in_slot (show, slot, params, result);
	inkan_token_free (show);
	return err;
}
