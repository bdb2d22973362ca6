/* Whole-message signing on a token, and verification in software. */
#include <stdlib.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "src/util/ecdsa.h"
#include "src/util/internal.h"

inkan_err
inkan_key_sign_prehashed (inkan_key *key, inkan_sig_scheme scheme, inkan_hash hash,
                          const uint8_t *digest, size_t digest_len, unsigned flags,
                          uint8_t **sig, size_t *sig_len)
{
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	inkan_err err;

	err = inkan_key_sign_digest (key, scheme, hash, digest, digest_len, &raw, &raw_len);
	if (err != INKAN_OK)
		return err;
	if (scheme == INKAN_SIG_ECDSA && !(flags & INKAN_SIG_RAW)) {
		err = inkan_ecdsa_raw_to_der (raw, raw_len, sig, sig_len);
		free (raw);
		return err;
	}
	*sig = raw;
	*sig_len = raw_len;
	return INKAN_OK;
}

inkan_err
inkan_key_sign (inkan_key *key, inkan_sig_scheme scheme, inkan_hash hash,
                const uint8_t *data, size_t data_len, unsigned flags,
                uint8_t **sig, size_t *sig_len)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;

	if (!EVP_Digest (data, data_len, digest, &digest_len,
	                 EVP_get_digestbyname (inkan_hash_name (hash)), NULL))
		return inkan_fail_ossl (INKAN_ERR_CRYPTO, _("cannot compute %s"), inkan_hash_name (hash));
	return inkan_key_sign_prehashed (key, scheme, hash, digest, digest_len, flags, sig, sig_len);
}

inkan_err
inkan_signature_verify (EVP_PKEY *pub, inkan_sig_scheme scheme, inkan_hash hash,
                        const uint8_t *data, size_t data_len, unsigned flags,
                        const uint8_t *sig, size_t sig_len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new ();
	EVP_PKEY_CTX *pctx = NULL;
	uint8_t *der = NULL;
	inkan_err err = INKAN_OK;
	int ok;

	if ((scheme == INKAN_SIG_ECDSA) != (EVP_PKEY_get_base_id (pub) == EVP_PKEY_EC)) {
		err = inkan_fail (INKAN_ERR_USAGE, "%s", _("the signature scheme does not fit the key"));
		goto out;
	}
	if (scheme == INKAN_SIG_ECDSA && (flags & INKAN_SIG_RAW)) {
		size_t der_len;

		/* r||s halves must be equal; anything else is no raw signature. */
		if (sig_len == 0 || sig_len % 2 != 0) {
			err = inkan_fail (INKAN_ERR_BAD_SIGNATURE, "%s", _("a raw ECDSA signature has an odd length"));
			goto out;
		}
		err = inkan_ecdsa_raw_to_der (sig, sig_len, &der, &der_len);
		if (err != INKAN_OK)
			goto out;
		sig = der;
		sig_len = der_len;
	}
	if (md == NULL || EVP_DigestVerifyInit_ex (md, &pctx, inkan_hash_name (hash), NULL, NULL, pub, NULL) != 1 ||
	    (scheme == INKAN_SIG_PSS &&
	     (EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	      EVP_PKEY_CTX_set_rsa_pss_saltlen (pctx, RSA_PSS_SALTLEN_DIGEST) != 1))) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot set up verification"));
		goto out;
	}
	ok = EVP_DigestVerify (md, sig, sig_len, data, data_len);
	if (ok != 1)
		err = inkan_fail_ossl (INKAN_ERR_BAD_SIGNATURE, "%s", _("the signature does not match the data and key"));
out:
	free (der);
	EVP_MD_CTX_free (md);
	return err;
}
