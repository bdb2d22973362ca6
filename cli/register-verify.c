/* inkan register verify --record FILE [--document FILE] [--anchor FILE]... [--chain FILE]... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <openssl/evp.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan register verify --record FILE [--document FILE] [--anchor FILE]... [--chain FILE]...")

static void
print_record (tool *t, const inkan_register_record *r)
{
	char when[32] = "";
	char *digest = inkan_hex_encode (r->document_sha256, 32);
	struct tm tm;
	size_t i;

	if (gmtime_r (&r->at, &tm))
		strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (t->json) {
		tool_json_print_text (inkan_register_record_json (INKAN_OK, r));
	} else {
		printf (_("registration OK\n  id:         %s\n  document:   %s (%llu bytes)\n  sha256:     %s\n"
		          "  sender:     %s\n  registered: %s\n  signer:     %s%s\n"),
		        r->id, r->document_name, (unsigned long long) r->document_size, digest ? digest : "",
		        r->sender, when, r->cms.signer,
		        r->cms.signer_verified ? "" : _(" (certificate not checked: no --anchor)"));
		for (i = 0; i < r->n_recipients; i++)
			printf (_("  recipient:  %s\n"), r->recipients[i]);
	}
	free (digest);
}

int
verb_register_verify (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "record", required_argument, NULL, 'r' },
		{ "document", required_argument, NULL, 'd' },
		TOOL_SIGNER_LONG,
		TOOL_OPTS_END,
	};
	inkan_cms_check check = { 0 };
	inkan_register_record rec = { 0 };
	const char *record = NULL, *doc = NULL;
	tool_signer sg;
	uint8_t *in = NULL, *data = NULL, digest[32];
	size_t in_len = 0, data_len = 0;
	inkan_err err = INKAN_OK;
	int c, ret;

	ret = tool_signer_init (t, &sg);
	while (ret == TOOL_EXIT_OK && (c = tool_signer_getopt (t, &sg, argc, argv, opts, &ret)) != -1) {
		switch (c) {
		case 'r': record = optarg; break;
		case 'd': doc = optarg; break;
		default: ret = tool_help_or_usage (t, c, USAGE); goto out;
		}
	}
	if (ret != TOOL_EXIT_OK)
		goto out;
	if (record == NULL || optind != argc) {
		ret = tool_usage (t, "register verify", "%s", USAGE);
		goto out;
	}
	err = tool_read_file (record, INKAN_FILE_LIMIT_CERTS, &in, &in_len);
	if (err == INKAN_OK && doc != NULL)
		err = tool_read_file (doc, INKAN_FILE_NO_LIMIT, &data, &data_len);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	if (doc != NULL)
		EVP_Digest (data, data_len, digest, NULL, EVP_sha256 (), NULL);
	if ((ret = tool_signer_cms_check (t, &sg, &check)) != TOOL_EXIT_OK)
		goto out;
	err = inkan_register_verify (in, in_len, &check, doc ? digest : NULL, data_len, &rec);
	if (err != INKAN_OK && t->json) {
		/* the refusal as inkand answers it, and the reason on stderr */
		tool_json_print_text (inkan_register_record_json (err, &rec));
		fprintf (stderr, "%s: %s: %s\n", t->prog, inkan_strerror (err), inkan_detail ());
		ret = tool_exit_code (err);
		goto out;
	}
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	print_record (t, &rec);
	ret = TOOL_EXIT_OK;
out:
	inkan_register_record_clear (&rec);
	free (in);
	free (data);
	tool_signer_clear (&sg);
	return ret;
}
