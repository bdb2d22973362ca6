/* The X.509 AlgorithmIdentifier of a signature made on the token, built
 * with OpenSSL's ASN.1 types so that no DER is written by hand. */
#include <openssl/asn1t.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "src/util/internal.h"
#include "src/crypto/sigalg.h"

/* RFC 4055 RSASSA-PSS-params: the digest, MGF1 over the same digest, and a
 * salt as long as the digest (what the token does).  The digests carry
 * NULL parameters, byte for byte what OpenSSL's own RSA-PSS writes. */
static ASN1_STRING *
pss_params (const EVP_MD *md)
{
	RSA_PSS_PARAMS *pss = RSA_PSS_PARAMS_new ();
	ASN1_STRING *mgf1_param = NULL, *packed = NULL;

	if (pss == NULL ||
	    (pss->hashAlgorithm = X509_ALGOR_new ()) == NULL ||
	    (pss->maskGenAlgorithm = X509_ALGOR_new ()) == NULL ||
	    (pss->saltLength = ASN1_INTEGER_new ()) == NULL ||
	    !ASN1_INTEGER_set (pss->saltLength, EVP_MD_get_size (md)))
		goto out;
	if (!X509_ALGOR_set0 (pss->hashAlgorithm, OBJ_nid2obj (EVP_MD_get_type (md)), V_ASN1_NULL, NULL) ||
	    ASN1_item_pack (pss->hashAlgorithm, ASN1_ITEM_rptr (X509_ALGOR), &mgf1_param) == NULL ||
	    !X509_ALGOR_set0 (pss->maskGenAlgorithm, OBJ_nid2obj (NID_mgf1), V_ASN1_SEQUENCE,
	                      mgf1_param))
		goto out;
	mgf1_param = NULL;
	packed = ASN1_item_pack (pss, ASN1_ITEM_rptr (RSA_PSS_PARAMS), NULL);
out:
	ASN1_STRING_free (mgf1_param);
	RSA_PSS_PARAMS_free (pss);
	return packed;
}

inkan_err
inkan_sigalg_der (inkan_sig_scheme scheme, const EVP_MD *md, uint8_t **der, size_t *der_len)
{
	X509_ALGOR *alg = X509_ALGOR_new ();
	ASN1_STRING *params = NULL;
	unsigned char *out = NULL;
	int sig_nid = NID_undef, len;
	inkan_err err = INKAN_OK;

	*der = NULL;
	*der_len = 0;
	if (alg == NULL) {
		err = INKAN_ERR_NOMEM;
		goto out;
	}
	switch (scheme) {
	case INKAN_SIG_PSS:
		params = pss_params (md);
		if (params == NULL || !X509_ALGOR_set0 (alg, OBJ_nid2obj (NID_rsassaPss),
		                                        V_ASN1_SEQUENCE, params)) {
			err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot encode RSA-PSS parameters"));
			goto out;
		}
		params = NULL;
		break;
	case INKAN_SIG_PKCS1:
	case INKAN_SIG_ECDSA:
		/* OpenSSL's table of (digest, key) -> signature algorithm. */
		if (!OBJ_find_sigid_by_algs (&sig_nid, EVP_MD_get_type (md),
		                             scheme == INKAN_SIG_ECDSA ? NID_X9_62_id_ecPublicKey
		                                                       : NID_rsaEncryption)) {
			err = inkan_fail (INKAN_ERR_UNSUPPORTED, _("no signature algorithm for %s"),
			                  EVP_MD_get0_name (md));
			goto out;
		}
		/* RFC 3279/5758: NULL parameters for RSA, none for ECDSA. */
		if (!X509_ALGOR_set0 (alg, OBJ_nid2obj (sig_nid),
		                      scheme == INKAN_SIG_ECDSA ? V_ASN1_UNDEF : V_ASN1_NULL, NULL)) {
			err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot encode an algorithm"));
			goto out;
		}
		break;
	}
	len = i2d_X509_ALGOR (alg, &out);
	if (len <= 0) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot encode an algorithm"));
		goto out;
	}
	*der = out;
	*der_len = (size_t) len;
out:
	ASN1_STRING_free (params);
	X509_ALGOR_free (alg);
	return err;
}
