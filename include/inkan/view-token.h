/* inkan — view-auth tokens: what a relay hands a recipient so that the
 * viewing system shows them one document, for a while.  A JWS compact
 * serialisation (RFC 7515), signed on the relay's token key. */
#ifndef INKAN_VIEW_TOKEN_H
#define INKAN_VIEW_TOKEN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <openssl/types.h>
#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/key.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	INKAN_VIEW_RECIPIENT_ADDRESS,   /* a certified e-address */
	INKAN_VIEW_RECIPIENT_CI,        /* a connecting-information value */
} inkan_view_recipient_kind;

typedef struct {
	inkan_view_recipient_kind kind;
	const char *recipient;
	const uint8_t *doc_sha256;      /* 32 bytes */
	long ttl;                       /* seconds */
	time_t now;                     /* 0: the clock */
} inkan_view_token_claims;

/* Sign a token for CLAIMS with KEY, whose certificate is CERT (it names the
 * issuing relay and travels as its SHA-256 thumbprint).  *TOKEN_OUT is
 * free()d by the caller. */
INKAN_API inkan_err inkan_view_token_issue (inkan_key *key, X509 *cert,
                                            const inkan_view_token_claims *claims,
                                            char **token_out);

typedef struct {
	X509 *issuer_cert;              /* the relay's certificate */
	X509_STORE *anchors;            /* NULL: trust ISSUER_CERT as given */
	STACK_OF(X509) *untrusted;      /* intermediates towards ANCHORS, may be NULL */
	const uint8_t *doc_sha256;      /* the document being shown */
	long skew;                      /* seconds of clock skew allowed */
	time_t now;                     /* 0: the clock */
	const char *replay_cache;       /* file of seen token ids, or NULL */
	/* Also ask this validator (path, CRL, OCSP, SCVP) about the issuer
	 * certificate; anything but "good" refuses.  May be NULL. */
	struct inkan_validator *validator;
} inkan_view_token_check;

typedef struct {
	char reason[32];                /* on refusal: "signature", "expired", ... */
	char issuer[256];
	char recipient[256];
	inkan_view_recipient_kind kind;
	char id[64];
	time_t issued, expires;
} inkan_view_token_info;

/* Check TOKEN: signature by the issuer certificate's key (and its validity
 * and chain), the times with SKEW, the document hash, and no replay.  A
 * refusal is INKAN_ERR_REJECTED / _BAD_SIGNATURE / _BAD_INPUT with
 * INFO->reason set. */
INKAN_API inkan_err inkan_view_token_verify (const char *token, const inkan_view_token_check *check,
                                             inkan_view_token_info *info);

/* What inkan_view_token_verify returned (ERR) and INFO as one JSON
 * object: {"valid": true, "issuer", "recipient", ...} or {"valid": false,
 * "reason", "detail"}.  Compact text, free() it; NULL without memory. */
INKAN_API char *inkan_view_token_json (inkan_err err, const inkan_view_token_info *info);

#ifdef __cplusplus
}
#endif

#endif
