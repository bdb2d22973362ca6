/* Private keys on a token: open by URI, find their public half, sign. */
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "pkcs11/p11.h"
#include "src/util/ecdsa.h"
#include "src/util/internal.h"

static const struct {
	const char *name;
	int nid;
	size_t len;
	CK_MECHANISM_TYPE mech;
	CK_RSA_PKCS_MGF_TYPE mgf;
} hashes[] = {
	[INKAN_HASH_SHA256] = { "sha256", NID_sha256, 32, CKM_SHA256, CKG_MGF1_SHA256 },
	[INKAN_HASH_SHA384] = { "sha384", NID_sha384, 48, CKM_SHA384, CKG_MGF1_SHA384 },
	[INKAN_HASH_SHA512] = { "sha512", NID_sha512, 64, CKM_SHA512, CKG_MGF1_SHA512 },
};

inkan_err
inkan_hash_from_name (const char *name, inkan_hash *out)
{
	size_t i;

	for (i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
		if (strcasecmp (name, hashes[i].name) == 0) {
			*out = (inkan_hash) i;
			return INKAN_OK;
		}
	}
	return inkan_fail (INKAN_ERR_USAGE, _("unknown hash \"%s\": use sha256, sha384 or sha512"), name);
}

const char *
inkan_hash_name (inkan_hash hash)
{
	return (unsigned) hash < sizeof hashes / sizeof hashes[0] ? hashes[hash].name : "unknown";
}

inkan_err
inkan_key_open (inkan_token *tok, const char *uri, inkan_key **out)
{
	CK_OBJECT_HANDLE obj;
	CK_BYTE *type = NULL;
	CK_ULONG len;
	inkan_key *key = NULL;
	inkan_err err;

	pthread_mutex_lock (&tok->lock);
	err = inkan_p11_find_one (tok, uri, CKO_PRIVATE_KEY, _("private key"), &obj);
	if (err != INKAN_OK)
		goto out;
	key = calloc (1, sizeof *key);
	if (key == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	atomic_init (&key->refs, 1);
	key->tok = inkan_token_ref (tok);
	key->handle = obj;
	err = inkan_p11_get_attr (tok, obj, CKA_KEY_TYPE, &type, &len);
	if (err != INKAN_OK)
		goto out;
	if (type != NULL && len == sizeof (CK_KEY_TYPE) && *(CK_KEY_TYPE *) type == CKK_RSA)
		key->type = INKAN_KEY_RSA;
	else if (type != NULL && len == sizeof (CK_KEY_TYPE) && *(CK_KEY_TYPE *) type == CKK_EC)
		key->type = INKAN_KEY_EC;
	else {
		err = inkan_fail (INKAN_ERR_UNSUPPORTED, _("%s is neither an RSA nor an EC key"), uri);
		goto out;
	}
	err = inkan_p11_get_attr (tok, obj, CKA_ID, &key->id, &key->id_len);
	if (err == INKAN_OK)
		err = inkan_p11_object_uri (tok, obj, &key->uri);
out:
	pthread_mutex_unlock (&tok->lock);
	free (type);
	if (err != INKAN_OK) {
		inkan_key_free (key);
		return err;
	}
	*out = key;
	return INKAN_OK;
}

inkan_key *
inkan_key_ref (inkan_key *key)
{
	atomic_fetch_add (&key->refs, 1);
	return key;
}

void
inkan_key_free (inkan_key *key)
{
	if (key == NULL || atomic_fetch_sub (&key->refs, 1) != 1)
		return;
	EVP_PKEY_free (key->pub);
	inkan_token_free (key->tok);
	free (key->uri);
	free (key->id);
	free (key);
}

inkan_key_type
inkan_key_get_type (const inkan_key *key)
{
	return key->type;
}

const char *
inkan_key_get_uri (const inkan_key *key)
{
	return key->uri;
}

inkan_token *
inkan_key_get_token (const inkan_key *key)
{
	return key->tok;
}

/* The first object of class CLS that shares the key's CKA_ID. */
static int
partner (inkan_key *key, CK_OBJECT_CLASS cls, CK_OBJECT_HANDLE *out)
{
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_CLASS, &cls, sizeof cls },
		{ CKA_ID, key->id, key->id_len },
	};
	CK_OBJECT_HANDLE *found = NULL;
	CK_ULONG n = 0;
	int ok;

	if (key->id == NULL || key->id_len == 0)
		return 0;
	if (inkan_p11_find (key->tok, tmpl, 2, &found, &n) != INKAN_OK)
		return 0;
	ok = n > 0;
	if (ok)
		*out = found[0];
	free (found);
	return ok;
}

inkan_err
inkan_key_get_public (inkan_key *key, EVP_PKEY **out)
{
	static const CK_OBJECT_CLASS order[] = { CKO_PUBLIC_KEY, CKO_CERTIFICATE };
	CK_OBJECT_HANDLE obj;
	inkan_err err = INKAN_ERR_NOT_FOUND;
	size_t i;

	pthread_mutex_lock (&key->tok->lock);
	if (key->pub == NULL && !key->no_pub) {
		for (i = 0; i < 2 && err != INKAN_OK; i++)
			if (partner (key, order[i], &obj))
				err = inkan_p11_object_pubkey (key->tok, obj, &key->pub);
		/* RSA private keys usually show n and e themselves. */
		if (err != INKAN_OK)
			err = inkan_p11_object_pubkey (key->tok, key->handle, &key->pub);
		key->no_pub = err != INKAN_OK;
	}
	if (key->pub == NULL) {
		err = inkan_fail (INKAN_ERR_NOT_FOUND, _("no public key or certificate with the ID of %s on the token"),
		                  key->uri);
	} else {
		err = INKAN_OK;
	}
	if (err == INKAN_OK && EVP_PKEY_up_ref (key->pub))
		*out = key->pub;
	pthread_mutex_unlock (&key->tok->lock);
	return err;
}

inkan_err
inkan_pubkey_get (inkan_token *tok, const char *uri, EVP_PKEY **out)
{
	static const CK_OBJECT_CLASS order[] = { CKO_PUBLIC_KEY, CKO_CERTIFICATE, CKO_PRIVATE_KEY };
	CK_OBJECT_HANDLE obj;
	inkan_err err = INKAN_ERR_NOT_FOUND;
	size_t i;

	pthread_mutex_lock (&tok->lock);
	for (i = 0; i < 3; i++) {
		err = inkan_p11_find_one (tok, uri, order[i], _("public key"), &obj);
		if (err == INKAN_OK && order[i] == CKO_PRIVATE_KEY) {
			/* Its partners by CKA_ID know the public half best. */
			inkan_key *key = NULL;

			err = inkan_key_open (tok, uri, &key);
			if (err == INKAN_OK)
				err = inkan_key_get_public (key, out);
			inkan_key_free (key);
			goto out;
		}
		if (err == INKAN_OK) {
			err = inkan_p11_object_pubkey (tok, obj, out);
			goto out;
		}
		if (err != INKAN_ERR_NOT_FOUND && err != INKAN_ERR_USAGE)
			goto out;
	}
	/* Nothing of those classes: the search over every class says what is
	 * there, or finds the one object that is no key at all. */
	err = inkan_p11_find_one (tok, uri, (CK_OBJECT_CLASS) -1, _("key or certificate"), &obj);
	if (err == INKAN_OK)
		err = inkan_fail (INKAN_ERR_UNSUPPORTED, _("%s names no key or certificate"), uri);
out:
	pthread_mutex_unlock (&tok->lock);
	return err;
}

/* The signature buffer's first size: RSA-4096, and any EC key. */
#define SIG_ROOM 512

/* DigestInfo for PKCS#1 v1.5, encoded by OpenSSL (X509_SIG is that type). */
static inkan_err
digest_info (inkan_hash hash, const uint8_t *digest, size_t len, uint8_t **out, size_t *out_len)
{
	X509_SIG *sig = X509_SIG_new ();
	X509_ALGOR *alg;
	ASN1_OCTET_STRING *oct;
	unsigned char *der = NULL;
	int n;
	inkan_err err = INKAN_OK;

	if (sig == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	X509_SIG_getm (sig, &alg, &oct);
	if (!X509_ALGOR_set0 (alg, OBJ_nid2obj (hashes[hash].nid), V_ASN1_NULL, NULL) ||
	    !ASN1_OCTET_STRING_set (oct, digest, (int) len) ||
	    (n = i2d_X509_SIG (sig, &der)) <= 0) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot encode the DigestInfo"));
		goto out;
	}
	*out = der;
	*out_len = (size_t) n;
out:
	X509_SIG_free (sig);
	return err;
}

/*
 * Is SIG, fresh from the token, a signature of DIGEST by KEY?  A card's
 * answer crosses a reader and may come back cut or mangled, and a faulty
 * RSA-CRT signature gives the private key away (Boneh, DeMillo, Lipton),
 * so nothing leaves unchecked that can be checked cheaply: RSA always (a
 * verification costs little next to the signing), ECDSA from removable
 * tokens (on an HSM its check would cost as much as the signature).  A
 * key whose public half the token does not show is not checked.
 */
static inkan_err
check_signature (inkan_key *key, inkan_sig_scheme scheme, inkan_hash hash, const uint8_t *digest,
                 size_t digest_len, const uint8_t *sig, size_t sig_len)
{
	EVP_PKEY *pub = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t *der = NULL;
	size_t der_len = 0;
	inkan_err err = INKAN_OK;

	if ((scheme == INKAN_SIG_ECDSA && !key->tok->removable) || inkan_key_get_public (key, &pub) != INKAN_OK)
		goto out;
	if (scheme == INKAN_SIG_ECDSA) {
		/* r||s: two halves of the order's size */
		if (sig_len != 2 * (size_t) ((EVP_PKEY_get_bits (pub) + 7) / 8) ||
		    inkan_ecdsa_raw_to_der (sig, sig_len, &der, &der_len) != INKAN_OK)
			goto bad;
		sig = der;
		sig_len = der_len;
	} else if (sig_len != (size_t) EVP_PKEY_get_size (pub)) {
		goto bad;
	}
	ctx = EVP_PKEY_CTX_new_from_pkey (NULL, pub, NULL);
	if (ctx == NULL || EVP_PKEY_verify_init (ctx) != 1 ||
	    EVP_PKEY_CTX_set_signature_md (ctx, EVP_get_digestbynid (hashes[hash].nid)) != 1 ||
	    (scheme == INKAN_SIG_PSS && (EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	                                 EVP_PKEY_CTX_set_rsa_pss_saltlen (ctx, RSA_PSS_SALTLEN_DIGEST) != 1))) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot set up verification"));
		goto out;
	}
	if (EVP_PKEY_verify (ctx, sig, sig_len, digest, digest_len) == 1)
		goto out;
bad:
	ERR_clear_error ();
	err = inkan_fail (INKAN_ERR_TOKEN, _("the token's signature with %s does not verify with its public key; "
	                                     "it was not given out"), key->uri);
out:
	EVP_PKEY_CTX_free (ctx);
	EVP_PKEY_free (pub);
	free (der);
	return err;
}

inkan_err
inkan_key_sign_digest (inkan_key *key, inkan_sig_scheme scheme, inkan_hash hash,
                       const uint8_t *digest, size_t digest_len,
                       uint8_t **sig, size_t *sig_len)
{
	CK_RSA_PKCS_PSS_PARAMS pss;
	CK_MECHANISM mech = { 0, NULL, 0 };
	inkan_token *tok = key->tok;
	uint8_t *input = NULL, *out = NULL;
	size_t input_len = digest_len;
	CK_ULONG len = 0;
	inkan_err err = INKAN_OK;
	CK_RV rv;

	if ((unsigned) hash >= sizeof hashes / sizeof hashes[0] || digest_len != hashes[hash].len)
		return inkan_fail (INKAN_ERR_USAGE, _("a %s digest is %zu bytes, not %zu"),
		                   inkan_hash_name (hash), hashes[hash].len, digest_len);
	if ((scheme == INKAN_SIG_ECDSA) != (key->type == INKAN_KEY_EC))
		return inkan_fail (INKAN_ERR_USAGE, _("%s cannot make this kind of signature"), key->uri);

	switch (scheme) {
	case INKAN_SIG_PKCS1:
		/* Hash-and-pad in two steps: cards only know CKM_RSA_PKCS. */
		mech.mechanism = CKM_RSA_PKCS;
		err = digest_info (hash, digest, digest_len, &input, &input_len);
		break;
	case INKAN_SIG_PSS:
		pss.hashAlg = hashes[hash].mech;
		pss.mgf = hashes[hash].mgf;
		pss.sLen = hashes[hash].len;
		mech.mechanism = CKM_RSA_PKCS_PSS;
		mech.pParameter = &pss;
		mech.ulParameterLen = sizeof pss;
		break;
	case INKAN_SIG_ECDSA:
		/* SoftHSM2 2.6 has no CKM_ECDSA_SHA256: the digest is made here. */
		mech.mechanism = CKM_ECDSA;
		break;
	}
	if (err != INKAN_OK)
		return err;

	/* One C_Sign into room for any signature up to RSA-4096, not a call
	 * for the length first: on an HSM signing thousands a second, each
	 * call is the module's locks again.  A larger one is told its length
	 * by CKR_BUFFER_TOO_SMALL, which leaves the operation active. */
	len = SIG_ROOM;
	if ((out = malloc (len)) == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	pthread_mutex_lock (&tok->lock);
	rv = tok->module->C_SignInit (tok->session, &mech, key->handle);
	if (rv == CKR_OK)
		rv = tok->module->C_Sign (tok->session, input ? input : (CK_BYTE *) digest,
		                          input_len, out, &len);
	if (rv == CKR_BUFFER_TOO_SMALL) {
		uint8_t *bigger = len > SIG_ROOM ? realloc (out, len) : NULL;

		if (bigger == NULL) {
			/* PKCS#11 2.40 cannot cancel the operation: the session's
			 * next C_SignInit fails, and inkand reopens it. */
			rv = CKR_HOST_MEMORY;
		} else {
			out = bigger;
			rv = tok->module->C_Sign (tok->session, input ? input : (CK_BYTE *) digest,
			                          input_len, out, &len);
		}
	}
	pthread_mutex_unlock (&tok->lock);
	if (rv != CKR_OK) {
		err = inkan_p11_fail (rv, key->uri);
		goto out;
	}
	err = check_signature (key, scheme, hash, digest, digest_len, out, len);
	if (err != INKAN_OK)
		goto out;
	*sig = out;
	*sig_len = len;
	out = NULL;
out:
	free (out);
	OPENSSL_free (input);
	return err;
}
