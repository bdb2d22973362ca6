/* One certificate from a file, PEM or DER.  Kept apart so that the
 * certificate view's loader can take its place. */
#include <stdlib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli/tool.h"

inkan_err
tool_load_cert (const char *path, X509 **out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	const unsigned char *p;
	inkan_err err = tool_read_file (path, &data, &len);
	BIO *bio;

	if (err != INKAN_OK)
		return err;
	p = data;
	*out = d2i_X509 (NULL, &p, (long) len);
	if (*out == NULL && (bio = BIO_new_mem_buf (data, (int) len)) != NULL) {
		*out = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
		BIO_free (bio);
	}
	ERR_clear_error ();
	free (data);
	if (*out == NULL) {
		fprintf (stderr, _("inkan: %s is not a certificate (PEM or DER)\n"), path);
		return INKAN_ERR_BAD_INPUT;
	}
	return INKAN_OK;
}
