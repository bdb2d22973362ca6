/* Key generation as the card allows it: a card keeps keys in fixed slots,
 * each with its ID and shown on one of its tokens, and a key made under
 * another ID or on another token is refused before the card is asked. */
#include <stdio.h>
#include <string.h>

#include "pkcs11/p11.h"
#include "src/card/card.h"

/* "01, 02, 03": the IDs PROF's slots take. */
static void
slot_ids (const inkan_card_profile *prof, char *out, size_t size)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < prof->n_keys && used + 3 * prof->keys[i].id_len + 3 < size; i++) {
		char hex[2 * 16 + 1];

		inkan_hex_encode_to (prof->keys[i].id, prof->keys[i].id_len < 16 ? prof->keys[i].id_len : 16, hex);
		used += (size_t) snprintf (out + used, size - used, "%s%s", i > 0 ? ", " : "", hex);
	}
}

inkan_err
inkan_card_check_key_id (const inkan_token_info *info, const uint8_t *id, size_t id_len)
{
	const inkan_card_profile *prof = inkan_card_profile_of_token (info);
	char ids[128], hex[2 * 16 + 1];
	size_t i;

	if (!prof->can_generate)
		return inkan_fail (INKAN_ERR_UNSUPPORTED, _("keys cannot be generated on this card (%s)"),
		                   _(prof->description));
	if (prof->n_keys == 0)
		return INKAN_OK;
	slot_ids (prof, ids, sizeof ids);
	for (i = 0; id != NULL && i < prof->n_keys; i++) {
		const inkan_card_key_slot *slot = &prof->keys[i];

		if (slot->id_len != id_len || memcmp (slot->id, id, id_len) != 0)
			continue;
		if (strstr (info->label, slot->token_has) != NULL)
			return INKAN_OK;
		inkan_hex_encode_to (id, id_len, hex);
		return inkan_fail (INKAN_ERR_WRONG_SLOT,
		                   _("%s: the card shows the key with ID %s on another of its tokens (the one "
		                     "named \"...%s\"), not on \"%s\""),
		                   _(prof->description), hex, slot->token_has, info->label);
	}
	return inkan_fail (INKAN_ERR_WRONG_SLOT,
	                   _("%s: the card takes keys only under the IDs of its key slots: %s"),
	                   _(prof->description), ids);
}

inkan_err
inkan_keygen (inkan_token *tok, const inkan_keygen_params *params, inkan_keygen_result *result)
{
	inkan_err err = inkan_card_check_key_id (&tok->info, params->id_len > 0 ? params->id : NULL,
	                                         params->id_len);

	if (err != INKAN_OK) {
		memset (result, 0, sizeof *result);
		return err;
	}
	return inkan_p11_keygen (tok, params, result);
}
