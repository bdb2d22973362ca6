/* The four basic items of a JPKI signing certificate, from its
 * subjectAltName: otherNames 1.2.392.200149.8.5.5.1 to .6, each a
 * UTF8String (FACTS.md has the checked mapping). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cert/certint.h"
#include "src/crypto/asn1-text.h"

#define JPKI_ARC "1.2.392.200149.8.5.5."

/* The UTF8String of otherName JPKI_ARC.N; NULL with *WHY NULL when it is
 * absent, or saying what is wrong with it. */
static const ASN1_STRING *
item (const GENERAL_NAMES *gens, int n, const char **why)
{
	char oid[64];
	const ASN1_TYPE *t;

	snprintf (oid, sizeof oid, JPKI_ARC "%d", n);
	t = othername_value (gens, oid);
	*why = NULL;
	if (t == NULL)
		return NULL;
	if (t->type != V_ASN1_UTF8STRING)
		*why = _("not a UTF8String");
	else
		return t->value.utf8string;
	return NULL;
}

static void
text_item (inkan_cert_view *v, const GENERAL_NAMES *gens, int n, const char *key, const char *label, int optional)
{
	const char *why = NULL;
	const ASN1_STRING *s = item (gens, n, &why);
	char *text = s != NULL ? asn1_text (s) : NULL;

	if (text != NULL)
		view_add (v, INKAN_SECTION_BASIC, key, label, NULL, "%s", text);
	else if (s != NULL)
		view_bad (v, INKAN_SECTION_BASIC, key, label, _("not valid UTF-8"));
	else if (why != NULL || !optional)
		view_bad (v, INKAN_SECTION_BASIC, key, label, why ? why : _("absent"));
	free (text);
}

/* "EYYYYMMDD": the era (1 Meiji .. 5 Reiwa, 0 unknown), then the Gregorian date. */
static void
birth (inkan_cert_view *v, const GENERAL_NAMES *gens)
{
	const char *label = _("Date of birth"), *why = NULL;
	const ASN1_STRING *s = item (gens, 4, &why);
	char text[10], iso[16], shown[64];
	int era, y, m, d, end = 0;

	if (s == NULL) {
		view_bad (v, INKAN_SECTION_BASIC, "date_of_birth", label, why ? why : _("absent"));
		return;
	}
	if (ASN1_STRING_length (s) != 9) {
		view_bad (v, INKAN_SECTION_BASIC, "date_of_birth", label, _("not nine digits (era and YYYYMMDD)"));
		return;
	}
	memcpy (text, ASN1_STRING_get0_data (s), 9);
	text[9] = '\0';
	if (sscanf (text, "%1d%4d%2d%2d%n", &era, &y, &m, &d, &end) != 4 || end != 9 ||
	    strspn (text, "0123456789") != 9) {
		view_bad (v, INKAN_SECTION_BASIC, "date_of_birth", label, _("not nine digits (era and YYYYMMDD)"));
		return;
	}
	snprintf (iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
	if (inkan_era_date (era, y, m, d, shown, sizeof shown) != INKAN_OK) {
		view_bad (v, INKAN_SECTION_BASIC, "date_of_birth", label, inkan_detail ());
		return;
	}
	if (!view_japanese ())
		view_date_text (y, m, d, shown, sizeof shown);
	view_add (v, INKAN_SECTION_BASIC, "date_of_birth", label, iso, "%s", shown);
}

static void
sex (inkan_cert_view *v, const GENERAL_NAMES *gens)
{
	const char *label = _("Sex"), *why = NULL;
	const ASN1_STRING *s = item (gens, 3, &why);
	const char *code = s != NULL && ASN1_STRING_length (s) == 1 ? (const char *) ASN1_STRING_get0_data (s) : NULL;
	char raw[2] = { code ? code[0] : 0, 0 };

	if (s == NULL)
		view_bad (v, INKAN_SECTION_BASIC, "sex", label, why ? why : _("absent"));
	else if (code == NULL || strchr ("1239", code[0]) == NULL || code[0] == '\0')
		view_bad (v, INKAN_SECTION_BASIC, "sex", label, _("not one of the codes 1, 2, 3, 9"));
	else
		view_add (v, INKAN_SECTION_BASIC, "sex", label, raw, "%s",
		          code[0] == '1' ? _("male") : code[0] == '2' ? _("female") : _("not known"));
}

void
jpki_sign_fields (inkan_cert_view *v, X509 *cert)
{
	int crit = -1;
	GENERAL_NAMES *gens = X509_get_ext_d2i (cert, NID_subject_alt_name, &crit, NULL);

	if (gens == NULL) {
		const char *why = crit == -1 ? _("the certificate has no subjectAltName")
		                             : _("the subjectAltName is malformed");

		view_bad (v, INKAN_SECTION_BASIC, "name", _("Name"), why);
		return;
	}
	text_item (v, gens, 1, "name", _("Name"), 0);
	birth (v, gens);
	sex (v, gens);
	text_item (v, gens, 5, "address", _("Address"), 0);
	/* one 0/1 per character: 1 marks a character the card shows by a substitute */
	text_item (v, gens, 2, "name_substitutes", _("Substitute characters in the name"), 1);
	text_item (v, gens, 6, "address_substitutes", _("Substitute characters in the address"), 1);
	GENERAL_NAMES_free (gens);
}
