/* The one certificate loader: files in any form inkan_certs_parse reads,
 * and pkcs11: URIs, for the CLI, inkand, the validator and front ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/cert.h>
#include <inkan/file.h>
#include <inkan/object.h>
#include <inkan/token.h>
#include "src/util/internal.h"

static int
is_token_uri (const char *s)
{
	return s != NULL && strncmp (s, "pkcs11:", 7) == 0;
}

static inkan_err
read_file (const char *path, unsigned flags, STACK_OF(X509) **out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	inkan_err err;

	err = inkan_file_read (path, INKAN_FILE_LIMIT_CERTS, flags & INKAN_CERTS_STDIN ? INKAN_FILE_STDIN : 0,
	                       &data, &len);
	if (err == INKAN_OK && (err = inkan_certs_parse (data, len, out)) != INKAN_OK) {
		/* a copy: the detail is the buffer inkan_fail writes */
		char why[512];

		snprintf (why, sizeof why, "%s", inkan_detail ());
		inkan_fail (err, "%s: %s", path != NULL ? path : "-", why);
	}
	free (data);
	return err;
}

/* The token URI names, logged in with PIN when one is given and wanted. */
static inkan_err
open_token (inkan_ctx *ctx, const char *uri, const inkan_secret *pin, unsigned flags, inkan_token **out)
{
	inkan_err err;

	if (ctx == NULL)
		return inkan_fail (INKAN_ERR_USAGE, _("no PKCS#11 context to open %s with"), uri);
	err = inkan_token_open (ctx, uri, out);
	if (err == INKAN_OK && pin != NULL && inkan_token_needs_login (*out) &&
	    (err = inkan_token_login (*out, INKAN_USER_NORMAL, pin, flags & ~(unsigned) INKAN_CERTS_STDIN)) != INKAN_OK) {
		inkan_token_free (*out);
		*out = NULL;
	}
	return err;
}

static inkan_err
exported (inkan_token *tok, const char *uri, X509 **out)
{
	uint8_t *der = NULL;
	size_t len = 0;
	const unsigned char *p;
	inkan_err err = inkan_cert_export (tok, uri, &der, &len);

	if (err != INKAN_OK)
		return err;
	p = der;
	*out = d2i_X509 (NULL, &p, (long) len);
	free (der);
	if (*out == NULL)
		return inkan_fail (INKAN_ERR_BAD_INPUT, _("the certificate %s is malformed"), uri);
	return INKAN_OK;
}

static inkan_err
token_certs (inkan_token *tok, const char *uri, STACK_OF(X509) *certs)
{
	inkan_object_info *objs = NULL;
	size_t n = 0, i;
	inkan_err err = inkan_object_list (tok, uri, &objs, &n);

	for (i = 0; err == INKAN_OK && i < n; i++) {
		X509 *x = NULL;

		if (objs[i].cls != INKAN_OBJECT_CERTIFICATE)
			continue;
		err = exported (tok, objs[i].uri, &x);
		if (err == INKAN_OK && !sk_X509_push (certs, x)) {
			X509_free (x);
			err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		}
	}
	if (err == INKAN_OK && sk_X509_num (certs) == 0)
		err = inkan_fail (INKAN_ERR_NOT_FOUND, _("no certificate on the token matches %s"), uri);
	inkan_object_info_free (objs, n);
	return err;
}

inkan_err
inkan_certs_load (inkan_ctx *ctx, const char *file_or_uri, const inkan_secret *pin, unsigned flags,
                  STACK_OF(X509) **out)
{
	STACK_OF(X509) *certs = NULL;
	inkan_token *tok = NULL;
	inkan_err err;

	if (!is_token_uri (file_or_uri))
		return read_file (file_or_uri, flags, out);
	err = open_token (ctx, file_or_uri, pin, flags, &tok);
	if (err == INKAN_OK && (certs = sk_X509_new_null ()) == NULL)
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	if (err == INKAN_OK)
		err = token_certs (tok, file_or_uri, certs);
	inkan_token_free (tok);
	if (err != INKAN_OK) {
		sk_X509_pop_free (certs, X509_free);
		return err;
	}
	*out = certs;
	return INKAN_OK;
}

inkan_err
inkan_cert_load (inkan_ctx *ctx, const char *file_or_uri, const inkan_secret *pin, unsigned flags, X509 **out)
{
	STACK_OF(X509) *certs = NULL;
	inkan_token *tok = NULL;
	inkan_err err;

	if (is_token_uri (file_or_uri)) {
		err = open_token (ctx, file_or_uri, pin, flags, &tok);
		if (err == INKAN_OK)
			err = exported (tok, file_or_uri, out);
		inkan_token_free (tok);
		return err;
	}
	err = read_file (file_or_uri, flags, &certs);
	if (err == INKAN_OK)
		*out = sk_X509_shift (certs);
	sk_X509_pop_free (certs, X509_free);
	return err;
}
