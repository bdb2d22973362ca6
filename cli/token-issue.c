/* inkan token issue --key URI --cert FILE|URI (--recipient ADDR | --ci CI) --document FILE [--ttl 10m] [--pin SRC] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan token issue --key URI --cert FILE|URI (--recipient ADDR | --ci CI) " \
                 "--document FILE [--ttl 10m] [--pin SRC] [--allow-final-try]")

int
verb_token_issue (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "recipient", required_argument, NULL, 'r' },
		{ "ci", required_argument, NULL, 'C' },
		{ "document", required_argument, NULL, 'd' },
		{ "ttl", required_argument, NULL, 'T' },
		TOOL_PINS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	inkan_view_token_claims claims = { .ttl = 600 };
	const char *uri = NULL, *cert_arg = NULL, *doc = NULL, *addr = NULL, *ci = NULL;
	uint8_t digest[32];
	inkan_key *key = NULL;
	X509 *cert = NULL;
	char *token = NULL;
	inkan_err err;
	int c, ret;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (c) {
		case 'k': uri = optarg; break;
		case 'c': cert_arg = optarg; break;
		case 'r': addr = optarg; break;
		case 'C': ci = optarg; break;
		case 'd': doc = optarg; break;
		case 'T':
			if ((claims.ttl = tool_parse_duration (optarg)) <= 0)
				return tool_usage (t, "token issue", _("--ttl wants a duration such as 10m, not \"%s\""), optarg);
			break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (uri == NULL || cert_arg == NULL || doc == NULL || (addr == NULL) == (ci == NULL) || optind != argc)
		return tool_usage (t, "token issue", "%s", USAGE);
	claims.kind = ci ? INKAN_VIEW_RECIPIENT_CI : INKAN_VIEW_RECIPIENT_ADDRESS;
	claims.recipient = ci ? ci : addr;
	claims.doc_sha256 = digest;

	err = tool_sha256_file (doc, digest, NULL);
	if (err == INKAN_OK)
		err = tool_load_cert_any (t, cert_arg, &cert);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	err = tool_open_key (t, uri, pins.pin, 0, &key);
	if (err == INKAN_OK)
		err = inkan_view_token_issue (key, cert, &claims, &token);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	if (t->json)
		tool_json_print (json_pack ("{s:s}", "token", token));
	else
		printf ("%s\n", token);
	ret = TOOL_EXIT_OK;
out:
	free (token);
	X509_free (cert);
	inkan_key_free (key);
	return ret;
}
