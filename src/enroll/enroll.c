/* CMP exchanges with a CA through OpenSSL's OSSL_CMP_CTX.  The token key
 * reaches OpenSSL through inkan's provider, so the proof of possession and
 * a signature protection are made on the token.  OpenSSL checks each
 * answer's protection, transaction ID, nonces and message types; here the
 * issued certificate is checked against the requested key once more (and
 * against the trusted certificates), and the CA's PKIStatusInfo is kept. */
#include <stdlib.h>
#include <string.h>
#include <openssl/bioerr.h>
#include <openssl/cmp.h>
#include <openssl/cmperr.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/x509v3.h>

#include <inkan/enroll.h>
#include "src/cert/csr.h"
#include "src/enroll/enroll-int.h"
#include "src/util/internal.h"

/* An hour is more than any counter waits; a bound keeps a typo from
 * hanging a script for days. */
#define ENROLL_TIMEOUT_DEFAULT 60
#define ENROLL_TIMEOUT_MAX 3600

struct inkan_enroll {
	char *url;
	char *host;
	char *path;
	int port;
	int timeout;
	STACK_OF(X509) *trusted;
	char *ref;                      /* MAC protection: reference and secret */
	inkan_secret *secret;
	X509 *signer_cert;              /* or signature protection */
	inkan_key *signer_key;
	enroll_answer answer;
	/* Of the exchange under way. */
	EVP_PKEY *expect;               /* the public key the new certificate must certify */
	int wrong_key;
	int untrusted_cert;
	/* OpenSSL overwrites the CA's PKIStatus with "rejection" when the
	 * client refuses the certificate: the CA's, as it was before. */
	int server_status;
	OSSL_CMP_transfer_cb_t transfer;        /* NULL: HTTP to the server */
	void *transfer_arg;
};

inkan_err
inkan_enroll_new (const char *server, inkan_enroll **out)
{
	inkan_enroll *e = NULL;
	char *user = NULL, *host = NULL, *path = NULL, *query = NULL, *frag = NULL;
	int ssl = 0, port = 0;
	inkan_err err = INKAN_OK;

	if (server == NULL || !OSSL_HTTP_parse_url (server, &ssl, &user, &host, NULL, &port, &path, &query, &frag)) {
		err = inkan_fail_ossl (INKAN_ERR_USAGE, _("not an http:// URL: %s"), server ? server : "(null)");
		goto out;
	}
	/* OpenSSL 3.0's CMP client speaks TLS only through an application's
	 * own callback: https is left to a later version. */
	if (ssl) {
		err = inkan_fail (INKAN_ERR_UNSUPPORTED, _("https is not supported for CMP: %s"), server);
		goto out;
	}
	if ((user != NULL && *user != '\0') || (query != NULL && *query != '\0') ||
	    (frag != NULL && *frag != '\0')) {
		err = inkan_fail (INKAN_ERR_USAGE, _("a CMP URL has no user, query or fragment: %s"), server);
		goto out;
	}
	e = calloc (1, sizeof *e);
	if (e == NULL || (e->url = strdup (server)) == NULL || (e->host = strdup (host)) == NULL ||
	    (e->path = strdup (path)) == NULL || (e->trusted = sk_X509_new_null ()) == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	e->port = port;
	e->timeout = ENROLL_TIMEOUT_DEFAULT;
	enroll_answer_reset (&e->answer);
	*out = e;
	e = NULL;
out:
	inkan_enroll_free (e);
	OPENSSL_free (user);
	OPENSSL_free (host);
	OPENSSL_free (path);
	OPENSSL_free (query);
	OPENSSL_free (frag);
	return err;
}

static void
clear_protection (inkan_enroll *e)
{
	free (e->ref);
	e->ref = NULL;
	inkan_secret_free (e->secret);
	e->secret = NULL;
	X509_free (e->signer_cert);
	e->signer_cert = NULL;
	inkan_key_free (e->signer_key);
	e->signer_key = NULL;
}

void
inkan_enroll_free (inkan_enroll *e)
{
	if (e == NULL)
		return;
	clear_protection (e);
	sk_X509_pop_free (e->trusted, X509_free);
	free (e->url);
	free (e->host);
	free (e->path);
	free (e);
}

void
enroll_set_transfer (inkan_enroll *e, OSSL_CMP_transfer_cb_t cb, void *arg)
{
	e->transfer = cb;
	e->transfer_arg = arg;
}

inkan_err
inkan_enroll_set_timeout (inkan_enroll *e, int seconds)
{
	if (seconds < 1 || seconds > ENROLL_TIMEOUT_MAX)
		return inkan_fail (INKAN_ERR_USAGE, _("a CMP timeout is 1 to %d seconds, not %d"), ENROLL_TIMEOUT_MAX,
		                   seconds);
	e->timeout = seconds;
	return INKAN_OK;
}

inkan_err
inkan_enroll_add_trusted (inkan_enroll *e, X509 *cert)
{
	if (cert == NULL)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("no trusted certificate given"));
	if (!X509_up_ref (cert))
		return inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot keep the trusted certificate"));
	if (!sk_X509_push (e->trusted, cert)) {
		X509_free (cert);
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	return INKAN_OK;
}

inkan_err
inkan_enroll_set_mac (inkan_enroll *e, const char *ref, const inkan_secret *secret)
{
	char *r;
	inkan_secret *s = NULL;
	inkan_err err;

	if (ref == NULL || *ref == '\0' || secret == NULL || inkan_secret_len (secret) == 0)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("MAC protection needs a reference and a secret"));
	if ((r = strdup (ref)) == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	if ((err = inkan_secret_new (inkan_secret_data (secret), inkan_secret_len (secret), &s)) != INKAN_OK) {
		free (r);
		return err;
	}
	clear_protection (e);
	e->ref = r;
	e->secret = s;
	return INKAN_OK;
}

inkan_err
inkan_enroll_set_signer (inkan_enroll *e, X509 *cert, inkan_key *key)
{
	EVP_PKEY *pub = NULL;
	inkan_err err;

	if (cert == NULL || key == NULL)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("signature protection needs a certificate and its key"));
	/* Found here, the mismatch costs no exchange and reads as what it is. */
	if ((err = inkan_key_get_public (key, &pub)) != INKAN_OK)
		return err;
	if (X509_get0_pubkey (cert) == NULL || EVP_PKEY_eq (X509_get0_pubkey (cert), pub) != 1)
		err = inkan_fail (INKAN_ERR_USAGE, _("the signer's certificate is not for the key %s"), inkan_key_get_uri (key));
	EVP_PKEY_free (pub);
	ERR_clear_error ();
	if (err != INKAN_OK)
		return err;
	if (!X509_up_ref (cert))
		return inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot keep the signer's certificate"));
	clear_protection (e);
	e->signer_cert = cert;
	e->signer_key = inkan_key_ref (key);
	return INKAN_OK;
}

const inkan_enroll_answer *
inkan_enroll_last_answer (const inkan_enroll *e)
{
	return &e->answer.pub;
}

/* OpenSSL's CMP log lines repeat what its error queue holds, which the
 * failure's detail reports: nothing is printed behind the caller's back. */
static int
quiet_log (const char *func, const char *file, int line, OSSL_CMP_severity level, const char *msg)
{
	(void) func, (void) file, (void) line, (void) level, (void) msg;
	return 1;
}

/* Before the certificate is confirmed: it must certify the requested key
 * and, when certificates are trusted, chain to one of them.  A non-zero
 * return makes OpenSSL reject it in the certConf and fail the exchange. */
static int
check_new_cert (OSSL_CMP_CTX *ctx, X509 *cert, int fail_info, const char **text)
{
	inkan_enroll *e = OSSL_CMP_CTX_get_certConf_cb_arg (ctx);
	EVP_PKEY *pub = X509_get0_pubkey (cert);

	e->server_status = OSSL_CMP_CTX_get_status (ctx);
	/* OpenSSL's own key check may have set FAIL_INFO already: the flags
	 * say which of the two refusals it was. */
	if (pub == NULL || EVP_PKEY_eq (pub, e->expect) != 1) {
		e->wrong_key = 1;
		*text = "the certificate does not certify the requested key";
		return fail_info | 1 << OSSL_CMP_PKIFAILUREINFO_badCertTemplate;
	}
	if (fail_info != 0)
		return fail_info;
	if (sk_X509_num (e->trusted) > 0 &&
	    OSSL_CMP_validate_cert_path (ctx, OSSL_CMP_CTX_get0_trustedStore (ctx), cert) != 1) {
		e->untrusted_cert = 1;
		*text = "the certificate does not chain to a trusted certificate";
		return 1 << OSSL_CMP_PKIFAILUREINFO_incorrectData;
	}
	return 0;
}

static inkan_err
trusted_store (inkan_enroll *e, X509_STORE **out)
{
	X509_STORE *store = X509_STORE_new ();
	int i;

	for (i = 0; store != NULL && i < sk_X509_num (e->trusted); i++) {
		if (!X509_STORE_add_cert (store, sk_X509_value (e->trusted, i))) {
			X509_STORE_free (store);
			return inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot trust the certificates given"));
		}
	}
	if (store == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	*out = store;
	return INKAN_OK;
}

/* Sign protection with KEY, whose certificate is CERT. */
static inkan_err
set_signer (OSSL_CMP_CTX *ctx, X509 *cert, inkan_key *key)
{
	EVP_PKEY *pkey = NULL;
	inkan_err err = inkan_key_to_evp_pkey (key, NULL, &pkey);

	if (err == INKAN_OK && (!OSSL_CMP_CTX_set1_cert (ctx, cert) || !OSSL_CMP_CTX_set1_pkey (ctx, pkey)))
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot sign the CMP requests with that key"));
	EVP_PKEY_free (pkey);
	return err;
}

/* A client context for one exchange: the server, the bounds, whom to
 * trust, and the protection set (kur brings its own). */
static inkan_err
ctx_new (inkan_enroll *e, int own_protection, OSSL_CMP_CTX **out)
{
	OSSL_CMP_CTX *ctx = OSSL_CMP_CTX_new (NULL, NULL);
	X509_STORE *store = NULL;
	inkan_err err = INKAN_OK;

	if (ctx == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	if (!own_protection && e->ref == NULL && e->signer_key == NULL) {
		err = inkan_fail (INKAN_ERR_USAGE, "%s",
		                  _("CMP requests must be protected: give a MAC reference and secret, or a signer"));
		goto out;
	}
	if ((err = trusted_store (e, &store)) != INKAN_OK)
		goto out;
	/* The message timeout bounds each HTTP exchange, the total one the
	 * whole transaction with its polling; the answer's size is bounded by
	 * OpenSSL (OSSL_HTTP_DEFAULT_MAX_RESP_LEN, 100 KiB). */
	if (!OSSL_CMP_CTX_set_log_cb (ctx, quiet_log) || !OSSL_CMP_CTX_set1_server (ctx, e->host) ||
	    !OSSL_CMP_CTX_set_serverPort (ctx, e->port) || !OSSL_CMP_CTX_set1_serverPath (ctx, e->path) ||
	    !OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_MSG_TIMEOUT, e->timeout) ||
	    !OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_TOTAL_TIMEOUT, e->timeout) ||
	    !OSSL_CMP_CTX_set_certConf_cb (ctx, check_new_cert) || !OSSL_CMP_CTX_set_certConf_cb_arg (ctx, e) ||
	    !OSSL_CMP_CTX_set0_trustedStore (ctx, store)) {
		X509_STORE_free (store);
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot set up the CMP client"));
		goto out;
	}
	/* OpenSSL 3.0's MAC is HMAC-SHA1; RFC 9481 section 6.1 wants SHA-256. */
	if (!own_protection && e->ref != NULL &&
	    (!OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_MAC_ALGNID, NID_hmacWithSHA256) ||
	     !OSSL_CMP_CTX_set1_referenceValue (ctx, (const unsigned char *) e->ref, strlen (e->ref)) ||
	     !OSSL_CMP_CTX_set1_secretValue (ctx, (const unsigned char *) inkan_secret_data (e->secret),
	                                     (int) inkan_secret_len (e->secret)))) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot set up the CMP client"));
		goto out;
	}
	if (!own_protection && e->signer_key != NULL &&
	    (err = set_signer (ctx, e->signer_cert, e->signer_key)) != INKAN_OK)
		goto out;
	if (e->transfer != NULL &&
	    (!OSSL_CMP_CTX_set_transfer_cb (ctx, e->transfer) || !OSSL_CMP_CTX_set_transfer_cb_arg (ctx, e->transfer_arg))) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot set up the CMP client"));
		goto out;
	}
	*out = ctx;
	ctx = NULL;
out:
	OSSL_CMP_CTX_free (ctx);
	return err;
}

/* What OpenSSL's CMP client said about a failed exchange, read off the
 * error queue: the queue is given back afterwards, for a token's failure
 * behind it (inkan_key_ossl_error) to be found. */
enum {
	SAW_PROTECTION = 1 << 0,        /* the answer's protection did not verify */
	SAW_TIMEOUT = 1 << 1,
	SAW_MISMATCH = 1 << 2,          /* transaction ID, nonce or body type not ours */
	SAW_NO_CONNECTION = 1 << 3,
	SAW_NOT_ACCEPTED = 1 << 4,      /* the client refused the new certificate */
};

#define QUEUE_MAX 32

static unsigned
read_queue (void)
{
	/* Where each error was raised is not kept: OpenSSL frees those
	 * strings with the queue, and nothing here reads them. */
	struct {
		unsigned long code;
		int flags;
		char *data;
	} q[QUEUE_MAX];
	const char *data;
	unsigned saw = 0;
	int n = 0, i, reason;
	unsigned long code;

	while (n < QUEUE_MAX && (code = ERR_get_error_all (NULL, NULL, NULL, &data, &q[n].flags)) != 0) {
		q[n].code = code;
		q[n].data = (q[n].flags & ERR_TXT_STRING) && data != NULL ? OPENSSL_strdup (data) : NULL;
		n++;
		if (ERR_GET_LIB (code) == ERR_LIB_BIO &&
		    (ERR_GET_REASON (code) == BIO_R_CONNECT_TIMEOUT || ERR_GET_REASON (code) == BIO_R_CONNECT_ERROR))
			saw |= SAW_NO_CONNECTION;
		if (ERR_GET_LIB (code) != ERR_LIB_CMP)
			continue;
		reason = ERR_GET_REASON (code);
		switch (reason) {
		case CMP_R_ERROR_VALIDATING_PROTECTION:
		case CMP_R_ERROR_VALIDATING_SIGNATURE:
		case CMP_R_WRONG_PBM_VALUE:
		case CMP_R_MISSING_PROTECTION:
		case CMP_R_SRVCERT_DOES_NOT_VALIDATE_MSG:
		case CMP_R_NO_SUITABLE_SENDER_CERT:
			saw |= SAW_PROTECTION;
			break;
		case CMP_R_TOTAL_TIMEOUT:
			saw |= SAW_TIMEOUT;
			break;
		case CMP_R_CERTIFICATE_NOT_ACCEPTED:
			saw |= SAW_NOT_ACCEPTED;
			break;
		case CMP_R_TRANSACTIONID_UNMATCHED:
		case CMP_R_RECIPNONCE_UNMATCHED:
		case CMP_R_UNEXPECTED_PKIBODY:
		case CMP_R_UNEXPECTED_PVNO:
			saw |= SAW_MISMATCH;
			break;
		}
	}
	ERR_clear_error ();
	for (i = 0; i < n; i++) {
		ERR_new ();
		if (q[i].data != NULL)
			ERR_set_error (ERR_GET_LIB (q[i].code), ERR_GET_REASON (q[i].code), "%s", q[i].data);
		else
			ERR_set_error (ERR_GET_LIB (q[i].code), ERR_GET_REASON (q[i].code), NULL);
		OPENSSL_free (q[i].data);
	}
	return saw;
}

/* The CA's PKIStatusInfo into E's answer, and the exchange's failure
 * (OK = 0 from OpenSSL) as an inkan_err with its detail. */
static inkan_err
conclude (inkan_enroll *e, OSSL_CMP_CTX *ctx, int ok)
{
	char said[ENROLL_TEXT_MAX + 256], detail[1024];
	int status = OSSL_CMP_CTX_get_status (ctx);
	unsigned saw = 0;
	inkan_err err;

	if (!ok)
		saw = read_queue ();
	if (saw & SAW_NOT_ACCEPTED)
		status = e->server_status;
	enroll_answer_set (&e->answer, status, OSSL_CMP_CTX_get_failInfoCode (ctx), OSSL_CMP_CTX_get0_statusString (ctx));
	if (ok) {
		ERR_clear_error ();
		return INKAN_OK;
	}
	err = inkan_key_ossl_error (INKAN_ERR_IO);
	snprintf (detail, sizeof detail, "%s", inkan_detail ());
	if (err != INKAN_ERR_IO)
		return err;     /* the token's failure (PIN, removed card) */
	if (e->wrong_key)
		return inkan_fail (INKAN_ERR_BAD_SIGNATURE, _("the CA at %s issued a certificate for another key"),
		                   e->url);
	if (e->untrusted_cert)
		return inkan_fail (INKAN_ERR_BAD_SIGNATURE,
		                   _("the certificate from the CA at %s does not chain to a trusted certificate"), e->url);
	if (saw & SAW_NOT_ACCEPTED)
		return inkan_fail (INKAN_ERR_BAD_SIGNATURE, _("the certificate from the CA at %s was not accepted: %s"),
		                   e->url, detail);
	if (status == OSSL_CMP_PKISTATUS_rejection) {
		enroll_answer_describe (&e->answer.pub, said, sizeof said);
		return inkan_fail (INKAN_ERR_REJECTED, _("the CA at %s rejected the request: %s"), e->url, said);
	}
	if (saw & SAW_PROTECTION)
		return inkan_fail (INKAN_ERR_BAD_SIGNATURE,
		                   _("the protection of the answer from %s does not verify (wrong secret, or a signer not trusted): %s"),
		                   e->url, detail);
	if (saw & SAW_NO_CONNECTION)
		return inkan_fail (INKAN_ERR_IO, _("cannot connect to the CA at %s (tried for %d s)"), e->url, e->timeout);
	if (saw & SAW_TIMEOUT)
		return inkan_fail (INKAN_ERR_IO, _("no final answer from %s within %d s"), e->url, e->timeout);
	if (saw & SAW_MISMATCH)
		return inkan_fail (INKAN_ERR_IO, _("the answer from %s is not for this request: %s"), e->url, detail);
	return inkan_fail (INKAN_ERR_IO, _("no usable answer from the CA at %s: %s"), e->url, detail);
}

/* Before an exchange: nothing left of the last one. */
static void
begin (inkan_enroll *e, EVP_PKEY *expect)
{
	e->expect = expect;
	e->wrong_key = e->untrusted_cert = 0;
	e->server_status = -1;
	enroll_answer_reset (&e->answer);
	/* SoftHSM2 leaves errors of its own on the queue when a token opens;
	 * they are not this exchange's. */
	ERR_clear_error ();
}

typedef enum { EX_IR, EX_CR, EX_P10CR, EX_KUR } exchange_kind;

/* One certificate exchange on a CTX set up for it; EXPECT is the public
 * key the new certificate must certify. */
static inkan_err
certreq (inkan_enroll *e, OSSL_CMP_CTX *ctx, exchange_kind kind, EVP_PKEY *expect, X509 **out)
{
	X509 *cert;
	inkan_err err;

	begin (e, expect);
	switch (kind) {
	case EX_IR: cert = OSSL_CMP_exec_IR_ses (ctx); break;
	case EX_CR: cert = OSSL_CMP_exec_CR_ses (ctx); break;
	case EX_P10CR: cert = OSSL_CMP_exec_P10CR_ses (ctx); break;
	default: cert = OSSL_CMP_exec_KUR_ses (ctx); break;
	}
	err = conclude (e, ctx, cert != NULL);
	/* OpenSSL confirmed it through the callback; checked again here so
	 * that no path hands out a certificate for another key. */
	if (err == INKAN_OK && (X509_get0_pubkey (cert) == NULL || EVP_PKEY_eq (X509_get0_pubkey (cert), expect) != 1))
		err = inkan_fail (INKAN_ERR_BAD_SIGNATURE, _("the CA at %s issued a certificate for another key"), e->url);
	if (err == INKAN_OK && !X509_up_ref (cert))
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot keep the new certificate"));
	e->expect = NULL;
	if (err == INKAN_OK)
		*out = cert;
	return err;
}

static inkan_err
enrol_new_key (inkan_enroll *e, exchange_kind kind, inkan_key *key, const X509_NAME *subject,
               const char *const *sans, size_t n_sans, X509 **out)
{
	OSSL_CMP_CTX *ctx = NULL;
	EVP_PKEY *priv = NULL, *pub = NULL;
	GENERAL_NAME *gn = NULL;
	inkan_err err;
	size_t i;

	if (key == NULL || subject == NULL || (sans == NULL && n_sans > 0))
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("a certificate request needs a key and a subject"));
	if ((err = ctx_new (e, 0, &ctx)) != INKAN_OK)
		goto out;
	for (i = 0; i < n_sans; i++) {
		if ((err = csr_san_parse (sans[i], &gn)) != INKAN_OK)
			goto out;
		if (!OSSL_CMP_CTX_push1_subjectAltName (ctx, gn)) {
			err = inkan_fail_ossl (INKAN_ERR_NOMEM, "%s", _("out of memory"));
			goto out;
		}
		GENERAL_NAME_free (gn);
		gn = NULL;
	}
	if ((err = inkan_key_get_public (key, &pub)) != INKAN_OK ||
	    (err = inkan_key_to_evp_pkey (key, NULL, &priv)) != INKAN_OK)
		goto out;
	if (!OSSL_CMP_CTX_set1_subjectName (ctx, subject) || !OSSL_CMP_CTX_set0_newPkey (ctx, 1, priv)) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot set up the certificate request"));
		goto out;
	}
	priv = NULL;
	err = certreq (e, ctx, kind, pub, out);
out:
	GENERAL_NAME_free (gn);
	EVP_PKEY_free (priv);
	EVP_PKEY_free (pub);
	OSSL_CMP_CTX_free (ctx);
	return err;
}

inkan_err
inkan_enroll_ir (inkan_enroll *e, inkan_key *key, const X509_NAME *subject, const char *const *sans,
                 size_t n_sans, X509 **out)
{
	return enrol_new_key (e, EX_IR, key, subject, sans, n_sans, out);
}

inkan_err
inkan_enroll_cr (inkan_enroll *e, inkan_key *key, const X509_NAME *subject, const char *const *sans,
                 size_t n_sans, X509 **out)
{
	return enrol_new_key (e, EX_CR, key, subject, sans, n_sans, out);
}

inkan_err
inkan_enroll_p10cr (inkan_enroll *e, X509_REQ *csr, X509 **out)
{
	OSSL_CMP_CTX *ctx = NULL;
	EVP_PKEY *pub;
	inkan_err err;

	if (csr == NULL || (pub = X509_REQ_get0_pubkey (csr)) == NULL)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("a request without a public key"));
	if ((err = ctx_new (e, 0, &ctx)) != INKAN_OK)
		return err;
	if (!OSSL_CMP_CTX_set1_p10CSR (ctx, csr))
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot set up the certificate request"));
	else
		err = certreq (e, ctx, EX_P10CR, pub, out);
	OSSL_CMP_CTX_free (ctx);
	return err;
}

inkan_err
inkan_enroll_kur (inkan_enroll *e, inkan_key *new_key, X509 *old_cert, inkan_key *old_key, X509 **out)
{
	OSSL_CMP_CTX *ctx = NULL;
	EVP_PKEY *priv = NULL, *pub = NULL;
	inkan_err err;

	if (new_key == NULL || old_cert == NULL || old_key == NULL)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("a renewal needs the new key, the old certificate and its key"));
	/* RFC 9483 section 4.1.3: the request is signed with the key being
	 * replaced, under its certificate. */
	if ((err = ctx_new (e, 1, &ctx)) != INKAN_OK || (err = set_signer (ctx, old_cert, old_key)) != INKAN_OK ||
	    (err = inkan_key_get_public (new_key, &pub)) != INKAN_OK ||
	    (err = inkan_key_to_evp_pkey (new_key, NULL, &priv)) != INKAN_OK)
		goto out;
	if (!OSSL_CMP_CTX_set1_oldCert (ctx, old_cert) || !OSSL_CMP_CTX_set0_newPkey (ctx, 1, priv)) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot set up the renewal request"));
		goto out;
	}
	priv = NULL;
	err = certreq (e, ctx, EX_KUR, pub, out);
out:
	EVP_PKEY_free (priv);
	EVP_PKEY_free (pub);
	OSSL_CMP_CTX_free (ctx);
	return err;
}

inkan_err
inkan_enroll_rr (inkan_enroll *e, X509 *cert, int reason)
{
	OSSL_CMP_CTX *ctx = NULL;
	inkan_err err;

	if (cert == NULL)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("no certificate to revoke"));
	/* CRLReason 0..10, 7 unused (RFC 5280 section 5.3.1). */
	if (reason < -1 || reason > 10 || reason == 7)
		return inkan_fail (INKAN_ERR_USAGE, _("not a CRL reason: %d"), reason);
	if ((err = ctx_new (e, 0, &ctx)) != INKAN_OK)
		return err;
	if (!OSSL_CMP_CTX_set1_oldCert (ctx, cert) ||
	    !OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_REVOCATION_REASON, reason)) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot set up the revocation request"));
		goto out;
	}
	begin (e, NULL);
	err = conclude (e, ctx, OSSL_CMP_exec_RR_ses (ctx) == 1);
out:
	OSSL_CMP_CTX_free (ctx);
	return err;
}
