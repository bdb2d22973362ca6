/* inkan cert show FILE|URI|DIR [--section basic|details|all] [--pin SRC] */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan cert show FILE|URI|NPKI-DIR [--section basic|details|all] [--pin SRC] [--allow-final-try]")

static int
parse_section (const char *arg, unsigned *out)
{
	if (strcmp (arg, "basic") == 0)
		*out = INKAN_SECTION_BASIC;
	else if (strcmp (arg, "details") == 0)
		*out = INKAN_SECTION_DETAILS | INKAN_SECTION_FINGERPRINTS;
	else if (strcmp (arg, "all") == 0)
		*out = INKAN_SECTION_ALL;
	else
		return 0;
	return 1;
}

static const char *
section_name (inkan_cert_section s)
{
	return s == INKAN_SECTION_BASIC ? "basic" : s == INKAN_SECTION_DETAILS ? "details" : "fingerprints";
}

/* {"profile", "fields": [...], "values": {key: raw or value (null when undecodable and
 * without raw bytes), or a list when repeated}} */
static json_t *
view_json (const inkan_cert_view *v, unsigned sections)
{
	json_t *fields = json_array (), *values = json_object ();
	size_t i;

	for (i = 0; i < inkan_cert_view_count (v); i++) {
		const inkan_cert_field *f = inkan_cert_view_field (v, i);
		json_t *one, *old;

		if (!(f->section & sections))
			continue;
		json_array_append_new (fields, json_pack ("{s:s, s:s, s:s, s:s, s:s?, s:b}", "section",
			section_name (f->section), "key", f->key, "label", f->label, "value", f->value,
			"raw", f->raw, "undecodable", f->undecodable));
		one = f->raw != NULL ? json_string (f->raw) : f->undecodable ? json_null () : json_string (f->value);
		old = json_object_get (values, f->key);
		if (old == NULL) {
			json_object_set_new (values, f->key, one);
		} else if (json_is_array (old)) {
			json_array_append_new (old, one);
		} else {
			json_t *list = json_pack ("[O, o]", old, one);

			json_object_set_new (values, f->key, list);
		}
	}
	return json_pack ("{s:s, s:b, s:o, s:o}", "profile", inkan_cert_profile_name (inkan_cert_view_profile (v)),
	                  "test", inkan_cert_view_test (v), "fields", fields, "values", values);
}

static void
view_text (const inkan_cert_view *v, unsigned sections)
{
	const char *labels[64];
	size_t i, n = 0;
	int width, last = 0;

	for (i = 0; i < inkan_cert_view_count (v) && n < 64; i++)
		if (inkan_cert_view_field (v, i)->section == INKAN_SECTION_BASIC)
			labels[n++] = inkan_cert_view_field (v, i)->label;
	width = tool_widest (labels, n) + 1;
	for (i = 0; i < inkan_cert_view_count (v); i++) {
		const inkan_cert_field *f = inkan_cert_view_field (v, i);

		if (!(f->section & sections))
			continue;
		if (last != 0 && (int) f->section != last)
			printf ("\n");
		last = (int) f->section;
		tool_field (0, width, f->label, "%s", f->value);
	}
}

/* The certificates of an NPKI tree, in NPKI's order; a file that is not a
 * certificate is named and skipped, as the others are still worth showing. */
static inkan_err
load_npki (tool *t, const char *dir, STACK_OF(X509) **certs, inkan_npki_cert **found, size_t *n_found)
{
	size_t i;
	inkan_err err = inkan_npki_find (dir, found, n_found);

	if (err != INKAN_OK) {
		tool_fail (t, err);
		return err;
	}
	if ((*certs = sk_X509_new_null ()) == NULL)
		return tool_nomem ();
	for (i = 0; i < *n_found; i++) {
		X509 *x = NULL;

		if (inkan_cert_load (NULL, (*found)[i].cert, NULL, 0, &x) != INKAN_OK) {
			fprintf (stderr, "inkan: %s\n", inkan_detail ());
			free ((*found)[i].cert);
			(*found)[i].cert = NULL;
			continue;
		}
		if (!sk_X509_push (*certs, x)) {
			X509_free (x);
			return tool_nomem ();
		}
	}
	return sk_X509_num (*certs) > 0 ? INKAN_OK : INKAN_ERR_BAD_INPUT;
}

/* The NPKI file certificate I came from, skipping the files refused. */
static const inkan_npki_cert *
npki_nth (const inkan_npki_cert *found, size_t n, int i)
{
	for (size_t k = 0; k < n; k++)
		if (found[k].cert != NULL && i-- == 0)
			return &found[k];
	return NULL;
}

int
verb_cert_show (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "section", required_argument, NULL, 's' },
		TOOL_PINS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	unsigned sections = INKAN_SECTION_ALL;
	STACK_OF(X509) *certs = NULL;
	inkan_npki_cert *found = NULL;
	const inkan_npki_cert *npki;
	size_t n_found = 0;
	struct stat st;
	json_t *list = NULL;
	size_t undecodable = 0;
	int c, i, ret = TOOL_EXIT_OK;
	inkan_err err;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (c) {
		case 's':
			if (!parse_section (optarg, &sections))
				return tool_usage (t, "cert show", "%s", USAGE);
			break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (argc - optind != 1)
		return tool_usage (t, "cert show", "%s", USAGE);
	if (stat (argv[optind], &st) == 0 && S_ISDIR (st.st_mode))
		err = load_npki (t, argv[optind], &certs, &found, &n_found);
	else
		err = tool_load_certs (t, argv[optind], pins.pin, &certs);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	list = t->json ? json_array () : NULL;
	for (i = 0; i < sk_X509_num (certs); i++) {
		inkan_cert_view *v = NULL;
		size_t k;

		if ((err = inkan_cert_view_new (sk_X509_value (certs, i), time (NULL), &v)) != INKAN_OK) {
			ret = tool_fail (t, err);
			break;
		}
		for (k = 0; k < inkan_cert_view_count (v); k++)
			undecodable += inkan_cert_view_field (v, k)->undecodable;
		npki = npki_nth (found, n_found, i);
		if (t->json) {
			json_t *one = view_json (v, sections);

			if (npki != NULL)
				json_object_set_new (one, "npki", json_pack ("{s:s, s:s, s:s?}", "ca", npki->ca, "cert",
				                                             npki->cert, "key", npki->key));
			json_array_append_new (list, one);
		} else {
			if (sk_X509_num (certs) > 1)
				printf (_("%s— certificate %d of %d —\n"), i > 0 ? "\n" : "", i + 1, sk_X509_num (certs));
			if (npki != NULL)
				printf (_("NPKI %s: %s (%s)\n\n"), npki->ca, npki->cert,
				        npki->key != NULL ? _("private key beside it") : _("no private key beside it"));
			view_text (v, sections);
		}
		inkan_cert_view_free (v);
	}
	if (t->json && ret == TOOL_EXIT_OK)
		tool_json_print (json_pack ("{s:o}", "certificates", list));
	else
		json_decref (list);
	if (undecodable > 0)
		fprintf (stderr, _("inkan: %zu fields could not be decoded; they are marked as such\n"), undecodable);
out:
	inkan_npki_certs_free (found, n_found);
	sk_X509_pop_free (certs, X509_free);
	return ret;
}
