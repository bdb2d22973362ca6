/* Revocation by OCSP (RFC 6960): a request with a nonce, POSTed to the
 * configured or AIA responder; the answer must be signed by the CA or a
 * responder it delegated with id-kp-OCSPSigning, carry our nonce, and be
 * current.  Good answers are cached until their nextUpdate. */
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>

#include "src/validate/vint.h"

#define SKEW_SECONDS 300

static char *
ocsp_url (inkan_validator *v, X509 *leaf)
{
	STACK_OF(OPENSSL_STRING) *urls;
	char *url = NULL;
	int i;

	if (v->url[INKAN_METHOD_OCSP] != NULL && v->depth == 0)
		return strdup (v->url[INKAN_METHOD_OCSP]);
	urls = X509_get1_ocsp (leaf);
	for (i = 0; url == NULL && i < sk_OPENSSL_STRING_num (urls); i++) {
		const char *u = sk_OPENSSL_STRING_value (urls, i);

		if (strncmp (u, "http://", 7) == 0 || strncmp (u, "https://", 8) == 0)
			url = strdup (u);
	}
	X509_email_free (urls);
	return url;
}

static void
say_ossl (method_result *res, const char *what)
{
	unsigned long e = ERR_peek_last_error ();
	char buf[200] = "";

	if (e != 0)
		ERR_error_string_n (e, buf, sizeof buf);
	ERR_clear_error ();
	method_say (res->why, sizeof res->why, "%s%s%s", what, buf[0] ? ": " : "", buf);
}

/* Signature, signer's authority, status and window of one basic response;
 * sets RES's outcome.  NULL REQ: from the cache, where no nonce applies. */
static void
judge_basic (inkan_validator *v, STACK_OF(X509) *chain, OCSP_BASICRESP *bs,
             OCSP_REQUEST *req, OCSP_CERTID *id, method_result *res)
{
	ASN1_GENERALIZEDTIME *rev = NULL, *this_upd = NULL, *next_upd = NULL;
	int status, reason = -1;
	char when[32];

	/* A response without a nonce (-1) is accepted, as many responders
	 * pre-produce answers; one with another nonce is a replay. */
	if (req != NULL && OCSP_check_nonce (req, bs) == 0) {
		method_say (res->why, sizeof res->why, "%s",
		            _("the response's nonce is not ours (a replayed answer?)"));
		return;
	}
	if (OCSP_basic_verify (bs, chain, v->anchors, 0) <= 0) {
		say_ossl (res, _("the response is not signed by the CA or a responder it authorised"));
		return;
	}
	if (!OCSP_resp_find_status (bs, id, &status, &reason, &rev, &this_upd, &next_upd)) {
		method_say (res->why, sizeof res->why, "%s", _("the response says nothing about this certificate"));
		return;
	}
	/* current at the time judged (OCSP_check_validity knows only now) */
	if (time_of (this_upd) > judge_time (v) + SKEW_SECONDS ||
	    (next_upd != NULL && time_of (next_upd) + SKEW_SECONDS < judge_time (v))) {
		time_str (next_upd, when, sizeof when);
		method_say (res->why, sizeof res->why, _("the response is stale or not yet valid (nextUpdate %s)"), when);
		return;
	}
	switch (status) {
	case V_OCSP_CERTSTATUS_GOOD:
		res->outcome = INKAN_OUTCOME_GOOD;
		method_say (res->answer, sizeof res->answer, "%s", _("good"));
		break;
	case V_OCSP_CERTSTATUS_REVOKED:
		res->reason = reason;
		res->revoked_at = time_of (rev);
		time_str (rev, when, sizeof when);
		if (res->revoked_at > judge_time (v)) {
			res->outcome = INKAN_OUTCOME_GOOD;
			method_say (res->answer, sizeof res->answer, _("revoked only later, on %s"), when);
		} else {
			res->outcome = INKAN_OUTCOME_REVOKED;
			method_say (res->answer, sizeof res->answer, _("revoked on %s (%s)"), when,
			            inkan_reason_name (reason));
		}
		break;
	default:
		res->outcome = INKAN_OUTCOME_UNKNOWN;
		method_say (res->answer, sizeof res->answer, "%s", _("unknown"));
		method_say (res->why, sizeof res->why, "%s", _("the responder does not know this certificate"));
		return;
	}
	time_str (next_upd, when, sizeof when);
	method_say (res->why, sizeof res->why, _("signed by an authorised responder, current until %s"), when);
}

static OCSP_BASICRESP *
parse_basic (const uint8_t *data, size_t len, method_result *res)
{
	const unsigned char *p = data;
	OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE (NULL, &p, (long) len);
	OCSP_BASICRESP *bs = NULL;
	int status;

	if (resp == NULL) {
		say_ossl (res, _("the answer is not an OCSP response"));
		return NULL;
	}
	status = OCSP_response_status (resp);
	if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		method_say (res->answer, sizeof res->answer, "%s", OCSP_response_status_str (status));
		method_say (res->why, sizeof res->why, _("the responder answered \"%s\""),
		            OCSP_response_status_str (status));
	} else if ((bs = OCSP_response_get1_basic (resp)) == NULL) {
		say_ossl (res, _("the response has no basic response"));
	}
	OCSP_RESPONSE_free (resp);
	return bs;
}

void
ocsp_judge (inkan_validator *v, STACK_OF(X509) *chain, const uint8_t *data, size_t len, OCSP_REQUEST *req,
            OCSP_CERTID *id, method_result *res)
{
	OCSP_BASICRESP *bs = parse_basic (data, len, res);

	if (bs != NULL)
		judge_basic (v, chain, bs, req, id, res);
	OCSP_BASICRESP_free (bs);
}

static char *
cache_key (OCSP_CERTID *id)
{
	unsigned char *der = NULL;
	int len = i2d_OCSP_CERTID (id, &der);
	char *hex = len > 0 ? inkan_hex_encode (der, (size_t) len) : NULL;

	OPENSSL_free (der);
	return hex;
}

static int
from_cache (inkan_validator *v, STACK_OF(X509) *chain, OCSP_CERTID *id,
            const char *key, method_result *res)
{
	uint8_t *data = NULL;
	size_t len = 0;
	method_result cached = { .outcome = INKAN_OUTCOME_UNAVAILABLE, .reason = -1 };
	int in_memory;

	if (key == NULL)
		return 0;
	in_memory = vcache_blob_get (v->cache, VC_OCSP, key, &data, &len);
	if (!in_memory && cache_read (v, "ocsp", key, &data, &len) != INKAN_OK)
		return 0;
	/* judged again each time: it may have gone stale since */
	ocsp_judge (v, chain, data, len, NULL, id, &cached);
	if (cached.outcome == INKAN_OUTCOME_GOOD && !in_memory)
		vcache_blob_put (v->cache, VC_OCSP, key, data, len, 0);
	free (data);
	if (cached.outcome != INKAN_OUTCOME_GOOD) {
		if (in_memory)
			vcache_blob_drop (v->cache, VC_OCSP, key);
		return 0;
	}
	memcpy (res->answer, cached.answer, sizeof res->answer);
	memcpy (res->why, cached.why, sizeof res->why);
	res->outcome = cached.outcome;
	res->from_cache = 1;
	return 1;
}

static void
ask (inkan_validator *v, STACK_OF(X509) *chain, OCSP_CERTID *id, const char *key,
     method_result *res)
{
	OCSP_REQUEST *req = OCSP_REQUEST_new ();
	OCSP_CERTID *req_id = OCSP_CERTID_dup (id);
	unsigned char *der = NULL;
	fetch_body body = { 0 };
	int der_len;

	if (req == NULL || req_id == NULL || !OCSP_request_add0_id (req, req_id)) {
		OCSP_CERTID_free (req_id);
		say_ossl (res, _("cannot build the request"));
		goto out;
	}
	if (!OCSP_request_add1_nonce (req, NULL, -1) || (der_len = i2d_OCSP_REQUEST (req, &der)) <= 0) {
		say_ossl (res, _("cannot build the request"));
		goto out;
	}
	if (fetch_url (res->url, "application/ocsp-request", der, (size_t) der_len,
	               budget_ms (v, v->timeout_ms[INKAN_METHOD_OCSP]), &body,
	               res->why, sizeof res->why) != INKAN_OK) {
		vcache_ocsp_fetched (v->cache, 1);
		goto out;
	}
	ocsp_judge (v, chain, body.data, body.len, req, id, res);
	vcache_ocsp_fetched (v->cache, res->outcome == INKAN_OUTCOME_UNAVAILABLE);
	if (res->outcome == INKAN_OUTCOME_GOOD && key != NULL) {
		cache_write (v, "ocsp", key, body.data, body.len);
		vcache_blob_put (v->cache, VC_OCSP, key, body.data, body.len, 0);
	}
out:
	fetch_body_clear (&body);
	OPENSSL_free (der);
	OCSP_REQUEST_free (req);
}

void
method_ocsp (inkan_validator *v, STACK_OF(X509) *chain, method_result *res)
{
	X509 *leaf = sk_X509_value (chain, 0), *issuer = sk_X509_value (chain, 1);
	OCSP_CERTID *id;
	char *key;

	if (issuer == NULL) {
		method_say (res->why, sizeof res->why, "%s", _("the certificate is itself a trust anchor"));
		return;
	}
	res->url = ocsp_url (v, leaf);
	if (res->url == NULL) {
		method_say (res->why, sizeof res->why, "%s", _("no OCSP responder URL"));
		return;
	}
	id = OCSP_cert_to_id (EVP_sha1 (), leaf, issuer);
	if (id == NULL) {
		say_ossl (res, _("cannot identify the certificate"));
		return;
	}
	key = cache_key (id);
	if (!from_cache (v, chain, id, key, res)) {
		if (v->offline)
			method_say (res->why, sizeof res->why, "%s", _("offline, and no current answer is cached"));
		else
			ask (v, chain, id, key, res);
	}
	free (key);
	OCSP_CERTID_free (id);
}
