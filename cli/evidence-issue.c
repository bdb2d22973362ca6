/* inkan evidence issue --kind original|distribution --issuer NAME --document FILE --key URI --cert FILE|URI */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan evidence issue --kind original|distribution --issuer NAME --document FILE " \
                 "--key URI --cert FILE|URI [--chain FILE]... [--out FILE] [--pin SRC] [--allow-final-try]")

int
verb_evidence_issue (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'K' },
		{ "issuer", required_argument, NULL, 'I' },
		{ "document", required_argument, NULL, 'd' },
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		TOOL_CHAIN_LONG,
		{ "out", required_argument, NULL, 'o' },
		TOOL_PINS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	const char *issuer = NULL, *doc = NULL, *uri = NULL, *cert_arg = NULL, *out = NULL;
	inkan_evidence_kind kind = 0;
	tool_trust tr;
	uint8_t *der = NULL, digest[32];
	size_t data_len = 0, der_len = 0;
	char *doc_copy = NULL;
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
		case 'K':
			kind = strcmp (optarg, "original") == 0 ? INKAN_EVIDENCE_ORIGINAL
			     : strcmp (optarg, "distribution") == 0 ? INKAN_EVIDENCE_DISTRIBUTION : 0;
			break;
		case 'I': issuer = optarg; break;
		case 'd': doc = optarg; break;
		case 'k': uri = optarg; break;
		case 'c': cert_arg = optarg; break;
		case 'o': out = optarg; break;
		default: ret = tool_help_or_usage (t, c, USAGE); goto out;
		}
	}
	if (kind == 0 || issuer == NULL || doc == NULL || uri == NULL || cert_arg == NULL || optind != argc) {
		ret = tool_usage (t, "evidence issue", "%s", USAGE);
		goto out;
	}
	err = tool_sha256_file (doc, digest, &data_len);
	if (err == INKAN_OK)
		err = tool_load_cert_any (t, cert_arg, &cert);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	doc_copy = strdup (doc);
	err = tool_open_key (t, uri, pins.pin, 0, &key);
	if (err == INKAN_OK)
		err = inkan_evidence_issue (key, cert, tr.chain, kind, issuer, doc_copy ? basename (doc_copy) : doc,
		                            data_len, digest, &der, &der_len);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	ret = tool_exit_code (tool_write_file (out, der, der_len));
out:
	free (doc_copy);
	free (der);
	X509_free (cert);
	tool_trust_clear (&tr);
	inkan_key_free (key);
	return ret;
}
