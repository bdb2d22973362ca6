/* inkan cmp ir|cr --server URL --key URI --subject DN [--san NAME]...
 * [protection] [--out FILE] [--import]: a certificate for a token key, the
 * proof of possession signed on the token.  ir and cr differ only in the
 * message type (RFC 9483 sections 4.1.1 and 4.1.2). */
#include <getopt.h>

#include "cli/tool.h"

#define MAX_SANS 16

static int
enrol (tool *t, int argc, char **argv, int initial)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "subject", required_argument, NULL, 's' },
		{ "san", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "import", no_argument, NULL, 'I' },
		TOOL_CMP_LONG,
		TOOL_OPTS_END,
	};
	const char *usage = initial
		? _("usage: inkan cmp ir --server URL --key URI --subject DN [--san NAME]... [--ref REF --secret SRC | "
		    "--signer-cert FILE|URI --signer-key URI [--signer-pin SRC]] [--trusted FILE]... [--timeout S] "
		    "[--out FILE] [--import] [--pin SRC] [--allow-final-try]")
		: _("usage: inkan cmp cr --server URL --key URI --subject DN [--san NAME]... [--ref REF --secret SRC | "
		    "--signer-cert FILE|URI --signer-key URI [--signer-pin SRC]] [--trusted FILE]... [--timeout S] "
		    "[--out FILE] [--import] [--pin SRC] [--allow-final-try]");
	tool_cmp o = { 0 };
	const char *uri = NULL, *subject_text = NULL, *out = NULL, *sans[MAX_SANS];
	size_t n_sans = 0;
	int do_import = 0, c, ret;
	X509_NAME *subject = NULL;
	inkan_enroll *e = NULL;
	inkan_key *key = NULL;
	X509 *cert = NULL;
	inkan_err err;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		switch (tool_cmp_option (t, &o, c, optarg, &ret)) {
		case 1: continue;
		case -1: return ret;
		}
		switch (c) {
		case 'k': uri = optarg; break;
		case 's': subject_text = optarg; break;
		case 'n':
			if (n_sans == MAX_SANS)
				return tool_usage (t, t->verb, _("at most %d --san"), MAX_SANS);
			sans[n_sans++] = optarg;
			break;
		case 'o': out = optarg; break;
		case 'I': do_import = 1; break;
		default: return tool_help_or_usage (t, c, usage);
		}
	}
	if (uri == NULL || subject_text == NULL || optind != argc)
		return tool_usage (t, t->verb, "%s", usage);
	/* What is malformed must not cost a PIN try. */
	if ((err = inkan_name_parse (subject_text, &subject)) != INKAN_OK)
		return tool_fail (t, err);
	if ((ret = tool_cmp_start (t, &o, 1, &e)) != TOOL_EXIT_OK)
		goto out;
	if ((err = tool_open_key (t, uri, o.pins.pin, 0, &key)) != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	err = initial ? inkan_enroll_ir (e, key, subject, sans, n_sans, &cert)
	              : inkan_enroll_cr (e, key, subject, sans, n_sans, &cert);
	if (err != INKAN_OK) {
		ret = tool_cmp_fail (t, e, err);
		goto out;
	}
	ret = tool_cmp_issued (t, e, cert, out, do_import ? key : NULL);
out:
	X509_free (cert);
	inkan_key_free (key);
	inkan_enroll_free (e);
	X509_NAME_free (subject);
	return ret;
}

int
verb_cmp_ir (tool *t, int argc, char **argv)
{
	return enrol (t, argc, argv, 1);
}

int
verb_cmp_cr (tool *t, int argc, char **argv)
{
	return enrol (t, argc, argv, 0);
}
