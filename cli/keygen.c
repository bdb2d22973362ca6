/* inkan keygen --token URI --type T --label L [--id HEX] [--pin SRC] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan keygen --token URI --type rsa:2048|rsa:3072|rsa:4096|ec:P-256|ec:P-384 " \
                 "--label LABEL [--id HEX] [--pin SRC | --so-pin SRC] [--allow-final-try]")

int
verb_keygen (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "token", required_argument, NULL, 't' },
		{ "type", required_argument, NULL, 'k' },
		{ "label", required_argument, NULL, 'l' },
		{ "id", required_argument, NULL, 'i' },
		TOOL_SO_PINS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	const char *uri = NULL, *type = NULL, *id_hex = NULL;
	inkan_keygen_params params = { 0 };
	inkan_keygen_result result = { 0 };
	inkan_token *tok = NULL;
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
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (uri == NULL || type == NULL || params.label == NULL || optind != argc)
		return tool_usage (t, "keygen", "%s", USAGE);
	err = inkan_keygen_parse_type (type, &params);
	if (err == INKAN_OK && id_hex != NULL)
		err = inkan_hex_decode (id_hex, &id, &params.id_len);
	params.id = id;
	if (err == INKAN_OK)
		err = tool_open_token_as (t, uri, &pins, &tok);
	if (err == INKAN_OK)
		err = inkan_keygen (tok, &params, &result);
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
