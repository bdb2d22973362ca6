/* The view of a certificate: basic fields (as the JPKI viewer shows them),
 * every field and extension decoded, fingerprints, and the validity state. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>

#include <inkan/name.h>
#include "src/cert/certint.h"
#include "src/crypto/asn1-text.h"

static char *
vformat (const char *fmt, va_list ap)
{
	char *s = NULL;

	return vasprintf (&s, fmt, ap) < 0 ? NULL : s;
}

static void
push (inkan_cert_view *v, inkan_cert_section s, const char *key, const char *label,
      char *value, const char *raw, int undecodable)
{
	inkan_cert_field *f;
	char *k = strdup (key), *l = strdup (label), *r = raw != NULL ? utf8_clean (raw) : NULL, *clean = NULL;

	/* the last guard of "all text is UTF-8": a decoder's slip shows as \xNN */
	if (value != NULL) {
		clean = utf8_clean (value);
		free (value);
		value = clean;
	}

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 32;
		inkan_cert_field *more = realloc (v->fields, cap * sizeof *more);

		if (more != NULL) {
			v->fields = more;
			v->cap = cap;
		}
	}
	if (v->n == v->cap || value == NULL || k == NULL || l == NULL || (raw != NULL && r == NULL)) {
		v->nomem = 1;
		free (value);
		free (k);
		free (l);
		free (r);
		return;
	}
	f = &v->fields[v->n++];
	f->section = s;
	f->key = k;
	f->label = l;
	f->value = value;
	f->raw = r;
	f->undecodable = undecodable;
}

void
view_add (inkan_cert_view *v, inkan_cert_section s, const char *key, const char *label,
          const char *raw, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	push (v, s, key, label, vformat (fmt, ap), raw, 0);
	va_end (ap);
}

void
view_bad (inkan_cert_view *v, inkan_cert_section s, const char *key, const char *label, const char *why)
{
	char *value = NULL;

	if (asprintf (&value, _("(undecodable: %s)"), why) < 0)
		value = NULL;
	push (v, s, key, label, value, NULL, 1);
}

int
view_japanese (void)
{
	const char *loc = setlocale (LC_TIME, NULL);

	return loc != NULL && strncmp (loc, "ja", 2) == 0;
}

void
view_date_text (int y, int m, int d, char *buf, size_t size)
{
	const char *loc = setlocale (LC_TIME, NULL);
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12 };

	if (view_japanese () && inkan_era_date (0, y, m, d, buf, size) == INKAN_OK)
		return;
	/* the C locale's %x is "11/07/77": ISO is clearer */
	if (loc == NULL || strcmp (loc, "C") == 0 || strncmp (loc, "C.", 2) == 0 || strcmp (loc, "POSIX") == 0 ||
	    strftime (buf, size, "%x", &tm) == 0)
		snprintf (buf, size, "%04d-%02d-%02d", y, m, d);
}

const ASN1_TYPE *
othername_value (const GENERAL_NAMES *gens, const char *oid)
{
	ASN1_OBJECT *want = OBJ_txt2obj (oid, 1);
	const ASN1_TYPE *found = NULL;
	int i;

	for (i = 0; want != NULL && found == NULL && i < sk_GENERAL_NAME_num (gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value (gens, i);

		if (g->type == GEN_OTHERNAME && OBJ_cmp (g->d.otherName->type_id, want) == 0)
			found = g->d.otherName->value;
	}
	ASN1_OBJECT_free (want);
	return found;
}

/* The CN, or else the O, or else the whole name. */
static char *
name_short (const X509_NAME *name)
{
	static const int nids[] = { NID_commonName, NID_organizationName };
	char *text;
	size_t i;

	for (i = 0; i < sizeof nids / sizeof nids[0]; i++) {
		int at = X509_NAME_get_index_by_NID (name, nids[i], -1);

		if (at >= 0 && (text = asn1_text (X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, at)))) != NULL)
			return text;
	}
	return inkan_name_text (name);
}

static void
add_name (inkan_cert_view *v, inkan_cert_section s, const char *key, const char *label,
          const X509_NAME *name, int brief)
{
	char *text = brief ? name_short (name) : inkan_name_text (name);

	if (text == NULL)
		view_bad (v, s, key, label, _("the name cannot be printed"));
	else
		view_add (v, s, key, label, NULL, "%s", text);
	free (text);
}

static void
add_time (inkan_cert_view *v, inkan_cert_section s, const char *key, const char *label, const ASN1_TIME *t)
{
	struct tm tm;
	char iso[80], day[64];

	if (t == NULL || !ASN1_TIME_to_tm (t, &tm)) {
		view_bad (v, s, key, label, _("not a valid time"));
		return;
	}
	snprintf (iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	view_date_text (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, day, sizeof day);
	view_add (v, s, key, label, iso, "%s %02d:%02d:%02d UTC", day, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
add_validity (inkan_cert_view *v, X509 *cert, time_t now)
{
	const ASN1_TIME *nb = X509_get0_notBefore (cert), *na = X509_get0_notAfter (cert);
	const char *label = _("Status");
	int days = 0, secs = 0;
	ASN1_TIME *at = ASN1_TIME_set (NULL, now);

	if (at == NULL || nb == NULL || na == NULL || !ASN1_TIME_diff (&days, &secs, nb, na)) {
		view_bad (v, INKAN_SECTION_BASIC, "status", label, _("the validity period cannot be read"));
	} else if (days < 0 || secs < 0) {
		view_add (v, INKAN_SECTION_BASIC, "status", label, "invalid-period", "%s",
		          _("invalid: it expires before it begins"));
	} else if (X509_cmp_time (nb, &now) > 0) {
		view_add (v, INKAN_SECTION_BASIC, "status", label, "not-yet-valid", "%s", _("not yet valid"));
	} else if (X509_cmp_time (na, &now) < 0) {
		ASN1_TIME_diff (&days, &secs, na, at);
		view_add (v, INKAN_SECTION_BASIC, "status", label, "expired", _("expired %d days ago"), days);
	} else {
		ASN1_TIME_diff (&days, &secs, at, na);
		view_add (v, INKAN_SECTION_BASIC, "status", label, "valid", _("valid, %d days left"), days);
	}
	ASN1_TIME_free (at);
}

static void
add_fingerprint (inkan_cert_view *v, X509 *cert, const EVP_MD *md, const char *key, const char *label)
{
	char text[EVP_MAX_MD_SIZE * 3];

	if (cert_fingerprint (cert, md, text, sizeof text))
		view_add (v, INKAN_SECTION_FINGERPRINTS, key, label, NULL, "%s", text);
	else
		view_bad (v, INKAN_SECTION_FINGERPRINTS, key, label, _("the digest failed"));
}

static void
add_key (inkan_cert_view *v, X509 *cert)
{
	const char *label = _("Public key");
	EVP_PKEY *pk = X509_get0_pubkey (cert);
	char group[64] = "";

	if (pk == NULL) {
		ERR_clear_error ();
		view_bad (v, INKAN_SECTION_DETAILS, "public_key", label, _("the public key is malformed"));
		return;
	}
	if (EVP_PKEY_get_group_name (pk, group, sizeof group, NULL))
		view_add (v, INKAN_SECTION_DETAILS, "public_key", label, NULL, "%s %s (%d bits)",
		          EVP_PKEY_get0_type_name (pk), group, EVP_PKEY_get_bits (pk));
	else
		view_add (v, INKAN_SECTION_DETAILS, "public_key", label, NULL, "%s %d bits",
		          EVP_PKEY_get0_type_name (pk), EVP_PKEY_get_bits (pk));
}

/* Decoded, or else its bytes in hex and marked undecodable: never left out. */
static void
add_extension (inkan_cert_view *v, X509_EXTENSION *ext)
{
	ASN1_OBJECT *obj = X509_EXTENSION_get_object (ext);
	const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data (ext);
	const char *critical = X509_EXTENSION_get_critical (ext) ? _("critical: ") : "";
	char oid[128], key[160], *label, *text = ext_text (ext), *hex, *value = NULL;
	int nid = OBJ_obj2nid (obj);

	OBJ_obj2txt (oid, sizeof oid, obj, 1);
	snprintf (key, sizeof key, "ext.%s", oid);
	/* the label is the extension's name: gettext cannot know them all */
	label = (char *) (nid != NID_undef ? OBJ_nid2ln (nid) : key + 4);
	if (text != NULL) {
		view_add (v, INKAN_SECTION_DETAILS, key, label, NULL, "%s%s", critical, text);
		free (text);
		return;
	}
	hex = inkan_hex_encode (data->data, (size_t) data->length);
	if (hex == NULL || asprintf (&value, "%s(%s) %.128s%s (%d %s)", critical,
	                             X509V3_EXT_get (ext) != NULL ? _("the extension's contents are malformed")
	                                                          : _("undecodable: no decoder for this extension"),
	                             hex, data->length > 64 ? "…" : "", data->length, _("bytes")) < 0)
		value = NULL;
	push (v, INKAN_SECTION_DETAILS, key, label, value, hex, 1);
	free (hex);
}

static void
add_details (inkan_cert_view *v, X509 *cert)
{
	const inkan_cert_section d = INKAN_SECTION_DETAILS;
	const X509_ALGOR *sig = NULL;
	BIGNUM *bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (cert), NULL);
	char *serial = bn != NULL ? BN_bn2hex (bn) : NULL;
	char alg[128];
	int i;

	view_add (v, d, "version", _("Version"), NULL, "%ld", X509_get_version (cert) + 1);
	if (serial != NULL)
		view_add (v, d, "serial", _("Serial number"), NULL, "%s", serial);
	else
		view_bad (v, d, "serial", _("Serial number"), _("not an integer"));
	X509_get0_signature (NULL, &sig, cert);
	OBJ_obj2txt (alg, sizeof alg, sig != NULL ? sig->algorithm : NULL, 0);
	view_add (v, d, "signature_algorithm", _("Signature algorithm"), NULL, "%s", alg);
	add_name (v, d, "subject_dn", _("Subject"), X509_get_subject_name (cert), 0);
	add_name (v, d, "issuer_dn", _("Issuer"), X509_get_issuer_name (cert), 0);
	add_time (v, d, "not_before", _("Valid from"), X509_get0_notBefore (cert));
	add_time (v, d, "not_after", _("Valid until"), X509_get0_notAfter (cert));
	add_key (v, cert);
	for (i = 0; i < X509_get_ext_count (cert); i++)
		add_extension (v, X509_get_ext (cert, i));
	OPENSSL_free (serial);
	BN_free (bn);
}

static const char *
profile_label (inkan_cert_profile p)
{
	switch (p) {
	case INKAN_PROFILE_JPKI_SIGN: return _("JPKI signing certificate");
	case INKAN_PROFILE_JPKI_AUTH: return _("JPKI user authentication certificate");
	case INKAN_PROFILE_JPKI_CA: return _("JPKI certification authority");
	case INKAN_PROFILE_NPKI: return _("NPKI (Korean accredited/joint) certificate");
	case INKAN_PROFILE_GPKI: return _("GPKI (Korean government) certificate");
	default: return _("certificate");
	}
}

const char *
inkan_cert_profile_name (inkan_cert_profile p)
{
	static const char *names[] = { "generic", "jpki-sign", "jpki-auth", "jpki-ca", "npki", "gpki", "npki-root",
	                               "npki-ca", "gpki-ca", "epki", "epki-ca", "tsa" };

	return (size_t) p < sizeof names / sizeof names[0] ? names[p] : "generic";
}

inkan_err
inkan_cert_view_new (X509 *cert, time_t now, inkan_cert_view **out)
{
	inkan_cert_view *v = calloc (1, sizeof *v);
	const inkan_cert_section b = INKAN_SECTION_BASIC;

	if (v == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	v->profile = inkan_cert_profile_of (cert);
	v->test = cert_is_test (cert);
	view_add (v, b, "profile", _("Kind"), inkan_cert_profile_name (v->profile), "%s",
	          ca_kind (v->profile, cert) != NULL ? ca_kind (v->profile, cert) : profile_label (v->profile));
	if (v->test)
		view_add (v, b, "test", _("TEST"), "true", "%s",
		          _("a certificate of a test hierarchy, not a real one"));
	ca_fields (v, cert);
	if (v->profile == INKAN_PROFILE_JPKI_SIGN)
		jpki_sign_fields (v, cert);
	else
		add_name (v, b, "subject", _("Subject"), X509_get_subject_name (cert), 1);
	if (v->profile == INKAN_PROFILE_NPKI || v->profile == INKAN_PROFILE_GPKI || v->profile == INKAN_PROFILE_EPKI)
		kr_fields (v, cert);
	add_time (v, b, "issued", _("Issued"), X509_get0_notBefore (cert));
	add_time (v, b, "expires", _("Expires"), X509_get0_notAfter (cert));
	add_validity (v, cert, now);
	add_name (v, b, "issuer", _("Issuer"), X509_get_issuer_name (cert), 1);
	add_details (v, cert);
	add_fingerprint (v, cert, EVP_sha256 (), "sha256", _("SHA-256 fingerprint"));
	add_fingerprint (v, cert, EVP_sha1 (), "sha1", _("SHA-1 fingerprint"));
	ERR_clear_error ();
	if (v->nomem) {
		inkan_cert_view_free (v);
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	*out = v;
	return INKAN_OK;
}

void
inkan_cert_view_free (inkan_cert_view *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		free ((char *) v->fields[i].key);
		free ((char *) v->fields[i].label);
		free ((char *) v->fields[i].value);
		free ((char *) v->fields[i].raw);
	}
	free (v->fields);
	free (v);
}

inkan_cert_profile
inkan_cert_view_profile (const inkan_cert_view *v)
{
	return v->profile;
}

int
inkan_cert_view_test (const inkan_cert_view *v)
{
	return v->test;
}

size_t
inkan_cert_view_count (const inkan_cert_view *v)
{
	return v->n;
}

const inkan_cert_field *
inkan_cert_view_field (const inkan_cert_view *v, size_t i)
{
	return i < v->n ? &v->fields[i] : NULL;
}

const inkan_cert_field *
inkan_cert_view_find (const inkan_cert_view *v, const char *key)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp (v->fields[i].key, key) == 0)
			return &v->fields[i];
	return NULL;
}
