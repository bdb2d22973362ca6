/* Certificates (through libinkan's one loader), public keys and files,
 * with the error printed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli/tool.h"

static inkan_err
printed (inkan_err err)
{
	if (err != INKAN_OK)
		fprintf (stderr, "inkan: %s\n", inkan_detail ());
	return err;
}

/* Documents (no limit: a FIFO or a pipe is fine) or the files that
 * describe them (bounded, regular files only). */
inkan_err
tool_read_file (const char *path, size_t limit, uint8_t **data, size_t *len)
{
	unsigned flags = INKAN_FILE_STDIN | (limit == INKAN_FILE_NO_LIMIT ? INKAN_FILE_STREAM : 0);

	return printed (inkan_file_read (path, limit, flags, data, len));
}

inkan_err
tool_load_cert (const char *path, X509 **out)
{
	return printed (inkan_cert_load (NULL, path, NULL, INKAN_CERTS_STDIN, out));
}

/* Every certificate of a file (a bundle: PEM, SEQUENCE OF, PKCS#7). */
inkan_err
tool_load_cert_bundle (const char *path, STACK_OF(X509) **out)
{
	return printed (inkan_certs_load (NULL, path, NULL, INKAN_CERTS_STDIN, out));
}

inkan_err
tool_load_pubkey (const char *path, EVP_PKEY **out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	BIO *bio;
	inkan_err err;

	err = tool_read_file (path, INKAN_FILE_LIMIT_CERTS, &data, &len);
	if (err != INKAN_OK)
		return err;
	bio = BIO_new_mem_buf (data, (int) len);
	*out = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
	if (*out == NULL && BIO_reset (bio) == 1)
		*out = d2i_PUBKEY_bio (bio, NULL);
	if (*out == NULL) {
		fprintf (stderr, _("inkan: %s is not a %s in PEM or DER\n"), path ? path : "-", _("public key"));
		err = INKAN_ERR_BAD_INPUT;
	}
	BIO_free (bio);
	free (data);
	return err;
}

inkan_err
tool_load_key_of (const char *path, int is_cert, EVP_PKEY **out)
{
	X509 *x = NULL;
	inkan_err err;

	if (!is_cert)
		return tool_load_pubkey (path, out);
	err = tool_load_cert (path, &x);
	if (err == INKAN_OK && (*out = X509_get_pubkey (x)) == NULL) {
		fprintf (stderr, _("inkan: the key in %s is malformed\n"), path);
		err = INKAN_ERR_BAD_INPUT;
	}
	X509_free (x);
	return err;
}

/* A certificate from a file or from a token when ARG is a pkcs11: URI. */
inkan_err
tool_load_cert_any (tool *t, const char *arg, X509 **out)
{
	inkan_err err = inkan_cert_load (t->ctx, arg, NULL, INKAN_CERTS_STDIN, out);

	if (err != INKAN_OK)
		tool_fail (t, err);
	return err;
}

/* "90", "90s", "10m", "2h", "1d" to seconds; -1 when malformed. */
long
tool_parse_duration (const char *text)
{
	char *end = NULL;
	long v = strtol (text, &end, 10), unit = 1;

	if (end == text || v < 0)
		return -1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	return v > 100L * 365 * 86400 / unit ? -1 : v * unit;
}

/* SHA-256 of a whole document, streamed: never held whole, never bounded. */
inkan_err
tool_sha256_file (const char *path, uint8_t out[32], size_t *len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new ();
	FILE *f = path == NULL || strcmp (path, "-") == 0 ? stdin : fopen (path, "rbe");
	uint8_t buf[65536];
	size_t n;
	inkan_err err = INKAN_OK;

	if (f == NULL) {
		fprintf (stderr, _("inkan: cannot open %s: %s\n"), path, strerror (errno));
		err = INKAN_ERR_IO;
		goto out;
	}
	if (md == NULL || !EVP_DigestInit_ex (md, EVP_sha256 (), NULL)) {
		err = INKAN_ERR_CRYPTO;
		goto out;
	}
	if (len != NULL)
		*len = 0;
	while ((n = fread (buf, 1, sizeof buf, f)) > 0) {
		if (!EVP_DigestUpdate (md, buf, n)) {
			err = INKAN_ERR_CRYPTO;
			goto out;
		}
		if (len != NULL)
			*len += n;
	}
	if (ferror (f)) {
		fprintf (stderr, _("inkan: cannot read %s: %s\n"), f == stdin ? _("standard input") : path, strerror (errno));
		err = INKAN_ERR_IO;
	} else if (!EVP_DigestFinal_ex (md, out, NULL)) {
		err = INKAN_ERR_CRYPTO;
	}
out:
	if (f != NULL && f != stdin)
		fclose (f);
	EVP_MD_CTX_free (md);
	return err;
}

/* Every certificate ARG holds: a file (PEM, DER, SEQUENCE OF, PKCS#7) or,
 * for a pkcs11: URI, each certificate object on the token that it matches
 * (PIN_SOURCE: for cards that keep certificates private, or NULL). */
inkan_err
tool_load_certs (tool *t, const char *arg, const char *pin_source, STACK_OF(X509) **out)
{
	inkan_secret *pin = NULL;
	inkan_err err = INKAN_OK;

	if (pin_source != NULL && strncmp (arg, "pkcs11:", 7) == 0)
		err = inkan_secret_read (pin_source, &pin);
	if (err == INKAN_OK)
		err = inkan_certs_load (t->ctx, arg, pin, INKAN_CERTS_STDIN | t->consent, out);
	inkan_secret_free (pin);
	if (err != INKAN_OK)
		tool_fail (t, err);
	return err;
}
