#include <string.h>
#include <openssl/objects.h>

#include "src/cms/records-asn1.h"

ASN1_SEQUENCE (INKAN_DOCUMENT_REF) = {
	ASN1_SIMPLE (INKAN_DOCUMENT_REF, name, ASN1_UTF8STRING),
	ASN1_SIMPLE (INKAN_DOCUMENT_REF, size, ASN1_INTEGER),
	ASN1_SIMPLE (INKAN_DOCUMENT_REF, digest, X509_SIG),
} ASN1_SEQUENCE_END (INKAN_DOCUMENT_REF)

ASN1_SEQUENCE (INKAN_REGISTRATION) = {
	ASN1_SIMPLE (INKAN_REGISTRATION, version, ASN1_INTEGER),
	ASN1_SIMPLE (INKAN_REGISTRATION, record_id, ASN1_OCTET_STRING),
	ASN1_SIMPLE (INKAN_REGISTRATION, document, INKAN_DOCUMENT_REF),
	ASN1_SIMPLE (INKAN_REGISTRATION, sender, ASN1_UTF8STRING),
	ASN1_SEQUENCE_OF (INKAN_REGISTRATION, recipients, ASN1_UTF8STRING),
	ASN1_SIMPLE (INKAN_REGISTRATION, registered_at, ASN1_GENERALIZEDTIME),
} ASN1_SEQUENCE_END (INKAN_REGISTRATION)

ASN1_SEQUENCE (INKAN_EVIDENCE) = {
	ASN1_SIMPLE (INKAN_EVIDENCE, version, ASN1_INTEGER),
	ASN1_SIMPLE (INKAN_EVIDENCE, kind, ASN1_ENUMERATED),
	ASN1_SIMPLE (INKAN_EVIDENCE, certificate_id, ASN1_OCTET_STRING),
	ASN1_SIMPLE (INKAN_EVIDENCE, document, INKAN_DOCUMENT_REF),
	ASN1_SIMPLE (INKAN_EVIDENCE, issuer, ASN1_UTF8STRING),
	ASN1_SIMPLE (INKAN_EVIDENCE, issued_at, ASN1_GENERALIZEDTIME),
} ASN1_SEQUENCE_END (INKAN_EVIDENCE)

IMPLEMENT_ASN1_FUNCTIONS (INKAN_DOCUMENT_REF)
IMPLEMENT_ASN1_FUNCTIONS (INKAN_REGISTRATION)
IMPLEMENT_ASN1_FUNCTIONS (INKAN_EVIDENCE)

void *
inkan_asn1_decode_der (const ASN1_ITEM *it, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	ASN1_VALUE *v = ASN1_item_d2i (NULL, &p, (long) len, it);
	unsigned char *again = NULL;
	int n = v && p == der + len ? ASN1_item_i2d (v, &again, it) : -1;

	if (n != (int) len || memcmp (again, der, len) != 0) {
		ASN1_item_free (v, it);
		v = NULL;
	}
	OPENSSL_free (again);
	return v;
}

int
inkan_document_ref_set (INKAN_DOCUMENT_REF *ref, const char *name, uint64_t size, const unsigned char sha256[32])
{
	X509_ALGOR *alg;
	ASN1_OCTET_STRING *digest;

	X509_SIG_getm (ref->digest, &alg, &digest);
	return name != NULL && ASN1_STRING_set (ref->name, name, (int) strlen (name)) &&
	       ASN1_INTEGER_set_uint64 (ref->size, size) &&
	       X509_ALGOR_set0 (alg, OBJ_nid2obj (NID_sha256), V_ASN1_NULL, NULL) &&
	       ASN1_OCTET_STRING_set (digest, sha256, 32);
}
