/* Key pairs made on the token, where the private half stays. */
#include <stdlib.h>
#include <string.h>
#include <openssl/objects.h>
#include <openssl/rand.h>

#include "pkcs11/p11.h"
#include "src/util/internal.h"

static const struct {
	const char *spec;
	inkan_key_type type;
	unsigned bits;
	const char *curve;
	int nid;
} kinds[] = {
	{ "rsa:2048", INKAN_KEY_RSA, 2048, NULL, NID_undef },
	{ "rsa:3072", INKAN_KEY_RSA, 3072, NULL, NID_undef },
	{ "rsa:4096", INKAN_KEY_RSA, 4096, NULL, NID_undef },
	{ "ec:P-256", INKAN_KEY_EC, 0, "P-256", NID_X9_62_prime256v1 },
	{ "ec:P-384", INKAN_KEY_EC, 0, "P-384", NID_secp384r1 },
};

inkan_err
inkan_keygen_parse_type (const char *spec, inkan_keygen_params *params)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcasecmp (spec, kinds[i].spec) == 0) {
			params->type = kinds[i].type;
			params->bits = kinds[i].bits;
			params->curve = kinds[i].curve;
			return INKAN_OK;
		}
	}
	return inkan_fail (INKAN_ERR_USAGE,
	                   _("unknown key type \"%s\": use rsa:2048, rsa:3072, rsa:4096, ec:P-256 or ec:P-384"),
	                   spec);
}

/* The kinds table row for PARAMS, so that a caller filling the struct by
 * hand gets the same checks as one that parsed a spec. */
static int
kind_of (const inkan_keygen_params *params)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (kinds[i].type != params->type)
			continue;
		if (params->type == INKAN_KEY_RSA && kinds[i].bits == params->bits)
			return (int) i;
		if (params->type == INKAN_KEY_EC && params->curve != NULL &&
		    strcasecmp (kinds[i].curve, params->curve) == 0)
			return (int) i;
	}
	return -1;
}

static int
id_in_use (inkan_token *tok, const uint8_t *id, size_t id_len)
{
	CK_ATTRIBUTE tmpl = { CKA_ID, (void *) id, id_len };
	CK_OBJECT_HANDLE *found = NULL;
	CK_ULONG n = 0;

	if (inkan_p11_find (tok, &tmpl, 1, &found, &n) != INKAN_OK)
		return 0;
	free (found);
	return n > 0;
}

void
inkan_keygen_result_clear (inkan_keygen_result *result)
{
	free (result->private_uri);
	free (result->public_uri);
	free (result->id);
	memset (result, 0, sizeof *result);
}

inkan_err
inkan_p11_keygen (inkan_token *tok, const inkan_keygen_params *params, inkan_keygen_result *result)
{
	static const CK_BYTE f4[] = { 0x01, 0x00, 0x01 };
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_OBJECT_CLASS pub_class = CKO_PUBLIC_KEY, priv_class = CKO_PRIVATE_KEY;
	CK_ULONG bits = params->bits;
	CK_MECHANISM mech = { CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0 };
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	unsigned char *curve = NULL;
	uint8_t *id = NULL;
	size_t id_len = params->id_len;
	int kind = kind_of (params), curve_len = 0;
	const char *label = params->label ? params->label : "";
	inkan_err err = INKAN_OK;
	CK_RV rv;

	memset (result, 0, sizeof *result);
	if (kind < 0)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("unsupported key type or size"));
	if (params->id != NULL && id_len > 0) {
		int used;

		pthread_mutex_lock (&tok->lock);
		used = id_in_use (tok, params->id, id_len);
		pthread_mutex_unlock (&tok->lock);
		if (used)
			return inkan_fail (INKAN_ERR_USAGE, "%s",
			                   _("that ID is already used by an object on the token"));
		id = malloc (id_len);
		if (id != NULL)
			memcpy (id, params->id, id_len);
	} else {
		id_len = 16;
		id = malloc (id_len);
		if (id != NULL && RAND_bytes (id, (int) id_len) != 1) {
			free (id);
			return inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("no random ID"));
		}
	}
	if (id == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));

	if (kinds[kind].type == INKAN_KEY_EC) {
		mech.mechanism = CKM_EC_KEY_PAIR_GEN;
		curve_len = i2d_ASN1_OBJECT (OBJ_nid2obj (kinds[kind].nid), &curve);
		if (curve_len <= 0) {
			err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot encode the curve"));
			goto out;
		}
	}

	{
		CK_ATTRIBUTE pub_tmpl[] = {
			{ CKA_CLASS, &pub_class, sizeof pub_class },
			{ CKA_TOKEN, &yes, sizeof yes },
			{ CKA_PRIVATE, &no, sizeof no },
			{ CKA_VERIFY, &yes, sizeof yes },
			{ CKA_LABEL, (void *) label, strlen (label) },
			{ CKA_ID, id, id_len },
			/* The last one is the key-type specific part. */
			{ CKA_MODULUS_BITS, &bits, sizeof bits },
			{ CKA_PUBLIC_EXPONENT, (void *) f4, sizeof f4 },
		};
		CK_ATTRIBUTE priv_tmpl[] = {
			{ CKA_CLASS, &priv_class, sizeof priv_class },
			{ CKA_TOKEN, &yes, sizeof yes },
			{ CKA_PRIVATE, &yes, sizeof yes },
			{ CKA_SENSITIVE, &yes, sizeof yes },
			{ CKA_EXTRACTABLE, &no, sizeof no },
			{ CKA_SIGN, &yes, sizeof yes },
			{ CKA_LABEL, (void *) label, strlen (label) },
			{ CKA_ID, id, id_len },
		};
		CK_ULONG n_pub = 8;

		if (kinds[kind].type == INKAN_KEY_EC) {
			pub_tmpl[6].type = CKA_EC_PARAMS;
			pub_tmpl[6].pValue = curve;
			pub_tmpl[6].ulValueLen = (CK_ULONG) curve_len;
			n_pub = 7;
		}
		pthread_mutex_lock (&tok->lock);
		rv = tok->module->C_GenerateKeyPair (tok->session, &mech, pub_tmpl, n_pub,
		                                     priv_tmpl, 8, &pub, &priv);
		if (rv != CKR_OK)
			err = inkan_p11_fail (rv, _("generating the key pair"));
		if (err == INKAN_OK)
			err = inkan_p11_object_uri (tok, priv, &result->private_uri);
		if (err == INKAN_OK)
			err = inkan_p11_object_uri (tok, pub, &result->public_uri);
		pthread_mutex_unlock (&tok->lock);
	}
	if (err != INKAN_OK)
		goto out;
	result->id = id;
	result->id_len = id_len;
	id = NULL;
out:
	if (err != INKAN_OK)
		inkan_keygen_result_clear (result);
	OPENSSL_free (curve);
	free (id);
	return err;
}
