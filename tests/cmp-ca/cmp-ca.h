/* inkan-test-cmp-ca: a small CMP CA the tests enrol against (never
 * installed).  OpenSSL only, independent of libinkan: it is what inkan's
 * own CMP client is checked with. */
#ifndef CMP_CA_H
#define CMP_CA_H

#include <stddef.h>
#include <time.h>
#include <openssl/cmp.h>
#include <openssl/x509v3.h>

enum profile {
	PROFILE_PLAIN,     /* the template's SAN as it is, no policy */
	PROFILE_JPKI_SIGN, /* JPKI signing: the four basic items from the template's SAN */
	PROFILE_NPKI,      /* NPKI personal: yessign policy, KISA identity data kept */
};

/* One certificate the CA issued, as the state directory keeps it. */
struct issued {
	char serial[41];   /* upper-case hex, as the index file holds it */
	time_t revoked_at; /* 0 while valid */
	char *subject;     /* one line, for the log and the index */
};

struct ca {
	X509 *cert;
	EVP_PKEY *key;
	X509_STORE *trust;          /* the CA itself and every --trust certificate */
	char *ref;                  /* MAC: the reference the secret belongs to */
	unsigned char *secret;
	size_t secret_len;
	enum profile profile;
	int days;
	const char *state_dir;
	char crl_url[96];

	struct issued *issued;
	size_t n_issued;
	long crl_number;
	X509_CRL *crl;

	/* told to misbehave */
	int reject_bits;            /* PKIFailureInfo bits; 0: accept */
	const char *reject_text;
	int reject;
	int poll;                   /* pollReqs answered "waiting" before the certificate */
	int check_after;
	int vanish;                 /* body type to close the socket on; -1 none */

	/* the transaction under way */
	int polls;                  /* pollReqs seen since "waiting" */
	OSSL_CMP_MSG *pending;      /* the request being polled for */
	int delivering;             /* the pending request is being answered now */
	X509 *signer;               /* who signed the request (chain checked); NULL for a MAC */
	X509 *last_cert;            /* the last certificate issued, for certConf */
};

void ca_log (const char *fmt, ...) __attribute__((format (printf, 1, 2)));
/* The OpenSSL error queue, logged and cleared. */
void ca_log_ssl (const char *what);

/* state.c: the index of issued and revoked certificates under
 * ca->state_dir, written whole and atomically at every change, and the CRL. */
int state_load (struct ca *ca);
struct issued *state_find (struct ca *ca, const ASN1_INTEGER *serial);
int state_add (struct ca *ca, X509 *cert);
int state_revoke (struct ca *ca, struct issued *entry);
/* Signs a fresh CRL of every revoked certificate and writes it as crl.pem. */
int state_crl (struct ca *ca);
int write_atomic (const char *path, const void *data, size_t len);

/* der.c: the few fields OpenSSL 3.0 has no getter for. */
X509_PUBKEY *template_pubkey (const OSSL_CRMF_CERTTEMPLATE *tmpl);
/* 1 when MSG is protected by a PBM MAC, *KID its senderKID (or NULL); 0 for
 * a signature or no protection; -1 when its header cannot be read. */
int header_is_mac (const OSSL_CMP_MSG *msg, ASN1_OCTET_STRING **kid);

/* issue.c: a certificate for PUB under the CA's profile.  On refusal,
 * NULL with *FAIL_BIT a PKIFailureInfo bit and *WHY the reason. */
X509 *issue (struct ca *ca, const X509_NAME *subject, const X509_PUBKEY *pub, const STACK_OF (X509_EXTENSION) *exts,
             int *fail_bit, const char **why);
int profile_parse (const char *name, enum profile *out);
const char *profile_name (enum profile p);

/* server.c: the CMP side. */
OSSL_CMP_SRV_CTX *server_new (struct ca *ca);
/* The answer to REQ, or NULL when the CA vanishes on it. */
OSSL_CMP_MSG *server_answer (struct ca *ca, OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int *vanish);
int failinfo_parse (const char *names, int *bits);
int bodytype_parse (const char *name);
const char *bodytype_name (int type);

/* http.c: one connection, bounded in size and time. */
void http_serve (struct ca *ca, OSSL_CMP_SRV_CTX *srv, int fd, size_t max_request);

#endif
