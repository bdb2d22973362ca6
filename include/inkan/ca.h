/* inkan — is this the genuine CA certificate?  A self-signed CA
 * certificate checked against the fingerprint its CA publishes (in the
 * user's guide, on the portal), given alone or from a pins file. */
#ifndef INKAN_CA_H
#define INKAN_CA_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/x509.h>
#include <inkan/export.h>
#include <inkan/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_ca_pins inkan_ca_pins;

INKAN_API inkan_err inkan_ca_pins_new (inkan_ca_pins **out);
INKAN_API void inkan_ca_pins_free (inkan_ca_pins *pins);
/* One pin: ALG "sha256" or "sha1" (by the fingerprint's length when NULL),
 * FINGERPRINT as "AB:CD:…", "abcd…" or "ab cd …", NAME what the CA is called. */
INKAN_API inkan_err inkan_ca_pins_add (inkan_ca_pins *pins, const char *alg, const char *fingerprint,
                                       const char *name);
/* Add the pins of a file (format: doc/ca-pins.md); an error names the line. */
INKAN_API inkan_err inkan_ca_pins_load (inkan_ca_pins *pins, const char *path);
INKAN_API inkan_err inkan_ca_pins_parse (inkan_ca_pins *pins, const char *text, size_t len);
INKAN_API size_t inkan_ca_pins_count (const inkan_ca_pins *pins);

typedef enum {
	INKAN_CA_MATCH,             /* a self-signed CA certificate, and pinned */
	INKAN_CA_NO_MATCH,          /* a self-signed CA certificate, but no pin has its fingerprint */
	INKAN_CA_NOT_SELF_ISSUED,   /* issuer and subject differ */
	INKAN_CA_BAD_SIGNATURE,     /* its own key does not verify its signature */
	INKAN_CA_NOT_CA,            /* no basicConstraints cA=TRUE */
	INKAN_CA_NO_CERT_SIGN,      /* keyUsage without keyCertSign */
} inkan_ca_verdict;

/* "match", "no-match", "not-self-issued", "bad-signature", "not-ca", "no-cert-sign" */
INKAN_API const char *inkan_ca_verdict_name (inkan_ca_verdict v);
/* The verdict in a sentence, in the user's language. */
INKAN_API const char *inkan_ca_verdict_text (inkan_ca_verdict v);

typedef struct {
	inkan_ca_verdict verdict;
	const char *pin_name;       /* the matching pin's (owned by the pins), or NULL */
	const char *pin_alg;        /* "sha256" or "sha1", with PIN_NAME */
	char sha256[96];            /* the certificate's fingerprints, "AB:CD:…" */
	char sha1[60];
	char not_after[11];         /* the last day of its validity, "2025-10-19" (UTC) */
	int expired;                /* 1 when NOT_AFTER has passed: pinned or not, it no longer serves */
} inkan_ca_result;

/* Check CERT against PINS; the verdict is in OUT (the return value is for
 * failures to check at all).  Genuineness does not end with the validity
 * period: an expired CA is still "match", with EXPIRED set. */
INKAN_API inkan_err inkan_ca_check (X509 *cert, const inkan_ca_pins *pins, inkan_ca_result *out);

#ifdef __cplusplus
}
#endif

#endif
