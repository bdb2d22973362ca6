/* Public keys out of token objects, as ordinary OpenSSL keys. */
#include <stdlib.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "pkcs11/p11.h"
#include "src/util/internal.h"

static inkan_err
fromdata (const char *type, OSSL_PARAM_BLD *bld, EVP_PKEY **out)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param (bld);
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name (NULL, type, "provider=default");
	inkan_err err = INKAN_OK;

	if (params == NULL || pctx == NULL || EVP_PKEY_fromdata_init (pctx) <= 0 ||
	    EVP_PKEY_fromdata (pctx, out, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		err = inkan_fail_ossl (INKAN_ERR_BAD_INPUT, _("the token's %s public key is malformed"), type);
	EVP_PKEY_CTX_free (pctx);
	OSSL_PARAM_free (params);
	return err;
}

static inkan_err
rsa_pubkey (inkan_token *tok, CK_OBJECT_HANDLE obj, EVP_PKEY **out)
{
	CK_BYTE *n = NULL, *e = NULL;
	CK_ULONG n_len, e_len;
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	inkan_err err;

	err = inkan_p11_get_attr (tok, obj, CKA_MODULUS, &n, &n_len);
	if (err == INKAN_OK)
		err = inkan_p11_get_attr (tok, obj, CKA_PUBLIC_EXPONENT, &e, &e_len);
	if (err != INKAN_OK)
		goto out;
	if (n == NULL || e == NULL) {
		err = inkan_fail (INKAN_ERR_NOT_FOUND, "%s", _("the token does not show this RSA key's modulus"));
		goto out;
	}
	bn_n = BN_bin2bn (n, (int) n_len, NULL);
	bn_e = BN_bin2bn (e, (int) e_len, NULL);
	bld = OSSL_PARAM_BLD_new ();
	if (bn_n == NULL || bn_e == NULL || bld == NULL ||
	    !OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_RSA_N, bn_n) ||
	    !OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_RSA_E, bn_e)) {
		err = inkan_fail_ossl (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	err = fromdata ("RSA", bld, out);
out:
	OSSL_PARAM_BLD_free (bld);
	BN_free (bn_n);
	BN_free (bn_e);
	free (n);
	free (e);
	return err;
}

static inkan_err
ec_pubkey (inkan_token *tok, CK_OBJECT_HANDLE obj, EVP_PKEY **out)
{
	CK_BYTE *params = NULL, *point = NULL;
	CK_ULONG params_len, point_len;
	const unsigned char *p;
	ASN1_OBJECT *curve = NULL;
	ASN1_OCTET_STRING *wrapped = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	const unsigned char *raw;
	size_t raw_len;
	const char *group;
	inkan_err err;

	err = inkan_p11_get_attr (tok, obj, CKA_EC_PARAMS, &params, &params_len);
	if (err == INKAN_OK)
		err = inkan_p11_get_attr (tok, obj, CKA_EC_POINT, &point, &point_len);
	if (err != INKAN_OK)
		goto out;
	if (params == NULL || point == NULL) {
		err = inkan_fail (INKAN_ERR_NOT_FOUND, "%s", _("the token does not show this EC key's point"));
		goto out;
	}
	p = params;
	curve = d2i_ASN1_OBJECT (NULL, &p, (long) params_len);
	group = curve ? OBJ_nid2sn (OBJ_obj2nid (curve)) : NULL;
	if (group == NULL || OBJ_obj2nid (curve) == NID_undef) {
		err = inkan_fail (INKAN_ERR_UNSUPPORTED, "%s", _("the EC key is on a curve inkan does not know"));
		goto out;
	}
	/* PKCS#11 says CKA_EC_POINT is a DER OCTET STRING; some modules
	 * give the bare point.  Take the wrapper only when it spans it all. */
	p = point;
	wrapped = d2i_ASN1_OCTET_STRING (NULL, &p, (long) point_len);
	if (wrapped != NULL && p == point + point_len) {
		raw = ASN1_STRING_get0_data (wrapped);
		raw_len = (size_t) ASN1_STRING_length (wrapped);
	} else {
		raw = point;
		raw_len = point_len;
	}
	bld = OSSL_PARAM_BLD_new ();
	if (bld == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string (bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string (bld, OSSL_PKEY_PARAM_PUB_KEY, raw, raw_len)) {
		err = inkan_fail_ossl (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	err = fromdata ("EC", bld, out);
out:
	OSSL_PARAM_BLD_free (bld);
	ASN1_OCTET_STRING_free (wrapped);
	ASN1_OBJECT_free (curve);
	free (params);
	free (point);
	return err;
}

static inkan_err
cert_pubkey (inkan_token *tok, CK_OBJECT_HANDLE obj, EVP_PKEY **out)
{
	CK_BYTE *der = NULL;
	CK_ULONG len;
	const unsigned char *p;
	X509 *x = NULL;
	inkan_err err;

	err = inkan_p11_get_attr (tok, obj, CKA_VALUE, &der, &len);
	if (err != INKAN_OK)
		return err;
	p = der;
	if (der == NULL || (x = d2i_X509 (NULL, &p, (long) len)) == NULL || p != der + len) {
		err = inkan_fail_ossl (INKAN_ERR_BAD_INPUT, "%s", _("the certificate on the token is malformed"));
		goto out;
	}
	*out = X509_get_pubkey (x);
	if (*out == NULL)
		err = inkan_fail_ossl (INKAN_ERR_BAD_INPUT, "%s", _("the certificate's public key is malformed"));
out:
	X509_free (x);
	free (der);
	return err;
}

inkan_err
inkan_p11_object_pubkey (inkan_token *tok, CK_OBJECT_HANDLE obj, EVP_PKEY **out)
{
	CK_BYTE *v = NULL;
	CK_ULONG len;
	CK_OBJECT_CLASS cls;
	CK_KEY_TYPE type;
	inkan_err err;

	err = inkan_p11_get_attr (tok, obj, CKA_CLASS, &v, &len);
	if (err != INKAN_OK)
		return err;
	if (v == NULL || len != sizeof cls) {
		free (v);
		return inkan_fail (INKAN_ERR_TOKEN, "%s", _("the token gave an object without a class"));
	}
	cls = *(CK_OBJECT_CLASS *) v;
	free (v);
	if (cls == CKO_CERTIFICATE)
		return cert_pubkey (tok, obj, out);
	err = inkan_p11_get_attr (tok, obj, CKA_KEY_TYPE, &v, &len);
	if (err != INKAN_OK)
		return err;
	if (v == NULL || len != sizeof type) {
		free (v);
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("the object is neither a key nor a certificate"));
	}
	type = *(CK_KEY_TYPE *) v;
	free (v);
	if (type == CKK_RSA)
		return rsa_pubkey (tok, obj, out);
	if (type == CKK_EC)
		return ec_pubkey (tok, obj, out);
	return inkan_fail (INKAN_ERR_UNSUPPORTED, _("key type 0x%lx is not supported"), (unsigned long) type);
}
