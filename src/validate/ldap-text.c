/* The value out of libcurl's text rendering of an LDAP search result. */
#include <stdlib.h>
#include <string.h>
#include <inkan/base64.h>

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
	uint8_t *der = NULL;
	size_t b64_len, der_len = 0;
	inkan_err err;

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
	err = inkan_base64_decode (colon, b64_len, INKAN_BASE64_STD, &der, &der_len);
	if (err == INKAN_ERR_BAD_INPUT)
		method_say (why, why_size, "%s", _("the LDAP value is not valid base64"));
	if (err != INKAN_OK)
		return err;
	free (b->data);
	b->data = der;
	b->len = der_len;
	return INKAN_OK;
}
