/* RFC 5055 (SCVP) structures, as OpenSSL ASN.1 templates: the parts of
 * CVRequest and CVResponse that inkan sends and reads.  Attribute
 * certificate references are not modelled. */
#ifndef INKAN_SCVP_ASN1_H
#define INKAN_SCVP_ASN1_H

#include <openssl/asn1t.h>
#include <openssl/x509v3.h>

typedef struct {
	ASN1_OBJECT *algorithm;
	ASN1_TYPE *parameters;
} SCVP_ALG;                             /* ValidationAlg, ValidationPolRef */

typedef struct {
	ASN1_OCTET_STRING *cert_hash;
	GENERAL_NAMES *issuer;
	ASN1_INTEGER *serial;
	X509_ALGOR *hash_alg;           /* absent: SHA-1 */
} SCVP_CERT_ID;

/* PKCReference ::= CHOICE { cert [0] Certificate, pkcRef [1] SCVPCertID } */
typedef struct {
	int type;
	union {
		X509 *cert;
		SCVP_CERT_ID *ref;
	} d;
} SCVP_PKC_REF;
DEFINE_STACK_OF (SCVP_PKC_REF)

/* CertReferences: only pkcRefs [0]; acRefs are not modelled. */
typedef struct {
	int type;
	union {
		STACK_OF(SCVP_PKC_REF) *pkc_refs;
	} d;
} SCVP_CERT_REFS;

typedef struct {
	SCVP_ALG *pol_ref;
	SCVP_ALG *alg;
	STACK_OF(ASN1_OBJECT) *user_policy_set;
	ASN1_BOOLEAN inhibit_policy_mapping;
	ASN1_BOOLEAN require_explicit_policy;
	ASN1_BOOLEAN inhibit_any_policy;
	STACK_OF(SCVP_PKC_REF) *trust_anchors;
	STACK_OF(ASN1_BIT_STRING) *key_usages;
	STACK_OF(ASN1_OBJECT) *ext_key_usages;
	STACK_OF(ASN1_OBJECT) *specified_key_usages;
} SCVP_VAL_POLICY;

typedef struct {
	ASN1_BOOLEAN full_request_in_response;
	ASN1_BOOLEAN resp_val_pol_by_ref;
	ASN1_BOOLEAN protect_response;
	ASN1_BOOLEAN cached_response;
} SCVP_RESPONSE_FLAGS;

typedef struct {
	SCVP_CERT_REFS *queried_certs;
	STACK_OF(ASN1_OBJECT) *checks;
	STACK_OF(ASN1_OBJECT) *want_back;
	SCVP_VAL_POLICY *validation_policy;
	SCVP_RESPONSE_FLAGS *response_flags;
	ASN1_OCTET_STRING *server_context_info;
	ASN1_GENERALIZEDTIME *validation_time;
	STACK_OF(X509) *intermediate_certs;
	STACK_OF(ASN1_TYPE) *rev_infos;
	ASN1_GENERALIZEDTIME *produced_at;
	STACK_OF(X509_EXTENSION) *extensions;
} SCVP_QUERY;

typedef struct {
	ASN1_INTEGER *version;          /* absent: 1 */
	SCVP_QUERY *query;
	GENERAL_NAMES *requestor_ref;
	ASN1_OCTET_STRING *nonce;
	GENERAL_NAME *requestor_name;
	GENERAL_NAME *responder_name;
	STACK_OF(X509_EXTENSION) *extensions;
	X509_ALGOR *signature_alg;
	ASN1_OBJECT *hash_alg;
	ASN1_UTF8STRING *requestor_text;
} SCVP_CV_REQUEST;

/* ContentInfo carrying an unsigned CVRequest. */
typedef struct {
	ASN1_OBJECT *content_type;
	SCVP_CV_REQUEST *request;
} SCVP_REQUEST_INFO;

typedef struct {
	ASN1_ENUMERATED *status_code;   /* absent: okay */
	ASN1_UTF8STRING *error_message;
} SCVP_RESPONSE_STATUS;

typedef struct {
	X509_ALGOR *algorithm;          /* absent: SHA-1 */
	ASN1_OCTET_STRING *value;
} SCVP_HASH_VALUE;

/* RequestReference ::= CHOICE { requestHash [0] HashValue, fullRequest [1] CVRequest } */
typedef struct {
	int type;
	union {
		SCVP_HASH_VALUE *hash;
		SCVP_CV_REQUEST *full;
	} d;
} SCVP_REQUEST_REF;

typedef struct {
	ASN1_OBJECT *check;
	ASN1_INTEGER *status;           /* absent: 0 */
} SCVP_REPLY_CHECK;
DEFINE_STACK_OF (SCVP_REPLY_CHECK)

typedef struct {
	ASN1_OBJECT *wb;
	ASN1_OCTET_STRING *value;
} SCVP_REPLY_WANT_BACK;
DEFINE_STACK_OF (SCVP_REPLY_WANT_BACK)

typedef struct {
	SCVP_PKC_REF *cert;
	ASN1_ENUMERATED *reply_status;  /* absent: success */
	ASN1_GENERALIZEDTIME *reply_val_time;
	STACK_OF(SCVP_REPLY_CHECK) *reply_checks;
	STACK_OF(SCVP_REPLY_WANT_BACK) *reply_want_backs;
	STACK_OF(ASN1_OBJECT) *validation_errors;
	ASN1_GENERALIZEDTIME *next_update;
	STACK_OF(X509_EXTENSION) *extensions;
} SCVP_CERT_REPLY;
DEFINE_STACK_OF (SCVP_CERT_REPLY)

typedef struct SCVP_CV_RESPONSE_st {
	ASN1_INTEGER *version;
	ASN1_INTEGER *server_configuration_id;
	ASN1_GENERALIZEDTIME *produced_at;
	SCVP_RESPONSE_STATUS *response_status;
	SCVP_VAL_POLICY *resp_validation_policy;
	SCVP_REQUEST_REF *request_ref;
	GENERAL_NAMES *requestor_ref;
	GENERAL_NAMES *requestor_name;
	STACK_OF(SCVP_CERT_REPLY) *reply_objects;
	ASN1_OCTET_STRING *nonce;
	ASN1_OCTET_STRING *server_context_info;
	STACK_OF(X509_EXTENSION) *extensions;
	ASN1_UTF8STRING *requestor_text;
} SCVP_CV_RESPONSE;

DECLARE_ASN1_FUNCTIONS (SCVP_PKC_REF)
DECLARE_ASN1_FUNCTIONS (SCVP_ALG)
DECLARE_ASN1_FUNCTIONS (SCVP_CERT_REFS)
DECLARE_ASN1_FUNCTIONS (SCVP_VAL_POLICY)
DECLARE_ASN1_FUNCTIONS (SCVP_QUERY)
DECLARE_ASN1_FUNCTIONS (SCVP_CV_REQUEST)
DECLARE_ASN1_FUNCTIONS (SCVP_REQUEST_INFO)
DECLARE_ASN1_FUNCTIONS (SCVP_REPLY_CHECK)
DECLARE_ASN1_FUNCTIONS (SCVP_CERT_REPLY)
DECLARE_ASN1_FUNCTIONS (SCVP_CV_RESPONSE)

/* RFC 5055 object identifiers. */
#define SCVP_OID_CT_CVREQUEST   "1.2.840.113549.1.9.16.1.10"
#define SCVP_OID_CT_CVRESPONSE  "1.2.840.113549.1.9.16.1.11"
#define SCVP_OID_STC_STATUS_PATH "1.3.6.1.5.5.7.17.3"
#define SCVP_OID_SWB_BEST_PATH  "1.3.6.1.5.5.7.18.1"
#define SCVP_OID_SVP_DEFAULT    "1.3.6.1.5.5.7.19.1"
#define SCVP_OID_BVAE_REVOKED   "1.3.6.1.5.5.7.19.3.5"

#endif
