/* inkan cert vid CERT|URI [--rn SRC] [--random SRC | --key FILE [--pass SRC]] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "cli/tool.h"

/* a key file is a few kilobytes */
#define KEY_FILE_LIMIT (64u << 10)
#define USAGE _("usage: inkan cert vid CERT|URI [--rn SRC] [--random SRC | --key signPri.key [--pass SRC]]")

/* R from the holder's key file, which the password opens. */
static inkan_err
key_random (const char *path, const char *pass_src, uint8_t **r, size_t *r_len)
{
	inkan_secret *pass = NULL;
	uint8_t *der = NULL;
	size_t len = 0;
	inkan_err err;

	err = inkan_file_read (path, KEY_FILE_LIMIT, 0, &der, &len);
	if (err == INKAN_OK)
		err = tool_secret (pass_src, _("Password of the private key: "), &pass);
	if (err == INKAN_OK)
		err = inkan_npki_key_random (der, len, pass, r, r_len);
	inkan_secret_free (pass);
	if (der != NULL)
		OPENSSL_cleanse (der, len);
	free (der);
	return err;
}

int
verb_cert_vid (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rn", required_argument, NULL, 'n' },
		{ "random", required_argument, NULL, 'r' },
		{ "key", required_argument, NULL, 'k' },
		{ "pass", required_argument, NULL, 'p' },
		TOOL_OPTS_END,
	};
	const char *rn_src = NULL, *r_src = NULL, *key_file = NULL, *pass_src = NULL;
	inkan_secret *rn = NULL, *r_hex = NULL;
	STACK_OF(X509) *certs = NULL;
	uint8_t *r = NULL;
	size_t r_len = 0;
	int c, match = 0, ret;
	inkan_err err;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': rn_src = optarg; break;
		case 'r': r_src = optarg; break;
		case 'k': key_file = optarg; break;
		case 'p': pass_src = optarg; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (argc - optind != 1 || (key_file != NULL && r_src != NULL) || (pass_src != NULL && key_file == NULL))
		return tool_usage (t, "cert vid", "%s", USAGE);
	err = tool_load_certs (t, argv[optind], NULL, &certs);
	if (err != INKAN_OK)
		return tool_exit_code (err);
	if (sk_X509_num (certs) != 1) {
		fprintf (stderr, _("inkan: %s holds %d certificates; name one\n"), argv[optind], sk_X509_num (certs));
		ret = TOOL_EXIT_USAGE;
		goto out;
	}
	err = tool_secret (rn_src, _("Resident registration number: "), &rn);
	if (err == INKAN_OK && key_file != NULL) {
		err = key_random (key_file, pass_src, &r, &r_len);
		if (err != INKAN_OK) {
			ret = tool_fail (t, err);
			goto out;
		}
	} else if (err == INKAN_OK) {
		err = tool_secret (r_src, _("Random value R (hex, from the private key): "), &r_hex);
	}
	if (err == INKAN_OK && r == NULL && inkan_hex_decode (inkan_secret_data (r_hex), &r, &r_len) != INKAN_OK) {
		fprintf (stderr, "%s", _("inkan: the random value R is not hex\n"));
		ret = TOOL_EXIT_USAGE;
		goto out;
	}
	if (err == INKAN_OK) {
		/* "123456-1234567" as people write it */
		char digits[16];
		const char *p = inkan_secret_data (rn);
		size_t n = 0;

		for (; *p != '\0' && n < sizeof digits - 1; p++)
			if (*p != '-')
				digits[n++] = *p;
		digits[n] = '\0';
		err = inkan_cert_vid_check (sk_X509_value (certs, 0), digits, *p == '\0' ? n : sizeof digits,
		                            r, r_len, &match);
		OPENSSL_cleanse (digits, sizeof digits);
	}
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	if (t->json)
		tool_json_print (json_pack ("{s:b}", "match", match));
	else
		printf ("%s\n", match ? _("the VID matches: this certificate belongs to that resident number")
		                      : _("the VID does NOT match that resident number and R"));
	ret = match ? TOOL_EXIT_OK : TOOL_EXIT_NEGATIVE;
out:
	if (r != NULL)
		OPENSSL_cleanse (r, r_len);
	free (r);
	inkan_secret_free (rn);
	inkan_secret_free (r_hex);
	sk_X509_pop_free (certs, X509_free);
	return ret;
}
