/* inkan keygen --token URI --type T [--purpose P] [--label L] [--id HEX] [--pin SRC] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/tool.h"

#define USAGE N_("usage: inkan keygen --token URI --type rsa:2048|rsa:3072|rsa:4096|ec:P-256|ec:P-384\n" \
	"  [--purpose signature|decryption|authentication] [--label LABEL] [--id HEX]\n" \
	"  [--pin SRC | --so-pin SRC] [--allow-final-try]\n" \
	"On a card with fixed key slots (OpenPGP, PIV), any of the card's tokens will do: the\n" \
	"slot is the card's for --purpose (default signature) or the one --id names, and the\n" \
	"URIs printed are where the key shows.  OpenPGP cards want the admin PIN (--so-pin).\n" \
	"Elsewhere --label is needed, and --id is yours to choose (default: 16 random bytes).")

static const struct {
	const char *name;
	inkan_key_purpose purpose;
} purposes[] = {
	{ "signature", INKAN_KEY_PURPOSE_SIGNATURE },
	{ "decryption", INKAN_KEY_PURPOSE_DECRYPTION },
	{ "authentication", INKAN_KEY_PURPOSE_AUTHENTICATION },
};

static int
parse_purpose (const char *name, unsigned *out)
{
	size_t i;

	for (i = 0; i < sizeof purposes / sizeof purposes[0]; i++)
		if (strcmp (name, purposes[i].name) == 0) {
			*out = purposes[i].purpose;
			return 1;
		}
	return 0;
}

/* A key in the card's slot for PURPOSE (0: the one ID names), with the
 * PIN the card generates keys with, asked for by its name. */
static inkan_err
card_keygen (tool *t, inkan_token *tok, const tool_pins *pins, unsigned purpose, const inkan_keygen_params *params,
             inkan_keygen_result *result)
{
	const inkan_card_profile *prof = inkan_card_profile_of_token (inkan_token_get_info (tok));
	int so = inkan_card_profile_keygen_user (prof) == INKAN_USER_SO;
	inkan_secret *pin = NULL;
	inkan_err err;

	/* The user PIN sent as the admin PIN would cost an admin try. */
	if (so && pins->so_pin == NULL && pins->pin != NULL) {
		tool_set_detail (_("%s makes keys with the SO PIN (admin PIN): give --so-pin, not --pin"),
		                 inkan_card_profile_description (prof));
		return INKAN_ERR_USAGE;
	}
	err = tool_secret (so ? pins->so_pin : pins->pin, so ? _("SO PIN (admin PIN): ") : _("PIN: "), &pin);
	if (err == INKAN_OK)
		err = inkan_card_keygen (tok, pin, t->consent, purpose, params, result);
	inkan_secret_free (pin);
	return err;
}

int
verb_keygen (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "token", required_argument, NULL, 't' },
		{ "type", required_argument, NULL, 'k' },
		{ "label", required_argument, NULL, 'l' },
		{ "id", required_argument, NULL, 'i' },
		{ "purpose", required_argument, NULL, 'u' },
		TOOL_SO_PINS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	const char *uri = NULL, *type = NULL, *id_hex = NULL, *purpose_name = NULL;
	inkan_keygen_params params = { 0 };
	inkan_keygen_result result = { 0 };
	inkan_token *tok = NULL;
	unsigned purpose = 0;
	uint8_t *id = NULL;
	char *id_text = NULL;
	inkan_err err;
	int c, ret;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (c) {
		case 't': uri = optarg; break;
		case 'k': type = optarg; break;
		case 'l': params.label = optarg; break;
		case 'i': id_hex = optarg; break;
		case 'u': purpose_name = optarg; break;
		default: return tool_help_or_usage (t, c, _(USAGE));
		}
	}
	if (uri == NULL || type == NULL || optind != argc)
		return tool_usage (t, "keygen", "%s", _(USAGE));
	if (purpose_name != NULL && !parse_purpose (purpose_name, &purpose))
		return tool_usage (t, "keygen", _("unknown purpose \"%s\": use signature, decryption or authentication"),
		                   purpose_name);
	err = inkan_keygen_parse_type (type, &params);
	if (err == INKAN_OK && id_hex != NULL)
		err = inkan_hex_decode (id_hex, &id, &params.id_len);
	params.id = id;
	/* Which PIN to send, and to which of a card's tokens, depends on
	 * what the token is: opened first, logged in after. */
	if (err == INKAN_OK)
		err = inkan_token_open (t->ctx, uri, &tok);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	if (inkan_card_profile_keys (inkan_card_profile_of_token (inkan_token_get_info (tok)), NULL, 0) > 0) {
		if (purpose == 0 && id == NULL)
			purpose = INKAN_KEY_PURPOSE_SIGNATURE;
		err = card_keygen (t, tok, &pins, purpose, &params, &result);
	} else if (purpose_name != NULL) {
		ret = tool_usage (t, "keygen", _("--purpose picks a card's key slot; token \"%s\" has none inkan knows"),
		                  inkan_token_get_info (tok)->label);
		goto out;
	} else if (params.label == NULL) {
		ret = tool_usage (t, "keygen", _("--label is needed for a key on token \"%s\""),
		                  inkan_token_get_info (tok)->label);
		goto out;
	} else {
		err = pins.so_pin != NULL ? tool_login (t, tok, pins.so_pin, TOOL_LOGIN_SO) : tool_login (t, tok, pins.pin, 0);
		if (err == INKAN_OK)
			err = inkan_keygen (tok, &params, &result);
	}
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	id_text = inkan_hex_encode (result.id, result.id_len);
	if (t->json)
		tool_json_print (json_pack ("{s:s, s:s, s:s}", "private_key", result.private_uri,
		                            "public_key", result.public_uri, "id", id_text ? id_text : ""));
	else {
		tool_field (0, 12, _("private key:"), "%s", result.private_uri);
		tool_field (0, 12, _("public key:"), "%s", result.public_uri);
		tool_field (0, 12, _("id:"), "%s", id_text ? id_text : "");
	}
	ret = TOOL_EXIT_OK;
out:
	free (id_text);
	free (id);
	inkan_keygen_result_clear (&result);
	inkan_token_free (tok);
	return ret;
}
