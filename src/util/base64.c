/* base64 in both alphabets, through OpenSSL's EVP_EncodeBlock and
 * EVP_DecodeBlock (the URL-safe one mapped onto the standard one). */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include <inkan/base64.h>
#include "src/util/internal.h"

char *
inkan_base64_encode (const uint8_t *data, size_t len, inkan_base64_alphabet alphabet)
{
	char *out = len <= INT32_MAX / 4 * 3 ? malloc (4 * ((len + 2) / 3) + 1) : NULL, *p;
	int n;

	if (out == NULL)
		return NULL;
	n = EVP_EncodeBlock ((unsigned char *) out, data, (int) len);
	if (alphabet == INKAN_BASE64_URL) {
		while (n > 0 && out[n - 1] == '=')
			n--;
		out[n] = '\0';
		for (p = out; *p != '\0'; p++)
			*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	}
	return out;
}

static inkan_err
not_base64 (inkan_base64_alphabet alphabet)
{
	return inkan_fail (INKAN_ERR_BAD_INPUT, "%s", alphabet == INKAN_BASE64_URL ? _("not base64url") : _("not base64"));
}

/* The standard spelling of TEXT, padded, in STD (room for PADDED + 1);
 * the URL-safe alphabet has no place for + / or =. */
static int
standard_spelling (const char *text, size_t len, inkan_base64_alphabet alphabet, char *std, size_t padded)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = text[i];

		if (alphabet == INKAN_BASE64_URL && (c == '+' || c == '/' || c == '='))
			return 0;
		std[i] = alphabet == INKAN_BASE64_STD ? c : c == '-' ? '+' : c == '_' ? '/' : c;
	}
	for (; i < padded; i++)
		std[i] = '=';
	std[padded] = '\0';
	return 1;
}

inkan_err
inkan_base64_decode (const char *text, size_t len, inkan_base64_alphabet alphabet, uint8_t **out, size_t *out_len)
{
	size_t padded = alphabet == INKAN_BASE64_URL ? (len + 3) / 4 * 4 : len, pad;
	char *std = NULL;
	uint8_t *bin = NULL;
	int n;
	inkan_err err = INKAN_OK;

	if (len > INT32_MAX / 2 || (alphabet == INKAN_BASE64_URL ? len % 4 == 1 : len % 4 != 0))
		return not_base64 (alphabet);
	std = malloc (padded + 1);
	bin = malloc (padded / 4 * 3 + 1);
	if (std == NULL || bin == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	if (!standard_spelling (text, len, alphabet, std, padded)) {
		err = not_base64 (alphabet);
		goto out;
	}
	for (pad = 0; pad < 2 && pad < padded && std[padded - 1 - pad] == '='; pad++)
		;
	n = padded ? EVP_DecodeBlock (bin, (unsigned char *) std, (int) padded) : 0;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (n < 0 || (size_t) n < pad) {
		err = not_base64 (alphabet);
		goto out;
	}
	n -= (int) pad;
	/* URL-safe text only in its canonical spelling (unused low bits zero),
	 * or one token would have many spellings and dodge a replay cache. */
	if (alphabet == INKAN_BASE64_URL) {
		char *again = inkan_base64_encode (bin, (size_t) n, alphabet);
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
