/* Certificates and public keys from files, PEM or DER. */
#include <stdio.h>
#include <stdlib.h>
#include <openssl/bio.h>
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
