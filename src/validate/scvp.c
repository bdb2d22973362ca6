/* Validation by SCVP (RFC 5055): a CVRequest for the leaf with our path,
 * asking for a status-checked path and its best path back; the answer
 * must be a CMS-signed CVResponse from the configured server certificate,
 * carry our nonce and speak about our certificate.  A verdict whose reply
 * has a nextUpdate is kept in the memory cache until then, for the same
 * question to the same server. */
#include <stdlib.h>
#include <string.h>
#include <openssl/cms.h>
#include <openssl/rand.h>

#include "src/validate/scvp-asn1.h"
#include "src/validate/vint.h"

/* how far the replyValTime may be from the validation time asked for */
#define VAL_TIME_SKEW 300

/* RFC 5055 3.2.4's ReplyStatus, and the check status of 4.9. */
enum { REPLY_SUCCESS = 0, REPLY_PATH_CONSTRUCT_FAIL = 5, REPLY_PATH_NOT_VALID = 6,
       REPLY_PATH_NOT_VALID_NOW = 7 };

static int
push_oid (STACK_OF(ASN1_OBJECT) **sk, const char *oid)
{
	ASN1_OBJECT *obj = OBJ_txt2obj (oid, 1);

	if (*sk == NULL)
		*sk = sk_ASN1_OBJECT_new_null ();
	if (obj == NULL || *sk == NULL || !sk_ASN1_OBJECT_push (*sk, obj)) {
		ASN1_OBJECT_free (obj);
		return 0;
	}
	return 1;
}

static SCVP_REQUEST_INFO *
build_request (inkan_validator *v, STACK_OF(X509) *chain, const unsigned char *nonce)
{
	SCVP_REQUEST_INFO *info = SCVP_REQUEST_INFO_new ();
	SCVP_CV_REQUEST *req = info != NULL ? info->request : NULL;
	SCVP_QUERY *q = req != NULL ? req->query : NULL;
	SCVP_PKC_REF *ref = SCVP_PKC_REF_new ();
	int i, ok;

	if (q == NULL || ref == NULL)
		goto fail;
	info->content_type = OBJ_txt2obj (SCVP_OID_CT_CVREQUEST, 1);
	ref->type = 0;
	ref->d.cert = X509_dup (sk_X509_value (chain, 0));
	q->queried_certs->type = 0;
	q->queried_certs->d.pkc_refs = sk_SCVP_PKC_REF_new_null ();
	ok = ref->d.cert != NULL && q->queried_certs->d.pkc_refs != NULL &&
	     sk_SCVP_PKC_REF_push (q->queried_certs->d.pkc_refs, ref);
	if (!ok)
		goto fail;
	ref = NULL;
	q->validation_policy->pol_ref->algorithm = OBJ_txt2obj (SCVP_OID_SVP_DEFAULT, 1);
	ok = info->content_type != NULL && q->validation_policy->pol_ref->algorithm != NULL &&
	     push_oid (&q->checks, SCVP_OID_STC_STATUS_PATH) &&
	     push_oid (&q->want_back, SCVP_OID_SWB_BEST_PATH);
	/* The intermediates we know; the server may build the path without them. */
	for (i = 1; ok && i < sk_X509_num (chain) - 1; i++) {
		if (q->intermediate_certs == NULL)
			q->intermediate_certs = sk_X509_new_null ();
		ok = q->intermediate_certs != NULL &&
		     X509_add_cert (q->intermediate_certs, sk_X509_value (chain, i), X509_ADD_FLAG_UP_REF);
	}
	if (ok && v->at != 0)
		ok = (q->validation_time = ASN1_GENERALIZEDTIME_set (NULL, v->at)) != NULL;
	if (ok)
		ok = (req->nonce = ASN1_OCTET_STRING_new ()) != NULL &&
		     ASN1_OCTET_STRING_set (req->nonce, nonce, SCVP_NONCE_LEN);
	if (ok)
		return info;
fail:
	SCVP_PKC_REF_free (ref);
	SCVP_REQUEST_INFO_free (info);
	return NULL;
}

/* The CVResponse inside a CMS SignedData that SERVER signed. */
static SCVP_CV_RESPONSE *
open_response (const uint8_t *der, size_t len, X509 *server, method_result *res)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo (NULL, &p, (long) len);
	STACK_OF(X509) *signers = sk_X509_new_null ();
	BIO *content = BIO_new (BIO_s_mem ());
	SCVP_CV_RESPONSE *resp = NULL;
	char type[64] = "";
	unsigned char *data;
	long data_len;

	if (cms == NULL || signers == NULL || content == NULL || !sk_X509_push (signers, server)) {
		method_say (res->why, sizeof res->why, "%s", _("the answer is not a CMS message"));
		goto out;
	}
	OBJ_obj2txt (type, sizeof type, CMS_get0_eContentType (cms), 1);
	if (strcmp (type, SCVP_OID_CT_CVRESPONSE) != 0) {
		method_say (res->why, sizeof res->why, _("the CMS message holds %s, not a CVResponse"), type);
		goto out;
	}
	/* Only the pinned server certificate may have signed: no chain to build. */
	if (CMS_verify (cms, signers, NULL, NULL, content,
	                CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) <= 0) {
		method_say (res->why, sizeof res->why, "%s",
		            _("the CVResponse is not signed by the configured SCVP server"));
		goto out;
	}
	data_len = BIO_get_mem_data (content, (char **) &data);
	p = data;
	resp = d2i_SCVP_CV_RESPONSE (NULL, &p, data_len);
	if (resp == NULL)
		method_say (res->why, sizeof res->why, "%s", _("the signed content is not a CVResponse"));
out:
	ERR_clear_error ();
	BIO_free (content);
	sk_X509_free (signers);
	CMS_ContentInfo_free (cms);
	return resp;
}

static long
enum_or (const ASN1_ENUMERATED *e, long dflt)
{
	return e != NULL ? ASN1_ENUMERATED_get (e) : dflt;
}

static int
has_oid (STACK_OF(ASN1_OBJECT) *sk, const char *oid)
{
	ASN1_OBJECT *want = OBJ_txt2obj (oid, 1);
	int i, found = 0;

	for (i = 0; want != NULL && !found && i < sk_ASN1_OBJECT_num (sk); i++)
		found = OBJ_cmp (sk_ASN1_OBJECT_value (sk, i), want) == 0;
	ASN1_OBJECT_free (want);
	return found;
}

static long
check_status (const SCVP_CERT_REPLY *reply)
{
	ASN1_OBJECT *want = OBJ_txt2obj (SCVP_OID_STC_STATUS_PATH, 1);
	long status = -1;
	int i;

	for (i = 0; want != NULL && i < sk_SCVP_REPLY_CHECK_num (reply->reply_checks); i++) {
		SCVP_REPLY_CHECK *c = sk_SCVP_REPLY_CHECK_value (reply->reply_checks, i);

		if (OBJ_cmp (c->check, want) == 0)
			status = c->status != NULL ? ASN1_INTEGER_get (c->status) : 0;
	}
	ASN1_OBJECT_free (want);
	return status;
}

void
scvp_judge (SCVP_CV_RESPONSE *resp, X509 *leaf, const unsigned char *nonce, time_t asked, method_result *res)
{
	SCVP_CERT_REPLY *reply;
	long code = resp->response_status != NULL ? enum_or (resp->response_status->status_code, 0) : 0;
	long status, check;

	if (code != 0) {
		method_say (res->answer, sizeof res->answer, _("responseStatus %ld"), code);
		method_say (res->why, sizeof res->why, "%s", _("the server did not process the request"));
		return;
	}
	if (resp->nonce == NULL || ASN1_STRING_length (resp->nonce) != SCVP_NONCE_LEN ||
	    memcmp (ASN1_STRING_get0_data (resp->nonce), nonce, SCVP_NONCE_LEN) != 0) {
		method_say (res->why, sizeof res->why, "%s", _("the response's nonce is not ours (a replayed answer?)"));
		return;
	}
	reply = sk_SCVP_CERT_REPLY_value (resp->reply_objects, 0);
	if (reply == NULL || reply->cert->type != 0 || X509_cmp (reply->cert->d.cert, leaf) != 0) {
		method_say (res->why, sizeof res->why, "%s", _("the response speaks about another certificate"));
		return;
	}
	/* with --at the server must have judged as of then, not now */
	if (asked != 0 && (reply->reply_val_time == NULL ||
	                   labs ((long) (time_of (reply->reply_val_time) - asked)) > VAL_TIME_SKEW)) {
		char when[32];

		time_str (reply->reply_val_time, when, sizeof when);
		method_say (res->why, sizeof res->why, _("the server judged as of %s, not as of the time asked"), when);
		return;
	}
	status = enum_or (reply->reply_status, REPLY_SUCCESS);
	check = check_status (reply);
	method_say (res->answer, sizeof res->answer, _("replyStatus %ld, status-checked path %ld"), status, check);
	if (status == REPLY_SUCCESS && check == 0) {
		res->outcome = INKAN_OUTCOME_GOOD;
		method_say (res->why, sizeof res->why, "%s", _("the server built and status-checked a valid path"));
	} else if (has_oid (reply->validation_errors, SCVP_OID_BVAE_REVOKED)) {
		res->outcome = INKAN_OUTCOME_REVOKED;
		method_say (res->why, sizeof res->why, "%s", _("the server reports the certificate revoked"));
	} else if (status == REPLY_PATH_NOT_VALID || status == REPLY_PATH_NOT_VALID_NOW ||
	           status == REPLY_PATH_CONSTRUCT_FAIL) {
		res->outcome = INKAN_OUTCOME_UNKNOWN;
		method_say (res->why, sizeof res->why, "%s", _("the server found no valid path"));
	} else {
		method_say (res->why, sizeof res->why, "%s", _("the server could not check the status"));
	}
}

/* A verdict as the cache keeps it. */
typedef struct {
	inkan_outcome outcome;
	char answer[sizeof ((method_result *) 0)->answer];
	char why[sizeof ((method_result *) 0)->why];
} scvp_verdict;

/* What identifies the question: the server, its certificate and the
 * request without its nonce (the leaf, our path, the time asked about),
 * as hex of their SHA-256 (65 bytes); 0 when it cannot be had. */
static int
question_key (inkan_validator *v, SCVP_REQUEST_INFO *info, char key[65])
{
	ASN1_OCTET_STRING *nonce = info->request->nonce;
	unsigned char *req = NULL, *cert = NULL, md[32];
	int req_len, cert_len, ok;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new ();

	info->request->nonce = NULL;
	req_len = i2d_SCVP_REQUEST_INFO (info, &req);
	info->request->nonce = nonce;
	cert_len = i2d_X509 (v->scvp_cert, &cert);
	ok = ctx != NULL && req_len > 0 && cert_len > 0 && EVP_DigestInit_ex (ctx, EVP_sha256 (), NULL) &&
	     EVP_DigestUpdate (ctx, v->url[INKAN_METHOD_SCVP], strlen (v->url[INKAN_METHOD_SCVP]) + 1) &&
	     EVP_DigestUpdate (ctx, cert, (size_t) cert_len) && EVP_DigestUpdate (ctx, req, (size_t) req_len) &&
	     EVP_DigestFinal_ex (ctx, md, NULL);
	if (ok)
		inkan_hex_encode_to (md, sizeof md, key);
	OPENSSL_free (cert);
	OPENSSL_free (req);
	EVP_MD_CTX_free (ctx);
	return ok;
}

static int
from_cache (inkan_validator *v, const char *key, method_result *res)
{
	scvp_verdict *got = NULL;
	size_t len = 0;

	if (!vcache_blob_get (v->cache, VC_SCVP, key, (uint8_t **) &got, &len))
		return 0;
	if (len == sizeof *got) {
		res->outcome = got->outcome;
		memcpy (res->answer, got->answer, sizeof res->answer);
		memcpy (res->why, got->why, sizeof res->why);
		res->from_cache = 1;
	}
	free (got);
	return res->from_cache;
}

/* RES, judged from RESP, for as long as the server says it holds: a
 * reply without nextUpdate says nothing of that, and is not kept. */
static void
keep (inkan_validator *v, const char *key, SCVP_CV_RESPONSE *resp, const method_result *res)
{
	SCVP_CERT_REPLY *reply = sk_SCVP_CERT_REPLY_value (resp->reply_objects, 0);
	scvp_verdict kept = { .outcome = res->outcome };
	time_t until;

	if (res->outcome == INKAN_OUTCOME_UNAVAILABLE || reply == NULL || reply->next_update == NULL)
		return;
	until = time_of (reply->next_update);
	if (until <= time (NULL))
		return;
	memcpy (kept.answer, res->answer, sizeof kept.answer);
	memcpy (kept.why, res->why, sizeof kept.why);
	vcache_blob_put (v->cache, VC_SCVP, key, (const uint8_t *) &kept, sizeof kept, until);
}

void
method_scvp (inkan_validator *v, STACK_OF(X509) *chain, method_result *res)
{
	unsigned char nonce[SCVP_NONCE_LEN], *der = NULL;
	SCVP_REQUEST_INFO *info = NULL;
	SCVP_CV_RESPONSE *resp = NULL;
	fetch_body body = { 0 };
	char key[65];
	int der_len, keyed;

	if (v->url[INKAN_METHOD_SCVP] == NULL || v->scvp_cert == NULL) {
		method_say (res->why, sizeof res->why, "%s", _("no SCVP server and server certificate configured"));
		return;
	}
	res->url = strdup (v->url[INKAN_METHOD_SCVP]);
	if (v->offline) {
		method_say (res->why, sizeof res->why, "%s", _("offline"));
		return;
	}
	if (RAND_bytes (nonce, sizeof nonce) != 1 || (info = build_request (v, chain, nonce)) == NULL ||
	    (der_len = i2d_SCVP_REQUEST_INFO (info, &der)) <= 0) {
		method_say (res->why, sizeof res->why, "%s", _("cannot build the CVRequest"));
		goto out;
	}
	keyed = question_key (v, info, key);
	if (keyed && from_cache (v, key, res))
		goto out;
	if (fetch_url (v->url[INKAN_METHOD_SCVP], "application/scvp-cv-request", der, (size_t) der_len,
	               budget_ms (v, v->timeout_ms[INKAN_METHOD_SCVP]), &body,
	               res->why, sizeof res->why) != INKAN_OK)
		goto out;
	resp = open_response (body.data, body.len, v->scvp_cert, res);
	if (resp != NULL) {
		scvp_judge (resp, sk_X509_value (chain, 0), nonce, v->at, res);
		if (keyed)
			keep (v, key, resp, res);
	}
out:
	ERR_clear_error ();
	fetch_body_clear (&body);
	OPENSSL_free (der);
	SCVP_CV_RESPONSE_free (resp);
	SCVP_REQUEST_INFO_free (info);
}
