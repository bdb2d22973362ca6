/* inkan audit verify --log FILE|URI [--pubkey PEM | --cert FILE] [--max-unprotected N]:
 * is the audit log whole, and if not, where it was touched. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan audit verify --log FILE|URI [--pubkey PEM | --cert FILE] [--max-unprotected N]")

static json_t *
report_json (const char *path, const inkan_audit_verify_report *r)
{
	json_t *problems = json_array (), *doc;
	char *head = inkan_hex_encode (r->head_hash, sizeof r->head_hash);
	size_t i;

	for (i = 0; i < r->n_problems; i++) {
		const inkan_audit_problem *p = &r->problems[i];

		json_array_append_new (problems, json_pack ("{s:s, s:I, s:o, s:s}",
		                       "kind", inkan_audit_problem_name (p->kind), "seq", (json_int_t) p->seq,
		                       "checkpoint", p->checkpoint >= 0 ? json_integer (p->checkpoint) : json_null (),
		                       "detail", p->detail != NULL ? p->detail : ""));
	}
	doc = json_pack ("{s:s, s:b, s:o, s:I, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:b}",
	                 "log", path, "intact", r->intact,
	                 "first_bad_seq", r->intact ? json_null () : json_integer ((json_int_t) r->first_bad_seq),
	                 "records", (json_int_t) r->records, "last_seq", (json_int_t) r->last_seq,
	                 "head_hash", head != NULL ? head : "",
	                 "checkpoints", (json_int_t) r->checkpoints,
	                 "checkpoints_valid", (json_int_t) r->checkpoints_valid,
	                 "last_checkpoint_seq", (json_int_t) r->last_checkpoint_seq,
	                 "unprotected_records", (json_int_t) r->unprotected_records,
	                 "unprotected_seconds", (json_int_t) r->unprotected_seconds,
	                 "key_trusted", r->key_trusted, "problems", problems,
	                 "problems_truncated", r->problems_truncated);
	free (head);
	return doc;
}

static void
report_text (const char *path, const inkan_audit_verify_report *r)
{
	size_t i;

	if (r->intact)
		printf (_("%s: intact: %llu records (last seq %llu), %zu of %zu checkpoints valid, the last at seq %llu\n"),
		        path, (unsigned long long) r->records, (unsigned long long) r->last_seq,
		        r->checkpoints_valid, r->checkpoints, (unsigned long long) r->last_checkpoint_seq);
	else
		printf (_("%s: TAMPERED: first bad seq %llu\n"), path, (unsigned long long) r->first_bad_seq);
	printf (_("  past the last valid checkpoint: %llu records, %lld seconds\n"),
	        (unsigned long long) r->unprotected_records, (long long) r->unprotected_seconds);
	for (i = 0; i < r->n_problems; i++)
		printf ("  %llu %s: %s\n", (unsigned long long) r->problems[i].seq,
		        inkan_audit_problem_name (r->problems[i].kind),
		        r->problems[i].detail != NULL ? r->problems[i].detail : "");
	if (r->problems_truncated)
		printf ("%s", _("  (more problems than are shown)\n"));
	if (r->checkpoints > 0 && !r->key_trusted)
		printf ("%s", _("note: checkpoints were checked with the keys they carry; give --pubkey or --cert "
		                "to check who signed them\n"));
	if (r->checkpoints == 0)
		printf ("%s", _("note: the log has no checkpoints: a cut-off tail cannot be told from a shorter log\n"));
}

int
verb_audit_verify (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "pubkey", required_argument, NULL, 'K' },
		{ "cert", required_argument, NULL, 'c' },
		{ "max-unprotected", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		TOOL_OPTS_END,
	};
	const char *path = NULL, *pem = NULL, *cert = NULL;
	char *name = NULL, *end = NULL;
	unsigned long long max_unprotected = 0;
	int have_max = 0;
	inkan_audit_verify_report r = { 0 };
	inkan_audit_verify_opts vo = { 0 };
	inkan_err err;
	int c, ret;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': path = optarg; break;
		case 'K': pem = optarg; break;
		case 'c': cert = optarg; break;
		case 'm':
			max_unprotected = strtoull (optarg, &end, 10);
			if (end == optarg || *end != '\0' || optarg[0] == '-')
				return tool_usage (t, "audit verify", "%s", USAGE);
			have_max = 1;
			break;
		case 'j': t->json = 1; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (path == NULL || optind != argc || (pem != NULL && cert != NULL))
		return tool_usage (t, "audit verify", "%s", USAGE);
	err = pem != NULL || cert != NULL ? tool_load_key_of (pem ? pem : cert, cert != NULL, &vo.trusted_key)
	                                  : INKAN_OK;
	if (err != INKAN_OK) {
		/* A key that cannot be read is the environment's fault, not the log's. */
		ret = TOOL_EXIT_ENV;
		goto out;
	}
	err = inkan_audit_verify (path, &vo, &r);
	if (err != INKAN_OK) {
		tool_fail (t, err);
		/* Not readable, or not an audit log at all: no verdict on it. */
		ret = TOOL_EXIT_ENV;
		goto out;
	}
	/* What is printed names the log without the password a URI may hold. */
	name = inkan_audit_display_name (path);
	if (t->json)
		tool_json_print (report_json (name != NULL ? name : "", &r));
	else
		report_text (name != NULL ? name : "", &r);
	ret = r.intact ? TOOL_EXIT_OK : TOOL_EXIT_NEGATIVE;
	if (have_max && r.unprotected_records > max_unprotected) {
		fprintf (stderr, _("inkan: %llu records lie past the last valid checkpoint, more than --max-unprotected %llu\n"),
		         (unsigned long long) r.unprotected_records, max_unprotected);
		ret = TOOL_EXIT_NEGATIVE;
	}
out:
	free (name);
	inkan_audit_verify_report_clear (&r);
	EVP_PKEY_free (vo.trusted_key);
	return ret;
}
