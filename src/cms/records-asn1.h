/* The ASN.1 of inkan's signed records (registrations, evidence), by
 * OpenSSL's template macros; specified in doc/registration-record.md
 * and doc/evidence.md. */
#ifndef INKAN_RECORDS_ASN1_H
#define INKAN_RECORDS_ASN1_H

#include <openssl/asn1t.h>
#include <stdint.h>
#include <openssl/x509.h>

typedef struct {
	ASN1_UTF8STRING *name;
	ASN1_INTEGER *size;
	X509_SIG *digest;                       /* DigestInfo */
} INKAN_DOCUMENT_REF;

typedef struct {
	ASN1_INTEGER *version;
	ASN1_OCTET_STRING *record_id;
	INKAN_DOCUMENT_REF *document;
	ASN1_UTF8STRING *sender;
	STACK_OF(ASN1_UTF8STRING) *recipients;
	ASN1_GENERALIZEDTIME *registered_at;
} INKAN_REGISTRATION;

/* An original (from the certified e-document centre) or distribution
 * (from the hub) certificate: a signed statement about one document. */
typedef struct {
	ASN1_INTEGER *version;
	ASN1_ENUMERATED *kind;
	ASN1_OCTET_STRING *certificate_id;
	INKAN_DOCUMENT_REF *document;
	ASN1_UTF8STRING *issuer;
	ASN1_GENERALIZEDTIME *issued_at;
} INKAN_EVIDENCE;

DECLARE_ASN1_FUNCTIONS (INKAN_DOCUMENT_REF)
DECLARE_ASN1_FUNCTIONS (INKAN_REGISTRATION)
DECLARE_ASN1_FUNCTIONS (INKAN_EVIDENCE)

/* d2i of IT that accepts only DER: the bytes must re-encode identically,
 * so that what was signed is exactly what is read.  NULL when not. */
void *inkan_asn1_decode_der (const ASN1_ITEM *it, const unsigned char *der, size_t len);

/* The DocumentRef fields, set from a name, a size and a SHA-256. */
int inkan_document_ref_set (INKAN_DOCUMENT_REF *ref, const char *name, uint64_t size,
                            const unsigned char sha256[32]);

#endif
