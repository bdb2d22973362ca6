/* inkan cert import --token URI --in FILE --label L [--id HEX] [--pin SRC] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <openssl/x509.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan cert import --token URI --in FILE --label LABEL [--id HEX] [--pin SRC | --so-pin SRC] [--allow-final-try]")

int
verb_cert_import (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "token", required_argument, NULL, 't' },
		{ "in", required_argument, NULL, 'i' },
		{ "label", required_argument, NULL, 'l' },
		{ "id", required_argument, NULL, 'I' },
		TOOL_SO_PINS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	const char *uri = NULL, *in = NULL, *label = NULL, *id_hex = NULL;
	unsigned char *der = NULL;
	uint8_t *id = NULL;
	size_t id_len = 0;
	char *obj_uri = NULL;
	inkan_token *tok = NULL;
	X509 *x = NULL;
	inkan_err err;
	int c, ret, der_len = 0;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (c) {
		case 't': uri = optarg; break;
		case 'i': in = optarg; break;
		case 'l': label = optarg; break;
		case 'I': id_hex = optarg; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (uri == NULL || in == NULL || label == NULL || optind != argc)
		return tool_usage (t, "cert import", "%s", USAGE);
	if (id_hex != NULL && (err = inkan_hex_decode (id_hex, &id, &id_len)) != INKAN_OK)
		return tool_fail (t, err);
	err = tool_load_cert (in, &x);
	if (err == INKAN_OK && (der_len = i2d_X509 (x, &der)) <= 0)
		err = INKAN_ERR_BAD_INPUT;
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	err = tool_open_token_as (t, uri, &pins, &tok);
	if (err == INKAN_OK)
		err = inkan_cert_import (tok, der, (size_t) der_len, label, id, id_len, &obj_uri);
	if (err != INKAN_OK) {
		ret = tool_fail_hint (t, err, err == INKAN_ERR_NOT_FOUND && id == NULL ? _("give --id") : NULL);
		goto out;
	}
	if (t->json)
		tool_json_print (json_pack ("{s:s}", "certificate", obj_uri));
	else
		printf ("%s\n", obj_uri);
	ret = TOOL_EXIT_OK;
out:
	free (obj_uri);
	free (id);
	OPENSSL_free (der);
	X509_free (x);
	inkan_token_free (tok);
	return ret;
}
