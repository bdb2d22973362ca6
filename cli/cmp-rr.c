/* inkan cmp rr --server URL --cert FILE|URI [--reason N] [protection]:
 * have the CA revoke a certificate (RFC 9483 section 4.2). */
#include <getopt.h>
#include <stdlib.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan cmp rr --server URL --cert FILE|URI [--reason N] [--ref REF --secret SRC | " \
                 "--signer-cert FILE|URI --signer-key URI [--signer-pin SRC]] [--trusted FILE]... [--timeout S] " \
                 "[--pin SRC] [--allow-final-try]")

int
verb_cmp_rr (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cert", required_argument, NULL, 'c' },
		{ "reason", required_argument, NULL, 'r' },
		TOOL_CMP_LONG,
		TOOL_OPTS_END,
	};
	tool_cmp o = { 0 };
	const char *cert_arg = NULL;
	inkan_enroll *e = NULL;
	X509 *cert = NULL;
	long reason = -1;
	char *end;
	inkan_err err;
	int c, ret;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		switch (tool_cmp_option (t, &o, c, optarg, &ret)) {
		case 1: continue;
		case -1: return ret;
		}
		switch (c) {
		case 'c': cert_arg = optarg; break;
		case 'r':
			reason = strtol (optarg, &end, 10);
			if (end == optarg || *end != '\0' || reason < 0 || reason > 10 || reason == 7)
				return tool_usage (t, t->verb, _("--reason wants a CRLReason 0 to 10 but 7, not \"%s\""), optarg);
			break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (cert_arg == NULL || optind != argc)
		return tool_usage (t, t->verb, "%s", USAGE);
	if ((err = tool_load_cert_any (t, cert_arg, &cert)) != INKAN_OK)
		return tool_exit_code (err);
	if ((ret = tool_cmp_start (t, &o, 1, &e)) != TOOL_EXIT_OK)
		goto out;
	if ((err = inkan_enroll_rr (e, cert, (int) reason)) != INKAN_OK) {
		ret = tool_cmp_fail (t, e, err);
		goto out;
	}
	if (t->json) {
		const inkan_enroll_answer *a = inkan_enroll_last_answer (e);

		tool_json_print (json_pack ("{s:s, s:b}", "status", a->status_name, "revoked", 1));
	} else {
		printf (_("revoked (%s)\n"), inkan_enroll_last_answer (e)->status_name);
	}
	ret = TOOL_EXIT_OK;
out:
	X509_free (cert);
	inkan_enroll_free (e);
	return ret;
}
