/* inkan cms sign --key URI --cert FILE|URI [--chain FILE]... --in FILE [--detached] [--out FILE] [--pem] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <openssl/pem.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan cms sign --key URI --cert FILE|URI [--chain FILE]... --in FILE [--detached] " \
                 "[--out FILE] [--pem] [--hash sha256|sha384|sha512] [--pss] [--pin SRC] [--allow-final-try]")

int
verb_cms_sign (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		TOOL_CHAIN_LONG,
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "detached", no_argument, NULL, 'd' },
		{ "pem", no_argument, NULL, 'm' },
		TOOL_PINS_LONG,
		TOOL_SIGOPTS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	tool_sigopts so = { INKAN_HASH_SHA256, 0, 0 };
	const char *uri = NULL, *cert_arg = NULL, *in = NULL, *out = NULL;
	unsigned flags = 0;
	int pem = 0, c, ret;
	tool_trust tr;
	uint8_t *data = NULL, *der = NULL;
	size_t data_len = 0, der_len = 0;
	inkan_key *key = NULL;
	X509 *cert = NULL;
	BIO *mem = NULL;
	inkan_err err = INKAN_OK;

	tool_trust_init (&tr);
	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (tool_sigopts_parse (&so, c, optarg)) {
		case 1: continue;
		case -1: ret = tool_usage (t, "cms sign", "%s", USAGE); goto out;
		}
		switch (tool_trust_option (&tr, c, optarg, &ret)) {
		case 1: continue;
		case -1: goto out;
		}
		switch (c) {
		case 'k': uri = optarg; break;
		case 'c': cert_arg = optarg; break;
		case 'i': in = optarg; break;
		case 'o': out = optarg; break;
		case 'd': flags |= INKAN_CMS_DETACHED; break;
		case 'm': pem = 1; break;
		default: ret = tool_help_or_usage (t, c, USAGE); goto out;
		}
	}
	if (uri == NULL || cert_arg == NULL || in == NULL || optind != argc || (so.flags & INKAN_SIG_RAW)) {
		ret = tool_usage (t, "cms sign", "%s", USAGE);
		goto out;
	}
	if (so.pss)
		flags |= INKAN_CMS_PSS;
	err = tool_read_file (in, INKAN_FILE_NO_LIMIT, &data, &data_len);
	if (err == INKAN_OK)
		err = tool_load_cert_any (t, cert_arg, &cert);
	if (err != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	err = tool_open_key (t, uri, pins.pin, 0, &key);
	if (err == INKAN_OK)
		err = inkan_cms_sign (key, cert, tr.chain, so.hash, flags, data, data_len, &der, &der_len);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	if (pem) {
		char *text = NULL;
		long len;

		mem = BIO_new (BIO_s_mem ());
		if (mem == NULL || !PEM_write_bio (mem, "CMS", "", der, (long) der_len)) {
			ret = tool_fail (t, INKAN_ERR_NOMEM);
			goto out;
		}
		len = BIO_get_mem_data (mem, &text);
		ret = tool_exit_code (tool_write_file (out, (uint8_t *) text, (size_t) len));
	} else {
		ret = tool_exit_code (tool_write_file (out, der, der_len));
	}
out:
	free (data);
	free (der);
	BIO_free (mem);
	X509_free (cert);
	tool_trust_clear (&tr);
	inkan_key_free (key);
	return ret;
}
