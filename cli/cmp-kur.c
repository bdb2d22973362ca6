/* inkan cmp kur --server URL --key NEWURI --cert OLDCERT --old-key URI
 * [--out FILE] [--import]: a new certificate in place of OLDCERT, the
 * request signed with the old key (RFC 9483 section 4.1.3). */
#include <getopt.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan cmp kur --server URL --key NEWURI --cert FILE|URI --old-key URI " \
                 "[--trusted FILE]... [--timeout S] [--out FILE] [--import] [--pin SRC] [--allow-final-try]")

int
verb_cmp_kur (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "old-key", required_argument, NULL, 'K' },
		{ "out", required_argument, NULL, 'o' },
		{ "import", no_argument, NULL, 'I' },
		TOOL_CMP_LONG,
		TOOL_OPTS_END,
	};
	tool_cmp o = { 0 };
	const char *new_uri = NULL, *cert_arg = NULL, *old_uri = NULL, *out = NULL;
	inkan_key *new_key = NULL, *old_key = NULL;
	X509 *old_cert = NULL, *cert = NULL;
	inkan_enroll *e = NULL;
	int do_import = 0, c, ret;
	inkan_err err;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		switch (tool_cmp_option (t, &o, c, optarg, &ret)) {
		case 1: continue;
		case -1: return ret;
		}
		switch (c) {
		case 'k': new_uri = optarg; break;
		case 'c': cert_arg = optarg; break;
		case 'K': old_uri = optarg; break;
		case 'o': out = optarg; break;
		case 'I': do_import = 1; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (new_uri == NULL || cert_arg == NULL || old_uri == NULL || optind != argc)
		return tool_usage (t, t->verb, "%s", USAGE);
	if ((ret = tool_cmp_start (t, &o, 0, &e)) != TOOL_EXIT_OK)
		goto out;
	if ((err = tool_load_cert_any (t, cert_arg, &old_cert)) != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	if ((err = tool_open_key (t, old_uri, o.pins.pin, 0, &old_key)) != INKAN_OK ||
	    (err = tool_open_key (t, new_uri, o.pins.pin, 0, &new_key)) != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	if ((err = inkan_enroll_kur (e, new_key, old_cert, old_key, &cert)) != INKAN_OK) {
		ret = tool_cmp_fail (t, e, err);
		goto out;
	}
	ret = tool_cmp_issued (t, e, cert, out, do_import ? new_key : NULL);
out:
	X509_free (cert);
	X509_free (old_cert);
	inkan_key_free (new_key);
	inkan_key_free (old_key);
	inkan_enroll_free (e);
	return ret;
}
