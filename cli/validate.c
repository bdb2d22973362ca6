/* inkan validate CERT: the path to a trust anchor, then revocation by the
 * configured methods in order, and a report of every method tried. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/x509.h>

#include "cli/tool.h"

#define USAGE N_("usage: inkan validate CERT|PKCS11-URI [--chain FILE]... [--anchor FILE|DIR]...\n" \
	"  [--methods crl,ocsp,scvp] [--crl-url URL] [--crl FILE]... [--ocsp-url URL]\n" \
	"  [--scvp-url URL --scvp-cert FILE] [--policy OID]... [--at TIME]\n" \
	"  [--timeout [METHOD=]MS]... [--deadline MS] [--cache-dir DIR | --no-cache] [--offline]\n" \
	"  [--config FILE] [--anchor-pins FILE]... [--purpose sign|auth|any]")

static void
iso_time (time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r (&t, &tm);
	strftime (buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "crl,scvp,ocsp" */
static void
order_list (const inkan_vorder *o, char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < o->n_methods && used < size; i++)
		used += (size_t) snprintf (buf + used, size - used, "%s%s", i ? "," : "",
		                           inkan_method_name (o->methods[i]));
}

/* Where the order came from, in words: "crl,scvp,ocsp from /etc/inkan/validate.conf:3 [gpki]". */
static void
order_text (const inkan_vreport *r, int width, const char *label)
{
	inkan_vorder o;
	char list[32];

	inkan_vreport_order (r, &o);
	order_list (&o, list, sizeof list);
	if (o.origin == INKAN_ORDER_SET)
		tool_field (0, width, label, _("%s from --methods"), list);
	else if (o.origin == INKAN_ORDER_BUILTIN)
		tool_field (0, width, label, _("%s (built in)"), list);
	else if (o.profile != NULL)
		tool_field (0, width, label, _("%s from %s:%zu [%s]"), list, o.file, o.line, o.profile);
	else
		tool_field (0, width, label, _("%s from %s:%zu"), list, o.file, o.line);
}

static void
report_text (const inkan_vreport *r)
{
	inkan_verdict verdict = inkan_vreport_verdict (r);
	const char *labels[] = { _("verdict:"), _("chain:"), _("anchor:"), _("order:"), _("methods:") };
	int width = tool_widest (labels, 5) + 1;
	size_t i;
	char when[32];

	tool_label (0, width, labels[0]);
	printf (" %s", inkan_verdict_name (verdict));
	if (verdict == INKAN_VERDICT_REVOKED) {
		iso_time (inkan_vreport_revocation_time (r), when, sizeof when);
		printf (" (%s, %s)", inkan_reason_name (inkan_vreport_reason (r)), when);
	} else if (*inkan_vreport_why (r) != '\0') {
		printf (" (%s)", inkan_vreport_why (r));
	}
	printf ("\n");
	for (i = 0; i < inkan_vreport_chain_len (r); i++) {
		char *subject = inkan_name_text (X509_get_subject_name (inkan_vreport_chain_cert (r, i)));

		tool_label (0, width, i == 0 ? labels[1] : "");
		printf (" %zu %s\n", i, subject ? subject : "?");
		free (subject);
	}
	if (inkan_vreport_anchor_pin (r) != NULL)
		tool_field (0, width, labels[2], _("trusted by the pin \"%s\""), inkan_vreport_anchor_pin (r));
	order_text (r, width, labels[3]);
	for (i = 0; i < inkan_vreport_attempts (r); i++) {
		const inkan_vattempt *a = inkan_vreport_attempt (r, i);

		tool_label (0, width, i == 0 ? labels[4] : "");
		/* the chain's numbering above says which certificate was asked about */
		printf (" [%zu] %s: %s%s%s, %ld ms\n", a->depth, inkan_method_name (a->method),
		        inkan_outcome_name (a->outcome),
		        a->decisive ? _(", decisive") : "", a->from_cache ? _(", cached") : "",
		        a->duration_ms);
		if (a->url != NULL)
			tool_field (width + 3, 0, _("asked:"), "%s", a->url);
		if (a->answer[0] != '\0')
			tool_field (width + 3, 0, _("answer:"), "%s", a->answer);
		tool_field (width + 3, 0, _("why:"), "%s", a->why);
	}
}

static int
exit_code (inkan_verdict verdict)
{
	switch (verdict) {
	case INKAN_VERDICT_GOOD:
		return TOOL_EXIT_OK;
	case INKAN_VERDICT_UNAVAILABLE:
		return TOOL_EXIT_ENV;
	default:
		return TOOL_EXIT_NEGATIVE;
	}
}

int
verb_validate (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		TOOL_VALIDATE_LONG,
		TOOL_ANCHOR_LONG,
		TOOL_CHAIN_LONG,
		{ "json", no_argument, NULL, 'j' },
		TOOL_OPTS_END,
	};
	tool_valopts vo;
	inkan_vreport *r = NULL;
	X509 *leaf = NULL;
	int c, ret;
	inkan_err err;

	ret = tool_valopts_init (t, &vo);
	if (ret != TOOL_EXIT_OK)
		goto out;
	/* Validation is asked for by the verb itself, methods or not. */
	vo.enabled = 1;
	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j') {
			t->json = 1;
			continue;
		}
		switch (tool_valopts_option (t, &vo, c, optarg, &ret)) {
		case 1: case 2: continue;
		case -1: goto out;
		}
		ret = tool_help_or_usage (t, c, _(USAGE));
		goto out;
	}
	if (argc - optind != 1) {
		ret = tool_usage (t, "validate", "%s", _(USAGE));
		goto out;
	}
	/* The loader prints its own errors. */
	err = tool_load_cert_any (t, argv[optind], &leaf);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	err = tool_valopts_finish (&vo);
	if (err == INKAN_OK)
		err = inkan_validate (vo.v, leaf, &r);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	if (t->json)
		tool_json_print_text (inkan_vreport_json (r));
	else
		report_text (r);
	ret = exit_code (inkan_vreport_verdict (r));
out:
	inkan_vreport_free (r);
	X509_free (leaf);
	tool_valopts_clear (&vo);
	return ret;
}
