/* The fields of a CMP request OpenSSL 3.0 has no getter for (3.2 adds
 * OSSL_CRMF_CERTTEMPLATE_get0_publicKey): re-encoded by OpenSSL, walked
 * one level with ASN1_get_object, the field itself decoded by OpenSSL. */
#include <stdlib.h>
#include <string.h>
#include <openssl/asn1.h>
#include <openssl/crmf.h>
#include "cmp-ca.h"

/* The content of the element tagged [TAG] directly inside the SEQUENCE
 * DER..DER+LEN; 0 when there is none or the encoding is not DER. */
static int
child (const unsigned char *der, long len, int tag, const unsigned char **content, long *content_len)
{
	const unsigned char *p = der, *end;
	long l;
	int t, cls, r;

	r = ASN1_get_object (&p, &l, &t, &cls, len);
	if ((r & 0x80) || r != V_ASN1_CONSTRUCTED || t != V_ASN1_SEQUENCE || cls != V_ASN1_UNIVERSAL)
		return 0;
	end = p + l;
	while (p < end) {
		r = ASN1_get_object (&p, &l, &t, &cls, end - p);
		/* r & 1: indefinite length, which DER never has */
		if ((r & 0x80) || (r & 1))
			return 0;
		if (cls == V_ASN1_CONTEXT_SPECIFIC && t == tag) {
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
	const unsigned char *content, *cp;
	X509_PUBKEY *pub = NULL;
	long content_len;
	int len, spki_len;

	len = i2d_OSSL_CRMF_CERTTEMPLATE ((OSSL_CRMF_CERTTEMPLATE *) tmpl, &der);
	if (len <= 0 || !child (der, len, 6, &content, &content_len))
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

/* PKIHeader: [1] EXPLICIT protectionAlg, [2] EXPLICIT senderKID. */
int
header_is_mac (const OSSL_CMP_MSG *msg, ASN1_OCTET_STRING **kid)
{
	unsigned char *der = NULL;
	const unsigned char *content;
	long content_len;
	X509_ALGOR *alg = NULL;
	int len, ret = -1;

	*kid = NULL;
	len = i2d_OSSL_CMP_PKIHEADER (OSSL_CMP_MSG_get0_header (msg), &der);
	if (len <= 0)
		goto out;
	ret = 0;
	if (!child (der, len, 1, &content, &content_len))
		goto out;
	alg = d2i_X509_ALGOR (NULL, &content, content_len);
	if (alg == NULL) {
		ret = -1;
		goto out;
	}
	if (OBJ_obj2nid (alg->algorithm) != NID_id_PasswordBasedMAC)
		goto out;
	ret = 1;
	if (child (der, len, 2, &content, &content_len))
		*kid = d2i_ASN1_OCTET_STRING (NULL, &content, content_len);
out:
	X509_ALGOR_free (alg);
	OPENSSL_free (der);
	return ret;
}
