/* The fields of a CMP request OpenSSL 3.0 has no getter for (3.2 adds
 * OSSL_CRMF_CERTTEMPLATE_get0_publicKey): re-encoded by OpenSSL, walked
 * one level with ASN1_get_object, the field itself decoded by OpenSSL. */
#include <stdlib.h>
#include <string.h>
#include <openssl/asn1.h>
#include <openssl/crmf.h>
#include "cmp-ca.h"

/* Inside the SEQUENCE DER..DER+LEN, the element of class CLS and tag TAG
 * that has SKIP such elements before it: *TLV its whole encoding,
 * *CONTENT its content.  0 when there is none or the encoding is not DER. */
static int
child (const unsigned char *der, long len, int cls, int tag, int skip, const unsigned char **tlv, long *tlv_len,
       const unsigned char **content, long *content_len)
{
	const unsigned char *p = der, *end, *start;
	long l;
	int t, c, r;

	r = ASN1_get_object (&p, &l, &t, &c, len);
	if ((r & 0x80) || r != V_ASN1_CONSTRUCTED || t != V_ASN1_SEQUENCE || c != V_ASN1_UNIVERSAL)
		return 0;
	end = p + l;
	while (p < end) {
		start = p;
		r = ASN1_get_object (&p, &l, &t, &c, end - p);
		/* r & 1: indefinite length, which DER never has */
		if ((r & 0x80) || (r & 1))
			return 0;
		if (c == cls && t == tag && skip-- == 0) {
			*tlv = start;
			*tlv_len = p + l - start;
			*content = p;
			*content_len = l;
			return 1;
		}
		p += l;
	}
	return 0;
}

/* CertTemplate's publicKey is [6] IMPLICIT SubjectPublicKeyInfo: its
 * content, under a SEQUENCE tag again, is the SPKI. */
X509_PUBKEY *
template_pubkey (const OSSL_CRMF_CERTTEMPLATE *tmpl)
{
	unsigned char *der = NULL, *spki = NULL, *q;
	const unsigned char *tlv, *content, *cp;
	X509_PUBKEY *pub = NULL;
	long tlv_len, content_len;
	int len, spki_len;

	len = i2d_OSSL_CRMF_CERTTEMPLATE ((OSSL_CRMF_CERTTEMPLATE *) tmpl, &der);
	if (len <= 0 || !child (der, len, V_ASN1_CONTEXT_SPECIFIC, 6, 0, &tlv, &tlv_len, &content, &content_len))
		goto out;
	spki_len = ASN1_object_size (1, content_len, V_ASN1_SEQUENCE);
	if (spki_len <= 0 || (spki = malloc (spki_len)) == NULL)
		goto out;
	q = spki;
	ASN1_put_object (&q, 1, content_len, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	memcpy (q, content, content_len);
	cp = spki;
	pub = d2i_X509_PUBKEY (NULL, &cp, spki_len);
	if (pub != NULL && cp != spki + spki_len) {
		X509_PUBKEY_free (pub);
		pub = NULL;
	}
out:
	free (spki);
	OPENSSL_free (der);
	return pub;
}

/* The NID of the AlgorithmIdentifier that is the SKIP-th SEQUENCE in DER. */
static int
algorithm_nid (const unsigned char *der, long len, int skip)
{
	const unsigned char *tlv, *content;
	long tlv_len, content_len;
	X509_ALGOR *alg;
	int nid = NID_undef;

	if (!child (der, len, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, skip, &tlv, &tlv_len, &content, &content_len))
		return NID_undef;
	if ((alg = d2i_X509_ALGOR (NULL, &tlv, tlv_len)) != NULL)
		nid = OBJ_obj2nid (alg->algorithm);
	X509_ALGOR_free (alg);
	return nid;
}

/* PKIHeader: [1] EXPLICIT protectionAlg, [2] EXPLICIT senderKID;
 * PBMParameter ::= SEQUENCE { salt, owf AlgorithmIdentifier,
 * iterationCount, mac AlgorithmIdentifier }. */
int
header_protection (const OSSL_CMP_MSG *msg, struct protection *out)
{
	unsigned char *der = NULL, *params = NULL;
	const unsigned char *tlv, *content;
	long tlv_len, content_len;
	X509_ALGOR *alg = NULL;
	int len, params_len, ret = 0;

	memset (out, 0, sizeof *out);
	len = i2d_OSSL_CMP_PKIHEADER (OSSL_CMP_MSG_get0_header (msg), &der);
	if (len <= 0)
		goto out;
	ret = 1;
	if (!child (der, len, V_ASN1_CONTEXT_SPECIFIC, 1, 0, &tlv, &tlv_len, &content, &content_len))
		goto out;
	alg = d2i_X509_ALGOR (NULL, &content, content_len);
	if (alg == NULL || OBJ_obj2nid (alg->algorithm) != NID_id_PasswordBasedMAC)
		goto out;
	out->mac = 1;
	if (child (der, len, V_ASN1_CONTEXT_SPECIFIC, 2, 0, &tlv, &tlv_len, &content, &content_len))
		out->kid = d2i_ASN1_OCTET_STRING (NULL, &content, content_len);
	params_len = alg->parameter ? i2d_ASN1_TYPE (alg->parameter, &params) : 0;
	if (params_len > 0) {
		out->owf_nid = algorithm_nid (params, params_len, 0);
		out->mac_nid = algorithm_nid (params, params_len, 1);
	}
out:
	X509_ALGOR_free (alg);
	OPENSSL_free (params);
	OPENSSL_free (der);
	return ret;
}

/* PKIMessage { header, body [11] EXPLICIT RevReqContent, ... };
 * RevReqContent ::= SEQUENCE OF RevDetails; RevDetails ::= SEQUENCE {
 * certDetails CertTemplate, crlEntryDetails Extensions OPTIONAL }. */
int
rr_reason (const OSSL_CMP_MSG *msg)
{
	unsigned char *der = NULL;
	const unsigned char *rev, *details, *exts_der, *content;
	long rev_len, details_len, exts_len, content_len;
	X509_EXTENSIONS *exts = NULL;
	ASN1_ENUMERATED *reason = NULL;
	int len, ret = -1;

	len = i2d_OSSL_CMP_MSG ((OSSL_CMP_MSG *) msg, &der);
	if (len <= 0 || !child (der, len, V_ASN1_CONTEXT_SPECIFIC, 11, 0, &rev, &rev_len, &content, &content_len) ||
	    !child (content, content_len, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, 0, &details, &details_len, &content,
	            &content_len) ||
	    !child (details, details_len, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, 1, &exts_der, &exts_len, &content,
	            &content_len))
		goto out;
	exts = d2i_X509_EXTENSIONS (NULL, &exts_der, exts_len);
	reason = exts ? X509V3_get_d2i (exts, NID_crl_reason, NULL, NULL) : NULL;
	if (reason != NULL)
		ret = ASN1_ENUMERATED_get (reason);
out:
	ASN1_ENUMERATED_free (reason);
	sk_X509_EXTENSION_pop_free (exts, X509_EXTENSION_free);
	OPENSSL_free (der);
	return ret;
}
