/* C-APDU and BER-TLV parsing, R-APDU building. */
#include <stdlib.h>
#include <string.h>
#include "vcard.h"

bool
vc_apdu_parse (const uint8_t *buf, size_t len, vc_apdu *out)
{
	memset (out, 0, sizeof *out);
	if (len < 4)
		return false;
	out->cla = buf[0];
	out->ins = buf[1];
	out->p1 = buf[2];
	out->p2 = buf[3];
	buf += 4;
	len -= 4;
	if (len == 0)
		return true;                       /* case 1 */
	if (len == 1) {                            /* case 2 short */
		out->ne = buf[0] ? buf[0] : 256;
		return true;
	}
	if (buf[0] != 0) {                         /* case 3/4 short */
		size_t lc = buf[0];
		if (len == 1 + lc) {
			out->data = buf + 1;
			out->lc = lc;
			return true;
		}
		if (len == 2 + lc) {
			out->data = buf + 1;
			out->lc = lc;
			out->ne = buf[1 + lc] ? buf[1 + lc] : 256;
			return true;
		}
		return false;
	}
	/* Extended: 00 followed by two length bytes. */
	out->extended = true;
	if (len == 3) {                            /* case 2 extended */
		size_t ne = (size_t) buf[1] << 8 | buf[2];
		out->ne = ne ? ne : 65536;
		return true;
	}
	if (len < 3)
		return false;
	size_t lc = (size_t) buf[1] << 8 | buf[2];
	if (lc == 0)
		return false;
	if (len == 3 + lc) {
		out->data = buf + 3;
		out->lc = lc;
		return true;
	}
	if (len == 5 + lc) {
		size_t ne = (size_t) buf[3 + lc] << 8 | buf[4 + lc];
		out->data = buf + 3;
		out->lc = lc;
		out->ne = ne ? ne : 65536;
		return true;
	}
	return false;
}

bool
vc_tlv_next (const uint8_t *buf, size_t len, unsigned *tag,
             const uint8_t **value, size_t *vlen, size_t *total)
{
	size_t i = 0, n;

	if (len < 2)
		return false;
	*tag = buf[i++];
	if ((*tag & 0x1f) == 0x1f) {
		/* Two-byte tags are all the cards here use. */
		if (i >= len || (buf[i] & 0x80))
			return false;
		*tag = *tag << 8 | buf[i++];
	}
	if (i >= len)
		return false;
	n = buf[i++];
	if (n & 0x80) {
		size_t k = n & 0x7f;
		if (k == 0 || k > 3 || i + k > len)
			return false;
		n = 0;
		while (k--)
			n = n << 8 | buf[i++];
	}
	if (n > len - i)
		return false;
	*value = buf + i;
	*vlen = n;
	*total = i + n;
	return true;
}

bool
vc_tlv_find (const uint8_t *buf, size_t len, unsigned tag,
             const uint8_t **value, size_t *vlen)
{
	unsigned t;
	size_t total;

	while (len > 0) {
		if (!vc_tlv_next (buf, len, &t, value, vlen, &total))
			return false;
		if (t == tag)
			return true;
		buf += total;
		len -= total;
	}
	return false;
}

void
vc_resp_add (vc_resp *r, const void *buf, size_t len)
{
	if (r->len + len > r->cap) {
		size_t cap = (r->len + len) * 2 + 64;
		uint8_t *d = realloc (r->data, cap);
		if (!d)
			abort ();
		r->data = d;
		r->cap = cap;
	}
	if (len)
		memcpy (r->data + r->len, buf, len);
	r->len += len;
}

void
vc_resp_byte (vc_resp *r, uint8_t b)
{
	vc_resp_add (r, &b, 1);
}

void
vc_resp_tl (vc_resp *r, unsigned tag, size_t len)
{
	if (tag > 0xff)
		vc_resp_byte (r, tag >> 8);
	vc_resp_byte (r, tag & 0xff);
	if (len < 0x80) {
		vc_resp_byte (r, len);
	} else if (len < 0x100) {
		vc_resp_byte (r, 0x81);
		vc_resp_byte (r, len);
	} else {
		vc_resp_byte (r, 0x82);
		vc_resp_byte (r, len >> 8);
		vc_resp_byte (r, len & 0xff);
	}
}

void
vc_resp_tlv (vc_resp *r, unsigned tag, const void *buf, size_t len)
{
	vc_resp_tl (r, tag, len);
	vc_resp_add (r, buf, len);
}

void
vc_resp_clear (vc_resp *r)
{
	free (r->data);
	memset (r, 0, sizeof *r);
}
