/* The registration record's ASN.1, by OpenSSL's template macros. */
#ifndef INKAN_REGISTER_ASN1_H
#define INKAN_REGISTER_ASN1_H

#include <openssl/asn1t.h>
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

DECLARE_ASN1_FUNCTIONS (INKAN_DOCUMENT_REF)
DECLARE_ASN1_FUNCTIONS (INKAN_REGISTRATION)

#endif
