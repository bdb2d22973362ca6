/* Shared inside src/cert: the view being built, and the profile decoders. */
#ifndef INKAN_CERTINT_H
#define INKAN_CERTINT_H

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <inkan/ca.h>
#include <inkan/cert.h>
#include "src/util/internal.h"

struct inkan_cert_view {
	inkan_cert_profile profile;
	int test;
	inkan_cert_field *fields;
	size_t n, cap;
	int nomem;
};

/* A field; VALUE is printf-formatted; RAW may be NULL. */
void view_add (inkan_cert_view *v, inkan_cert_section s, const char *key, const char *label,
               const char *raw, const char *fmt, ...) __attribute__((format (printf, 6, 7)));
/* A field that could not be decoded, and why. */
void view_bad (inkan_cert_view *v, inkan_cert_section s, const char *key, const char *label,
               const char *why);
/* 1 when dates are shown in Japanese era form (LC_TIME is Japanese). */
int view_japanese (void);
/* A calendar date as the locale shows it (no time). */
void view_date_text (int y, int m, int d, char *buf, size_t size);

/* "AB:CD:…" of CERT's MD digest in BUF (3 bytes per digest byte); 0 on failure. */
int cert_fingerprint (X509 *cert, const EVP_MD *md, char *buf, size_t size);

/* The name of the pin CERT matches, with its algorithm in *ALG; or NULL. */
const char *ca_pins_match (const inkan_ca_pins *pins, X509 *cert, const char **alg);

/* The text of EXT on one line, valid UTF-8, malloc'd; NULL when it cannot
 * be decoded (no decoder for its OID, malformed DER) or for lack of memory. */
char *ext_text (X509_EXTENSION *ext);

/* The value of otherName TYPE in GENS, or NULL. */
const ASN1_TYPE *othername_value (const GENERAL_NAMES *gens, const char *oid);

/* Whether NAME has a NID attribute whose text is VALUE. */
int name_has (const X509_NAME *name, int nid, const char *value);

/* The CA or TSA profile of CERT (GENERIC when it is neither or unknown). */
inkan_cert_profile ca_profile_of (X509 *cert);
/* What kind of CA P is, as the Kind field says it; NULL for other profiles. */
const char *ca_kind (inkan_cert_profile p, X509 *cert);
/* The CA's fields for the basic section: which JPKI CA, the NPKI operator. */
void ca_fields (inkan_cert_view *v, X509 *cert);
/* 1 when CERT belongs to a test hierarchy. */
int cert_is_test (X509 *cert);

/* Profiles: their fields for the basic section. */
void jpki_sign_fields (inkan_cert_view *v, X509 *cert);
void kr_fields (inkan_cert_view *v, X509 *cert);

/* KISA's identity data in an NPKI subjectAltName (otherName
 * 1.2.410.200004.10.1.1): the real name and the VID. */
typedef struct {
	X509_ALGOR *hash_alg;
	ASN1_OCTET_STRING *virtual_id;
} KISA_VID;
typedef struct {
	ASN1_OBJECT *type;
	KISA_VID *vid;
} KISA_VID_INFO;
DEFINE_STACK_OF (KISA_VID_INFO)
typedef struct {
	ASN1_UTF8STRING *real_name;
	STACK_OF(KISA_VID_INFO) *infos;
} KISA_IDENTIFY_DATA;
DECLARE_ASN1_FUNCTIONS (KISA_IDENTIFY_DATA)
typedef struct {
	ASN1_PRINTABLESTRING *idn;
	ASN1_BIT_STRING *random;
} KISA_VID_INPUT;
DECLARE_ASN1_FUNCTIONS (KISA_VID_INPUT)
#define KISA_IDENTIFY_DATA_OID "1.2.410.200004.10.1.1"
/* The identity data of CERT: NULL with *PRESENT 0 when it has none, NULL
 * with *PRESENT 1 when it is malformed. */
KISA_IDENTIFY_DATA *kisa_identify_data (X509 *cert, int *present);

#endif
