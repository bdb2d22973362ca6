/* inkan evidence verify --document FILE --original FILE --distribution FILE [--anchor FILE]... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan evidence verify --document FILE --original FILE --distribution FILE " \
                 "[--anchor FILE]... [--chain FILE]...")

static void
print_report (tool *t, const inkan_evidence_report *r, inkan_err err)
{
	int c;

	if (t->json) {
		tool_json_print_text (inkan_evidence_report_json (err, r));
		return;
	}
	for (c = 0; c < INKAN_EVIDENCE_N_CHECKS; c++)
		printf ("  %-24s %-8s %s\n", inkan_evidence_check_name (c), inkan_check_result_name (r->result[c]), r->detail[c]);
	printf ("%s\n", err == INKAN_OK ? _("evidence OK") : _("evidence FAILED"));
}

int
verb_evidence_verify (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "document", required_argument, NULL, 'd' },
		{ "original", required_argument, NULL, 'O' },
		{ "distribution", required_argument, NULL, 'D' },
		TOOL_SIGNER_LONG,
		TOOL_OPTS_END,
	};
	inkan_cms_check check = { 0 };
	inkan_evidence_report report;
	const char *doc = NULL, *orig = NULL, *dist = NULL;
	tool_signer sg;
	uint8_t *o = NULL, *d = NULL, digest[32];
	size_t o_len = 0, d_len = 0, data_len = 0;
	inkan_err err = INKAN_OK;
	int c, ret;

	ret = tool_signer_init (t, &sg);
	while (ret == TOOL_EXIT_OK && (c = tool_signer_getopt (t, &sg, argc, argv, opts, &ret)) != -1) {
		switch (c) {
		case 'd': doc = optarg; break;
		case 'O': orig = optarg; break;
		case 'D': dist = optarg; break;
		default: ret = tool_help_or_usage (t, c, USAGE); goto out;
		}
	}
	if (ret != TOOL_EXIT_OK)
		goto out;
	if (doc == NULL || orig == NULL || dist == NULL || optind != argc) {
		ret = tool_usage (t, "evidence verify", "%s", USAGE);
		goto out;
	}
	err = tool_sha256_file (doc, digest, &data_len);
	if (err == INKAN_OK)
		err = tool_read_file (orig, INKAN_FILE_LIMIT_CERTS, &o, &o_len);
	if (err == INKAN_OK)
		err = tool_read_file (dist, INKAN_FILE_LIMIT_CERTS, &d, &d_len);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	if ((ret = tool_signer_cms_check (t, &sg, &check)) != TOOL_EXIT_OK)
		goto out;
	err = inkan_evidence_verify (digest, data_len, o, o_len, d, d_len, &check, &report);
	print_report (t, &report, err);
	ret = err == INKAN_OK ? TOOL_EXIT_OK : t->json ? tool_exit_code (err) : tool_fail (t, err);
out:
	free (o);
	free (d);
	tool_signer_clear (&sg);
	return ret;
}
