/* inkan cms verify --in FILE [--content FILE] [--anchor FILE]... [--chain FILE]... [--out FILE] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan cms verify --in FILE [--content FILE] [--anchor FILE]... [--chain FILE]... " \
                 "[--out FILE]")

static void
report_print (tool *t, const inkan_cms_report *r, inkan_err err)
{
	char when[32] = "";
	char *digest = inkan_hex_encode (r->content_sha256, sizeof r->content_sha256);
	struct tm tm;

	if (r->signing_time != 0 && gmtime_r (&r->signing_time, &tm))
		strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (t->json) {
		json_t *o = json_pack ("{s:b}", "valid", err == INKAN_OK);

		if (err == INKAN_OK)
			json_object_update_new (o, json_pack ("{s:s, s:s, s:s, s:s, s:s?, s:b, s:s?, s:b, s:s}",
				"signer", r->signer, "signer_issuer", r->signer_issuer,
				"digest_algorithm", r->digest_alg, "signature_algorithm", r->signature_alg,
				"signing_time", when[0] ? when : NULL, "signer_verified", r->signer_verified,
				"signer_status", r->signer_status[0] ? r->signer_status : NULL,
				"signing_certificate_v2", r->has_signing_cert_v2,
				"content_sha256", digest ? digest : ""));
		else
			json_object_update_new (o, json_pack ("{s:s, s:s}", "error", inkan_err_name (err),
			                                      "detail", inkan_detail ()));
		tool_json_print (o);
	} else if (err == INKAN_OK) {
		printf (_("signature OK\n  signer:    %s\n  issuer:    %s\n  signed at: %s\n  digest:    %s (%s)\n"
		          "  signer certificate: %s\n"),
		        r->signer, r->signer_issuer, when[0] ? when : _("(not given)"), digest ? digest : "",
		        r->digest_alg, r->signer_verified ? _("verified to a trust anchor") : _("not checked (no --anchor)"));
	}
	free (digest);
}

int
verb_cms_verify (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "in", required_argument, NULL, 'i' },
		{ "content", required_argument, NULL, 'c' },
		TOOL_SIGNER_LONG,
		{ "out", required_argument, NULL, 'o' },
		TOOL_OPTS_END,
	};
	inkan_cms_check check = { 0 };
	inkan_cms_report report = { 0 };
	const char *in = NULL, *content = NULL, *out = NULL;
	tool_signer sg;
	uint8_t *cms = NULL, *data = NULL;
	size_t cms_len = 0, data_len = 0;
	inkan_err err = INKAN_OK;
	int c, ret;

	ret = tool_signer_init (t, &sg);
	while (ret == TOOL_EXIT_OK && (c = tool_signer_getopt (t, &sg, argc, argv, opts, &ret)) != -1) {
		switch (c) {
		case 'i': in = optarg; break;
		case 'c': content = optarg; break;
		case 'o': out = optarg; break;
		default: ret = tool_help_or_usage (t, c, USAGE); goto out;
		}
	}
	if (ret != TOOL_EXIT_OK)
		goto out;
	if (in == NULL || optind != argc) {
		ret = tool_usage (t, "cms verify", "%s", USAGE);
		goto out;
	}
	err = tool_read_file (in, INKAN_FILE_LIMIT_CERTS, &cms, &cms_len);
	if (err == INKAN_OK && content != NULL)
		err = tool_read_file (content, INKAN_FILE_NO_LIMIT, &data, &data_len);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	if ((ret = tool_signer_cms_check (t, &sg, &check)) != TOOL_EXIT_OK)
		goto out;
	check.content = data;
	check.content_len = data_len;
	err = inkan_cms_verify (cms, cms_len, &check, &report);
	report_print (t, &report, err);
	if (err != INKAN_OK) {
		ret = t->json ? tool_exit_code (err) : tool_fail (t, err);
		goto out;
	}
	ret = out ? tool_exit_code (tool_write_file (out, report.content, report.content_len)) : TOOL_EXIT_OK;
out:
	inkan_cms_report_clear (&report);
	free (cms);
	free (data);
	tool_signer_clear (&sg);
	return ret;
}
