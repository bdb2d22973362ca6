/* inkan — CMS SignedData (RFC 5652) made on a token key, and checked. */
#ifndef INKAN_CMS_H
#define INKAN_CMS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <openssl/types.h>
#include <openssl/x509.h>
#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/key.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	INKAN_CMS_DETACHED = 1 << 0,    /* the content is not carried inside */
	INKAN_CMS_PSS = 1 << 1,         /* RSA keys: RSA-PSS instead of PKCS#1 v1.5 */
};

/*
 * Sign DATA with KEY, whose certificate is CERT; CHAIN (may be NULL) is
 * carried along.  Signed attributes: content-type, message-digest,
 * signing-time and ESS signing-certificate-v2.  *DER is the ContentInfo,
 * free()d by the caller.
 */
INKAN_API inkan_err inkan_cms_sign (inkan_key *key, X509 *cert, STACK_OF(X509) *chain,
                                    inkan_hash hash, unsigned flags,
                                    const uint8_t *data, size_t data_len,
                                    uint8_t **der, size_t *der_len);

typedef struct {
	X509_STORE *anchors;            /* NULL: the signature only, the signer unchecked */
	STACK_OF(X509) *untrusted;      /* extra intermediates, may be NULL */
	const uint8_t *content;         /* for detached signatures, else NULL */
	size_t content_len;
	/* Also ask this validator (path and revocation: CRL, OCSP, SCVP)
	 * about the signer; anything but "good" refuses.  May be NULL. */
	struct inkan_validator *validator;
} inkan_cms_check;

typedef struct {
	char signer[256];               /* the signer certificate's subject */
	char signer_issuer[256];
	char digest_alg[32];            /* "sha256" */
	char signature_alg[32];         /* "ecdsa-with-SHA256", "rsassaPss", ... */
	time_t signing_time;            /* 0: none given */
	int signer_verified;            /* the signer's certificate chained to ANCHORS */
	int has_signing_cert_v2;        /* ESS signing-certificate-v2 present and matching */
	char signer_status[16];         /* the validator's verdict ("good", "revoked"...), or "" */
	uint8_t content_sha256[32];
	uint8_t *content;               /* the signed content, malloc'd (free with free()) */
	size_t content_len;
} inkan_cms_report;

/* Check the SignedData in DER (or PEM) IN: one signer, its signature over
 * the content, its certificate chain when anchors are given, and the ESS
 * attribute when present.  INKAN_ERR_BAD_SIGNATURE / _REJECTED with the
 * detail naming what failed. */
INKAN_API inkan_err inkan_cms_verify (const uint8_t *in, size_t in_len, const inkan_cms_check *check,
                                      inkan_cms_report *report);

INKAN_API void inkan_cms_report_clear (inkan_cms_report *report);

#ifdef __cplusplus
}
#endif

#endif
