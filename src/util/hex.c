#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "src/util/internal.h"

void
inkan_hex_encode_to (const uint8_t *buf, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[buf[i] >> 4];
		out[2 * i + 1] = digits[buf[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

char *
inkan_hex_encode (const uint8_t *buf, size_t len)
{
	char *out = malloc (len * 2 + 1);

	if (out != NULL)
		inkan_hex_encode_to (buf, len, out);
	return out;
}

static int
nibble (char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char) tolower ((unsigned char) c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Separators are allowed between bytes only, so "a:bc" is refused. */
inkan_err
inkan_hex_decode (const char *hex, uint8_t **out, size_t *out_len)
{
	size_t cap = strlen (hex) / 2 + 1, n = 0;
	uint8_t *buf = malloc (cap);
	const char *p = hex;
	inkan_err err = INKAN_OK;

	if (buf == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	while (*p != '\0') {
		int hi, lo;

		if (n > 0 && (*p == ':' || *p == ' '))
			p++;
		hi = nibble (p[0]);
		lo = hi < 0 ? -1 : nibble (p[1]);
		if (hi < 0 || lo < 0) {
			err = inkan_fail (INKAN_ERR_USAGE, _("not hexadecimal: \"%s\""), hex);
			goto out;
		}
		buf[n++] = (uint8_t) (hi << 4 | lo);
		p += 2;
	}
	if (n == 0) {
		err = inkan_fail (INKAN_ERR_USAGE, "%s", _("empty hexadecimal value"));
		goto out;
	}
	*out = buf;
	*out_len = n;
	buf = NULL;
out:
	free (buf);
	return err;
}
