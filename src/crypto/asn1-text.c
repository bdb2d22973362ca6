/* ASN.1 strings, names and GeneralNames as UTF-8 text.  OpenSSL converts
 * the string types (ASN1_STRING_to_UTF8); its name and GeneralName
 * printers are not used: they escape UTF-8 and cut directoryNames short. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>

#include <inkan/name.h>
#include "src/crypto/asn1-text.h"
#include "src/util/internal.h"

char *
asn1_text (const ASN1_STRING *s)
{
	unsigned char *utf8 = NULL;
	char *text = NULL;
	int len;

	if (s == NULL)
		return NULL;
	len = ASN1_STRING_to_UTF8 (&utf8, s);
	if (len < 0) {
		ERR_clear_error ();
		return NULL;
	}
	if (memchr (utf8, '\0', (size_t) len) == NULL)
		text = utf8_clean ((const char *) utf8);
	OPENSSL_free (utf8);
	return text;
}

void
hex_put (FILE *out, const unsigned char *p, int len)
{
	int i;

	for (i = 0; i < len; i++)
		fprintf (out, "%02X", p[i]);
}

void
asn1_text_put (FILE *out, const ASN1_STRING *s)
{
	char *text = asn1_text (s);

	if (text != NULL) {
		fputs (text, out);
	} else {
		fputc ('#', out);
		hex_put (out, ASN1_STRING_get0_data (s), ASN1_STRING_length (s));
	}
	free (text);
}

/* The length of the valid UTF-8 sequence at P, 0 if there is none. */
static size_t
utf8_seq (const unsigned char *p)
{
	size_t n, i;
	uint32_t c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		n = 2, c = p[0] & 0x1F;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		n = 3, c = p[0] & 0x0F;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3F);
	}
	/* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	return n;
}

char *
utf8_clean (const char *str)
{
	const unsigned char *p = (const unsigned char *) str;
	char *clean = malloc (strlen (str) * 4 + 1), *q = clean;

	if (clean == NULL)
		return NULL;
	while (*p != '\0') {
		size_t n = utf8_seq (p);

		if (n == 0) {
			q += sprintf (q, "\\x%02X", *p++);
		} else {
			memcpy (q, p, n);
			q += n;
			p += n;
		}
	}
	*q = '\0';
	return clean;
}

/* RFC 4514's special characters escaped, everything else as is. */
static void
value_put (FILE *out, const ASN1_STRING *s)
{
	char *text = asn1_text (s), *c;

	if (text == NULL) {
		asn1_text_put (out, s);
		return;
	}
	for (c = text; *c != '\0'; c++) {
		if (strchr (",+\"\\<>;=", *c) != NULL || (c == text && (*c == '#' || *c == ' ')) ||
		    (c[1] == '\0' && *c == ' '))
			fputc ('\\', out);
		fputc (*c, out);
	}
	free (text);
}

void
oid_put (FILE *out, const ASN1_OBJECT *obj, int short_name)
{
	char oid[128];
	int nid = OBJ_obj2nid (obj);

	if (nid != NID_undef)
		fputs (short_name ? OBJ_nid2sn (nid) : OBJ_nid2ln (nid), out);
	else if (OBJ_obj2txt (oid, sizeof oid, obj, 1) > 0)
		fputs (oid, out);
	else
		fputs ("?", out);
}

void
name_entry_put (FILE *out, const X509_NAME_ENTRY *e)
{
	oid_put (out, X509_NAME_ENTRY_get_object (e), 1);
	fputc ('=', out);
	value_put (out, X509_NAME_ENTRY_get_data (e));
}

void
name_put (FILE *out, const X509_NAME *name)
{
	int i, set = -1;

	for (i = 0; i < X509_NAME_entry_count (name); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry (name, i);

		if (i > 0)
			fputs (X509_NAME_ENTRY_set (e) == set ? " + " : ", ", out);
		set = X509_NAME_ENTRY_set (e);
		name_entry_put (out, e);
	}
}

char *
inkan_name_text (const X509_NAME *name)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream (&text, &len);

	if (out == NULL)
		return NULL;
	name_put (out, name);
	if (fclose (out) != 0) {
		free (text);
		return NULL;
	}
	return text;
}

/* The string types a text field may come in. */
#define B_ASN1_DIRECTORYSTRING_ALL (B_ASN1_DIRECTORYSTRING | B_ASN1_IA5STRING | B_ASN1_VISIBLESTRING | \
                                    B_ASN1_NUMERICSTRING)

/* An otherName's value: text when it is a string, else the hex of its DER. */
static void
other_value_put (FILE *out, const ASN1_TYPE *value)
{
	unsigned char *der = NULL;
	int len;

	if (value != NULL && (ASN1_tag2bit (value->type) & B_ASN1_DIRECTORYSTRING_ALL) != 0) {
		asn1_text_put (out, value->value.asn1_string);
		return;
	}
	len = i2d_ASN1_TYPE ((ASN1_TYPE *) value, &der);
	fputc ('#', out);
	if (len > 0)
		hex_put (out, der, len);
	OPENSSL_free (der);
}

/* An iPAddress: four or sixteen bytes an address, eight or thirty-two
 * (name constraints) an address and a mask. */
static void
ip_put (FILE *out, const ASN1_OCTET_STRING *ip)
{
	char text[INET6_ADDRSTRLEN];
	const unsigned char *p = ASN1_STRING_get0_data (ip);
	int len = ASN1_STRING_length (ip), af = len == 4 || len == 8 ? AF_INET : AF_INET6;

	if (len != 4 && len != 8 && len != 16 && len != 32) {
		fputc ('#', out);
		hex_put (out, p, len);
		return;
	}
	inet_ntop (af, p, text, sizeof text);
	fputs (text, out);
	if (len == 8 || len == 32) {
		inet_ntop (af, p + len / 2, text, sizeof text);
		fprintf (out, "/%s", text);
	}
}

void
general_name_put (FILE *out, const GENERAL_NAME *g)
{
	switch (g->type) {
	case GEN_OTHERNAME:
		fputs ("othername:", out);
		oid_put (out, g->d.otherName->type_id, 0);
		fputc ('=', out);
		other_value_put (out, g->d.otherName->value);
		break;
	case GEN_EMAIL:
		fputs ("email:", out);
		asn1_text_put (out, g->d.rfc822Name);
		break;
	case GEN_DNS:
		fputs ("DNS:", out);
		asn1_text_put (out, g->d.dNSName);
		break;
	case GEN_URI:
		fputs ("URI:", out);
		asn1_text_put (out, g->d.uniformResourceIdentifier);
		break;
	case GEN_DIRNAME:
		fputs ("DirName:", out);
		name_put (out, g->d.directoryName);
		break;
	case GEN_IPADD:
		fputs ("IP:", out);
		ip_put (out, g->d.iPAddress);
		break;
	case GEN_RID:
		fputs ("RID:", out);
		oid_put (out, g->d.registeredID, 0);
		break;
	case GEN_EDIPARTY:
		fputs ("EdiPartyName:", out);
		if (g->d.ediPartyName->nameAssigner != NULL) {
			asn1_text_put (out, g->d.ediPartyName->nameAssigner);
			fputc ('/', out);
		}
		asn1_text_put (out, g->d.ediPartyName->partyName);
		break;
	default: /* x400Address: no text form */
		fputs ("X400Name:#", out);
		hex_put (out, ASN1_STRING_get0_data (g->d.x400Address), ASN1_STRING_length (g->d.x400Address));
		break;
	}
}

void
general_names_put (FILE *out, const GENERAL_NAMES *gens)
{
	int i;

	for (i = 0; i < sk_GENERAL_NAME_num (gens); i++) {
		if (i > 0)
			fputs ("; ", out);
		general_name_put (out, sk_GENERAL_NAME_value (gens, i));
	}
}
