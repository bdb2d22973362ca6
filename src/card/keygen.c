/* Key generation as the card allows it: a card keeps keys in fixed slots,
 * each with its ID and shown on one of its tokens.  inkan_keygen refuses a
 * key that would not show on the token it is made on; inkan_card_keygen
 * picks the slot by purpose and says where the key shows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkcs11/p11.h"
#include "src/card/card.h"

/* An ID as hex, its first 16 bytes (slot IDs are 1 byte long). */
static void
id_hex (const uint8_t *id, size_t len, char out[2 * 16 + 1])
{
	inkan_hex_encode_to (id, len < 16 ? len : 16, out);
}

/* "01, 02, 03": the IDs PROF's slots take. */
static void
slot_ids (const inkan_card_profile *prof, char *out, size_t size)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < prof->n_keys && used + 3 * prof->keys[i].id_len + 3 < size; i++) {
		char hex[2 * 16 + 1];

		id_hex (prof->keys[i].id, prof->keys[i].id_len, hex);
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
		id_hex (id, id_len, hex);
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

/* PROF's slot for PURPOSE (the first, as PIV has two for authentication),
 * or, with PURPOSE 0, the slot whose ID is ID. */
static const inkan_card_key_slot *
find_slot (const inkan_card_profile *prof, unsigned purpose, const uint8_t *id, size_t id_len)
{
	size_t i;

	for (i = 0; i < prof->n_keys; i++) {
		const inkan_card_key_slot *slot = &prof->keys[i];

		if (purpose != 0 ? (slot->purposes & purpose) != 0
		                 : slot->id_len == id_len && memcmp (slot->id, id, id_len) == 0)
			return slot;
	}
	return NULL;
}

static const char *
slot_hex (const inkan_card_key_slot *slot, char out[2 * 16 + 1])
{
	id_hex (slot->id, slot->id_len, out);
	return out;
}

static const char *
purpose_name (unsigned purpose)
{
	switch (purpose) {
	case INKAN_KEY_PURPOSE_SIGNATURE: return _("signature");
	case INKAN_KEY_PURPOSE_DECRYPTION: return _("decryption");
	case INKAN_KEY_PURPOSE_AUTHENTICATION: return _("authentication");
	default: return "?";
	}
}

inkan_err
inkan_card_key_slot_pick (const inkan_card_profile *prof, unsigned purpose, const inkan_keygen_params *params,
           const inkan_card_key_slot **out)
{
	const uint8_t *id = params->id_len > 0 ? params->id : NULL;
	char ids[128], hex[2 * 16 + 1] = "";
	const inkan_card_key_slot *slot;

	if (!prof->can_generate)
		return inkan_fail (INKAN_ERR_UNSUPPORTED, _("keys cannot be generated on this card (%s)"),
		                   _(prof->description));
	if (prof->n_keys == 0)
		return inkan_fail (INKAN_ERR_UNSUPPORTED,
		                   _("inkan knows no key slots of this token (%s): generate the key with an ID "
		                     "of your choice instead"), _(prof->description));
	if (purpose == 0 && id == NULL)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("a card key needs a purpose or the ID of its slot"));
	if (purpose != 0 && (purpose & (purpose - 1)) != 0)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("a card key slot is picked by one purpose at a time"));
	slot_ids (prof, ids, sizeof ids);
	if (id != NULL)
		id_hex (id, params->id_len, hex);
	slot = find_slot (prof, purpose, id, params->id_len);
	if (slot == NULL && purpose != 0)
		return inkan_fail (INKAN_ERR_WRONG_SLOT, _("%s: the card has no slot for a %s key"),
		                   _(prof->description), purpose_name (purpose));
	if (slot == NULL)
		return inkan_fail (INKAN_ERR_WRONG_SLOT,
		                   _("%s: the card takes keys only under the IDs of its key slots: %s"),
		                   _(prof->description), ids);
	if (id != NULL && (slot->id_len != params->id_len || memcmp (slot->id, id, slot->id_len) != 0)) {
		char want[2 * 16 + 1];

		id_hex (slot->id, slot->id_len, want);
		return inkan_fail (INKAN_ERR_WRONG_SLOT, _("%s: the card keeps its %s key under ID %s, not %s"),
		                   _(prof->description), purpose_name (purpose), want, hex);
	}
	*out = slot;
	return INKAN_OK;
}

/* The token of the card behind TOK that shows the keys of SLOT: TOK, or
 * the token of the same module, reader and serial whose label says so.
 * OpenSC shows a key only on the token it was made on, until the module
 * is loaded again: the key is made on this one. */
static inkan_err
showing_token (inkan_token *tok, const inkan_card_key_slot *slot, inkan_token **out)
{
	inkan_token_info *all = NULL;
	size_t n = 0, i;
	const char *uri = NULL;
	inkan_err err = inkan_token_list (tok->ctx, NULL, &all, &n);

	for (i = 0; err == INKAN_OK && i < n && uri == NULL; i++)
		if (strcmp (all[i].module, tok->info.module) == 0 &&
		    strcmp (all[i].slot_description, tok->info.slot_description) == 0 &&
		    strcmp (all[i].serial, tok->info.serial) == 0 && strstr (all[i].label, slot->token_has) != NULL)
			uri = all[i].uri;
	if (err == INKAN_OK && uri == NULL)
		err = inkan_fail (INKAN_ERR_NOT_FOUND,
		                  _("none of the card's tokens is the one named \"...%s\", which shows its keys of "
		                    "this slot"), slot->token_has);
	if (err == INKAN_OK)
		err = inkan_token_open (tok->ctx, uri, out);
	inkan_token_info_free (all, n);
	return err;
}

/* The one object of class CLS with SLOT's ID on SHOW, or none: *FOUND 0. */
static inkan_err
slot_object (inkan_token *show, const inkan_card_key_slot *slot, CK_OBJECT_CLASS cls, CK_OBJECT_HANDLE *found)
{
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_CLASS, &cls, sizeof cls },
		{ CKA_ID, (void *) slot->id, slot->id_len },
	};
	CK_OBJECT_HANDLE *all = NULL;
	CK_ULONG n = 0;
	inkan_err err = inkan_p11_find (show, tmpl, 2, &all, &n);

	*found = CK_INVALID_HANDLE;
	if (err == INKAN_OK && n > 1)
		err = inkan_fail (INKAN_ERR_AMBIGUOUS, "%s", _("the card shows several keys in one slot"));
	if (err == INKAN_OK && n == 1)
		*found = all[0];
	free (all);
	return err;
}

/* The URIs of the key in SLOT as SHOW lists it.  The private half of a
 * card's key is a private object, seen only after a login on that very
 * token: until then its URI is the public half's with the class changed,
 * as the card keeps both in the one slot (the labels may differ: none is
 * in either URI). */
static inkan_err
slot_uris (inkan_token *show, const inkan_card_key_slot *slot, inkan_keygen_result *r)
{
	CK_OBJECT_CLASS priv_class = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE priv_attr = { CKA_CLASS, &priv_class, sizeof priv_class };
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
	P11KitUri *uri = NULL;
	char hex[2 * 16 + 1];
	inkan_err err;

	pthread_mutex_lock (&show->lock);
	err = slot_object (show, slot, CKO_PUBLIC_KEY, &pub);
	if (err == INKAN_OK && pub == CK_INVALID_HANDLE)
		err = inkan_fail (INKAN_ERR_TOKEN, _("the card made the key, but its token \"%s\" shows no public key "
		                                     "with ID %s"), show->info.label, slot_hex (slot, hex));
	if (err == INKAN_OK)
		err = inkan_p11_object_uri (show, pub, &r->public_uri);
	pthread_mutex_unlock (&show->lock);
	if (err == INKAN_OK)
		err = inkan_p11_uri_parse (r->public_uri, &uri);
	if (err == INKAN_OK) {
		p11_kit_uri_clear_attribute (uri, CKA_LABEL);
		p11_kit_uri_set_attribute (uri, &priv_attr);
		if (p11_kit_uri_format (uri, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, &r->private_uri) != P11_KIT_URI_OK)
			err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("cannot format a PKCS#11 URI"));
	}
	p11_kit_uri_free (uri);
	return err;
}

inkan_err
inkan_card_keygen_prepare (inkan_token *tok, unsigned purpose, const inkan_keygen_params *params,
                           const inkan_card_key_slot **slot, inkan_token **show)
{
	const inkan_card_profile *prof = inkan_card_profile_of_token (&tok->info);
	CK_OBJECT_HANDLE held = CK_INVALID_HANDLE;
	char hex[2 * 16 + 1];
	inkan_err err;

	*show = NULL;
	err = inkan_card_key_slot_pick (prof, purpose, params, slot);
	if (err == INKAN_OK)
		err = showing_token (tok, *slot, show);
	/* The card overwrites a slot's key without a word; a resident's key
	 * (and the certificate beside it) is not to go that way unasked. */
	if (err == INKAN_OK) {
		pthread_mutex_lock (&(*show)->lock);
		err = slot_object (*show, *slot, CKO_PUBLIC_KEY, &held);
		pthread_mutex_unlock (&(*show)->lock);
	}
	if (err == INKAN_OK && held != CK_INVALID_HANDLE)
		err = inkan_fail (INKAN_ERR_USAGE, _("the card's key slot with ID %s holds a key already (on token "
		                                     "\"%s\"): it is not overwritten"), slot_hex (*slot, hex),
		                  (*show)->info.label);
	if (err != INKAN_OK) {
		inkan_token_free (*show);
		*show = NULL;
	}
	return err;
}

inkan_err
inkan_card_keygen_in_slot (inkan_token *show, const inkan_card_key_slot *slot, const inkan_keygen_params *params,
                           inkan_keygen_result *result)
{
	inkan_keygen_params at = *params;
	inkan_keygen_result made = { 0 };
	inkan_err err;

	memset (result, 0, sizeof *result);
	at.id = slot->id;
	at.id_len = slot->id_len;
	err = inkan_p11_keygen (show, &at, &made);
	if (err == INKAN_ERR_UNSUPPORTED) {
		char why[256];

		snprintf (why, sizeof why, "%s", inkan_detail ());
		err = inkan_fail (err, _("%s: the card makes keys only of the kind its slot is set to (on an OpenPGP "
		                         "card, its algorithm attributes)"), why);
	}
	/* Not the URIs C_GenerateKeyPair's handles give: read back from the
	 * token, they are what a program that opens it later will find. */
	if (err == INKAN_OK)
		err = slot_uris (show, slot, result);
	if (err == INKAN_OK && (result->id = malloc (slot->id_len)) == NULL)
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	if (err == INKAN_OK) {
		memcpy (result->id, slot->id, slot->id_len);
		result->id_len = slot->id_len;
	} else
		inkan_keygen_result_clear (result);
	inkan_keygen_result_clear (&made);
	return err;
}
