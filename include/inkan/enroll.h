/* inkan — certificate enrolment with a CA over CMP (RFC 4210/9480, the
 * Lightweight CMP profile of RFC 9483 as far as OpenSSL 3.0 allows). */
#ifndef INKAN_ENROLL_H
#define INKAN_ENROLL_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/x509.h>
#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/key.h>
#include <inkan/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One CA as a client sees it: its URL, how requests are protected and whom
 * answers are trusted from.  Not shared between threads while in use. */
typedef struct inkan_enroll inkan_enroll;

/* SERVER is the CA's CMP URL ("http://127.0.0.1:8080/pkix/"). */
INKAN_API inkan_err inkan_enroll_new (const char *server, inkan_enroll **out);
/* NULL is fine. */
INKAN_API void inkan_enroll_free (inkan_enroll *e);

/* The whole exchange, polling included, ends within SECONDS (1 to 3600,
 * default 60); past it, INKAN_ERR_IO with the detail saying so.  A CA
 * that refuses connections is retried until then (OpenSSL's way). */
INKAN_API inkan_err inkan_enroll_set_timeout (inkan_enroll *e, int seconds);

/* Certificates that may sign the CA's answers (and its root for the
 * issued certificate's chain).  Taken by reference. */
INKAN_API inkan_err inkan_enroll_add_trusted (inkan_enroll *e, X509 *cert);

/* Protect requests with a MAC (PBM) under REF and SECRET (copied), or
 * with a signature by KEY, whose certificate is CERT (an RA's or the
 * holder's own).  The last one set wins. */
INKAN_API inkan_err inkan_enroll_set_mac (inkan_enroll *e, const char *ref, const inkan_secret *secret);
INKAN_API inkan_err inkan_enroll_set_signer (inkan_enroll *e, X509 *cert, inkan_key *key);

/* What the CA said to the last exchange; valid until the next one. */
typedef struct {
	int status;             /* PKIStatus: 0 accepted ... 6 keyUpdateWarning; -1 no answer */
	const char *status_name; /* "accepted", "rejection", ...; "none" for -1 */
	uint32_t fail_info;     /* PKIFailureInfo bits, bit 0 = badAlg */
	const char *text;       /* the CA's freeText ("; " between strings, control
	                         * characters and broken UTF-8 as '?', 1 KiB at
	                         * most), or NULL */
} inkan_enroll_answer;

INKAN_API const inkan_enroll_answer *inkan_enroll_last_answer (const inkan_enroll *e);
/* The name of PKIFailureInfo bit BIT ("badPOP", "certRevoked"), or NULL. */
INKAN_API const char *inkan_enroll_fail_info_name (unsigned bit);

/* A certificate for the public half of KEY, for SUBJECT with SANS as in
 * inkan_csr_new; the proof of possession is signed with KEY on its token.
 * INKAN_ERR_REJECTED when the CA refused (inkan_enroll_last_answer says
 * why); INKAN_ERR_IO when it could not be reached or answered nonsense;
 * INKAN_ERR_BAD_SIGNATURE when the answer's protection does not verify or
 * the certificate does not certify KEY.  Free *OUT with X509_free. */
INKAN_API inkan_err inkan_enroll_ir (inkan_enroll *e, inkan_key *key, const X509_NAME *subject,
                                     const char *const *sans, size_t n_sans, X509 **out);
INKAN_API inkan_err inkan_enroll_cr (inkan_enroll *e, inkan_key *key, const X509_NAME *subject,
                                     const char *const *sans, size_t n_sans, X509 **out);
/* A certificate for what CSR asks, as the CA agrees to it. */
INKAN_API inkan_err inkan_enroll_p10cr (inkan_enroll *e, X509_REQ *csr, X509 **out);
/* Renewal: a certificate for NEW_KEY (OLD_KEY again is allowed) in
 * place of OLD_CERT, the request signed by OLD_KEY (RFC 9483 4.1.3: the
 * MAC or signer set above is not used for it). */
INKAN_API inkan_err inkan_enroll_kur (inkan_enroll *e, inkan_key *new_key, X509 *old_cert,
                                      inkan_key *old_key, X509 **out);
/* Revoke CERT for REASON (CRLReason, RFC 5280; -1 for none given). */
INKAN_API inkan_err inkan_enroll_rr (inkan_enroll *e, X509 *cert, int reason);

#ifdef __cplusplus
}
#endif

#endif
