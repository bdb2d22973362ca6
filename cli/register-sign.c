/* inkan register sign --document FILE --sender ADDR --recipient ADDR... --key URI --cert FILE|URI */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan register sign --document FILE [--name NAME] --sender ADDR --recipient ADDR... " \
                 "--key URI --cert FILE|URI [--chain FILE]... [--out FILE] [--pin SRC] [--allow-final-try]")

int
verb_register_sign (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "document", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "sender", required_argument, NULL, 's' },
		{ "recipient", required_argument, NULL, 'r' },
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		TOOL_CHAIN_LONG,
		{ "out", required_argument, NULL, 'o' },
		TOOL_PINS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	inkan_register_params params = { 0 };
	const char *doc = NULL, *uri = NULL, *cert_arg = NULL, *out = NULL;
	const char **recipients = calloc ((size_t) argc, sizeof *recipients);
	tool_trust tr;
	uint8_t *data = NULL, *der = NULL, digest[32];
	size_t data_len = 0, der_len = 0;
	char id[33] = "", *doc_copy = NULL;
	inkan_key *key = NULL;
	X509 *cert = NULL;
	inkan_err err;
	int c, ret;

	tool_trust_init (&tr);
	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (tool_trust_option (&tr, c, optarg, &ret)) {
		case 1: continue;
		case -1: goto out;
		}
		switch (c) {
		case 'd': doc = optarg; break;
		case 'n': params.document_name = optarg; break;
		case 's': params.sender = optarg; break;
		case 'r': recipients[params.n_recipients++] = optarg; break;
		case 'k': uri = optarg; break;
		case 'c': cert_arg = optarg; break;
		case 'o': out = optarg; break;
		default: ret = tool_help_or_usage (t, c, USAGE); goto out;
		}
	}
	if (doc == NULL || params.sender == NULL || params.n_recipients == 0 || uri == NULL || cert_arg == NULL ||
	    optind != argc) {
		ret = tool_usage (t, "register sign", "%s", USAGE);
		goto out;
	}
	err = tool_read_file (doc, INKAN_FILE_NO_LIMIT, &data, &data_len);
	if (err == INKAN_OK)
		err = tool_load_cert_any (t, cert_arg, &cert);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	EVP_Digest (data, data_len, digest, NULL, EVP_sha256 (), NULL);
	if (params.document_name == NULL && (doc_copy = strdup (doc)) != NULL)
		params.document_name = basename (doc_copy);
	params.document_size = data_len;
	params.document_sha256 = digest;
	params.recipients = recipients;
	err = tool_open_key (t, uri, pins.pin, 0, &key);
	if (err == INKAN_OK)
		err = inkan_register_sign (key, cert, tr.chain, &params, &der, &der_len, id);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	ret = tool_exit_code (tool_write_file (out, der, der_len));
	if (ret == TOOL_EXIT_OK && out != NULL) {
		if (t->json)
			tool_json_print (json_pack ("{s:s, s:s}", "id", id, "record", out));
		else
			printf (_("registration %s written to %s\n"), id, out);
	}
out:
	free (recipients);
	free (doc_copy);
	free (data);
	free (der);
	X509_free (cert);
	tool_trust_clear (&tr);
	inkan_key_free (key);
	return ret;
}
