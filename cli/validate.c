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
	"  [--methods crl,ocsp,scvp] [--crl-url URL] [--ocsp-url URL]\n" \
	"  [--scvp-url URL --scvp-cert FILE] [--policy OID]... [--at TIME]\n" \
	"  [--timeout [METHOD=]MS]... [--deadline MS] [--cache-dir DIR | --no-cache] [--offline]")

/* "2026-11-22T10:00:00Z", "2026-11-22 10:00:00", "2026-11-22" (UTC) or "@EPOCH". */
static int
parse_time (const char *s, time_t *out)
{
	static const char *const formats[] = { "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S",
	                                       "%Y-%m-%d %H:%M:%S", "%Y-%m-%d" };
	struct tm tm;
	char *end;
	size_t i;

	if (s[0] == '@') {
		*out = (time_t) strtoll (s + 1, &end, 10);
		return *end == '\0' && end != s + 1;
	}
	for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		memset (&tm, 0, sizeof tm);
		end = strptime (s, formats[i], &tm);
		if (end != NULL && *end == '\0') {
			*out = timegm (&tm);
			return 1;
		}
	}
	return 0;
}

static char *
default_cache_dir (void)
{
	const char *env = getenv ("INKAN_CACHE_DIR"), *base = getenv ("XDG_CACHE_HOME");
	char *dir = NULL;

	if (env != NULL)
		return *env != '\0' ? strdup (env) : NULL;
	if (base != NULL && *base != '\0' && asprintf (&dir, "%s/inkan/validate", base) >= 0)
		return dir;
	if ((base = getenv ("HOME")) != NULL && asprintf (&dir, "%s/.cache/inkan/validate", base) >= 0)
		return dir;
	return NULL;
}

static char *
name_line (const X509_NAME *name)
{
	BIO *bio = BIO_new (BIO_s_mem ());
	char *line = NULL, *mem;
	long len;

	if (bio == NULL)
		return NULL;
	X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_get_mem_data (bio, &mem);
	line = strndup (mem, (size_t) len);
	BIO_free (bio);
	return line;
}

static void
iso_time (time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r (&t, &tm);
	strftime (buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *
report_json (const inkan_vreport *r)
{
	json_t *doc = json_object (), *chain = json_array (), *methods = json_array ();
	size_t i;
	char when[32];

	json_object_set_new (doc, "verdict", json_string (inkan_verdict_name (inkan_vreport_verdict (r))));
	json_object_set_new (doc, "why", json_string (inkan_vreport_why (r)));
	iso_time (inkan_vreport_time (r), when, sizeof when);
	json_object_set_new (doc, "at", json_string (when));
	if (inkan_vreport_verdict (r) == INKAN_VERDICT_REVOKED) {
		iso_time (inkan_vreport_revocation_time (r), when, sizeof when);
		json_object_set_new (doc, "reason", json_string (inkan_reason_name (inkan_vreport_reason (r))));
		json_object_set_new (doc, "revoked_at", json_string (when));
	}
	for (i = 0; i < inkan_vreport_chain_len (r); i++) {
		X509 *c = inkan_vreport_chain_cert (r, i);
		char *subject = name_line (X509_get_subject_name (c));
		char *issuer = name_line (X509_get_issuer_name (c));
		BIGNUM *bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (c), NULL);
		char *serial = bn != NULL ? BN_bn2hex (bn) : NULL;

		json_array_append_new (chain, json_pack ("{s:s?, s:s?, s:s?}", "subject", subject,
		                                         "issuer", issuer, "serial", serial));
		free (subject);
		free (issuer);
		OPENSSL_free (serial);
		BN_free (bn);
	}
	json_object_set_new (doc, "chain", chain);
	for (i = 0; i < inkan_vreport_attempts (r); i++) {
		const inkan_vattempt *a = inkan_vreport_attempt (r, i);

		json_array_append_new (methods, json_pack ("{s:s, s:s?, s:s, s:s, s:s, s:I, s:b, s:b}",
			"method", inkan_method_name (a->method), "url", a->url,
			"outcome", inkan_outcome_name (a->outcome), "answer", a->answer, "why", a->why,
			"duration_ms", (json_int_t) a->duration_ms, "decisive", a->decisive,
			"cached", a->from_cache));
	}
	json_object_set_new (doc, "methods", methods);
	return doc;
}

static void
report_text (const inkan_vreport *r)
{
	inkan_verdict verdict = inkan_vreport_verdict (r);
	const char *labels[] = { _("verdict:"), _("chain:"), _("methods:") };
	int width = tool_widest (labels, 3) + 1;
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
		char *subject = name_line (X509_get_subject_name (inkan_vreport_chain_cert (r, i)));

		tool_label (0, width, i == 0 ? labels[1] : "");
		printf (" %zu %s\n", i, subject ? subject : "?");
		free (subject);
	}
	for (i = 0; i < inkan_vreport_attempts (r); i++) {
		const inkan_vattempt *a = inkan_vreport_attempt (r, i);

		tool_label (0, width, i == 0 ? labels[2] : "");
		printf (" %s: %s%s%s, %ld ms\n", inkan_method_name (a->method), inkan_outcome_name (a->outcome),
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

/* "MS" for every method, or "METHOD=MS" for one. */
static int
set_timeouts (tool *t, inkan_validator *v, const char *arg)
{
	const char *eq = strchr (arg, '=');
	inkan_method m, only = INKAN_METHOD_LAST;
	long ms;

	if (eq != NULL) {
		for (only = 0; only < INKAN_METHOD_LAST; only++)
			if (strlen (inkan_method_name (only)) == (size_t) (eq - arg) &&
			    strncmp (arg, inkan_method_name (only), (size_t) (eq - arg)) == 0)
				break;
		if (only == INKAN_METHOD_LAST)
			return tool_usage (t, "validate", _("unknown method in --timeout %s (crl, ocsp, scvp)"), arg);
		arg = eq + 1;
	}
	ms = strtol (arg, NULL, 10);
	if (ms <= 0)
		return tool_usage (t, "validate", _("not a number of milliseconds: %s"), arg);
	for (m = 0; m < INKAN_METHOD_LAST; m++)
		if (only == INKAN_METHOD_LAST || m == only)
			inkan_validator_set_timeout (v, m, ms);
	return 0;
}

enum {
	OPT_CRL_URL = 256, OPT_OCSP_URL, OPT_SCVP_URL, OPT_SCVP_CERT, OPT_TIMEOUT,
	OPT_DEADLINE, OPT_CACHE_DIR, OPT_NO_CACHE, OPT_OFFLINE, OPT_POLICY,
};

/* Options that configure V; returns 0, or the exit code of a failure. */
static int
configure (tool *t, inkan_validator *v, int c, const char *arg, int *no_cache, char **cache_dir)
{
	inkan_err err = INKAN_OK;
	time_t at;
	long ms;

	switch (c) {
	case 'c': err = inkan_validator_add_chain (v, arg); break;
	case 'a': err = inkan_validator_add_anchor (v, arg); break;
	case 'm': err = inkan_validator_set_methods (v, arg); break;
	case OPT_POLICY: err = inkan_validator_add_policy (v, arg); break;
	case OPT_CRL_URL: err = inkan_validator_set_url (v, INKAN_METHOD_CRL, arg); break;
	case OPT_OCSP_URL: err = inkan_validator_set_url (v, INKAN_METHOD_OCSP, arg); break;
	case OPT_SCVP_URL: err = inkan_validator_set_url (v, INKAN_METHOD_SCVP, arg); break;
	case OPT_SCVP_CERT: err = inkan_validator_set_scvp_cert (v, arg); break;
	case OPT_OFFLINE: inkan_validator_set_offline (v, 1); break;
	case OPT_NO_CACHE: *no_cache = 1; break;
	case OPT_CACHE_DIR:
		free (*cache_dir);
		*cache_dir = strdup (arg);
		break;
	case 't':
		if (!parse_time (arg, &at))
			return tool_usage (t, "validate", _("not a time: %s (use 2026-11-22T10:00:00Z)"), arg);
		inkan_validator_set_time (v, at);
		break;
	case OPT_DEADLINE:
		ms = strtol (arg, NULL, 10);
		if (ms <= 0)
			return tool_usage (t, "validate", _("not a number of milliseconds: %s"), arg);
		inkan_validator_set_deadline (v, ms);
		break;
	case OPT_TIMEOUT:
		return set_timeouts (t, v, arg);
	default:
		return tool_usage (t, "validate", "%s", _(USAGE));
	}
	return err == INKAN_OK ? 0 : tool_fail (t, err);
}

int
verb_validate (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "chain", required_argument, NULL, 'c' },
		{ "anchor", required_argument, NULL, 'a' },
		{ "methods", required_argument, NULL, 'm' },
		{ "at", required_argument, NULL, 't' },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "crl-url", required_argument, NULL, OPT_CRL_URL },
		{ "ocsp-url", required_argument, NULL, OPT_OCSP_URL },
		{ "scvp-url", required_argument, NULL, OPT_SCVP_URL },
		{ "scvp-cert", required_argument, NULL, OPT_SCVP_CERT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "deadline", required_argument, NULL, OPT_DEADLINE },
		{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	inkan_validator *v = NULL;
	inkan_vreport *r = NULL;
	X509 *leaf = NULL;
	char *cache_dir = default_cache_dir ();
	int c, ret, no_cache = 0;
	inkan_err err;

	err = inkan_validator_new (&v);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	while ((c = getopt_long (argc, argv, "c:a:m:t:", opts, NULL)) != -1) {
		if (c == 'j') {
			t->json = 1;
			continue;
		}
		if ((ret = configure (t, v, c, optarg, &no_cache, &cache_dir)) != 0)
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
	err = inkan_validator_set_cache_dir (v, no_cache ? NULL : cache_dir);
	if (err == INKAN_OK)
		err = inkan_validate (v, leaf, &r);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	if (t->json)
		tool_json_print (report_json (r));
	else
		report_text (r);
	ret = exit_code (inkan_vreport_verdict (r));
out:
	inkan_vreport_free (r);
	X509_free (leaf);
	inkan_validator_free (v);
	free (cache_dir);
	return ret;
}
