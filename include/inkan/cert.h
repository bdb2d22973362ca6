/* inkan — what a certificate says, as people read it: one ordered list of
 * fields that the CLI, JSON and the GUI all render, with the personal data
 * of JPKI signing certificates and the policies of NPKI and GPKI decoded. */
#ifndef INKAN_CERT_H
#define INKAN_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <openssl/x509.h>
#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/ctx.h>
#include <inkan/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	INKAN_PROFILE_GENERIC,
	INKAN_PROFILE_JPKI_SIGN,    /* JPKI signing: the four basic items in the SAN */
	INKAN_PROFILE_JPKI_AUTH,    /* JPKI user authentication: no personal data */
	INKAN_PROFILE_JPKI_CA,      /* signing or authentication CA: the view says which */
	INKAN_PROFILE_NPKI,         /* Korea's accredited/joint certificates */
	INKAN_PROFILE_GPKI,         /* Korean government */
	INKAN_PROFILE_NPKI_ROOT,    /* a KISA root CA */
	INKAN_PROFILE_NPKI_CA,      /* an accredited (licensed) CA under KISA */
	INKAN_PROFILE_GPKI_CA,      /* a GPKI CA, root or not */
	INKAN_PROFILE_EPKI,         /* the education ministry's PKI (under GPKI) */
	INKAN_PROFILE_EPKI_CA,
	INKAN_PROFILE_TSA,          /* a time-stamping authority */
} inkan_cert_profile;

/* "generic", "jpki-sign", "jpki-auth", "jpki-ca", "npki", "gpki",
 * "npki-root", "npki-ca", "gpki-ca", "epki", "epki-ca", "tsa" */
INKAN_API const char *inkan_cert_profile_name (inkan_cert_profile p);
/* Which of them CERT is, from its policies and its issuer's name. */
INKAN_API inkan_cert_profile inkan_cert_profile_of (X509 *cert);

typedef enum {
	INKAN_SECTION_BASIC = 1,        /* what the JPKI viewer shows */
	INKAN_SECTION_DETAILS = 2,      /* every field and extension */
	INKAN_SECTION_FINGERPRINTS = 4,
	INKAN_SECTION_ALL = 7,
} inkan_cert_section;

typedef struct {
	inkan_cert_section section;
	const char *key;        /* stable, for JSON and scripts: "name", "date_of_birth", "ext.2.5.29.15" */
	const char *label;      /* in the user's language */
	const char *value;      /* as shown: UTF-8, dates in the user's locale */
	const char *raw;        /* machine form (ISO 8601 dates, codes, hex), or NULL when VALUE is it */
	int undecodable;        /* 1: VALUE says why the field could not be decoded */
} inkan_cert_field;

typedef struct inkan_cert_view inkan_cert_view;

/* The view of CERT as of NOW.  Fails only for lack of memory: a field that
 * cannot be decoded is kept, marked undecodable, with the reason. */
INKAN_API inkan_err inkan_cert_view_new (X509 *cert, time_t now, inkan_cert_view **out);
INKAN_API void inkan_cert_view_free (inkan_cert_view *v);
INKAN_API inkan_cert_profile inkan_cert_view_profile (const inkan_cert_view *v);
/* 1 when the certificate belongs to a test hierarchy (KISA's test roots,
 * CAs whose names say test, JPKI test cards): not a real one. */
INKAN_API int inkan_cert_view_test (const inkan_cert_view *v);
INKAN_API size_t inkan_cert_view_count (const inkan_cert_view *v);
INKAN_API const inkan_cert_field *inkan_cert_view_field (const inkan_cert_view *v, size_t i);
/* The first field with KEY, or NULL. */
INKAN_API const inkan_cert_field *inkan_cert_view_find (const inkan_cert_view *v, const char *key);

/* Every certificate in DATA: PEM (one or many), DER, a DER SEQUENCE OF
 * Certificate (the CA bundles of Korean toolkits), or a PKCS#7
 * certificate bundle (.p7b/.p7c, PEM or DER).  INKAN_ERR_BAD_INPUT when
 * none could be read. */
INKAN_API inkan_err inkan_certs_parse (const uint8_t *data, size_t len, STACK_OF(X509) **out);

enum {
	/* FILE_OR_URI "-" is standard input (the caller's own may be in use). */
	INKAN_CERTS_STDIN = 1 << 8,
};

/* Every certificate FILE_OR_URI holds, for every program that loads them:
 * a file in any form inkan_certs_parse reads (at most
 * INKAN_FILE_LIMIT_CERTS bytes, a regular file: see inkan_file_read), or,
 * for a pkcs11: URI, each certificate object on the token that the URI
 * matches, in the token's order.  PIN (may be NULL) logs in first when the
 * token wants it, for cards that keep certificates private; FLAGS are
 * inkan_token_login's (INKAN_LOGIN_*) and INKAN_CERTS_STDIN.  CTX may be
 * NULL when FILE_OR_URI is a file.  INKAN_ERR_NOT_FOUND when the URI
 * matches no certificate.  Free *OUT with sk_X509_pop_free(…, X509_free). */
INKAN_API inkan_err inkan_certs_load (inkan_ctx *ctx, const char *file_or_uri, const inkan_secret *pin,
                                      unsigned flags, STACK_OF(X509) **out);

/* One certificate: the first in a file, or the one certificate object a
 * pkcs11: URI names (INKAN_ERR_AMBIGUOUS when it names several).
 * Arguments as for inkan_certs_load. */
INKAN_API inkan_err inkan_cert_load (inkan_ctx *ctx, const char *file_or_uri, const inkan_secret *pin,
                                     unsigned flags, X509 **out);

/* Whether resident registration number RN (13 digits) and R, the random
 * value kept with the private key, give the VID in the KISA identity data
 * of NPKI certificate CERT: VID = H(H(DER(SEQUENCE { RN PrintableString,
 * R BIT STRING }))) with the VID's hash.  *MATCH gets 1 or 0.
 * INKAN_ERR_NOT_FOUND: the certificate has no VID; INKAN_ERR_BAD_INPUT:
 * its identity data is malformed, or RN is not 13 digits. */
INKAN_API inkan_err inkan_cert_vid_check (X509 *cert, const char *rn, size_t rn_len,
                                          const uint8_t *r, size_t r_len, int *match);

/* A certificate in an NPKI folder: NPKI/<CA>/USER/<name>/signCert.der,
 * with signPri.key beside it when the key is there. */
typedef struct {
	char *ca;               /* the CA's folder name ("yessign"), or "" */
	char *dir;              /* the certificate's folder */
	char *cert;             /* its signCert.der */
	char *key;              /* its signPri.key, or NULL */
} inkan_npki_cert;

/* The NPKI certificates under ROOT: an NPKI folder, a folder that holds one
 * (a home directory, a USB stick), a CA's folder or one certificate's,
 * sorted by path.  Follows no symbolic link and takes regular files only;
 * more than 256 certificates is INKAN_ERR_BAD_INPUT, none
 * INKAN_ERR_NOT_FOUND.  Free with inkan_npki_certs_free. */
INKAN_API inkan_err inkan_npki_find (const char *root, inkan_npki_cert **out, size_t *n_out);
/* The user's own: NPKI in the home directory and at the root of each
 * removable medium mounted for them.  None is not an error: *N_OUT is 0. */
INKAN_API inkan_err inkan_npki_find_user (inkan_npki_cert **out, size_t *n_out);
INKAN_API void inkan_npki_certs_free (inkan_npki_cert *certs, size_t n);

/* R, the random value an NPKI private-key file (signPri.key, DER
 * EncryptedPrivateKeyInfo) keeps for the VID check, decrypted with the
 * holder's PASSWORD: KISA's pbeWithSHA1AndSEED-CBC or PBES2 (SEED-CBC by
 * way of OpenSSL's legacy provider, AES and the rest by the default one).
 * INKAN_ERR_PIN_INCORRECT: the password does not open it;
 * INKAN_ERR_NOT_FOUND: the key holds no R; INKAN_ERR_BAD_INPUT: not such
 * a file.  Wipe *R and free it with free(). */
INKAN_API inkan_err inkan_npki_key_random (const uint8_t *der, size_t der_len, const inkan_secret *password,
                                           uint8_t **r, size_t *r_len);

/* A Gregorian date as a Japanese era date, "昭和52年11月7日" (the first
 * year of an era is 元年).  ERA is 1 Meiji .. 5 Reiwa as JPKI codes it, or
 * 0 to take the era in force on that day.  INKAN_ERR_BAD_INPUT for a date
 * before Meiji or an era that had not begun by that date. */
INKAN_API inkan_err inkan_era_date (int era, int year, int month, int day, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
