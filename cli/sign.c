/* inkan sign --key URI [--in FILE] [--out FILE] [--hash H] [--pss] [--format der|raw] [--pin SRC] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan sign --key URI [--in FILE] [--out FILE] [--hash sha256|sha384|sha512] " \
                 "[--pss] [--format der|raw] [--pin SRC] [--allow-final-try]")

int
verb_sign (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		TOOL_PINS_LONG,
		TOOL_SIGOPTS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	tool_sigopts so = { INKAN_HASH_SHA256, 0, 0 };
	const char *uri = NULL, *in = NULL, *out = NULL;
	uint8_t *data = NULL, *sig = NULL;
	size_t data_len = 0, sig_len = 0;
	inkan_sig_scheme scheme;
	inkan_key *key = NULL;
	inkan_err err;
	int c, ret;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (tool_sigopts_parse (&so, c, optarg)) {
		case 1: continue;
		case -1: return tool_usage (t, "sign", "%s", USAGE);
		}
		switch (c) {
		case 'k': uri = optarg; break;
		case 'i': in = optarg; break;
		case 'o': out = optarg; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (uri == NULL || optind != argc)
		return tool_usage (t, "sign", "%s", USAGE);
	if (pins.pin != NULL && strcmp (pins.pin, "stdin") == 0 && (in == NULL || strcmp (in, "-") == 0))
		return tool_usage (t, "sign", "%s", _("--pin stdin and data on stdin cannot share it; give --in FILE"));

	/* Read the data first: an unreadable file must not cost a PIN try. */
	err = tool_read_file (in, INKAN_FILE_NO_LIMIT, &data, &data_len);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	err = tool_open_key (t, uri, pins.pin, 0, &key);
	if (err == INKAN_OK &&
	    (err = tool_sigopts_scheme (&so, inkan_key_get_type (key) == INKAN_KEY_EC, &scheme)) != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	if (err == INKAN_OK)
		err = inkan_key_sign (key, scheme, so.hash, data, data_len, so.flags, &sig, &sig_len);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	if (t->json && out == NULL) {
		json_t *o = json_pack ("{s:s, s:s, s:s}", "key", inkan_key_get_uri (key),
		                       "hash", inkan_hash_name (so.hash),
		                       "scheme", inkan_sig_scheme_name (scheme));
		char *text = inkan_base64_encode (sig, sig_len, INKAN_BASE64_STD);

		json_object_set_new (o, "signature", text != NULL ? json_string (text) : NULL);
		free (text);
		tool_json_print (o);
		ret = TOOL_EXIT_OK;
		goto out;
	}
	ret = tool_exit_code (tool_write_file (out, sig, sig_len));
out:
	free (data);
	free (sig);
	inkan_key_free (key);
	return ret;
}
