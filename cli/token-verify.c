/* inkan token verify TOKEN|@FILE --document FILE --issuer-cert FILE [--anchor FILE]... [--skew 60s] [--replay-cache FILE] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan token verify TOKEN|@FILE --document FILE --issuer-cert FILE|URI " \
                 "[--anchor FILE]... [--chain FILE]... [--skew 60s] [--replay-cache FILE] [validation options]")

/* The token itself, or @FILE's first line: tokens may be long for argv. */
static inkan_err
token_text (const char *arg, char **out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	inkan_err err;

	if (arg[0] != '@')
		return (*out = strdup (arg)) ? INKAN_OK : tool_nomem ();
	err = tool_read_file (arg + 1, INKAN_FILE_LIMIT_CERTS, &data, &len);
	if (err != INKAN_OK)
		return err;
	*out = strndup ((char *) data, strcspn ((char *) data, "\r\n") < len ? strcspn ((char *) data, "\r\n") : len);
	free (data);
	return *out ? INKAN_OK : tool_nomem ();
}

int
verb_token_verify (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "document", required_argument, NULL, 'd' },
		{ "issuer-cert", required_argument, NULL, 'c' },
		TOOL_ANCHOR_LONG,
		TOOL_CHAIN_LONG,
		TOOL_VALIDATE_LONG,
		{ "skew", required_argument, NULL, 's' },
		{ "replay-cache", required_argument, NULL, 'r' },
		TOOL_OPTS_END,
	};
	inkan_view_token_check check = { .skew = 60 };
	inkan_view_token_info info;
	const char *doc = NULL, *cert_arg = NULL;
	uint8_t digest[32];
	tool_signer sg;
	tool_signer_check sc;
	X509 *cert = NULL;
	char *token = NULL;
	inkan_err err = INKAN_OK;
	int c, ret;

	ret = tool_signer_init (t, &sg);
	while (ret == TOOL_EXIT_OK && (c = tool_signer_getopt (t, &sg, argc, argv, opts, &ret)) != -1) {
		switch (c) {
		case 'd': doc = optarg; break;
		case 'c': cert_arg = optarg; break;
		case 'r': check.replay_cache = optarg; break;
		case 's':
			if ((check.skew = tool_parse_duration (optarg)) < 0) {
				ret = tool_usage (t, "token verify", _("--skew wants a duration such as 60s, not \"%s\""), optarg);
				goto out;
			}
			break;
		default:
			ret = tool_help_or_usage (t, c, USAGE);
			goto out;
		}
	}
	if (ret != TOOL_EXIT_OK)
		goto out;
	if (argc - optind != 1 || doc == NULL || cert_arg == NULL) {
		ret = tool_usage (t, "token verify", "%s", USAGE);
		goto out;
	}
	err = token_text (argv[optind], &token);
	if (err == INKAN_OK)
		err = tool_sha256_file (doc, digest, NULL);
	if (err == INKAN_OK)
		err = tool_load_cert_any (t, cert_arg, &cert);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	check.issuer_cert = cert;
	if ((ret = tool_signer_finish (t, &sg, &sc)) != TOOL_EXIT_OK)
		goto out;
	check.anchors = sc.anchors;
	check.untrusted = sc.untrusted;
	check.validator = sc.validator;
	check.doc_sha256 = digest;
	err = inkan_view_token_verify (token, &check, &info);
	if (t->json) {
		tool_json_print_text (inkan_view_token_json (err, &info));
		ret = tool_exit_code (err);
		if (err != INKAN_OK)
			fprintf (stderr, "%s: %s: %s\n", t->prog, inkan_strerror (err), inkan_detail ());
		goto out;
	}
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	printf (_("token OK: for %s, issued by %s, id %s\n"), info.recipient, info.issuer, info.id);
	ret = TOOL_EXIT_OK;
out:
	free (token);
	X509_free (cert);
	tool_signer_clear (&sg);
	return ret;
}
