/* Certificates and public keys from files, PEM or DER. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli/tool.h"

static inkan_err
load (const char *path, int is_cert, void **out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	BIO *bio;
	inkan_err err;

	err = tool_read_file (path, &data, &len);
	if (err != INKAN_OK)
		return err;
	bio = BIO_new_mem_buf (data, (int) len);
	*out = is_cert ? (void *) PEM_read_bio_X509 (bio, NULL, NULL, NULL)
	               : (void *) PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
	if (*out == NULL && BIO_reset (bio) == 1)
		*out = is_cert ? (void *) d2i_X509_bio (bio, NULL) : (void *) d2i_PUBKEY_bio (bio, NULL);
	if (*out == NULL) {
		fprintf (stderr, _("inkan: %s is not a %s in PEM or DER\n"), path ? path : "-",
		         is_cert ? _("certificate") : _("public key"));
		err = INKAN_ERR_BAD_INPUT;
	}
	BIO_free (bio);
	free (data);
	return err;
}

inkan_err
tool_load_cert (const char *path, X509 **out)
{
	return load (path, 1, (void **) out);
}

inkan_err
tool_load_pubkey (const char *path, EVP_PKEY **out)
{
	return load (path, 0, (void **) out);
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

/* A certificate from a file, or from a token when ARG is a pkcs11: URI. */
inkan_err
tool_load_cert_any (tool *t, const char *arg, X509 **out)
{
	inkan_token *tok = NULL;
	uint8_t *der = NULL;
	size_t len = 0;
	const unsigned char *p;
	inkan_err err;

	if (strncmp (arg, "pkcs11:", 7) != 0)
		return tool_load_cert (arg, out);
	err = inkan_token_open (t->ctx, arg, &tok);
	if (err == INKAN_OK)
		err = inkan_cert_export (tok, arg, &der, &len);
	inkan_token_free (tok);
	if (err != INKAN_OK) {
		tool_fail (t, err);
		return err;
	}
	p = der;
	*out = d2i_X509 (NULL, &p, (long) len);
	free (der);
	if (*out == NULL) {
		fprintf (stderr, _("inkan: the certificate %s is malformed\n"), arg);
		return INKAN_ERR_BAD_INPUT;
	}
	return INKAN_OK;
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

/* SHA-256 of a whole file. */
inkan_err
tool_sha256_file (const char *path, uint8_t out[32])
{
	uint8_t *data = NULL;
	size_t len = 0;
	inkan_err err = tool_read_file (path, &data, &len);

	if (err == INKAN_OK && !EVP_Digest (data, len, out, NULL, EVP_sha256 (), NULL))
		err = INKAN_ERR_CRYPTO;
	free (data);
	return err;
}

/* Every certificate ARG holds: a file (PEM, DER, PKCS#7) or, for a pkcs11:
 * URI, each certificate object on the token that it matches (PIN: for
 * cards that keep certificates private, or NULL). */
inkan_err
tool_load_certs (tool *t, const char *arg, const char *pin, STACK_OF(X509) **out)
{
	inkan_object_info *objs = NULL;
	inkan_token *tok = NULL;
	STACK_OF(X509) *certs = NULL;
	uint8_t *data = NULL;
	size_t len = 0, n = 0, i;
	inkan_err err;

	if (strncmp (arg, "pkcs11:", 7) != 0) {
		err = tool_read_file (arg, &data, &len);
		if (err == INKAN_OK && (err = inkan_certs_parse (data, len, out)) != INKAN_OK)
			fprintf (stderr, _("inkan: %s: %s\n"), arg, inkan_detail ());
		free (data);
		return err;
	}
	err = pin ? tool_open_token (t, arg, pin, 0, &tok) : inkan_token_open (t->ctx, arg, &tok);
	if (err == INKAN_OK)
		err = inkan_object_list (tok, arg, &objs, &n);
	if (err == INKAN_OK && (certs = sk_X509_new_null ()) == NULL)
		err = INKAN_ERR_NOMEM;
	for (i = 0; err == INKAN_OK && i < n; i++) {
		const unsigned char *p;
		X509 *x;

		if (objs[i].cls != INKAN_OBJECT_CERTIFICATE)
			continue;
		if ((err = inkan_cert_export (tok, objs[i].uri, &data, &len)) != INKAN_OK)
			break;
		p = data;
		x = d2i_X509 (NULL, &p, (long) len);
		free (data);
		if (x == NULL || !sk_X509_push (certs, x)) {
			X509_free (x);
			fprintf (stderr, _("inkan: the certificate %s is malformed\n"), objs[i].uri);
			err = INKAN_ERR_BAD_INPUT;
			goto out;
		}
	}
	if (err != INKAN_OK) {
		tool_fail (t, err);
	} else if (sk_X509_num (certs) == 0) {
		fprintf (stderr, _("inkan: no certificate on the token matches %s\n"), arg);
		err = INKAN_ERR_NOT_FOUND;
	}
out:
	inkan_object_info_free (objs, n);
	inkan_token_free (tok);
	if (err != INKAN_OK) {
		sk_X509_pop_free (certs, X509_free);
		return err;
	}
	*out = certs;
	return INKAN_OK;
}
