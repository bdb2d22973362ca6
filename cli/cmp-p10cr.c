/* inkan cmp p10cr --server URL --csr FILE [protection] [--out FILE]: a
 * certificate for what a PKCS#10 request asks (RFC 9483 section 4.1.4). */
#include <getopt.h>
#include <stdlib.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan cmp p10cr --server URL --csr FILE [--ref REF --secret SRC | " \
                 "--signer-cert FILE|URI --signer-key URI [--signer-pin SRC]] [--trusted FILE]... [--timeout S] " \
                 "[--out FILE] [--pin SRC] [--allow-final-try]")

/* A request in PEM or DER, bounded like any certificate file. */
static inkan_err
load_csr (const char *path, X509_REQ **out)
{
	uint8_t *data = NULL;
	const unsigned char *p;
	size_t len = 0;
	BIO *mem = NULL;
	X509_REQ *req = NULL;
	inkan_err err = tool_read_file (path, INKAN_FILE_LIMIT_CERTS, &data, &len);

	if (err != INKAN_OK)
		return err;
	p = data;
	if ((req = d2i_X509_REQ (NULL, &p, (long) len)) == NULL && (mem = BIO_new_mem_buf (data, (int) len)) != NULL)
		req = PEM_read_bio_X509_REQ (mem, NULL, NULL, NULL);
	ERR_clear_error ();
	if (req == NULL) {
		tool_set_detail (_("%s holds no PKCS#10 request"), path);
		err = INKAN_ERR_BAD_INPUT;
	}
	BIO_free (mem);
	free (data);
	*out = req;
	return err;
}

int
verb_cmp_p10cr (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "csr", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		TOOL_CMP_LONG,
		TOOL_OPTS_END,
	};
	tool_cmp o = { 0 };
	const char *csr_path = NULL, *out = NULL;
	X509_REQ *csr = NULL;
	inkan_enroll *e = NULL;
	X509 *cert = NULL;
	inkan_err err;
	int c, ret;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		switch (tool_cmp_option (t, &o, c, optarg, &ret)) {
		case 1: continue;
		case -1: return ret;
		}
		switch (c) {
		case 'c': csr_path = optarg; break;
		case 'o': out = optarg; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (csr_path == NULL || optind != argc)
		return tool_usage (t, t->verb, "%s", USAGE);
	if ((err = load_csr (csr_path, &csr)) != INKAN_OK)
		return tool_fail (t, err);
	if ((ret = tool_cmp_start (t, &o, 1, &e)) != TOOL_EXIT_OK)
		goto out;
	if ((err = inkan_enroll_p10cr (e, csr, &cert)) != INKAN_OK) {
		ret = tool_cmp_fail (t, e, err);
		goto out;
	}
	ret = tool_cmp_issued (t, e, cert, out, NULL);
out:
	X509_free (cert);
	inkan_enroll_free (e);
	X509_REQ_free (csr);
	return ret;
}
