/* CA and time-stamping certificates of the public PKIs, named as their
 * operators name them, and the test hierarchies that must not pass for
 * real ones.  The names are those in the CAs' own certificates: KISA's
 * roots (O=KISA), the accredited CAs under them (OU=AccreditedCA or
 * LicensedCA), GPKI and EPKI (O=Government of Korea, OU=GPKI or EPKI), and
 * JPKI's two CAs, told apart by the directoryName in their SAN. */
#include <stdlib.h>
#include <string.h>

#include "src/cert/certint.h"
#include "src/crypto/asn1-text.h"

/* The accredited CAs by their O, with the operator's Korean name. */
static const struct {
	const char *o;
	const char *name;
} npki_cas[] = {
	{ "KISA", "KISA (한국인터넷진흥원)" },
	{ "yessign", "yessign (금융결제원)" },
	{ "SignKorea", "SignKorea (코스콤)" },
	{ "KICA", "KICA signGATE (한국정보인증)" },
	{ "CrossCert", "CrossCert (한국전자인증)" },
	{ "TradeSign", "TradeSign (한국무역정보통신)" },
	{ "NCASign", "NCA (한국전산원)" },
};

/* The operator of the NPKI CA NAME (by its O), or NULL. */
static const char *
npki_operator (const X509_NAME *name)
{
	size_t i;

	for (i = 0; i < sizeof npki_cas / sizeof npki_cas[0]; i++)
		if (name_has (name, NID_organizationName, npki_cas[i].o))
			return npki_cas[i].name;
	return NULL;
}

static int
is_ca (X509 *cert)
{
	return (X509_get_extension_flags (cert) & EXFLAG_CA) != 0;
}

inkan_cert_profile
ca_profile_of (X509 *cert)
{
	const X509_NAME *subject = X509_get_subject_name (cert), *issuer = X509_get_issuer_name (cert);

	if (!is_ca (cert))
		return (X509_get_extension_flags (cert) & EXFLAG_XKUSAGE) &&
		       (X509_get_extended_key_usage (cert) & XKU_TIMESTAMP) ? INKAN_PROFILE_TSA : INKAN_PROFILE_GENERIC;
	if (name_has (subject, NID_organizationName, "KISA"))
		return X509_get_extension_flags (cert) & EXFLAG_SS ? INKAN_PROFILE_NPKI_ROOT : INKAN_PROFILE_NPKI_CA;
	if (name_has (issuer, NID_organizationName, "KISA") ||
	    name_has (subject, NID_organizationalUnitName, "AccreditedCA") ||
	    name_has (subject, NID_organizationalUnitName, "LicensedCA"))
		return INKAN_PROFILE_NPKI_CA;
	if (name_has (subject, NID_organizationName, "Government of Korea")) {
		if (name_has (subject, NID_organizationalUnitName, "EPKI"))
			return INKAN_PROFILE_EPKI_CA;
		if (name_has (subject, NID_organizationalUnitName, "GPKI"))
			return INKAN_PROFILE_GPKI_CA;
	}
	return INKAN_PROFILE_GENERIC;
}

/* 1 for a JPKI authentication CA, 0 for the signing CA: the OU of the
 * directoryName in its SAN (公的個人認証サービス署名用 or 利用者証明用), else
 * that of its subject. */
static int
jpki_auth_ca (X509 *cert)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i (cert, NID_subject_alt_name, NULL, NULL);
	int i, auth = name_has (X509_get_subject_name (cert), NID_organizationalUnitName,
	                        "JPKI for user authentication");

	for (i = 0; i < sk_GENERAL_NAME_num (gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value (gens, i);

		if (g->type != GEN_DIRNAME)
			continue;
		if (name_has (g->d.directoryName, NID_organizationalUnitName, "公的個人認証サービス利用者証明用"))
			auth = 1;
		else if (name_has (g->d.directoryName, NID_organizationalUnitName, "公的個人認証サービス署名用"))
			auth = 0;
	}
	GENERAL_NAMES_free (gens);
	return auth;
}

const char *
ca_kind (inkan_cert_profile p, X509 *cert)
{
	switch (p) {
	case INKAN_PROFILE_JPKI_CA:
		return jpki_auth_ca (cert) ? _("JPKI user authentication CA (公的個人認証サービス利用者証明用)")
		                           : _("JPKI signing CA (公的個人認証サービス署名用)");
	case INKAN_PROFILE_NPKI_ROOT: return _("NPKI root CA (KISA)");
	case INKAN_PROFILE_NPKI_CA: return _("NPKI accredited CA");
	case INKAN_PROFILE_GPKI_CA: return _("GPKI (Korean government) CA");
	case INKAN_PROFILE_EPKI: return _("EPKI (Korean education) certificate");
	case INKAN_PROFILE_EPKI_CA: return _("EPKI (Korean education) CA");
	case INKAN_PROFILE_TSA: return _("time-stamping authority");
	default: return NULL;
	}
}

void
ca_fields (inkan_cert_view *v, X509 *cert)
{
	const char *op;
	int auth;

	switch (v->profile) {
	case INKAN_PROFILE_JPKI_CA:
		auth = jpki_auth_ca (cert);
		view_add (v, INKAN_SECTION_BASIC, "jpki_ca", _("Issues"), auth ? "auth" : "sign", "%s",
		          auth ? _("user authentication certificates") : _("signing certificates"));
		break;
	case INKAN_PROFILE_NPKI_CA:
	case INKAN_PROFILE_TSA:
		op = npki_operator (X509_get_subject_name (cert));
		if (op == NULL)
			op = npki_operator (X509_get_issuer_name (cert));
		if (op != NULL)
			view_add (v, INKAN_SECTION_BASIC, "operator", _("Operator"), NULL, "%s", op);
		break;
	default:
		break;
	}
}

/* "test" as a word or a capitalised part of one: "KISA Test RootCA",
 * "CrossCertTestCA", "yessignCA-TEST"; not "Contest". */
static int
says_test (const X509_NAME *name)
{
	int i, found = 0;

	for (i = 0; !found && i < X509_NAME_entry_count (name); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry (name, i);
		int nid = OBJ_obj2nid (X509_NAME_ENTRY_get_object (e));
		char *text, *at;

		if (nid != NID_commonName && nid != NID_organizationName && nid != NID_organizationalUnitName)
			continue;
		text = asn1_text (X509_NAME_ENTRY_get_data (e));
		for (at = text; !found && at != NULL && (at = strcasestr (at, "test")) != NULL; at++)
			found = at[0] == 'T' || at == text || !((at[-1] >= 'a' && at[-1] <= 'z') ||
			                                        (at[-1] >= 'A' && at[-1] <= 'Z'));
		free (text);
	}
	return found;
}

int
cert_is_test (X509 *cert)
{
	CERTIFICATEPOLICIES *pols = X509_get_ext_d2i (cert, NID_certificate_policies, NULL, NULL);
	int i, test = says_test (X509_get_subject_name (cert)) || says_test (X509_get_issuer_name (cert));
	char oid[128];

	/* JPKI test cards: signing 1.2.392.200149.8.5.1.1.0.20 */
	for (i = 0; !test && i < sk_POLICYINFO_num (pols); i++) {
		OBJ_obj2txt (oid, sizeof oid, sk_POLICYINFO_value (pols, i)->policyid, 1);
		test = strncmp (oid, "1.2.392.200149.8.5.1.1.0.", 25) == 0;
	}
	CERTIFICATEPOLICIES_free (pols);
	return test;
}
