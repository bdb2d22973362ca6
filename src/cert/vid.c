/* The VID of an NPKI certificate checked against a resident registration
 * number and the random value R kept with the private key (KISA's
 * identity-check specification; the test vector is in FACTS.md). */
#include <string.h>
#include <openssl/crypto.h>

#include "src/cert/certint.h"

/* H(H(DER(SEQUENCE { idn, randomNum }))) into OUT (EVP_MAX_MD_SIZE). */
static inkan_err
vid_of (const EVP_MD *md, const char *rn, size_t rn_len, const uint8_t *r, size_t r_len,
        unsigned char *out, unsigned int *out_len)
{
	KISA_VID_INPUT *in = KISA_VID_INPUT_new ();
	unsigned char *der = NULL, once[EVP_MAX_MD_SIZE];
	unsigned int once_len = 0;
	int der_len = -1;
	inkan_err err = INKAN_OK;

	if (in == NULL || !ASN1_STRING_set (in->idn, rn, (int) rn_len) ||
	    !ASN1_BIT_STRING_set (in->random, (unsigned char *) r, (int) r_len)) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	/* all bits of R count: no trailing-zero trimming in the encoding */
	in->random->flags = (in->random->flags & ~0x07) | ASN1_STRING_FLAG_BITS_LEFT;
	der_len = i2d_KISA_VID_INPUT (in, &der);
	if (der_len <= 0 || !EVP_Digest (der, (size_t) der_len, once, &once_len, md, NULL) ||
	    !EVP_Digest (once, once_len, out, out_len, md, NULL))
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot compute the VID"));
out:
	OPENSSL_cleanse (der, der_len > 0 ? (size_t) der_len : 0);
	OPENSSL_free (der);
	if (in != NULL)
		OPENSSL_cleanse (in->idn->data, (size_t) in->idn->length);
	KISA_VID_INPUT_free (in);
	return err;
}

inkan_err
inkan_cert_vid_check (X509 *cert, const char *rn, size_t rn_len, const uint8_t *r, size_t r_len, int *match)
{
	KISA_IDENTIFY_DATA *id;
	KISA_VID *vid;
	const EVP_MD *md;
	unsigned char want[EVP_MAX_MD_SIZE];
	unsigned int want_len = 0;
	int present = 0;
	inkan_err err;

	*match = 0;
	if (rn_len != 13 || strspn (rn, "0123456789") < 13)
		return inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("a resident registration number is 13 digits"));
	id = kisa_identify_data (cert, &present);
	if (id == NULL)
		return present ? inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("the certificate's identity data is malformed"))
		               : inkan_fail (INKAN_ERR_NOT_FOUND, "%s", _("the certificate carries no VID"));
	if (sk_KISA_VID_INFO_num (id->infos) < 1) {
		err = inkan_fail (INKAN_ERR_NOT_FOUND, "%s", _("the certificate carries no VID"));
		goto out;
	}
	vid = sk_KISA_VID_INFO_value (id->infos, 0)->vid;
	md = EVP_get_digestbyobj (vid->hash_alg->algorithm);
	if (md == NULL || (EVP_MD_get_type (md) != NID_sha256 && EVP_MD_get_type (md) != NID_sha1)) {
		err = inkan_fail (INKAN_ERR_UNSUPPORTED, "%s", _("the VID's hash is neither SHA-256 nor SHA-1"));
		goto out;
	}
	err = vid_of (md, rn, rn_len, r, r_len, want, &want_len);
	if (err == INKAN_OK)
		*match = (int) want_len == vid->virtual_id->length &&
		         CRYPTO_memcmp (want, vid->virtual_id->data, want_len) == 0;
out:
	OPENSSL_cleanse (want, sizeof want);
	KISA_IDENTIFY_DATA_free (id);
	return err;
}
