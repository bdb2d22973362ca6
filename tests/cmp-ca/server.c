/* The CMP side: OSSL_CMP_SRV_CTX with its six callbacks, the protection
 * chosen per request (a MAC answered by a MAC, a signature by the CA's
 * signature), and who may renew and revoke what. */
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include "cmp-ca.h"

static const char *const failinfo_names[] = {
	"badAlg", "badMessageCheck", "badRequest", "badTime", "badCertId", "badDataFormat", "wrongAuthority",
	"incorrectData", "missingTimeStamp", "badPOP", "certRevoked", "certConfirmed", "wrongIntegrity",
	"badRecipientNonce", "timeNotAvailable", "unacceptedPolicy", "unacceptedExtension", "addInfoNotAvailable",
	"badSenderNonce", "badCertTemplate", "signerNotTrusted", "transactionIdInUse", "unsupportedVersion",
	"notAuthorized", "systemUnavail", "systemFailure", "duplicateCertReq",
};

/* PKIBody's choice numbers, as OSSL_CMP_MSG_get_bodytype gives them
 * (OpenSSL 3.0 names only ir, cr, p10cr and kur). */
enum { BODY_RR = 11, BODY_GENM = 21, BODY_ERROR = 23 };
static const char *const body_names[] = {
	"ir", "ip", "cr", "cp", "p10cr", "popdecc", "popdecr", "kur", "kup", "krr", "krp", "rr", "rp", "ccr",
	"ccp", "ckuann", "cann", "rann", "crlann", "pkiconf", "nested", "genm", "genp", "error", "certConf",
	"pollReq", "pollRep",
};

int
failinfo_parse (const char *names, int *bits)
{
	char *copy = strdup (names), *name, *save = NULL;
	size_t i;
	int ok = copy != NULL;

	*bits = 0;
	for (name = strtok_r (copy, ",", &save); ok && name != NULL; name = strtok_r (NULL, ",", &save)) {
		for (i = 0; i < sizeof failinfo_names / sizeof failinfo_names[0]; i++)
			if (strcmp (failinfo_names[i], name) == 0)
				break;
		ok = i < sizeof failinfo_names / sizeof failinfo_names[0];
		*bits |= 1 << i;
	}
	free (copy);
	return ok;
}

int
bodytype_parse (const char *name)
{
	size_t i;

	for (i = 0; i < sizeof body_names / sizeof body_names[0]; i++)
		if (strcmp (body_names[i], name) == 0)
			return i;
	return -1;
}

const char *
bodytype_name (int type)
{
	return type >= 0 && (size_t) type < sizeof body_names / sizeof body_names[0] ? body_names[type] : "unknown";
}

static int store_index = -1;

static int
is_ours (const struct ca *ca, const X509 *cert)
{
	return X509_NAME_cmp (X509_get_issuer_name (cert), X509_get_subject_name (ca->cert)) == 0 &&
	       X509_cmp (cert, ca->cert) != 0;
}

/* Remembers who signed the request, once its chain has checked out
 * (depth 0 is the last certificate the callback sees). */
static int
verify_cb (int ok, X509_STORE_CTX *sctx)
{
	struct ca *ca = X509_STORE_get_ex_data (X509_STORE_CTX_get0_store (sctx), store_index);
	X509 *cert = X509_STORE_CTX_get_current_cert (sctx);

	if (ok && ca != NULL && cert != NULL && X509_STORE_CTX_get_error_depth (sctx) == 0 && X509_up_ref (cert)) {
		X509_free (ca->signer);
		ca->signer = cert;
	}
	return ok;
}

static OSSL_CMP_PKISI *
refuse (int bit, const char *why)
{
	ca_log ("refused (%s): %s", failinfo_names[bit], why);
	return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_rejection, 1 << bit, why);
}

static OSSL_CMP_PKISI *
refuse_as_told (struct ca *ca)
{
	ca_log ("refusing, as told");
	return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_rejection, ca->reject_bits,
	                                ca->reject_text ? ca->reject_text : "refused as the test CA was told to");
}

/* A signer of ours that has since been revoked signs nothing more. */
static int
signer_revoked (struct ca *ca)
{
	struct issued *e;

	if (ca->signer == NULL || !is_ours (ca, ca->signer))
		return 0;
	e = state_find (ca, X509_get0_serialNumber (ca->signer));
	return e != NULL && e->revoked_at != 0;
}

/* kur: the old certificate is one this CA issued, still valid, and the
 * request is signed with its key. */
static int
kur_allowed (struct ca *ca, const OSSL_CRMF_MSG *crm, int *bit, const char **why)
{
	const OSSL_CRMF_CERTID *cid = OSSL_CRMF_MSG_get0_regCtrl_oldCertID (crm);
	const X509_NAME *issuer = cid ? OSSL_CRMF_CERTID_get0_issuer (cid) : NULL;
	const ASN1_INTEGER *serial = cid ? OSSL_CRMF_CERTID_get0_serialNumber (cid) : NULL;
	struct issued *e;

	*bit = OSSL_CMP_PKIFAILUREINFO_badCertId;
	if (issuer == NULL || serial == NULL)
		*why = "the kur names no old certificate (oldCertID)";
	else if (X509_NAME_cmp (issuer, X509_get_subject_name (ca->cert)) != 0)
		*why = "the old certificate is not this CA's";
	else if ((e = state_find (ca, serial)) == NULL)
		*why = "the old certificate is not one this CA issued";
	else if (e->revoked_at != 0) {
		*bit = OSSL_CMP_PKIFAILUREINFO_certRevoked;
		*why = "the old certificate is revoked";
	} else if (ca->signer == NULL || !is_ours (ca, ca->signer) ||
	         ASN1_INTEGER_cmp (X509_get0_serialNumber (ca->signer), serial) != 0) {
		*bit = OSSL_CMP_PKIFAILUREINFO_notAuthorized;
		*why = "a kur must be signed with the old certificate's key";
	} else
		return 1;
	return 0;
}

static OSSL_CMP_PKISI *
cert_request (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int cert_req_id, const OSSL_CRMF_MSG *crm,
              const X509_REQ *p10cr, X509 **cert_out, STACK_OF (X509) **chain_out, STACK_OF (X509) **ca_pubs)
{
	struct ca *ca = OSSL_CMP_SRV_CTX_get0_custom_ctx (srv);
	int type = OSSL_CMP_MSG_get_bodytype (req), bit;
	const OSSL_CRMF_CERTTEMPLATE *tmpl = crm ? OSSL_CRMF_MSG_get0_tmpl (crm) : NULL;
	STACK_OF (X509_EXTENSION) *p10_exts = NULL;
	OSSL_CMP_PKISI *si = NULL;
	X509_PUBKEY *tmpl_pub = NULL;
	X509 *cert = NULL;
	const char *why;

	(void) cert_req_id;
	*cert_out = NULL;
	*chain_out = NULL;
	*ca_pubs = NULL;
	if (ca->reject)
		return refuse_as_told (ca);
	if (ca->poll > 0 && !ca->delivering) {
		OSSL_CMP_MSG_free (ca->pending);
		if ((ca->pending = OSSL_CMP_MSG_dup (req)) == NULL)
			return NULL;
		ca->polls = 0;
		ca_log ("%s: waiting (%d pollReq before the answer)", bodytype_name (type), ca->poll);
		return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_waiting, 0, NULL);
	}
	ca->delivering = 0;
	if (type == OSSL_CMP_KUR && !kur_allowed (ca, crm, &bit, &why))
		return refuse (bit, why);
	if (signer_revoked (ca))
		return refuse (OSSL_CMP_PKIFAILUREINFO_certRevoked, "the request is signed with a revoked certificate");
	if (p10cr != NULL) {
		p10_exts = X509_REQ_get_extensions ((X509_REQ *) p10cr);
		cert = issue (ca, X509_REQ_get_subject_name (p10cr), X509_REQ_get_X509_PUBKEY ((X509_REQ *) p10cr),
		              p10_exts, &bit, &why);
	} else {
		tmpl_pub = template_pubkey (tmpl);
		cert = issue (ca, OSSL_CRMF_CERTTEMPLATE_get0_subject (tmpl), tmpl_pub,
		              OSSL_CRMF_CERTTEMPLATE_get0_extensions (tmpl), &bit, &why);
	}
	if (cert == NULL) {
		si = refuse (bit, why);
		goto out;
	}
	if (!state_add (ca, cert)) {
		si = refuse (OSSL_CMP_PKIFAILUREINFO_systemFailure, "the CA could not record the certificate");
		goto out;
	}
	if ((*chain_out = sk_X509_new_null ()) == NULL || !X509_add_cert (*chain_out, ca->cert, X509_ADD_FLAG_UP_REF) ||
	    (type == OSSL_CMP_IR && (*ca_pubs = X509_chain_up_ref (*chain_out)) == NULL))
		goto out;
	ca_log ("%s: issued %s to %s (profile %s)", bodytype_name (type), ca->issued[ca->n_issued - 1].serial,
	        ca->issued[ca->n_issued - 1].subject, profile_name (ca->profile));
	si = OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_accepted, 0, NULL);
	if (si != NULL && X509_up_ref (cert)) {
		X509_free (ca->last_cert);
		ca->last_cert = cert;
		*cert_out = cert;
		cert = NULL;
	}
out:
	if (*cert_out == NULL) {
		sk_X509_pop_free (*chain_out, X509_free);
		sk_X509_pop_free (*ca_pubs, X509_free);
		*chain_out = *ca_pubs = NULL;
	}
	X509_free (cert);
	X509_PUBKEY_free (tmpl_pub);
	sk_X509_EXTENSION_pop_free (p10_exts, X509_EXTENSION_free);
	return si;
}

/* rr: a certificate this CA issued, by a MAC (the secret's holder acts as
 * RA), by an RA the CA trusts (not one of its own certificates), or by the
 * certificate's own key. */
static OSSL_CMP_PKISI *
revoke (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, const X509_NAME *issuer, const ASN1_INTEGER *serial)
{
	struct ca *ca = OSSL_CMP_SRV_CTX_get0_custom_ctx (srv);
	struct issued *e;

	(void) req;
	if (ca->reject)
		return refuse_as_told (ca);
	if (issuer == NULL || serial == NULL)
		return refuse (OSSL_CMP_PKIFAILUREINFO_badCertId, "the rr names no issuer and serial number");
	if (X509_NAME_cmp (issuer, X509_get_subject_name (ca->cert)) != 0)
		return refuse (OSSL_CMP_PKIFAILUREINFO_badCertId, "the certificate is not this CA's");
	if ((e = state_find (ca, serial)) == NULL)
		return refuse (OSSL_CMP_PKIFAILUREINFO_badCertId, "the certificate is not one this CA issued");
	if (e->revoked_at != 0)
		return refuse (OSSL_CMP_PKIFAILUREINFO_certRevoked, "the certificate is already revoked");
	if (ca->signer != NULL && is_ours (ca, ca->signer) &&
	    ASN1_INTEGER_cmp (X509_get0_serialNumber (ca->signer), serial) != 0)
		return refuse (signer_revoked (ca) ? OSSL_CMP_PKIFAILUREINFO_certRevoked
		                                   : OSSL_CMP_PKIFAILUREINFO_notAuthorized,
		               "a holder may revoke only its own certificate");
	if (!state_revoke (ca, e))
		return refuse (OSSL_CMP_PKIFAILUREINFO_systemFailure, "the CA could not record the revocation");
	ca_log ("rr: revoked %s (%s); CRL number %ld", e->serial, e->subject, ca->crl_number);
	return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_accepted, 0, NULL);
}

static int
genm (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, const STACK_OF (OSSL_CMP_ITAV) *in,
      STACK_OF (OSSL_CMP_ITAV) **out)
{
	(void) srv;
	(void) req;
	(void) in;
	*out = sk_OSSL_CMP_ITAV_new_null ();
	return *out != NULL;
}

static void
error (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, const OSSL_CMP_PKISI *si, const ASN1_INTEGER *code,
       const OSSL_CMP_PKIFREETEXT *details)
{
	char buf[OSSL_CMP_PKISI_BUFLEN];

	(void) srv;
	(void) req;
	(void) details;
	ca_log ("the client sent an error: %s, code %ld",
	        si ? OSSL_CMP_snprint_PKIStatusInfo (si, buf, sizeof buf) : "no status", code ? ASN1_INTEGER_get (code) : -1);
}

/* The hash must be of the certificate just issued. */
static int
cert_conf (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int cert_req_id, const ASN1_OCTET_STRING *hash,
           const OSSL_CMP_PKISI *si)
{
	struct ca *ca = OSSL_CMP_SRV_CTX_get0_custom_ctx (srv);
	ASN1_OCTET_STRING *digest = ca->last_cert ? X509_digest_sig (ca->last_cert, NULL, NULL) : NULL;
	char buf[OSSL_CMP_PKISI_BUFLEN];
	int ok = digest != NULL && hash != NULL && ASN1_OCTET_STRING_cmp (hash, digest) == 0;

	(void) req;
	(void) cert_req_id;
	if (!ok)
		ca_log ("certConf: the hash is not that of the certificate just issued");
	else
		ca_log ("certConf: %s", si ? OSSL_CMP_snprint_PKIStatusInfo (si, buf, sizeof buf) : "accepted");
	ASN1_OCTET_STRING_free (digest);
	return ok;
}

static int
poll_req (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int cert_req_id, OSSL_CMP_MSG **cert_req,
          int64_t *check_after)
{
	struct ca *ca = OSSL_CMP_SRV_CTX_get0_custom_ctx (srv);

	(void) req;
	(void) cert_req_id;
	*cert_req = NULL;
	if (ca->pending == NULL) {
		ca_log ("pollReq: nothing is pending");
		return 0;
	}
	if (++ca->polls >= ca->poll) {
		/* OpenSSL answers it and frees it */
		*cert_req = ca->pending;
		ca->pending = NULL;
		ca->delivering = 1;
		*check_after = 0;
	} else {
		*check_after = ca->check_after;
		ca_log ("pollReq %d of %d: check after %d s", ca->polls, ca->poll, ca->check_after);
	}
	return 1;
}

/* OpenSSL's own account of what it refused, in the CA's log. */
static int
log_cb (const char *func, const char *file, int line, OSSL_CMP_severity level, const char *msg)
{
	(void) func;
	(void) file;
	(void) line;
	if (level <= OSSL_CMP_LOG_WARNING)
		ca_log ("  openssl: %s", msg);
	return 1;
}

OSSL_CMP_SRV_CTX *
server_new (struct ca *ca)
{
	OSSL_CMP_SRV_CTX *srv = OSSL_CMP_SRV_CTX_new (NULL, NULL);
	OSSL_CMP_CTX *ctx = srv ? OSSL_CMP_SRV_CTX_get0_cmp_ctx (srv) : NULL;

	if (store_index < 0)
		store_index = X509_STORE_get_ex_new_index (0, NULL, NULL, NULL, NULL);
	if (ctx == NULL || store_index < 0 ||
	    !OSSL_CMP_SRV_CTX_init (srv, ca, cert_request, revoke, genm, error, cert_conf, poll_req) ||
	    !OSSL_CMP_CTX_set_log_cb (ctx, log_cb) || !OSSL_CMP_CTX_set1_cert (ctx, ca->cert) || !OSSL_CMP_CTX_set1_pkey (ctx, ca->key) ||
	    !X509_STORE_set_ex_data (ca->trust, store_index, ca) || !X509_STORE_up_ref (ca->trust))
		goto fail;
	X509_STORE_set_verify_cb (ca->trust, verify_cb);
	if (!OSSL_CMP_CTX_set0_trustedStore (ctx, ca->trust)) {
		X509_STORE_free (ca->trust);
		goto fail;
	}
	if (!OSSL_CMP_SRV_CTX_set_accept_unprotected (srv, 0) || !OSSL_CMP_SRV_CTX_set_grant_implicit_confirm (srv, 1))
		goto fail;
	return srv;
fail:
	ca_log_ssl ("cannot set up the CMP server");
	OSSL_CMP_SRV_CTX_free (srv);
	return NULL;
}

static int
starts_transaction (int type)
{
	return type == OSSL_CMP_IR || type == OSSL_CMP_CR || type == OSSL_CMP_P10CR || type == OSSL_CMP_KUR ||
	       type == BODY_RR || type == BODY_GENM;
}

/* A MAC under the reference the CA knows is checked, and answered, with
 * the secret; anything else with signatures.  Without a secret set, a MAC
 * does not verify. */
static void
choose_protection (struct ca *ca, OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req)
{
	ASN1_OCTET_STRING *kid = NULL;
	int mac = header_is_mac (req, &kid);
	int known = mac == 1 && ca->secret != NULL && kid != NULL && (size_t) kid->length == strlen (ca->ref) &&
	            memcmp (kid->data, ca->ref, kid->length) == 0;

	if (known) {
		OSSL_CMP_CTX_set1_secretValue (ctx, ca->secret, ca->secret_len);
		OSSL_CMP_CTX_set1_referenceValue (ctx, (const unsigned char *) ca->ref, strlen (ca->ref));
	} else {
		OSSL_CMP_CTX_set1_secretValue (ctx, NULL, 0);
		OSSL_CMP_CTX_set1_referenceValue (ctx, NULL, 0);
	}
	if (mac == 1 && !known)
		ca_log ("a MAC under a reference this CA has no secret for");
	else if (mac < 0)
		ca_log ("a request whose header OpenSSL cannot re-encode");
	ASN1_OCTET_STRING_free (kid);
}

OSSL_CMP_MSG *
server_answer (struct ca *ca, OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int *vanish)
{
	OSSL_CMP_CTX *ctx = OSSL_CMP_SRV_CTX_get0_cmp_ctx (srv);
	int type = OSSL_CMP_MSG_get_bodytype (req);
	OSSL_CMP_MSG *rsp;

	*vanish = type == ca->vanish;
	if (*vanish) {
		ca_log ("%s: closing the connection unanswered, as told", bodytype_name (type));
		return NULL;
	}
	/* OpenSSL 3.0's server context, reused across transactions from
	 * different signers, reads freed memory in OSSL_CMP_validate_msg:
	 * each transaction starts from a clean one (FACTS.md). */
	if (starts_transaction (type)) {
		OSSL_CMP_CTX_reinit (ctx);
		OSSL_CMP_MSG_free (ca->pending);
		ca->pending = NULL;
		ca->delivering = 0;
	}
	X509_free (ca->signer);
	ca->signer = NULL;
	choose_protection (ca, ctx, req);
	rsp = OSSL_CMP_SRV_process_request (srv, req);
	if (rsp == NULL)
		ca_log_ssl ("no answer could be made");
	else if (OSSL_CMP_MSG_get_bodytype (rsp) == BODY_ERROR)
		ca_log_ssl ("answered an error");
	else
		ca_log ("%s answered with %s", bodytype_name (type), bodytype_name (OSSL_CMP_MSG_get_bodytype (rsp)));
	ERR_clear_error ();
	return rsp;
}
