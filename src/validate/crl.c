/* Revocation by CRL: from the configured URL or the certificate's
 * distribution point (HTTP or LDAP), kept in memory and on disk until its
 * nextUpdate, verified against the issuer, with a delta CRL when the base
 * names one. */
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "src/validate/vint.h"

/* The first URL of a full-name distribution point; takes DPS. */
static char *
url_of_dps (STACK_OF(DIST_POINT) *dps)
{
	char *url = NULL;
	int i;

	for (i = 0; url == NULL && i < sk_DIST_POINT_num (dps); i++) {
		DIST_POINT *dp = sk_DIST_POINT_value (dps, i);

		if (dp->distpoint != NULL && dp->distpoint->type == 0)
			url = first_uri_of (dp->distpoint->name.fullname, 1);
	}
	sk_DIST_POINT_pop_free (dps, DIST_POINT_free);
	return url;
}

static X509_CRL *
parse_crl (const uint8_t *data, size_t len)
{
	const unsigned char *p = data;
	X509_CRL *crl = d2i_X509_CRL (NULL, &p, (long) len);
	BIO *bio;

	if (crl == NULL && (bio = BIO_new_mem_buf (data, (int) len)) != NULL) {
		crl = PEM_read_bio_X509_CRL (bio, NULL, NULL, NULL);
		BIO_free (bio);
	}
	ERR_clear_error ();
	return crl;
}

/* Signed by ISSUER and current at NOW (the time judged): otherwise the
 * CRL cannot decide anything. */
static int
crl_usable (time_t now, X509_CRL *crl, X509 *issuer, char *why, size_t why_size)
{
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate (crl);
	EVP_PKEY *key = X509_get0_pubkey (issuer);

	if (X509_NAME_cmp (X509_CRL_get_issuer (crl), X509_get_subject_name (issuer)) != 0) {
		method_say (why, why_size, "%s", _("the CRL was issued by another CA"));
		return 0;
	}
	if (key == NULL || X509_CRL_verify (crl, key) <= 0) {
		ERR_clear_error ();
		method_say (why, why_size, "%s", _("the CRL's signature does not verify with the issuer's key"));
		return 0;
	}
	if (time_of (X509_CRL_get0_lastUpdate (crl)) > now + SKEW_SECONDS) {
		method_say (why, why_size, "%s", _("the CRL's thisUpdate is in the future"));
		return 0;
	}
	if (next != NULL && time_of (next) + SKEW_SECONDS < now) {
		char when[32];

		time_str (next, when, sizeof when);
		method_say (why, why_size, _("the CRL is stale (nextUpdate %s)"), when);
		return 0;
	}
	return 1;
}

static void
key_digest (X509 *cert, unsigned char md[32])
{
	unsigned int len = 32;

	if (!X509_pubkey_digest (cert, EVP_sha256 (), md, &len))
		memset (md, 0, 32);
}

/* What a CRL of DER_LEN bytes and its index hold, as the cache counts it. */
static size_t
crl_bytes (size_t der_len, const crl_index *idx)
{
	return der_len + idx->n * sizeof idx->keys[0];
}

/* The CRL at URL from the network, signed by ISSUER and current at NOW,
 * within TIMEOUT_MS (its DER in BODY, the caller's to clear); or NULL,
 * WHY said. */
static X509_CRL *
fetch_crl (const char *url, X509 *issuer, time_t now, long timeout_ms, fetch_body *body, char *why,
           size_t why_size)
{
	X509_CRL *crl;

	if (fetch_url (url, NULL, NULL, 0, timeout_ms, body, why, why_size) != INKAN_OK)
		return NULL;
	crl = parse_crl (body->data, body->len);
	if (crl == NULL) {
		method_say (why, why_size, "%s", _("the answer is not a CRL"));
		return NULL;
	}
	if (!crl_usable (now, crl, issuer, why, why_size)) {
		X509_CRL_free (crl);
		return NULL;
	}
	return crl;
}

void
crl_refresh_free (crl_refresh *r)
{
	if (r == NULL)
		return;
	free (r->url);
	X509_free (r->issuer);
	free (r);
}

/* Only the memory cache gets the new CRL: the disk copy (a CLI's) is
 * read only when memory holds nothing current, and stays current itself
 * until its nextUpdate. */
void
crl_refresh_run (inkan_vcache *c, crl_refresh *r)
{
	fetch_body body = { 0 };
	crl_index *idx = NULL;
	X509_CRL *crl;
	char why[512];

	crl = fetch_crl (r->url, r->issuer, time (NULL), r->timeout_ms, &body, why, sizeof why);
	if (crl != NULL && crl_index_new (crl, &idx) != INKAN_OK)
		X509_CRL_free (crl);
	vcache_crl_refreshed (c, r->url, r->key, idx, idx != NULL ? crl_bytes (body.len, idx) : 0);
	crl_index_free (idx);
	fetch_body_clear (&body);
}

/* Have the cache fetch URL's CRL again in the background, with what the
 * validation knows of it now (the validation's own deadline does not
 * bound it: the method's timeout does). */
static void
refresh_crl (inkan_validator *v, const char *url, const unsigned char md[32], X509 *issuer)
{
	crl_refresh *r = calloc (1, sizeof *r);

	if (r == NULL || (r->url = strdup (url)) == NULL || !X509_up_ref (issuer)) {
		crl_refresh_free (r);
		vcache_crl_refreshed (v->cache, url, md, NULL, 0);
		return;
	}
	r->issuer = issuer;
	memcpy (r->key, md, sizeof r->key);
	r->timeout_ms = v->timeout_ms[INKAN_METHOD_CRL];
	vcache_crl_refresh (v->cache, r);
}

/* The CRL at URL, from the memory cache, the disk cache, or the network,
 * in that order: a reference (crl_index_free it), or NULL with RES->why
 * said when none is usable. */
static crl_index *
get_crl (inkan_validator *v, const char *url, X509 *issuer, method_result *res)
{
	unsigned char md[32];
	crl_index *idx = NULL;
	uint8_t *data = NULL;
	size_t len = 0, der_len = 0;
	X509_CRL *crl = NULL;
	fetch_body body = { 0 };
	int refresh = 0;

	key_digest (issuer, md);
	switch (vcache_crl_get (v->cache, url, md, judge_time (v), budget_ms (v, v->timeout_ms[INKAN_METHOD_CRL]),
	                        &idx, &refresh, res->why, sizeof res->why)) {
	case VC_HIT:
		res->from_cache = 1;
		if (refresh)
			refresh_crl (v, url, md, issuer);
		return idx;
	case VC_FAILED:
		return NULL;
	case VC_FETCH:
		break;
	}
	if (cache_read (v, "crl", url, &data, &len) == INKAN_OK) {
		crl = parse_crl (data, len);
		free (data);
		der_len = len;
		if (crl != NULL && crl_usable (judge_time (v), crl, issuer, res->why, sizeof res->why)) {
			res->from_cache = 1;
			goto keep;
		}
		X509_CRL_free (crl);
		crl = NULL;
		/* A stale cached copy is no verdict on the one we fetch next. */
		res->why[0] = '\0';
	}
	if (v->offline) {
		method_say (res->why, sizeof res->why, "%s", _("offline, and no current CRL is cached"));
		goto out;
	}
	crl = fetch_crl (url, issuer, judge_time (v), budget_ms (v, v->timeout_ms[INKAN_METHOD_CRL]), &body,
	                 res->why, sizeof res->why);
	if (crl == NULL)
		goto out;
	cache_write (v, "crl", url, body.data, body.len);
	der_len = body.len;
keep:
	if (crl_index_new (crl, &idx) != INKAN_OK)
		method_say (res->why, sizeof res->why, "%s", inkan_detail ());
	else
		crl = NULL;
out:
	/* failed or not, the callers waiting for this fetch are told */
	vcache_crl_done (v->cache, url, md, idx, idx != NULL ? crl_bytes (der_len, idx) : 0, res->why);
	X509_CRL_free (crl);
	fetch_body_clear (&body);
	return idx;
}

static long
crl_number (X509_CRL *crl, int nid)
{
	ASN1_INTEGER *n = X509_CRL_get_ext_d2i (crl, nid, NULL, NULL);
	long v = n != NULL ? ASN1_INTEGER_get (n) : -1;

	ASN1_INTEGER_free (n);
	return v;
}

static void
entry_verdict (const X509_REVOKED *e, time_t at, method_result *res)
{
	ASN1_ENUMERATED *reason = X509_REVOKED_get_ext_d2i (e, NID_crl_reason, NULL, NULL);
	char when[32];

	res->reason = reason != NULL ? (int) ASN1_ENUMERATED_get (reason) : -1;
	ASN1_ENUMERATED_free (reason);
	res->revoked_at = time_of (X509_REVOKED_get0_revocationDate (e));
	time_str (X509_REVOKED_get0_revocationDate (e), when, sizeof when);
	if (res->reason == CRL_REASON_REMOVE_FROM_CRL) {
		res->outcome = INKAN_OUTCOME_GOOD;
		method_say (res->answer, sizeof res->answer, "%s", _("removed from the CRL by the delta CRL"));
		return;
	}
	if (res->revoked_at > at) {
		res->outcome = INKAN_OUTCOME_GOOD;
		method_say (res->answer, sizeof res->answer, _("revoked only later, on %s"), when);
		return;
	}
	res->outcome = INKAN_OUTCOME_REVOKED;
	method_say (res->answer, sizeof res->answer, _("revoked on %s (%s)"), when,
	            inkan_reason_name (res->reason));
}

/* The delta named by BASE, if any and usable; NULL otherwise (the base
 * alone still decides, and the answer says the delta was not used). */
static crl_index *
get_delta (inkan_validator *v, crl_index *base, X509 *issuer, method_result *res)
{
	char *url = url_of_dps (X509_CRL_get_ext_d2i (base->crl, NID_freshest_crl, NULL, NULL));
	method_result dres = { 0 };
	crl_index *d;

	if (url == NULL)
		return NULL;
	d = get_crl (v, url, issuer, &dres);
	free (url);
	if (d != NULL && (crl_number (d->crl, NID_delta_crl) < 0 ||
	                  crl_number (d->crl, NID_delta_crl) > crl_number (base->crl, NID_crl_number))) {
		method_say (res->why, sizeof res->why, "%s",
		            _("the delta CRL does not belong to this base CRL; base used alone"));
		crl_index_free (d);
		return NULL;
	}
	if (d == NULL)
		method_say (res->why, sizeof res->why, _("delta CRL unusable (%s); base used alone"), dres.why);
	return d;
}

inkan_err
inkan_validator_add_crl_file (inkan_validator *v, const char *path)
{
	struct local_crl *c = calloc (1, sizeof *c);
	uint8_t *data = NULL;
	size_t len = 0;
	inkan_err err;

	if (c == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	/* as large as a fetched one may be */
	err = inkan_file_read (path, FETCH_MAX, 0, &data, &len);
	if (err != INKAN_OK)
		goto out;
	c->crl = parse_crl (data, len);
	if (c->crl == NULL) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("%s is not a CRL"), path);
		goto out;
	}
	if (asprintf (&c->url, "file:%s", path) < 0) {
		c->url = NULL;
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	c->next = v->local_crls;
	v->local_crls = c;
	c = NULL;
out:
	free (data);
	local_crls_free (c);
	return err;
}

void
local_crls_free (struct local_crl *list)
{
	struct local_crl *next;

	for (; list != NULL; list = next) {
		next = list->next;
		free (list->url);
		X509_CRL_free (list->crl);
		free (list);
	}
}

/* A CRL from a file that ISSUER signed and that is current, indexed (a
 * reference); NULL when there is none (RES->why then says why a file of
 * ISSUER's was not taken, if one was not). */
static crl_index *
local_crl (inkan_validator *v, X509 *issuer, method_result *res)
{
	struct local_crl *c;
	crl_index *idx = NULL;
	unsigned char md[32];

	key_digest (issuer, md);
	for (c = v->local_crls; c != NULL && idx == NULL; c = c->next) {
		char why[sizeof res->why] = "";

		if (X509_NAME_cmp (X509_CRL_get_issuer (c->crl), X509_get_subject_name (issuer)) != 0)
			continue;
		if (vcache_crl_get (v->cache, c->url, md, judge_time (v), budget_ms (v, v->timeout_ms[INKAN_METHOD_CRL]),
		                    &idx, NULL, why, sizeof why) == VC_FETCH) {
			idx = NULL;
			if (crl_usable (judge_time (v), c->crl, issuer, why, sizeof why) && X509_CRL_up_ref (c->crl) &&
			    crl_index_new (c->crl, &idx) != INKAN_OK) {
				X509_CRL_free (c->crl);
				method_say (why, sizeof why, "%s", inkan_detail ());
			}
			vcache_crl_done (v->cache, c->url, md, idx,
			                 idx != NULL ? crl_bytes ((size_t) i2d_X509_CRL (c->crl, NULL), idx) : 0, why);
		}
		if (idx == NULL) {
			method_say (res->why, sizeof res->why, "%s: %s", c->url, why);
			continue;
		}
		res->url = strdup (c->url);
		res->why[0] = '\0';
	}
	return idx;
}

void
method_crl (inkan_validator *v, STACK_OF(X509) *chain, method_result *res)
{
	X509 *leaf = sk_X509_value (chain, 0), *issuer = sk_X509_value (chain, 1);
	const ASN1_INTEGER *serial;
	const X509_REVOKED *e = NULL;
	crl_index *base, *delta = NULL;
	char next[32], local_why[sizeof res->why] = "", url_why[sizeof res->why];

	if (issuer == NULL) {
		method_say (res->why, sizeof res->why, "%s", _("the certificate is itself a trust anchor"));
		return;
	}
	base = local_crl (v, issuer, res);
	if (base == NULL) {
		/* why a file was passed over, kept beside why the URL failed */
		memcpy (local_why, res->why, sizeof local_why);
		res->why[0] = '\0';
		res->url = v->url[INKAN_METHOD_CRL] != NULL && v->depth == 0 ? strdup (v->url[INKAN_METHOD_CRL])
		           : url_of_dps (X509_get_ext_d2i (leaf, NID_crl_distribution_points, NULL, NULL));
		if (res->url == NULL)
			method_say (res->why, sizeof res->why, "%s", _("no CRL distribution point with a URL"));
		else
			base = get_crl (v, res->url, issuer, res);
	}
	if (base == NULL) {
		if (local_why[0] != '\0') {
			memcpy (url_why, res->why, sizeof url_why);
			method_say (res->why, sizeof res->why, "%s; %s", local_why, url_why);
		}
		return;
	}
	delta = get_delta (v, base, issuer, res);
	serial = X509_get0_serialNumber (leaf);
	if (delta != NULL)
		e = crl_index_find (delta, serial);
	if (e == NULL)
		e = crl_index_find (base, serial);
	time_str (X509_CRL_get0_nextUpdate (base->crl), next, sizeof next);
	if (e != NULL) {
		entry_verdict (e, judge_time (v), res);
	} else {
		res->outcome = INKAN_OUTCOME_GOOD;
		method_say (res->answer, sizeof res->answer, _("not listed among %zu entries%s"),
		            base->n + (delta != NULL ? delta->n : 0),
		            delta != NULL ? _(" (base and delta)") : "");
	}
	if (res->why[0] == '\0')
		method_say (res->why, sizeof res->why, _("signed by the issuer, current until %s"), next);
	/* the entry E points into them: kept until here */
	crl_index_free (delta);
	crl_index_free (base);
}
