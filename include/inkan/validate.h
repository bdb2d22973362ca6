/* inkan — is a certificate good now (or at a given time)?  Paths, CRL,
 * OCSP and SCVP in a configured order, and a report of what was done. */
#ifndef INKAN_VALIDATE_H
#define INKAN_VALIDATE_H

#include <stddef.h>
#include <time.h>
#include <openssl/types.h>
#include <openssl/x509.h>
#include <inkan/export.h>
#include <inkan/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_validator inkan_validator;
typedef struct inkan_vreport inkan_vreport;
typedef struct inkan_vcache inkan_vcache;

typedef enum {
	INKAN_METHOD_CRL,
	INKAN_METHOD_OCSP,
	INKAN_METHOD_SCVP,
	INKAN_METHOD_LAST /* not a method: the number of them */
} inkan_method;

typedef enum {
	INKAN_VERDICT_GOOD,
	INKAN_VERDICT_REVOKED,
	/* A method answered, but could not say good or revoked. */
	INKAN_VERDICT_UNKNOWN,
	/* The path does not verify (expired, untrusted, wrong usage...). */
	INKAN_VERDICT_INVALID,
	/* The path verifies but no revocation method could be asked. */
	INKAN_VERDICT_UNAVAILABLE,
} inkan_verdict;

/* What one method came back with. */
typedef enum {
	INKAN_OUTCOME_GOOD,
	INKAN_OUTCOME_REVOKED,
	INKAN_OUTCOME_UNKNOWN,
	/* Unreachable, timed out, stale, unsigned, unauthorised: try the next. */
	INKAN_OUTCOME_UNAVAILABLE,
} inkan_outcome;

/* One method tried, as the report records it. */
typedef struct {
	inkan_method method;
	char *url;              /* what was asked (NULL: nothing to ask) */
	inkan_outcome outcome;
	char *answer;           /* what came back, in words */
	char *why;              /* why it was or was not decisive */
	long duration_ms;
	int decisive;
	int from_cache;
	size_t depth;           /* the certificate asked about: 0 the leaf, 1 its issuer, ... */
} inkan_vattempt;

INKAN_API inkan_err inkan_validator_new (inkan_validator **out);
INKAN_API void inkan_validator_free (inkan_validator *v);

/* Trust anchors: a PEM/DER file (PEM may hold several) or a directory of them. */
INKAN_API inkan_err inkan_validator_add_anchor (inkan_validator *v, const char *path);
/* Intermediates for path building (PEM or DER file). */
INKAN_API inkan_err inkan_validator_add_chain (inkan_validator *v, const char *path);
INKAN_API inkan_err inkan_validator_add_chain_cert (inkan_validator *v, X509 *cert);
/* Require this certificate policy on the path (explicit policy). */
INKAN_API inkan_err inkan_validator_add_policy (inkan_validator *v, const char *oid);

/* Intermediates for the following validations only, beside those of
 * inkan_validator_add_chain, until set again (NULL: none).  Up-refs them. */
INKAN_API inkan_err inkan_validator_set_extra_chain (inkan_validator *v, STACK_OF(X509) *certs);
/* The trust anchors as a store (V's), for checks that want them too:
 * signatures of CMS, tokens. */
INKAN_API X509_STORE *inkan_validator_get0_anchors (inkan_validator *v);

/* Judge the certificate at AT instead of now (0: now). */
INKAN_API void inkan_validator_set_time (inkan_validator *v, time_t at);
/* "crl,ocsp,scvp": any order, any subset, for every certificate (over
 * whatever a configuration file says).  Unset, the order is the
 * configuration's for the leaf's profile, else crl,ocsp.  NULL unsets. */
INKAN_API inkan_err inkan_validator_set_methods (inkan_validator *v, const char *list);
/* Per method; 10 s unless set here or by a configuration file. */
INKAN_API void inkan_validator_set_timeout (inkan_validator *v, inkan_method m, long ms);
/* The whole validation, all fetches included, ends within MS (30 s unless
 * set here or by a configuration file). */
INKAN_API void inkan_validator_set_deadline (inkan_validator *v, long ms);
/* Ask this URL instead of the certificate's (CRL DP, OCSP AIA, SCVP). */
INKAN_API inkan_err inkan_validator_set_url (inkan_validator *v, inkan_method m, const char *url);
/* A CRL (DER or PEM) from the file PATH: asked before the CRL URLs, the
 * cache and the network (offline too) for the certificates its issuer
 * signed; reported with the URL "file:PATH".  Repeatable. */
INKAN_API inkan_err inkan_validator_add_crl_file (inkan_validator *v, const char *path);
/* The SCVP server's certificate: its signature on responses is required. */
INKAN_API inkan_err inkan_validator_set_scvp_cert (inkan_validator *v, const char *path);
/* No network: only what is given or cached. */
INKAN_API void inkan_validator_set_offline (inkan_validator *v, int offline);
/* Where CRLs and OCSP answers are kept until their nextUpdate (NULL: no disk cache). */
INKAN_API inkan_err inkan_validator_set_cache_dir (inkan_validator *v, const char *dir);

/* A memory cache of parsed, indexed CRLs (kept until their nextUpdate),
 * OCSP answers, SCVP answers (until the reply's nextUpdate) and
 * intermediate certificates fetched by AIA caIssuers (until the first of
 * them expires, at most a day), which any number of validators on any
 * threads may share: each CRL is fetched and indexed once however many
 * validations want it at the same moment (the others wait for that
 * fetch, within their own timeout).  At most MAX_BYTES (0: 1 GiB) are
 * kept, least recently used dropped first.  A validator not given one has
 * its own. */
INKAN_API inkan_err inkan_vcache_new (size_t max_bytes, inkan_vcache **out);
/* After every validator that uses it.  A refresh under way is waited
 * for (within its timeout). */
INKAN_API void inkan_vcache_free (inkan_vcache *c);
/* Refresh a cached CRL ahead of its nextUpdate: the first validation
 * that uses it in the last PERCENT (1-99) of its life, thisUpdate to
 * nextUpdate, has the next one fetched on a thread of the cache's own,
 * and goes on, as do all the others, with the CRL held until the new one
 * is in.  One refresh at a time per CRL; one that fails leaves the CRL
 * held in place (it serves until its nextUpdate) and is tried again no
 * sooner than 10 s later.  0 (the default): no refresh ahead; a CRL is
 * fetched again when a validation finds it stale. */
INKAN_API void inkan_vcache_set_refresh (inkan_vcache *c, unsigned percent);

typedef struct {
	unsigned long long crl_hits, crl_misses, crl_fetches, crl_failures, crl_waits;
	/* refreshes ahead of nextUpdate, and those that failed (counted in
	 * crl_fetches and crl_failures too) */
	unsigned long long crl_refreshes, crl_refresh_failures;
	unsigned long long ocsp_hits, ocsp_misses, ocsp_fetches, ocsp_failures;
	unsigned long long scvp_hits, scvp_misses, aia_hits, aia_misses;
	unsigned long long evictions;
	size_t crls, ocsp_answers, scvp_answers, aia_certs;      /* entries held (AIA: URLs' answers) */
	size_t crl_entries;             /* revoked serials indexed, all CRLs together */
	size_t bytes, max_bytes;        /* held (DER, plus the index), and the bound */
} inkan_vcache_stats;
INKAN_API void inkan_vcache_stats_get (inkan_vcache *c, inkan_vcache_stats *out);
/* Use C (NULL: the validator's own again).  Before any validation. */
INKAN_API void inkan_validator_set_vcache (inkan_validator *v, inkan_vcache *c);

/* Self-signed CA certificates among the intermediates (given, or fetched
 * from AIA caIssuers) become anchors when they pass the checks of
 * inkan_ca_check() against the pins of this file (doc/ca-pins.md);
 * repeatable.  The report names the pin. */
INKAN_API inkan_err inkan_validator_add_anchor_pins (inkan_validator *v, const char *path);

/* What the leaf's key must be good for; a leaf whose keyUsage (or, for
 * AUTH, extendedKeyUsage) says otherwise is invalid.  A certificate
 * without the extension is not limited by it (RFC 5280, 4.2.1.3). */
typedef enum {
	INKAN_PURPOSE_ANY,      /* no requirement: the default */
	INKAN_PURPOSE_SIGN,     /* digitalSignature or nonRepudiation */
	INKAN_PURPOSE_AUTH,     /* digitalSignature; clientAuth when there is an extendedKeyUsage */
} inkan_purpose;
INKAN_API void inkan_validator_set_purpose (inkan_validator *v, inkan_purpose p);
/* The same check alone: INKAN_ERR_REJECTED, the usages CERT has and the
 * one it lacks in the detail, when its key may not serve P. */
INKAN_API inkan_err inkan_cert_check_purpose (X509 *cert, inkan_purpose p);

/* Settings from a configuration file (format: doc/validate-conf.md): the
 * method order, in general and per profile of the leaf (GPKI, NPKI,
 * JPKI), timeouts, the deadline, the SCVP server, anchors and anchor
 * pins.  What the caller sets on V, before or after, wins over the
 * file; anchors and pins add up.  A malformed file is refused whole with
 * INKAN_ERR_USAGE, the detail naming FILE:LINE. */
INKAN_API inkan_err inkan_validator_load_config (inkan_validator *v, const char *path);

/* Validate LEAF.  INKAN_OK means a report was made, whatever its verdict.
 * Threads may share a validator (and its parsed CRLs); their validations
 * then run one after another.  Set the validator up before sharing it. */
INKAN_API inkan_err inkan_validate (inkan_validator *v, X509 *leaf, inkan_vreport **out);

INKAN_API void inkan_vreport_free (inkan_vreport *r);
/* R as one JSON object (compact text, free() it; NULL without memory):
 * verdict, why, failed, at, reason and revoked_at when revoked, chain,
 * anchor_pin, order and every method tried (doc/validate.md).  What
 * `inkan validate --json` prints and inkand's /v1/validate answers. */
INKAN_API char *inkan_vreport_json (const inkan_vreport *r);

/* For callers that only need a yes: validate CERT and refuse (with
 * INKAN_ERR_REJECTED, the verdict and why in the detail) anything but
 * "good".  STATUS (16 bytes, may be NULL) gets the verdict's name. */
INKAN_API inkan_err inkan_validate_require_good (inkan_validator *v, X509 *cert, char *status);
INKAN_API inkan_verdict inkan_vreport_verdict (const inkan_vreport *r);
/* The time the certificate was judged at (now, or the validator's time). */
INKAN_API time_t inkan_vreport_time (const inkan_vreport *r);
/* Why invalid, unknown or unavailable, in words ("" when good). */
INKAN_API const char *inkan_vreport_why (const inkan_vreport *r);
/* For invalid: the certificate at fault, its depth in the path (0 the
 * leaf) and subject; -1 and NULL when none is (WHY names it too). */
INKAN_API int inkan_vreport_failed_depth (const inkan_vreport *r);
INKAN_API const char *inkan_vreport_failed_subject (const inkan_vreport *r);
/* For revoked: the CRL reason code (-1 unspecified/absent) and the time. */
INKAN_API int inkan_vreport_reason (const inkan_vreport *r);
INKAN_API time_t inkan_vreport_revocation_time (const inkan_vreport *r);
/* The path, leaf first, anchor last (empty when none was built). */
INKAN_API size_t inkan_vreport_chain_len (const inkan_vreport *r);
INKAN_API X509 *inkan_vreport_chain_cert (const inkan_vreport *r, size_t i);
INKAN_API size_t inkan_vreport_attempts (const inkan_vreport *r);
/* The name of the pin by which the path's anchor was trusted, or NULL
 * when it was a configured anchor (or there is no path). */
INKAN_API const char *inkan_vreport_anchor_pin (const inkan_vreport *r);

/* Where the order of the methods tried came from. */
typedef enum {
	INKAN_ORDER_BUILTIN,    /* nothing said otherwise: crl,ocsp */
	INKAN_ORDER_SET,        /* inkan_validator_set_methods (inkan's --methods) */
	INKAN_ORDER_CONFIG,     /* a "methods" line of a configuration file */
} inkan_order_origin;

typedef struct {
	inkan_order_origin origin;
	const inkan_method *methods;
	size_t n_methods;
	const char *file;       /* CONFIG: the file and the line */
	size_t line;
	const char *profile;    /* CONFIG: "gpki", "npki", "jpki" (methods.PROFILE), or NULL (methods) */
} inkan_vorder;

/* The order of this validation (owned by R). */
INKAN_API void inkan_vreport_order (const inkan_vreport *r, inkan_vorder *out);
/* The order a validation of LEAF would follow now (owned by V, valid
 * until V changes): for a caller that may only narrow it. */
INKAN_API void inkan_validator_order_for (inkan_validator *v, X509 *leaf, inkan_vorder *out);
/* "builtin", "set", "config" */
INKAN_API const char *inkan_order_origin_name (inkan_order_origin o);
INKAN_API const inkan_vattempt *inkan_vreport_attempt (const inkan_vreport *r, size_t i);

/* Stable names: "crl", "good", "revoked", "keyCompromise"... */
INKAN_API const char *inkan_method_name (inkan_method m);
INKAN_API const char *inkan_verdict_name (inkan_verdict v);
INKAN_API const char *inkan_outcome_name (inkan_outcome o);
INKAN_API const char *inkan_reason_name (int reason);

#ifdef __cplusplus
}
#endif

#endif
