/* inkan csr --key URI --subject /C=JP/O=Example/CN=Name [--out FILE] [--hash H] [--pss] [--der]
 * [--pin SRC]: a PKCS#10 request, built and signed on the token key by libinkan. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan csr --key URI --subject /C=JP/O=Example/CN=Name [--out FILE] " \
                 "[--hash sha256|sha384|sha512] [--pss] [--der] [--pin SRC] [--allow-final-try]")

int
verb_csr (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "subject", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "der", no_argument, NULL, 'D' },
		TOOL_PINS_LONG,
		{ "hash", required_argument, NULL, 'H' },
		{ "pss", no_argument, NULL, 'P' },
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	tool_sigopts so = { INKAN_HASH_SHA256, 0, 0 };
	const char *uri = NULL, *subject_text = NULL, *out = NULL;
	int der = 0, c, ret;
	X509_NAME *subject = NULL;
	X509_REQ *req = NULL;
	inkan_sig_scheme scheme;
	inkan_key *key = NULL;
	BIO *mem = NULL;
	char *data = NULL;
	long len;
	inkan_err err;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (tool_sigopts_parse (&so, c, optarg)) {
		case 1: continue;
		case -1: return tool_usage (t, "csr", "%s", USAGE);
		}
		switch (c) {
		case 'k': uri = optarg; break;
		case 's': subject_text = optarg; break;
		case 'o': out = optarg; break;
		case 'D': der = 1; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (uri == NULL || subject_text == NULL || optind != argc)
		return tool_usage (t, "csr", "%s", USAGE);
	if (der && t->json && out == NULL)
		return tool_usage (t, "csr", "%s", _("--der with --json needs --out FILE"));

	/* A subject that cannot be used must not cost a PIN try. */
	err = inkan_name_parse (subject_text, &subject);
	if (err == INKAN_OK)
		err = tool_open_key (t, uri, pins.pin, 0, &key);
	if (err == INKAN_OK &&
	    (err = tool_sigopts_scheme (&so, inkan_key_get_type (key) == INKAN_KEY_EC, &scheme)) != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	if (err == INKAN_OK)
		err = inkan_csr_new (key, subject, NULL, 0, scheme, so.hash, &req);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}

	mem = BIO_new (BIO_s_mem ());
	if (mem == NULL || !(der ? i2d_X509_REQ_bio (mem, req) : PEM_write_bio_X509_REQ (mem, req))) {
		ret = tool_fail (t, inkan_key_ossl_error (INKAN_ERR_CRYPTO));
		goto out;
	}
	len = BIO_get_mem_data (mem, &data);
	if (!t->json || out != NULL) {
		err = tool_write_file (out, (const uint8_t *) data, (size_t) len);
		if (err != INKAN_OK) {
			ret = tool_exit_code (err);
			goto out;
		}
	}
	if (t->json) {
		json_t *o = json_object ();

		json_object_set_new (o, "csr", out ? json_string (out) : json_stringn (data, (size_t) len));
		json_object_set_new (o, "subject", tool_name_json (subject));
		json_object_set_new (o, "key", json_string (inkan_key_get_uri (key)));
		tool_json_print (o);
	}
	ret = TOOL_EXIT_OK;
out:
	BIO_free (mem);
	X509_REQ_free (req);
	X509_NAME_free (subject);
	inkan_key_free (key);
	return ret;
}
