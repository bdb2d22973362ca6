/* A certificate for the requested key, shaped by the CA's profile:
 * JPKI signing (the four basic items from the template's SAN, FACTS.md's
 * mapping), NPKI personal (yessign's policy, the KISA identity data kept),
 * or plain. */
#include <string.h>
#include <openssl/rand.h>
#include "cmp-ca.h"

#define JPKI_ARC "1.2.392.200149.8.5.5."
#define KISA_IDENTIFY "1.2.410.200004.10.1.1"

static const struct {
	const char *name;
	const char *key_usage;
	const char *policy;
} profiles[] = {
	[PROFILE_PLAIN] = { "plain", "critical,digitalSignature", NULL },
	[PROFILE_JPKI_SIGN] = { "jpki-sign", "critical,digitalSignature,nonRepudiation", "1.2.392.200149.8.5.1.1.20" },
	[PROFILE_NPKI] = { "npki", "critical,digitalSignature,nonRepudiation", "1.2.410.200005.1.1.1" },
};

int
profile_parse (const char *name, enum profile *out)
{
	size_t i;

	for (i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		if (strcmp (profiles[i].name, name) == 0) {
			*out = i;
			return 1;
		}
	return 0;
}

const char *
profile_name (enum profile p)
{
	return profiles[p].name;
}

static int
is_other_name (const GENERAL_NAME *g, const char *type)
{
	ASN1_OBJECT *want = OBJ_txt2obj (type, 1);
	int same = want != NULL && g->type == GEN_OTHERNAME && OBJ_cmp (g->d.otherName->type_id, want) == 0;

	ASN1_OBJECT_free (want);
	return same;
}

/* The template's otherName TYPE (dotted), or NULL. */
static GENERAL_NAME *
other_name (const GENERAL_NAMES *gens, const char *type)
{
	int i;

	for (i = 0; i < sk_GENERAL_NAME_num (gens); i++)
		if (is_other_name (sk_GENERAL_NAME_value (gens, i), type))
			return sk_GENERAL_NAME_value (gens, i);
	return NULL;
}

static int
push_copy (GENERAL_NAMES *out, const GENERAL_NAME *g)
{
	GENERAL_NAME *dup = GENERAL_NAME_dup (g);

	if (dup == NULL || !sk_GENERAL_NAME_push (out, dup)) {
		GENERAL_NAME_free (dup);
		return 0;
	}
	return 1;
}

/* The card's order: name, birth, sex, address, then the two substitute-
 * character flags, which are optional.  Each a UTF8String. */
static GENERAL_NAMES *
jpki_san (const GENERAL_NAMES *req, const char **why)
{
	static const struct {
		int item, required;
	} order[] = { { 1, 1 }, { 4, 1 }, { 3, 1 }, { 5, 1 }, { 2, 0 }, { 6, 0 } };
	GENERAL_NAMES *out = sk_GENERAL_NAME_new_null ();
	size_t i;
	char oid[64];

	for (i = 0; out != NULL && i < sizeof order / sizeof order[0]; i++) {
		GENERAL_NAME *g;

		snprintf (oid, sizeof oid, JPKI_ARC "%d", order[i].item);
		g = other_name (req, oid);
		if (g == NULL && !order[i].required)
			continue;
		if (g == NULL)
			*why = "the JPKI signing profile needs name, date of birth, sex and address "
			       "(otherNames " JPKI_ARC "1, .4, .3, .5) in the template's subjectAltName";
		else if (g->d.otherName->value->type != V_ASN1_UTF8STRING)
			*why = "a JPKI item in the template's subjectAltName is not a UTF8String";
		if (g == NULL || g->d.otherName->value->type != V_ASN1_UTF8STRING || !push_copy (out, g)) {
			GENERAL_NAMES_free (out);
			return NULL;
		}
	}
	return out;
}

/* NPKI: only the KISA identity data, whose VID is the holder's to compute
 * (R stays with the key): the CA certifies what the template carries.
 * Plain: the template's SAN as it is. */
static GENERAL_NAMES *
profile_san (enum profile p, const GENERAL_NAMES *req, const char **why)
{
	GENERAL_NAMES *out;
	int i;

	if (p == PROFILE_JPKI_SIGN)
		return jpki_san (req, why);
	out = sk_GENERAL_NAME_new_null ();
	for (i = 0; out != NULL && i < sk_GENERAL_NAME_num (req); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value (req, i);

		if (p == PROFILE_NPKI && !is_other_name (g, KISA_IDENTIFY))
			continue;
		if (!push_copy (out, g)) {
			GENERAL_NAMES_free (out);
			out = NULL;
		}
	}
	return out;
}

static int
add_conf (X509 *cert, X509V3_CTX *v3, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid (NULL, v3, nid, value);
	int ok = ext != NULL && X509_add_ext (cert, ext, -1);

	X509_EXTENSION_free (ext);
	return ok;
}

/* Built, not configured: X509V3_EXT_conf wants a config database for it. */
static int
add_policy (X509 *cert, const char *oid)
{
	CERTIFICATEPOLICIES *pols = sk_POLICYINFO_new_null ();
	POLICYINFO *pol = POLICYINFO_new ();
	int ok = 0;

	if (pols == NULL || pol == NULL || (pol->policyid = OBJ_txt2obj (oid, 1)) == NULL ||
	    !sk_POLICYINFO_push (pols, pol))
		goto out;
	pol = NULL;
	ok = X509_add1_ext_i2d (cert, NID_certificate_policies, pols, 0, X509V3_ADD_DEFAULT);
out:
	POLICYINFO_free (pol);
	CERTIFICATEPOLICIES_free (pols);
	return ok;
}

static int
add_extensions (struct ca *ca, X509 *cert, GENERAL_NAMES *san)
{
	X509V3_CTX v3;
	char crldp[128];

	X509V3_set_ctx (&v3, ca->cert, cert, NULL, NULL, 0);
	snprintf (crldp, sizeof crldp, "URI:%s", ca->crl_url);
	if (!add_conf (cert, &v3, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_conf (cert, &v3, NID_key_usage, profiles[ca->profile].key_usage) ||
	    !add_conf (cert, &v3, NID_subject_key_identifier, "hash") ||
	    !add_conf (cert, &v3, NID_authority_key_identifier, "keyid:always") ||
	    !add_conf (cert, &v3, NID_crl_distribution_points, crldp))
		return 0;
	if (profiles[ca->profile].policy != NULL &&
	    !add_policy (cert, profiles[ca->profile].policy))
		return 0;
	return sk_GENERAL_NAME_num (san) == 0 || X509_add1_ext_i2d (cert, NID_subject_alt_name, san, 0, X509V3_ADD_DEFAULT);
}

/* 63 random bits: positive, never zero, and unlike any serial issued before. */
static ASN1_INTEGER *
new_serial (struct ca *ca)
{
	ASN1_INTEGER *serial = NULL;
	BIGNUM *bn = BN_new ();
	int tries;

	for (tries = 0; bn != NULL && tries < 8; tries++) {
		ASN1_INTEGER_free (serial);
		serial = NULL;
		if (!BN_rand (bn, 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) || (serial = BN_to_ASN1_INTEGER (bn, NULL)) == NULL)
			break;
		if (state_find (ca, serial) == NULL)
			break;
	}
	BN_free (bn);
	return serial;
}

X509 *
issue (struct ca *ca, const X509_NAME *subject, const X509_PUBKEY *pub, const STACK_OF (X509_EXTENSION) *exts,
       int *fail_bit, const char **why)
{
	GENERAL_NAMES *req_san = NULL, *san = NULL;
	ASN1_INTEGER *serial = NULL;
	EVP_PKEY *key = pub != NULL ? X509_PUBKEY_get0 (pub) : NULL;
	X509 *cert = NULL;
	time_t now = time (NULL);

	*fail_bit = OSSL_CMP_PKIFAILUREINFO_badCertTemplate;
	*why = NULL;
	if (key == NULL) {
		*why = "the request names no public key (or one OpenSSL cannot read)";
		goto fail;
	}
	if (subject == NULL || X509_NAME_entry_count (subject) == 0) {
		*why = "the request names no subject";
		goto fail;
	}
	req_san = X509V3_get_d2i (exts, NID_subject_alt_name, NULL, NULL);
	san = profile_san (ca->profile, req_san, why);
	if (san == NULL) {
		if (*why == NULL)
			*why = "the CA could not copy the template's subjectAltName";
		goto fail;
	}
	*fail_bit = OSSL_CMP_PKIFAILUREINFO_systemFailure;
	*why = "the CA could not make the certificate";
	if ((cert = X509_new ()) == NULL || (serial = new_serial (ca)) == NULL)
		goto fail;
	if (!X509_set_version (cert, 2) || !X509_set_serialNumber (cert, serial) ||
	    !X509_set_issuer_name (cert, X509_get_subject_name (ca->cert)) ||
	    !X509_set_subject_name (cert, subject) || !X509_set_pubkey (cert, key) ||
	    !ASN1_TIME_set (X509_getm_notBefore (cert), now) ||
	    !ASN1_TIME_adj (X509_getm_notAfter (cert), now, ca->days, 0) ||
	    !add_extensions (ca, cert, san) || !X509_sign (cert, ca->key, EVP_sha256 ()))
		goto fail;
	*why = NULL;
	goto out;
fail:
	ca_log_ssl (*why);
	X509_free (cert);
	cert = NULL;
out:
	ASN1_INTEGER_free (serial);
	GENERAL_NAMES_free (req_san);
	GENERAL_NAMES_free (san);
	return cert;
}
