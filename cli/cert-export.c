/* inkan cert export URI [--out FILE] [--der] [--pin SRC] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <openssl/pem.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan cert export URI [--out FILE] [--der] [--pin SRC] [--allow-final-try]")

int
verb_cert_export (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "der", no_argument, NULL, 'd' },
		TOOL_PINS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	const char *out = NULL, *uri;
	uint8_t *der = NULL;
	size_t der_len = 0;
	int as_der = 0, c, ret;
	inkan_token *tok = NULL;
	char *pem = NULL;
	BIO *mem = NULL;
	inkan_err err;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (c) {
		case 'o': out = optarg; break;
		case 'd': as_der = 1; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (argc - optind != 1)
		return tool_usage (t, "cert export", "%s", USAGE);
	uri = argv[optind];

	/* Some cards keep certificates private (JPKI's signing one). */
	err = pins.pin ? tool_open_token (t, uri, pins.pin, 0, &tok) : inkan_token_open (t->ctx, uri, &tok);
	if (err == INKAN_OK)
		err = inkan_cert_export (tok, uri, &der, &der_len);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	if (!as_der) {
		mem = BIO_new (BIO_s_mem ());
		if (mem == NULL || !PEM_write_bio (mem, "CERTIFICATE", "", der, (long) der_len)) {
			ret = tool_fail (t, INKAN_ERR_CRYPTO);
			goto out;
		}
		der_len = (size_t) BIO_get_mem_data (mem, &pem);
	}
	if (t->json && out == NULL && !as_der) {
		tool_json_print (json_pack ("{s:s, s:s#}", "uri", uri, "pem", pem, der_len));
		ret = TOOL_EXIT_OK;
		goto out;
	}
	ret = tool_exit_code (tool_write_file (out, as_der ? der : (uint8_t *) pem, der_len));
out:
	BIO_free (mem);
	free (der);
	inkan_token_free (tok);
	return ret;
}
