/* The value out of libcurl's text rendering of an LDAP search result. */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "src/validate/vint.h"

/*
 * libcurl writes an LDAP search result as text: "DN: ...\n" then one
 * "\t<attribute>: <value>\n" line per value, base64 for ";binary"
 * attributes.  The first value is the CRL or certificate we asked for.
 */
inkan_err
ldap_text_value (fetch_body *b, char *why, size_t why_size)
{
	char *line = (char *) b->data, *colon, *end;
	uint8_t *der;
	size_t b64_len;
	int n, pad = 0;

	while (line != NULL && *line != '\t')
		line = (line = strchr (line, '\n')) != NULL ? line + 1 : NULL;
	if (line == NULL || (colon = strstr (line, ": ")) == NULL) {
		method_say (why, why_size, "%s", _("the LDAP entry has no such attribute"));
		return INKAN_ERR_NOT_FOUND;
	}
	colon += 2;
	end = colon + strcspn (colon, "\r\n");
	b64_len = (size_t) (end - colon);
	if (memmem (line, (size_t) (colon - line), ";binary", 7) == NULL) {
		memmove (b->data, colon, b64_len);
		b->len = b64_len;
		return INKAN_OK;
	}
	der = malloc (b64_len / 4 * 3 + 3);
	if (der == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	n = EVP_DecodeBlock (der, (unsigned char *) colon, (int) b64_len);
	if (n < 0) {
		free (der);
		method_say (why, why_size, "%s", _("the LDAP value is not valid base64"));
		return INKAN_ERR_BAD_INPUT;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	while (b64_len > 0 && colon[b64_len - 1] == '=' && pad < 2) {
		b64_len--;
		pad++;
	}
	free (b->data);
	b->data = der;
	b->len = (size_t) n - (size_t) pad;
	return INKAN_OK;
}
