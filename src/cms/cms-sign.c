/* CMS SignedData on a token key: OpenSSL's CMS through inkan's provider. */
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "src/util/internal.h"

/* ESS signing-certificate-v2 (RFC 5035): binds the signature to the one
 * certificate, so a second certificate for the same key cannot stand in. */
static inkan_err
add_signing_cert_v2 (CMS_SignerInfo *si, X509 *cert, const EVP_MD *md)
{
	ESS_SIGNING_CERT_V2 *sc = OSSL_ESS_signing_cert_v2_new_init (md, cert, NULL, 1);
	unsigned char *der = NULL;
	int len = sc ? i2d_ESS_SIGNING_CERT_V2 (sc, &der) : -1;
	inkan_err err = INKAN_OK;

	if (len <= 0 || !CMS_signed_add1_attr_by_NID (si, NID_id_smime_aa_signingCertificateV2,
	                                               V_ASN1_SEQUENCE, der, len))
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot add the signing-certificate attribute"));
	OPENSSL_free (der);
	ESS_SIGNING_CERT_V2_free (sc);
	return err;
}

inkan_err
inkan_cms_sign (inkan_key *key, X509 *cert, STACK_OF(X509) *chain, inkan_hash hash, unsigned flags,
                const uint8_t *data, size_t data_len, uint8_t **der, size_t *der_len)
{
	unsigned cms_flags = CMS_BINARY | CMS_PARTIAL | (flags & INKAN_CMS_DETACHED ? CMS_DETACHED : 0);
	const EVP_MD *md = EVP_get_digestbyname (inkan_hash_name (hash));
	EVP_PKEY *pkey = NULL, *pub = NULL;
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	BIO *content = NULL;
	unsigned char *out = NULL;
	int i, len;
	inkan_err err;

	if ((flags & INKAN_CMS_PSS) && inkan_key_get_type (key) != INKAN_KEY_RSA)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("RSA-PSS needs an RSA key"));
	err = inkan_key_get_public (key, &pub);
	if (err != INKAN_OK)
		return err;
	if (EVP_PKEY_eq (X509_get0_pubkey (cert), pub) != 1) {
		err = inkan_fail (INKAN_ERR_USAGE, "%s", _("the certificate is not the signing key's"));
		goto out;
	}
	err = inkan_key_to_evp_pkey (key, NULL, &pkey);
	if (err != INKAN_OK)
		goto out;

	cms = CMS_sign (NULL, NULL, NULL, NULL, cms_flags);
	si = cms ? CMS_add1_signer (cms, cert, pkey, md, cms_flags | (flags & INKAN_CMS_PSS ? CMS_KEY_PARAM : 0))
	         : NULL;
	if (si != NULL && (flags & INKAN_CMS_PSS)) {
		EVP_PKEY_CTX *pctx = CMS_SignerInfo_get0_pkey_ctx (si);

		if (EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen (pctx, RSA_PSS_SALTLEN_DIGEST) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_mgf1_md (pctx, md) <= 0)
			si = NULL;
	}
	if (si == NULL) {
		err = inkan_key_ossl_error (INKAN_ERR_CRYPTO);
		goto out;
	}
	err = add_signing_cert_v2 (si, cert, md);
	if (err != INKAN_OK)
		goto out;
	for (i = 0; chain != NULL && i < sk_X509_num (chain); i++)
		CMS_add1_cert (cms, sk_X509_value (chain, i));

	/* The token signs here. */
	content = BIO_new_mem_buf (data, (int) data_len);
	if (content == NULL || !CMS_final (cms, content, NULL, cms_flags)) {
		err = inkan_key_ossl_error (INKAN_ERR_CRYPTO);
		goto out;
	}
	len = i2d_CMS_ContentInfo (cms, &out);
	if (len <= 0) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot encode the CMS structure"));
		goto out;
	}
	*der = malloc ((size_t) len);
	if (*der == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	memcpy (*der, out, (size_t) len);
	*der_len = (size_t) len;
out:
	OPENSSL_free (out);
	BIO_free (content);
	CMS_ContentInfo_free (cms);
	EVP_PKEY_free (pkey);
	EVP_PKEY_free (pub);
	return err;
}
