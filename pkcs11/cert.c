/* Certificates in and out of a token. */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pkcs11/p11.h"
#include "src/util/internal.h"

/* The CKA_ID of the key on TOK whose public half is PUB. */
static inkan_err
id_of_key_for (inkan_token *tok, EVP_PKEY *pub, CK_BYTE **id, CK_ULONG *id_len)
{
	static const CK_OBJECT_CLASS order[] = { CKO_PUBLIC_KEY, CKO_PRIVATE_KEY };
	CK_OBJECT_HANDLE *found = NULL;
	CK_ULONG n = 0, i;
	inkan_err err = INKAN_OK;
	size_t c;

	for (c = 0; c < 2; c++) {
		CK_OBJECT_CLASS cls = order[c];
		CK_ATTRIBUTE tmpl = { CKA_CLASS, &cls, sizeof cls };

		err = inkan_p11_find (tok, &tmpl, 1, &found, &n);
		if (err != INKAN_OK)
			return err;
		for (i = 0; i < n; i++) {
			EVP_PKEY *k = NULL;
			int same;

			if (inkan_p11_object_pubkey (tok, found[i], &k) != INKAN_OK)
				continue;
			same = EVP_PKEY_eq (k, pub) == 1;
			EVP_PKEY_free (k);
			if (same) {
				err = inkan_p11_get_attr (tok, found[i], CKA_ID, id, id_len);
				free (found);
				return err;
			}
		}
		free (found);
		found = NULL;
	}
	return inkan_fail (INKAN_ERR_NOT_FOUND,
	                   _("no key on token \"%s\" matches the certificate: the certificate needs the ID to "
	                     "store it under"), tok->info.label);
}


inkan_err
inkan_cert_import (inkan_token *tok, const uint8_t *der, size_t der_len, const char *label,
                   const uint8_t *id, size_t id_len, char **uri_out)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE ctype = CKC_X_509;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	const unsigned char *p = der;
	unsigned char *subject = NULL, *issuer = NULL, *serial = NULL;
	int subject_len, issuer_len, serial_len;
	CK_BYTE *key_id = NULL;
	CK_ULONG key_id_len = 0;
	CK_OBJECT_HANDLE obj;
	EVP_PKEY *pub = NULL;
	X509 *x;
	inkan_err err = INKAN_OK;
	CK_RV rv;

	x = d2i_X509 (NULL, &p, (long) der_len);
	if (x == NULL || p != der + der_len) {
		X509_free (x);
		return inkan_fail_ossl (INKAN_ERR_BAD_INPUT, "%s", _("not a DER or PEM X.509 certificate"));
	}
	subject_len = i2d_X509_NAME (X509_get_subject_name (x), &subject);
	issuer_len = i2d_X509_NAME (X509_get_issuer_name (x), &issuer);
	serial_len = i2d_ASN1_INTEGER (X509_get0_serialNumber (x), &serial);
	if (subject_len <= 0 || issuer_len <= 0 || serial_len <= 0) {
		err = inkan_fail_ossl (INKAN_ERR_BAD_INPUT, "%s", _("cannot encode the certificate's names"));
		goto out;
	}

	pthread_mutex_lock (&tok->lock);
	if (id == NULL || id_len == 0) {
		pub = X509_get_pubkey (x);
		err = pub ? id_of_key_for (tok, pub, &key_id, &key_id_len)
		          : inkan_fail_ossl (INKAN_ERR_BAD_INPUT, "%s", _("the certificate's key is malformed"));
		id = key_id;
		id_len = key_id_len;
	}
	if (err == INKAN_OK) {
		CK_ATTRIBUTE tmpl[] = {
			{ CKA_CLASS, &cls, sizeof cls },
			{ CKA_CERTIFICATE_TYPE, &ctype, sizeof ctype },
			{ CKA_TOKEN, &yes, sizeof yes },
			{ CKA_PRIVATE, &no, sizeof no },
			{ CKA_LABEL, (void *) label, strlen (label) },
			{ CKA_SUBJECT, subject, (CK_ULONG) subject_len },
			{ CKA_ISSUER, issuer, (CK_ULONG) issuer_len },
			{ CKA_SERIAL_NUMBER, serial, (CK_ULONG) serial_len },
			{ CKA_VALUE, (void *) der, der_len },
			{ CKA_ID, (void *) id, id_len },
		};

		rv = tok->module->C_CreateObject (tok->session, tmpl, sizeof tmpl / sizeof tmpl[0], &obj);
		if (rv != CKR_OK)
			err = inkan_p11_fail (rv, _("storing the certificate"));
		else if (uri_out != NULL)
			err = inkan_p11_object_uri (tok, obj, uri_out);
	}
	pthread_mutex_unlock (&tok->lock);
out:
	EVP_PKEY_free (pub);
	free (key_id);
	OPENSSL_free (subject);
	OPENSSL_free (issuer);
	OPENSSL_free (serial);
	X509_free (x);
	return err;
}

inkan_err
inkan_cert_export (inkan_token *tok, const char *uri, uint8_t **der, size_t *der_len)
{
	CK_OBJECT_HANDLE obj;
	CK_BYTE *value = NULL;
	CK_ULONG len = 0;
	inkan_err err;

	pthread_mutex_lock (&tok->lock);
	err = inkan_p11_find_one (tok, uri, CKO_CERTIFICATE, _("certificate"), &obj);
	if (err == INKAN_OK)
		err = inkan_p11_get_attr (tok, obj, CKA_VALUE, &value, &len);
	pthread_mutex_unlock (&tok->lock);
	if (err == INKAN_OK && value == NULL)
		err = inkan_fail (INKAN_ERR_TOKEN, _("the token shows no value for the certificate %s"), uri);
	if (err != INKAN_OK)
		return err;
	*der = value;
	*der_len = len;
	return INKAN_OK;
}

void
inkan_token_certs_free (inkan_token_cert *certs, size_t n)
{
	size_t i;

	for (i = 0; certs != NULL && i < n; i++) {
		inkan_p11_object_info_clear (&certs[i].object);
		free (certs[i].der);
	}
	free (certs);
}

inkan_err
inkan_token_certs (inkan_token *tok, inkan_token_cert **out, size_t *n_out)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_ATTRIBUTE tmpl = { CKA_CLASS, &cls, sizeof cls };
	CK_OBJECT_HANDLE *found = NULL;
	inkan_token_cert *certs = NULL;
	CK_ULONG n = 0, i, len = 0;
	inkan_err err;

	pthread_mutex_lock (&tok->lock);
	err = inkan_p11_find (tok, &tmpl, 1, &found, &n);
	if (err == INKAN_OK && (certs = calloc (n ? n : 1, sizeof *certs)) == NULL)
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	for (i = 0; err == INKAN_OK && i < n; i++) {
		err = inkan_p11_object_describe (tok, found[i], &certs[i].object);
		if (err == INKAN_OK)
			err = inkan_p11_get_attr (tok, found[i], CKA_VALUE, &certs[i].der, &len);
		certs[i].der_len = len;
		if (err == INKAN_OK && certs[i].der == NULL)
			err = inkan_fail (INKAN_ERR_TOKEN, _("the token shows no value for the certificate %s"),
			                  certs[i].object.uri);
	}
	pthread_mutex_unlock (&tok->lock);
	free (found);
	if (err != INKAN_OK) {
		inkan_token_certs_free (certs, n);
		return err;
	}
	*out = certs;
	*n_out = n;
	return INKAN_OK;
}
