/* inkan ca check CERT|URI [--fingerprint HEX]... [--pins FILE]... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan ca check CERT|URI [--fingerprint HEX]... [--pins FILE]...")

static void
report (tool *t, X509 *cert, const inkan_ca_result *r)
{
	const char *labels[] = { _("certificate:"), _("SHA-256:"), _("SHA-1:"), _("verdict:"), _("pin:") };
	int width = tool_widest (labels, 5) + 1;
	char *subject = inkan_name_text (X509_get_subject_name (cert));

	if (t->json) {
		tool_json_print (json_pack ("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s, s:b}", "subject", subject ? subject : "",
			"verdict", inkan_ca_verdict_name (r->verdict), "sha256", r->sha256, "sha1", r->sha1,
			"pin", r->pin_name, "pin_algorithm", r->pin_alg, "not_after", r->not_after,
			"expired", r->expired));
	} else {
		tool_field (0, width, labels[0], "%s", subject ? subject : "?");
		tool_field (0, width, labels[1], "%s", r->sha256);
		tool_field (0, width, labels[2], "%s", r->sha1);
		if (r->verdict == INKAN_CA_MATCH && r->expired)
			tool_field (0, width, labels[3], _("pinned; expired %s: %s"), r->not_after,
			            inkan_ca_verdict_text (r->verdict));
		else
			tool_field (0, width, labels[3], "%s", inkan_ca_verdict_text (r->verdict));
		if (r->pin_name != NULL)
			tool_field (0, width, labels[4], "%s (%s)", r->pin_name, r->pin_alg);
	}
	free (subject);
}

int
verb_ca_check (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fingerprint", required_argument, NULL, 'f' },
		{ "pins", required_argument, NULL, 'P' },
		TOOL_OPTS_END,
	};
	inkan_ca_pins *pins = NULL;
	STACK_OF(X509) *certs = NULL;
	const char *system = inkan_path_ca_pins ();
	struct stat st;
	inkan_err err;
	int c, i, ret = TOOL_EXIT_OK, given = 0;

	if ((err = inkan_ca_pins_new (&pins)) != INKAN_OK)
		return tool_fail (t, err);
	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': err = inkan_ca_pins_add (pins, NULL, optarg, _("(given on the command line)")); break;
		case 'P': err = inkan_ca_pins_load (pins, optarg); break;
		default: ret = tool_help_or_usage (t, c, USAGE); goto out;
		}
		given = 1;
		if (err != INKAN_OK) {
			ret = err == INKAN_ERR_USAGE ? tool_usage (t, "ca check", "%s", inkan_detail ()) : tool_fail (t, err);
			goto out;
		}
	}
	if (argc - optind != 1) {
		ret = tool_usage (t, "ca check", "%s", USAGE);
		goto out;
	}
	if (!given && stat (system, &st) == 0 && (err = inkan_ca_pins_load (pins, system)) != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	if (inkan_ca_pins_count (pins) == 0) {
		fprintf (stderr, _("inkan: no pins to check against: give --fingerprint or --pins (%s has none)\n"),
		         system);
		ret = TOOL_EXIT_ENV;
		goto out;
	}
	if ((err = tool_load_certs (t, argv[optind], NULL, &certs)) != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	for (i = 0; i < sk_X509_num (certs); i++) {
		inkan_ca_result r;

		if ((err = inkan_ca_check (sk_X509_value (certs, i), pins, &r)) != INKAN_OK) {
			ret = tool_fail (t, err);
			goto out;
		}
		report (t, sk_X509_value (certs, i), &r);
		if (r.verdict != INKAN_CA_MATCH)
			ret = TOOL_EXIT_NEGATIVE;
	}
out:
	sk_X509_pop_free (certs, X509_free);
	inkan_ca_pins_free (pins);
	return ret;
}
