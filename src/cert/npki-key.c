/* The random value R of an NPKI private-key file (signPri.key), which the
 * VID check needs: the file is decrypted with the holder's password and R
 * read from the key's PKCS#8 attributes.  Korean toolkits encrypt with
 * KISA's pbeWithSHA1AndSEED-CBC, which OpenSSL does not know, or with
 * PBES2 and SEED-CBC, which it does once its legacy provider is loaded.
 * Both run in a library context of their own, so that loading the legacy
 * provider changes nothing for the rest of the process. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include "src/cert/certint.h"

#define OID_KISA_PBE_SEED "1.2.410.200004.1.15"
#define OID_RANDOM_NUM "1.2.410.200004.10.1.1.3"
/* real files use 2048; far more would only let a hostile file stall us */
#define MAX_ITERATIONS 100000

typedef struct {
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *legacy, *deflt;
} seed_ctx;

/* Loaded once and kept: loading providers costs more than decrypting. */
static seed_ctx seed;
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;

static void
seed_load (void)
{
	seed.libctx = OSSL_LIB_CTX_new ();
	if (seed.libctx != NULL) {
		seed.deflt = OSSL_PROVIDER_load (seed.libctx, "default");
		seed.legacy = OSSL_PROVIDER_load (seed.libctx, "legacy");
	}
}

static inkan_err
seed_ctx_get (seed_ctx **out)
{
	pthread_once (&seed_once, seed_load);
	if (seed.deflt == NULL || seed.legacy == NULL)
		return inkan_fail_ossl (INKAN_ERR_UNSUPPORTED, "%s",
		                        _("SEED needs OpenSSL's legacy provider, which cannot be loaded"));
	*out = &seed;
	return INKAN_OK;
}

/* KISA's PBE: DK = PBKDF1-SHA1(password, salt, iterations), 20 bytes;
 * key = DK[0..16), IV = SHA1(DK[16..20))[0..16). */
static inkan_err
kisa_pbe_decrypt (seed_ctx *c, const X509_ALGOR *alg, const ASN1_OCTET_STRING *ct, const inkan_secret *password,
                  PKCS8_PRIV_KEY_INFO **info)
{
	const void *param = NULL;
	int ptype = V_ASN1_UNDEF;
	PBEPARAM *pbe = NULL;
	EVP_CIPHER *seed = NULL;
	EVP_CIPHER_CTX *cctx = NULL;
	unsigned char dk[SHA_DIGEST_LENGTH], iv[SHA_DIGEST_LENGTH];
	unsigned char *out = NULL;
	const unsigned char *p;
	long iter;
	int n = 0, fin = 0;
	inkan_err err = INKAN_OK;

	X509_ALGOR_get0 (NULL, &ptype, &param, alg);
	pbe = ptype == V_ASN1_SEQUENCE ? ASN1_item_unpack (param, ASN1_ITEM_rptr (PBEPARAM)) : NULL;
	iter = pbe != NULL ? ASN1_INTEGER_get (pbe->iter) : -1;
	if (pbe == NULL || iter < 1 || iter > MAX_ITERATIONS) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("the key file's encryption parameters are malformed"));
		goto out;
	}
	{
		EVP_MD_CTX *md = EVP_MD_CTX_new ();
		unsigned int len = 0;
		int ok = md != NULL && EVP_DigestInit_ex (md, EVP_sha1 (), NULL) &&
		         EVP_DigestUpdate (md, inkan_secret_data (password), inkan_secret_len (password)) &&
		         EVP_DigestUpdate (md, pbe->salt->data, (size_t) pbe->salt->length) &&
		         EVP_DigestFinal_ex (md, dk, &len);

		for (long i = 1; ok && i < iter; i++)
			ok = EVP_Digest (dk, sizeof dk, dk, &len, EVP_sha1 (), NULL);
		ok = ok && EVP_Digest (dk + 16, 4, iv, &len, EVP_sha1 (), NULL);
		EVP_MD_CTX_free (md);
		if (!ok) {
			err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot derive the key file's key"));
			goto out;
		}
	}
	seed = EVP_CIPHER_fetch (c->libctx, "SEED-CBC", NULL);
	cctx = EVP_CIPHER_CTX_new ();
	out = OPENSSL_secure_malloc ((size_t) ct->length + 16);
	if (seed == NULL || cctx == NULL || out == NULL ||
	    !EVP_DecryptInit_ex2 (cctx, seed, dk, iv, NULL)) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot set up SEED-CBC"));
		goto out;
	}
	/* a wrong password shows as bad padding: there is no other check */
	if (!EVP_DecryptUpdate (cctx, out, &n, ct->data, ct->length) || !EVP_DecryptFinal_ex (cctx, out + n, &fin)) {
		err = inkan_fail (INKAN_ERR_PIN_INCORRECT, "%s", _("the password does not open the key file"));
		goto out;
	}
	p = out;
	*info = d2i_PKCS8_PRIV_KEY_INFO (NULL, &p, n + fin);
	if (*info == NULL)
		err = inkan_fail (INKAN_ERR_PIN_INCORRECT, "%s", _("the password does not open the key file"));
out:
	OPENSSL_cleanse (dk, sizeof dk);
	OPENSSL_cleanse (iv, sizeof iv);
	OPENSSL_secure_clear_free (out, ct->length + 16);
	EVP_CIPHER_CTX_free (cctx);
	EVP_CIPHER_free (seed);
	PBEPARAM_free (pbe);
	return err;
}

/* PBES2 with PBKDF2 and an iteration count a real file would have:
 * OpenSSL itself sets no bound. */
static int
pbes2_bounded (const X509_ALGOR *alg)
{
	const void *param = NULL;
	const ASN1_OBJECT *kdf_oid = NULL;
	int ptype = V_ASN1_UNDEF, ok = 0;
	PBE2PARAM *pbe2 = NULL;
	PBKDF2PARAM *kdf = NULL;
	long iter;

	X509_ALGOR_get0 (NULL, &ptype, &param, alg);
	if (ptype == V_ASN1_SEQUENCE)
		pbe2 = ASN1_item_unpack (param, ASN1_ITEM_rptr (PBE2PARAM));
	if (pbe2 == NULL)
		goto out;
	X509_ALGOR_get0 (&kdf_oid, &ptype, &param, pbe2->keyfunc);
	if (OBJ_obj2nid (kdf_oid) != NID_id_pbkdf2 || ptype != V_ASN1_SEQUENCE ||
	    (kdf = ASN1_item_unpack (param, ASN1_ITEM_rptr (PBKDF2PARAM))) == NULL)
		goto out;
	iter = ASN1_INTEGER_get (kdf->iter);
	ok = iter >= 1 && iter <= MAX_ITERATIONS;
out:
	PBKDF2PARAM_free (kdf);
	PBE2PARAM_free (pbe2);
	return ok;
}

static inkan_err
decrypt (seed_ctx *c, const X509_SIG *p8, const inkan_secret *password, PKCS8_PRIV_KEY_INFO **out)
{
	const X509_ALGOR *alg = NULL;
	const ASN1_OCTET_STRING *ct = NULL;
	const ASN1_OBJECT *oid = NULL;
	char name[64];

	X509_SIG_get0 (p8, &alg, &ct);
	X509_ALGOR_get0 (&oid, NULL, NULL, alg);
	OBJ_obj2txt (name, sizeof name, oid, 1);
	if (strcmp (name, OID_KISA_PBE_SEED) != 0) {
		if (OBJ_obj2nid (oid) == NID_pbes2 && !pbes2_bounded (alg))
			return inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("the key file's encryption parameters are malformed"));
		*out = PKCS8_decrypt_ex (p8, inkan_secret_data (password), (int) inkan_secret_len (password),
		                         c->libctx, NULL);
		if (*out != NULL)
			return INKAN_OK;
		return OBJ_obj2nid (oid) == NID_pbes2
		               ? inkan_fail (INKAN_ERR_PIN_INCORRECT, "%s", _("the password does not open the key file"))
		               : inkan_fail (INKAN_ERR_UNSUPPORTED, _("the key file is encrypted with %s, which is not supported"),
		                             name);
	}
	return kisa_pbe_decrypt (c, alg, ct, password, out);
}

inkan_err
inkan_npki_key_random (const uint8_t *der, size_t der_len, const inkan_secret *password, uint8_t **r, size_t *r_len)
{
	seed_ctx *c = NULL;
	X509_SIG *p8 = NULL;
	PKCS8_PRIV_KEY_INFO *info = NULL;
	ASN1_OBJECT *random_oid = NULL;
	const ASN1_TYPE *value;
	const unsigned char *p = der;
	int i;
	inkan_err err;

	*r = NULL;
	*r_len = 0;
	err = seed_ctx_get (&c);
	if (err != INKAN_OK)
		goto out;
	if (der_len > INT32_MAX || (p8 = d2i_X509_SIG (NULL, &p, (long) der_len)) == NULL ||
	    p != der + der_len) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("not an encrypted private key (PKCS#8)"));
		goto out;
	}
	err = decrypt (c, p8, password, &info);
	if (err != INKAN_OK)
		goto out;
	random_oid = OBJ_txt2obj (OID_RANDOM_NUM, 1);
	i = random_oid != NULL ? X509at_get_attr_by_OBJ (PKCS8_pkey_get0_attrs (info), random_oid, -1) : -1;
	value = i >= 0 ? X509_ATTRIBUTE_get0_type (X509at_get_attr (PKCS8_pkey_get0_attrs (info), i), 0) : NULL;
	if (value == NULL) {
		err = inkan_fail (INKAN_ERR_NOT_FOUND, "%s", _("the private key holds no random value R"));
		goto out;
	}
	if (value->type != V_ASN1_BIT_STRING || value->value.bit_string->length <= 0) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("the private key's random value R is malformed"));
		goto out;
	}
	*r_len = (size_t) value->value.bit_string->length;
	*r = malloc (*r_len);
	if (*r != NULL) {
		memcpy (*r, value->value.bit_string->data, *r_len);
	} else {
		*r_len = 0;
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
out:
	ASN1_OBJECT_free (random_oid);
	PKCS8_PRIV_KEY_INFO_free (info);
	X509_SIG_free (p8);
	return err;
}
