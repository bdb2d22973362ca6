/* inkan pubkey --key URI [--out FILE] [--pin SRC]: the public key as PEM. */
#include <getopt.h>
#include <stdio.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan pubkey --key URI [--out FILE] [--pin SRC] [--allow-final-try]")

int
verb_pubkey (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		TOOL_PINS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	const char *uri = NULL, *out = NULL;
	inkan_token *tok = NULL;
	EVP_PKEY *pub = NULL;
	BIO *mem = NULL;
	char *pem = NULL;
	long pem_len;
	inkan_err err;
	int c, ret;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (c) {
		case 'k': uri = optarg; break;
		case 'o': out = optarg; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (uri == NULL || optind != argc)
		return tool_usage (t, "pubkey", "%s", USAGE);

	/* Public objects need no login; a PIN is used only when given. */
	err = pins.pin ? tool_open_token (t, uri, pins.pin, 0, &tok) : inkan_token_open (t->ctx, uri, &tok);
	if (err == INKAN_OK)
		err = inkan_pubkey_get (tok, uri, &pub);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	mem = BIO_new (BIO_s_mem ());
	if (mem == NULL || !PEM_write_bio_PUBKEY (mem, pub)) {
		ret = tool_fail (t, INKAN_ERR_CRYPTO);
		goto out;
	}
	pem_len = BIO_get_mem_data (mem, &pem);
	if (t->json && out == NULL) {
		tool_json_print (json_pack ("{s:s, s:s#}", "uri", uri, "pem", pem, (size_t) pem_len));
		ret = TOOL_EXIT_OK;
		goto out;
	}
	ret = tool_exit_code (tool_write_file (out, (const uint8_t *) pem, (size_t) pem_len));
out:
	BIO_free (mem);
	EVP_PKEY_free (pub);
	inkan_token_free (tok);
	return ret;
}
