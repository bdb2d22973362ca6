#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "src/cms/base64url.h"
#include "src/util/internal.h"

char *
inkan_b64url_encode (const uint8_t *data, size_t len)
{
	char *out = malloc (4 * ((len + 2) / 3) + 1), *p;
	int n;

	if (out == NULL)
		return NULL;
	n = EVP_EncodeBlock ((unsigned char *) out, data, (int) len);
	while (n > 0 && out[n - 1] == '=')
		n--;
	out[n] = '\0';
	for (p = out; *p != '\0'; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	return out;
}

inkan_err
inkan_b64url_decode (const char *text, size_t len, uint8_t **out, size_t *out_len)
{
	size_t padded = (len + 3) / 4 * 4, i;
	char *std = NULL;
	uint8_t *bin = NULL;
	int n;
	inkan_err err = INKAN_OK;

	if (len % 4 == 1)
		return inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("not base64url (bad length)"));
	std = malloc (padded + 1);
	bin = malloc (padded / 4 * 3 + 1);
	if (std == NULL || bin == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	for (i = 0; i < len; i++) {
		char c = text[i];

		/* Standard-alphabet characters and padding do not belong here. */
		if (c == '+' || c == '/' || c == '=') {
			err = inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("not base64url"));
			goto out;
		}
		std[i] = c == '-' ? '+' : c == '_' ? '/' : c;
	}
	for (; i < padded; i++)
		std[i] = '=';
	std[padded] = '\0';
	n = padded ? EVP_DecodeBlock (bin, (unsigned char *) std, (int) padded) : 0;
	if (n < 0) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("not base64url"));
		goto out;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	n -= (int) (padded - len);
	/* Only the canonical spelling: unused low bits must be zero, or one
	 * token would have many spellings (and dodge a replay cache). */
	{
		char *again = inkan_b64url_encode (bin, (size_t) n);
		int same = again != NULL && strlen (again) == len && memcmp (again, text, len) == 0;

		free (again);
		if (!same) {
			err = inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("not canonical base64url"));
			goto out;
		}
	}
	*out = bin;
	*out_len = (size_t) n;
	bin = NULL;
out:
	free (std);
	free (bin);
	return err;
}
