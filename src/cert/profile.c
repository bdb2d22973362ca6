/* Which kind of certificate this is, from its policies and issuer, and
 * the policy names of the Korean and Japanese public PKIs. */
#include <stdlib.h>
#include <string.h>

#include "src/cert/certint.h"
#include "src/crypto/asn1-text.h"

/* Policy OIDs as the CAs publish them (see FACTS.md); the Korean names
 * are the ones the CAs print, kept beside the English whatever the locale.
 * TradeSign's 1.2.410.200012.1.1.* (signing/encryption, personal/corporate/
 * server), GPKI's public/private 1.2.410.100001.2.1.4-6 and 2.2.2, and
 * EPKI's 1.2.410.100001.5.3.1.* (1 seal, 3 personal, 7 server): as the CAs'
 * policy lists give them in the Korean web-signing toolkits' published CA
 * and policy filters (KICA, KSBiz, the jCastle "kr" OID table). */
static const struct policy {
	const char *oid;
	inkan_cert_profile profile;
	const char *ca;
	const char *en;
	const char *ko;
} policies[] = {
	{ "1.2.410.200005.1.1.1", INKAN_PROFILE_NPKI, "yessign (금융결제원)", "personal, general purpose", "개인 범용" },
	{ "1.2.410.200005.1.1.4", INKAN_PROFILE_NPKI, "yessign (금융결제원)", "personal, banking/insurance", "개인 은행·보험용" },
	{ "1.2.410.200005.1.1.5", INKAN_PROFILE_NPKI, "yessign (금융결제원)", "corporate, general purpose", "법인 범용" },
	{ "1.2.410.200004.5.1.1.5", INKAN_PROFILE_NPKI, "SignKorea (코스콤)", "personal, general purpose", "개인 범용" },
	{ "1.2.410.200004.5.1.1.7", INKAN_PROFILE_NPKI, "SignKorea (코스콤)", "corporate, general purpose", "법인 범용" },
	{ "1.2.410.200004.5.1.1.9", INKAN_PROFILE_NPKI, "SignKorea (코스콤)", "personal, securities/insurance", "개인 증권·보험용" },
	{ "1.2.410.200004.5.2.1.2", INKAN_PROFILE_NPKI, "KICA signGATE (한국정보인증)", "personal, general purpose", "개인 범용" },
	{ "1.2.410.200004.5.2.1.1", INKAN_PROFILE_NPKI, "KICA signGATE (한국정보인증)", "corporate, general purpose", "법인 범용" },
	{ "1.2.410.200004.5.2.1.7.1", INKAN_PROFILE_NPKI, "KICA signGATE (한국정보인증)", "personal, banking/insurance", "개인 은행·보험용" },
	{ "1.2.410.200004.5.3.1.9", INKAN_PROFILE_NPKI, "NCA", "personal, general purpose", "개인 범용" },
	{ "1.2.410.200004.5.3.1.2", INKAN_PROFILE_NPKI, "NCA", "corporate, general purpose", "법인 범용" },
	{ "1.2.410.200004.5.4.1.1", INKAN_PROFILE_NPKI, "CrossCert (한국전자인증)", "personal, general purpose", "개인 범용" },
	{ "1.2.410.200004.5.4.1.2", INKAN_PROFILE_NPKI, "CrossCert (한국전자인증)", "corporate, general purpose", "법인 범용" },
	{ "1.2.410.200004.5.4.1.101", INKAN_PROFILE_NPKI, "CrossCert (한국전자인증)", "personal, banking/insurance", "개인 은행·보험용" },
	{ "1.2.410.200012.1.1.1", INKAN_PROFILE_NPKI, "TradeSign (한국무역정보통신)", "personal, general purpose", "개인 범용" },
	{ "1.2.410.200012.1.1.2", INKAN_PROFILE_NPKI, "TradeSign (한국무역정보통신)", "personal, encryption", "개인 전자거래암호용" },
	{ "1.2.410.200012.1.1.3", INKAN_PROFILE_NPKI, "TradeSign (한국무역정보통신)", "corporate, general purpose", "법인 범용" },
	{ "1.2.410.200012.1.1.4", INKAN_PROFILE_NPKI, "TradeSign (한국무역정보통신)", "corporate, encryption", "법인 전자거래암호용" },
	{ "1.2.410.200012.1.1.5", INKAN_PROFILE_NPKI, "TradeSign (한국무역정보통신)", "server, signing", "서버 전자거래서명용" },
	{ "1.2.410.200012.1.1.101", INKAN_PROFILE_NPKI, "TradeSign (한국무역정보통신)", "personal, banking/insurance", "개인 은행·보험용" },
	{ "1.2.410.200004.5.5.1.1", INKAN_PROFILE_NPKI, "INIPASS (이니텍)", "personal, general purpose", "개인 범용" },
	{ "1.2.410.200004.5.5.1.2", INKAN_PROFILE_NPKI, "INIPASS (이니텍)", "corporate, general purpose", "법인 범용" },
	{ "1.2.410.100001.2.1.1", INKAN_PROFILE_GPKI, "GPKI", "official seal", "전자관인" },
	{ "1.2.410.100001.2.1.2", INKAN_PROFILE_GPKI, "GPKI", "computer/server", "컴퓨터용" },
	{ "1.2.410.100001.2.1.3", INKAN_PROFILE_GPKI, "GPKI", "special purpose", "특수목적용" },
	{ "1.2.410.100001.2.1.4", INKAN_PROFILE_GPKI, "GPKI", "public/private sector, official seal", "공공/민간 전자관인" },
	{ "1.2.410.100001.2.1.5", INKAN_PROFILE_GPKI, "GPKI", "public/private sector, computer/server", "공공/민간 컴퓨터용" },
	{ "1.2.410.100001.2.1.6", INKAN_PROFILE_GPKI, "GPKI", "public/private sector, special purpose", "공공/민간 특수목적용" },
	{ "1.2.410.100001.2.2.1", INKAN_PROFILE_GPKI, "GPKI", "civil servant, personal", "공무원 개인용" },
	{ "1.2.410.100001.2.2.2", INKAN_PROFILE_GPKI, "GPKI", "public/private sector, personal", "공공/민간 개인용" },
	{ "1.2.410.100001.5.3.1.1", INKAN_PROFILE_EPKI, "EPKI (교육부)", "official seal", "전자관인" },
	{ "1.2.410.100001.5.3.1.3", INKAN_PROFILE_EPKI, "EPKI (교육부)", "personal", "개인용" },
	{ "1.2.410.100001.5.3.1.7", INKAN_PROFILE_EPKI, "EPKI (교육부)", "server", "서버용" },
};

/* Arcs that mark a PKI even for a policy the table does not name (JPKI:
 * signing 1.2.392.200149.8.5.1.1.20, test cards .1.1.0.20; authentication .1.3.30). */
static const struct {
	const char *arc;
	inkan_cert_profile profile;
} arcs[] = {
	{ "1.2.410.200004.5.", INKAN_PROFILE_NPKI },
	{ "1.2.410.200005.", INKAN_PROFILE_NPKI },
	{ "1.2.410.200012.", INKAN_PROFILE_NPKI },
	{ "1.2.410.100001.5.", INKAN_PROFILE_EPKI },
	{ "1.2.410.100001.", INKAN_PROFILE_GPKI },
	{ "1.2.392.200149.8.5.1.1.", INKAN_PROFILE_JPKI_SIGN },
	{ "1.2.392.200149.8.5.1.3.", INKAN_PROFILE_JPKI_AUTH },
};

static const struct policy *
policy_find (const char *oid)
{
	size_t i;

	for (i = 0; i < sizeof policies / sizeof policies[0]; i++)
		if (strcmp (policies[i].oid, oid) == 0)
			return &policies[i];
	return NULL;
}

static inkan_cert_profile
profile_of_oid (const char *oid)
{
	const struct policy *p = policy_find (oid);
	size_t i;

	if (p != NULL)
		return p->profile;
	for (i = 0; i < sizeof arcs / sizeof arcs[0]; i++)
		if (strncmp (oid, arcs[i].arc, strlen (arcs[i].arc)) == 0)
			return arcs[i].profile;
	return INKAN_PROFILE_GENERIC;
}

/* Compared as text: a name may be in any string type. */
int
name_has (const X509_NAME *name, int nid, const char *value)
{
	int at = -1, found = 0;

	while (!found && (at = X509_NAME_get_index_by_NID (name, nid, at)) >= 0) {
		char *text = asn1_text (X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, at)));

		found = text != NULL && strcmp (text, value) == 0;
		free (text);
	}
	return found;
}

/* The basic four items in the SAN make a JPKI signing certificate,
 * whatever its issuer (test cards, private JPKI-style CAs). */
static int
has_jpki_items (X509 *cert)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i (cert, NID_subject_alt_name, NULL, NULL);
	int found = othername_value (gens, "1.2.392.200149.8.5.5.1") != NULL;

	GENERAL_NAMES_free (gens);
	return found;
}

inkan_cert_profile
inkan_cert_profile_of (X509 *cert)
{
	CERTIFICATEPOLICIES *pols = X509_get_ext_d2i (cert, NID_certificate_policies, NULL, NULL);
	const X509_NAME *issuer = X509_get_issuer_name (cert);
	inkan_cert_profile p = INKAN_PROFILE_GENERIC;
	char oid[128];
	int i;

	for (i = 0; p == INKAN_PROFILE_GENERIC && i < sk_POLICYINFO_num (pols); i++) {
		OBJ_obj2txt (oid, sizeof oid, sk_POLICYINFO_value (pols, i)->policyid, 1);
		p = profile_of_oid (oid);
	}
	CERTIFICATEPOLICIES_free (pols);
	if (p == INKAN_PROFILE_GENERIC && has_jpki_items (cert))
		p = INKAN_PROFILE_JPKI_SIGN;
	if (ca_profile_of (cert) != INKAN_PROFILE_GENERIC &&
	    !(name_has (issuer, NID_organizationName, "JPKI") && X509_check_ca (cert)))
		return ca_profile_of (cert);
	if (name_has (issuer, NID_organizationName, "JPKI")) {
		if (X509_check_ca (cert) && name_has (X509_get_subject_name (cert), NID_organizationName, "JPKI"))
			p = INKAN_PROFILE_JPKI_CA;
		else if (p == INKAN_PROFILE_GENERIC)
			p = name_has (issuer, NID_organizationalUnitName, "JPKI for user authentication")
			    ? INKAN_PROFILE_JPKI_AUTH : INKAN_PROFILE_JPKI_SIGN;
	} else if (p == INKAN_PROFILE_GENERIC && name_has (issuer, NID_organizationName, "Government of Korea") &&
	           name_has (issuer, NID_organizationalUnitName, "GPKI")) {
		p = INKAN_PROFILE_GPKI;
	}
	return p;
}

/* GPKI server CNs are "SVR" + a 7-character agency code + a sequence number. */
static void
gpki_agency (inkan_cert_view *v, X509 *cert)
{
	const X509_NAME *subject = X509_get_subject_name (cert);
	int at = X509_NAME_get_index_by_NID (subject, NID_commonName, -1);
	const ASN1_STRING *cn = at >= 0 ? X509_NAME_ENTRY_get_data (X509_NAME_get_entry (subject, at)) : NULL;
	const char *text = cn != NULL ? (const char *) ASN1_STRING_get0_data (cn) : NULL;

	if (text == NULL || ASN1_STRING_length (cn) != 13 || strncmp (text, "SVR", 3) != 0)
		return;
	view_add (v, INKAN_SECTION_BASIC, "use", _("Use"), "server", "%s", _("server (computer)"));
	view_add (v, INKAN_SECTION_BASIC, "agency_code", _("Agency code"), NULL, "%.7s", text + 3);
}

static void
npki_identity (inkan_cert_view *v, X509 *cert)
{
	int present = 0;
	KISA_IDENTIFY_DATA *id = kisa_identify_data (cert, &present);
	char *name = NULL;

	if (!present)
		return;
	if (id == NULL || (name = asn1_text (id->real_name)) == NULL) {
		view_bad (v, INKAN_SECTION_BASIC, "real_name", _("Real name"),
		          _("the identity data (1.2.410.200004.10.1.1) is malformed"));
	} else {
		view_add (v, INKAN_SECTION_BASIC, "real_name", _("Real name"), NULL, "%s", name);
		view_add (v, INKAN_SECTION_BASIC, "vid", _("Identity (VID)"), "present", "%s",
		          sk_KISA_VID_INFO_num (id->infos) > 0
		          ? _("present: a resident number can be checked with `inkan cert vid`")
		          : _("no VID"));
	}
	free (name);
	KISA_IDENTIFY_DATA_free (id);
}

void
kr_fields (inkan_cert_view *v, X509 *cert)
{
	CERTIFICATEPOLICIES *pols = X509_get_ext_d2i (cert, NID_certificate_policies, NULL, NULL);
	char oid[128];
	int i;

	for (i = 0; i < sk_POLICYINFO_num (pols); i++) {
		const struct policy *p;

		OBJ_obj2txt (oid, sizeof oid, sk_POLICYINFO_value (pols, i)->policyid, 1);
		p = policy_find (oid);
		if (p != NULL)
			view_add (v, INKAN_SECTION_BASIC, "policy", _("Policy"), oid, "%s — %s / %s", p->ca, p->en, p->ko);
		else if (profile_of_oid (oid) == INKAN_PROFILE_EPKI)
			view_add (v, INKAN_SECTION_BASIC, "policy", _("Policy"), oid, "EPKI (교육부) — %s", oid);
		else
			view_add (v, INKAN_SECTION_BASIC, "policy", _("Policy"), oid, "%s", oid);
	}
	CERTIFICATEPOLICIES_free (pols);
	if (v->profile == INKAN_PROFILE_GPKI || v->profile == INKAN_PROFILE_EPKI)
		gpki_agency (v, cert);
	else
		npki_identity (v, cert);
}
