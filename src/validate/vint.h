/* Shared inside src/validate: the validator's state, the report being
 * written, and the pieces each method uses. */
#ifndef INKAN_VINT_H
#define INKAN_VINT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>
#include <inkan/ca.h>
#include <inkan/validate.h>
#include "src/util/internal.h"


/* One serial as the index compares it: sign, length and the first eight
 * bytes in place, so that sorting and searching rarely leave the array. */
/* The most a fetched (or cached) body may be: CRLs of a million entries
 * are tens of MB; anything much larger is hostile. */
#define FETCH_MAX (256u * 1024 * 1024)

typedef struct {
	int neg;
	int len;
	uint64_t head;
	const unsigned char *data;     /* the magnitude, in the CRL's memory */
	const X509_REVOKED *revoked;   /* owned by the CRL */
} crl_key;

/* A parsed, verified CRL with its serials sorted for O(log n) lookups;
 * counted references, as the cache may replace it while a validation on
 * another thread still reads it. */
typedef struct {
	X509_CRL *crl;
	crl_key *keys;
	size_t n;
	atomic_int refs;
} crl_index;

/* Clocks of CA and client disagree a little. */
#define SKEW_SECONDS 300

/* A CRL from a file: its "file:PATH" stands for a URL in reports. */
struct local_crl {
	char *url;
	X509_CRL *crl;
	struct local_crl *next;
};
void local_crls_free (struct local_crl *list);

/* A method order, and the configuration line that set it (FILE NULL when
 * the caller did). */
typedef struct {
	inkan_method methods[INKAN_METHOD_LAST];
	size_t n;               /* 0: not set */
	char *file;
	size_t line;
} method_order;

/* The orders a configuration file sets: "methods", then "methods.PROFILE". */
enum { ORDER_ALL, ORDER_GPKI, ORDER_NPKI, ORDER_JPKI, ORDER_SLOTS };

/* What the caller set, which a configuration file then leaves alone; the
 * bits below INKAN_METHOD_LAST are the methods' timeouts. */
enum {
	GIVEN_DEADLINE = 1 << INKAN_METHOD_LAST,
	GIVEN_SCVP_URL = 1 << (INKAN_METHOD_LAST + 1),
	GIVEN_SCVP_CERT = 1 << (INKAN_METHOD_LAST + 2),
};

struct inkan_validator {
	/* held through inkan_validate: the deadline and the loaded CRLs change */
	pthread_mutex_t lock;
	X509_STORE *anchors;
	STACK_OF(X509) *chain;
	STACK_OF(X509) *extra_chain;            /* inkan_validator_set_extra_chain, or NULL */
	STACK_OF(ASN1_OBJECT) *policies;
	time_t at;
	method_order set_order;                 /* inkan_validator_set_methods */
	method_order conf_order[ORDER_SLOTS];   /* the configuration file's */
	unsigned given;
	inkan_ca_pins *anchor_pins;             /* NULL: none */
	inkan_purpose purpose;
	long timeout_ms[INKAN_METHOD_LAST];
	long deadline_ms;
	char *url[INKAN_METHOD_LAST];
	X509 *scvp_cert;
	int offline;
	char *cache_dir;
	/* CRLs parsed once and OCSP answers: the validator's own cache, or
	 * one shared with other validators (inkan_validator_set_vcache) */
	inkan_vcache *cache;
	inkan_vcache *own_cache;
	/* CRLs from files (inkan_validator_add_crl_file), asked before any URL */
	struct local_crl *local_crls;
	/* the order of this validation, chosen by the leaf's profile */
	const method_order *order;
	/* the monotonic time (ms) by which this validation must end */
	long long end_ms;
	/* the certificate of the path being checked: the configured CRL and
	 * OCSP URLs serve the leaf's issuer, so they apply at depth 0 only */
	size_t depth;
};

struct inkan_vreport {
	inkan_verdict verdict;
	time_t at;
	char *why;
	int failed_depth;       /* invalid: the certificate at fault, -1 when none */
	char *failed_subject;
	int reason;
	time_t revoked_at;
	STACK_OF(X509) *chain;
	inkan_vattempt *attempts;
	size_t n_attempts;
	char *anchor_pin;
	inkan_order_origin order_origin;
	inkan_method order[INKAN_METHOD_LAST];
	size_t n_order;
	char *order_file;
	size_t order_line;
	const char *order_profile;
};

/* What a method hands back to the order loop. */
typedef struct {
	inkan_outcome outcome;
	int reason;
	time_t revoked_at;
	int from_cache;
	char *url;
	char answer[256];
	char why[512];
} method_result;

void method_say (char *buf, size_t size, const char *fmt, ...)
	__attribute__((format (printf, 3, 4)));

/* CLOCK_MONOTONIC in milliseconds. */
#define mono_ms() (inkan_monotonic_ns () / 1000000)
/* "2026-11-22T11:00:00Z"; "-" for NULL. */
void time_str (const ASN1_TIME *t, char *buf, size_t size);
time_t time_of (const ASN1_TIME *t);
/* Milliseconds left for a method with its own TIMEOUT_MS, within the deadline. */
long budget_ms (const inkan_validator *v, long timeout_ms);
time_t judge_time (const inkan_validator *v);

/* HTTP(S) GET/POST and LDAP reads through libcurl.  *STATUS_OUT gets the
 * HTTP status (0 for LDAP); WHY is filled when it returns non-OK. */
typedef struct {
	uint8_t *data;
	size_t len;
	long status;
} fetch_body;
inkan_err fetch_url (const char *url, const char *content_type,
                     const uint8_t *post, size_t post_len, long timeout_ms,
                     fetch_body *out, char *why, size_t why_size);
void fetch_body_clear (fetch_body *b);
/* Replace B (libcurl's text of an LDAP result, NUL-terminated) by the
 * first attribute value, base64-decoded for ";binary" attributes. */
inkan_err ldap_text_value (fetch_body *b, char *why, size_t why_size);

/* Disk cache: NAME under the cache dir, written atomically. */
inkan_err cache_read (const inkan_validator *v, const char *kind, const char *key,
                      uint8_t **data, size_t *len);
void cache_write (const inkan_validator *v, const char *kind, const char *key,
                  const uint8_t *data, size_t len);

/* "crl,ocsp" into O (O->file and O->line untouched). */
inkan_err methods_parse (const char *list, method_order *o);
/* The settings of configuration TEXT (LEN bytes), read from FILE. */
inkan_err vconf_parse (inkan_validator *v, const char *file, const char *text, size_t len);

/* The path, leaf first.  Fills R->chain or sets R's verdict to invalid. */
inkan_err path_build (inkan_validator *v, X509 *leaf, inkan_vreport *r);

/* CRL index over a parsed CRL: takes CRL.  One reference, the caller's. */
inkan_err crl_index_new (X509_CRL *crl, crl_index **out);
crl_index *crl_index_ref (crl_index *idx);
/* Drop a reference; the last one frees. */
void crl_index_free (crl_index *idx);
/* Past its nextUpdate (and the skew) at AT. */
int crl_index_stale (const crl_index *idx, time_t at);

/* The memory cache (vcache.c), under its own lock: any thread may call. */
typedef enum {
	VC_HIT,         /* *OUT holds a current CRL: a reference, crl_index_free it */
	VC_FETCH,       /* the caller is to get it now, then call vcache_crl_done */
	VC_FAILED,      /* another caller's fetch failed or did not end in time: WHY says */
} vc_state;
/* The CRL from URL signed by the key whose SHA-256 is KEY, current at AT.
 * While another caller fetches it, wait for that one (single flight), at
 * most WAIT_MS.  On a hit, *REFRESH (when REFRESH is not NULL) is set when
 * the CRL is near its nextUpdate and this caller is the one to have the
 * next fetched ahead of time: it then calls vcache_crl_refresh. */
vc_state vcache_crl_get (inkan_vcache *c, const char *url, const unsigned char key[32], time_t at,
                         long wait_ms, crl_index **out, int *refresh, char *why, size_t why_size);
/* After VC_FETCH: IDX (the cache takes its own reference), or NULL and WHY
 * when it could not be had.  BYTES: its size as kept. */
void vcache_crl_done (inkan_vcache *c, const char *url, const unsigned char key[32], crl_index *idx,
                      size_t bytes, const char *why);

/* A refresh ahead of nextUpdate: what its fetch needs, the validation
 * that asked for it being over by then. */
typedef struct crl_refresh {
	char *url;
	unsigned char key[32];
	X509 *issuer;
	long timeout_ms;
	struct crl_refresh *next;
} crl_refresh;
/* Run R on the cache's refresher thread (which takes R). */
void vcache_crl_refresh (inkan_vcache *c, crl_refresh *r);
/* On the refresher thread (crl.c): fetch, verify and index R's CRL, then
 * hand it to vcache_crl_refreshed. */
void crl_refresh_run (inkan_vcache *c, crl_refresh *r);
void crl_refresh_free (crl_refresh *r);
/* A refresh's end: IDX replaces the CRL held (the cache takes its own
 * reference), or NULL: it failed, the CRL held serves on. */
void vcache_crl_refreshed (inkan_vcache *c, const char *url, const unsigned char key[32], crl_index *idx,
                           size_t bytes);

/* Answers and certificates kept as bytes, by kind and key. */
typedef enum {
	VC_OCSP,        /* an OCSP response, judged again at each use */
	VC_SCVP,        /* an SCVP verdict (scvp.c), until the reply's nextUpdate */
	VC_AIA,         /* certificates a caIssuers URL served */
} vc_kind;
/* A copy into *DATA (the caller's) of what is held under KIND and KEY and
 * still valid, or 0. */
int vcache_blob_get (inkan_vcache *c, vc_kind kind, const char *key, uint8_t **data, size_t *len);
/* Kept until UNTIL (0: until dropped or evicted). */
void vcache_blob_put (inkan_vcache *c, vc_kind kind, const char *key, const uint8_t *data, size_t len,
                      time_t until);
/* What no longer serves (a stale OCSP answer): forgotten. */
void vcache_blob_drop (inkan_vcache *c, vc_kind kind, const char *key);
/* An OCSP request sent (FAILED: and no usable answer came). */
void vcache_ocsp_fetched (inkan_vcache *c, int failed);
const X509_REVOKED *crl_index_find (const crl_index *idx, const ASN1_INTEGER *serial);

void method_crl (inkan_validator *v, STACK_OF(X509) *chain, method_result *res);
void method_ocsp (inkan_validator *v, STACK_OF(X509) *chain, method_result *res);
void method_scvp (inkan_validator *v, STACK_OF(X509) *chain, method_result *res);
/* An OCSP answer of LEN bytes about ID (of CHAIN's leaf) into RES: parsed,
 * its signature, signer, nonce (REQ's; NULL for a cached answer), status
 * and window checked.  Apart from fetching, what method_ocsp does. */
void ocsp_judge (inkan_validator *v, STACK_OF(X509) *chain, const uint8_t *data, size_t len, OCSP_REQUEST *req,
                 OCSP_CERTID *id, method_result *res);
/* A CVResponse's verdict on LEAF, into RES: status, nonce (SCVP_NONCE_LEN
 * bytes), the reply's certificate and checks.  Apart from fetching and the
 * CMS signature, what method_scvp does. */
#define SCVP_NONCE_LEN 16
struct SCVP_CV_RESPONSE_st;
void scvp_judge (struct SCVP_CV_RESPONSE_st *resp, X509 *leaf, const unsigned char *nonce, time_t asked,
                 method_result *res);

/* URLs of an X.509 "accessLocation"/DistributionPoint GENERAL_NAMES. */
char *first_uri_of (GENERAL_NAMES *names, int ldap_ok);

#endif
