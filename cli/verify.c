/* inkan verify (--key URI | --pubkey PEM | --cert FILE) --sig FILE [--in FILE] [--hash H] [--pss] [--format der|raw] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <openssl/x509.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan verify (--key URI | --pubkey PEM | --cert FILE) --sig FILE [--in FILE] " \
                 "[--hash sha256|sha384|sha512] [--pss] [--format der|raw]")

int
verb_verify (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "pubkey", required_argument, NULL, 'K' },
		{ "cert", required_argument, NULL, 'c' },
		{ "sig", required_argument, NULL, 's' },
		{ "in", required_argument, NULL, 'i' },
		TOOL_SIGOPTS_LONG,
		TOOL_OPTS_END,
	};
	tool_sigopts so = { INKAN_HASH_SHA256, 0, 0 };
	const char *uri = NULL, *pem = NULL, *cert = NULL, *sig_path = NULL, *in = NULL;
	uint8_t *data = NULL, *sig = NULL;
	size_t data_len = 0, sig_len = 0;
	inkan_sig_scheme scheme;
	inkan_token *tok = NULL;
	EVP_PKEY *pub = NULL;
	inkan_err err;
	int c, ret;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		switch (tool_sigopts_parse (&so, c, optarg)) {
		case 1: continue;
		case -1: return tool_usage (t, "verify", "%s", USAGE);
		}
		switch (c) {
		case 'k': uri = optarg; break;
		case 'K': pem = optarg; break;
		case 'c': cert = optarg; break;
		case 's': sig_path = optarg; break;
		case 'i': in = optarg; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (sig_path == NULL || optind != argc || (uri != NULL) + (pem != NULL) + (cert != NULL) != 1)
		return tool_usage (t, "verify", "%s", USAGE);

	err = tool_read_file (sig_path, INKAN_FILE_LIMIT_CERTS, &sig, &sig_len);
	if (err == INKAN_OK)
		err = tool_read_file (in, INKAN_FILE_NO_LIMIT, &data, &data_len);
	if (err == INKAN_OK && uri == NULL)
		err = tool_load_key_of (pem ? pem : cert, cert != NULL, &pub);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	if (uri != NULL) {
		err = inkan_token_open (t->ctx, uri, &tok);
		if (err == INKAN_OK)
			err = inkan_pubkey_get (tok, uri, &pub);
		if (err != INKAN_OK) {
			ret = tool_fail (t, err);
			goto out;
		}
	}
	err = tool_sigopts_scheme (&so, EVP_PKEY_get_base_id (pub) == EVP_PKEY_EC, &scheme);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	err = inkan_signature_verify (pub, scheme, so.hash, data, data_len, so.flags, sig, sig_len);
	if (err != INKAN_OK && err != INKAN_ERR_BAD_SIGNATURE) {
		ret = tool_fail (t, err);
		goto out;
	}
	if (t->json)
		tool_json_print (json_pack ("{s:b}", "valid", err == INKAN_OK));
	else
		printf ("%s\n", err == INKAN_OK ? _("signature OK") : _("signature BAD"));
	ret = err == INKAN_OK ? TOOL_EXIT_OK : TOOL_EXIT_NEGATIVE;
out:
	free (data);
	free (sig);
	EVP_PKEY_free (pub);
	inkan_token_free (tok);
	return ret;
}
