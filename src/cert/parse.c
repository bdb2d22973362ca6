/* Certificates from bytes: PEM (one or many), DER, a DER SEQUENCE OF
 * Certificate, or PKCS#7 bundles. */
#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>

#include <inkan/cert.h>
#include "src/util/internal.h"

/* CertificateSet ::= SEQUENCE OF Certificate, as Korean toolkits ship
 * their CA bundles. */
typedef STACK_OF(X509) CERT_SEQUENCE;
ASN1_ITEM_TEMPLATE (CERT_SEQUENCE) =
	ASN1_EX_TEMPLATE_TYPE (ASN1_TFLG_SEQUENCE_OF, 0, CertificateSet, X509)
ASN1_ITEM_TEMPLATE_END (CERT_SEQUENCE)

static int
take_sequence (const uint8_t *data, size_t len, STACK_OF(X509) *out)
{
	const unsigned char *p = data;
	STACK_OF(X509) *seq = (STACK_OF(X509) *) ASN1_item_d2i (NULL, &p, (long) len, ASN1_ITEM_rptr (CERT_SEQUENCE));
	int exact = seq != NULL && p == data + len && sk_X509_num (seq) > 0;

	if (exact)
		X509_add_certs (out, seq, X509_ADD_FLAG_UP_REF);
	sk_X509_pop_free (seq, X509_free);
	return exact;
}

static int
take_pkcs7 (PKCS7 *p7, STACK_OF(X509) *out)
{
	STACK_OF(X509) *certs = NULL;
	int i;

	if (p7 == NULL)
		return 0;
	if (PKCS7_type_is_signed (p7) && p7->d.sign != NULL)
		certs = p7->d.sign->cert;
	else if (PKCS7_type_is_signedAndEnveloped (p7) && p7->d.signed_and_enveloped != NULL)
		certs = p7->d.signed_and_enveloped->cert;
	for (i = 0; i < sk_X509_num (certs); i++)
		X509_add_cert (out, sk_X509_value (certs, i), X509_ADD_FLAG_UP_REF);
	PKCS7_free (p7);
	return sk_X509_num (out) > 0;
}

static int
take_pem (BIO *bio, STACK_OF(X509) *out)
{
	X509 *x;

	while ((x = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
		sk_X509_push (out, x);
	return sk_X509_num (out) > 0;
}

inkan_err
inkan_certs_parse (const uint8_t *data, size_t len, STACK_OF(X509) **out)
{
	STACK_OF(X509) *certs = sk_X509_new_null ();
	const unsigned char *p;
	X509 *x;
	BIO *bio = NULL;
	int found = 0;
	inkan_err err = INKAN_OK;

	if (certs == NULL || len > INT32_MAX) {
		err = inkan_fail (len > INT32_MAX ? INKAN_ERR_BAD_INPUT : INKAN_ERR_NOMEM, "%s",
		                  len > INT32_MAX ? _("the input is too large") : _("out of memory"));
		goto out;
	}
	/* DER first: it is exact, and PEM's reader would skip binary noise */
	p = data;
	if ((x = d2i_X509 (NULL, &p, (long) len)) != NULL && p == data + len) {
		found = sk_X509_push (certs, x) > 0;
	} else {
		X509_free (x);
		found = take_sequence (data, len, certs);
		p = data;
		if (!found)
			found = take_pkcs7 (d2i_PKCS7 (NULL, &p, (long) len), certs);
	}
	if (!found && (bio = BIO_new_mem_buf (data, (int) len)) != NULL) {
		found = take_pem (bio, certs);
		if (!found && BIO_reset (bio) == 1)
			found = take_pkcs7 (PEM_read_bio_PKCS7 (bio, NULL, NULL, NULL), certs);
	}
	ERR_clear_error ();
	if (!found)
		err = inkan_fail (INKAN_ERR_BAD_INPUT, "%s",
		                  _("no certificate found (not PEM, DER, a SEQUENCE OF certificates or a PKCS#7 bundle, or truncated)"));
out:
	BIO_free (bio);
	if (err != INKAN_OK)
		sk_X509_pop_free (certs, X509_free);
	else
		*out = certs;
	return err;
}
