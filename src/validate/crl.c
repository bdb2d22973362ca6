/* Revocation by CRL: from the configured URL or the certificate's
 * distribution point (HTTP or LDAP), kept in memory and on disk until its
 * nextUpdate, verified against the issuer, with a delta CRL when the base
 * names one. */
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "src/validate/vint.h"

/* Clocks of CA and client disagree a little. */
#define SKEW_SECONDS 300

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

/* Signed by ISSUER and current at the time judged: otherwise the CRL
 * cannot decide anything. */
static int
crl_usable (const inkan_validator *v, X509_CRL *crl, X509 *issuer, char *why, size_t why_size)
{
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate (crl);
	time_t now = judge_time (v);
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

static int
is_stale (const inkan_validator *v, const loaded_crl *l)
{
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate (l->index->crl);

	return next != NULL && time_of (next) + SKEW_SECONDS < judge_time (v);
}

static loaded_crl *
find_loaded (inkan_validator *v, const char *url, X509 *issuer)
{
	unsigned char md[32];
	loaded_crl *l;

	key_digest (issuer, md);
	for (l = v->crls; l != NULL; l = l->next)
		if (strcmp (l->url, url) == 0 && memcmp (l->issuer_key, md, sizeof md) == 0 && !is_stale (v, l))
			return l;
	return NULL;
}

/* Stale CRLs from URL, replaced by a fresh one: a daemon must not pile them up. */
static void
drop_stale (inkan_validator *v, const char *url)
{
	loaded_crl **at = &v->crls, *l;

	while ((l = *at) != NULL) {
		if (strcmp (l->url, url) == 0 && is_stale (v, l)) {
			*at = l->next;
			free (l->url);
			crl_index_free (l->index);
			free (l);
		} else {
			at = &l->next;
		}
	}
}

static inkan_err
keep_loaded (inkan_validator *v, const char *url, X509 *issuer, X509_CRL *crl, loaded_crl **out)
{
	loaded_crl *l = calloc (1, sizeof *l);
	inkan_err err;

	if (l == NULL || (l->url = strdup (url)) == NULL) {
		free (l);
		X509_CRL_free (crl);
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	err = crl_index_new (crl, &l->index);
	if (err != INKAN_OK) {
		X509_CRL_free (crl);
		free (l->url);
		free (l);
		return err;
	}
	key_digest (issuer, l->issuer_key);
	drop_stale (v, url);
	l->next = v->crls;
	v->crls = l;
	*out = l;
	return INKAN_OK;
}

/* The CRL at URL, from memory, the disk cache, or the network, in that
 * order; NULL (with RES->why said) when none is usable. */
static loaded_crl *
get_crl (inkan_validator *v, const char *url, X509 *issuer, method_result *res)
{
	loaded_crl *l = find_loaded (v, url, issuer);
	uint8_t *data = NULL;
	size_t len = 0;
	X509_CRL *crl = NULL;
	fetch_body body = { 0 };

	if (l != NULL) {
		res->from_cache = 1;
		return l;
	}
	if (cache_read (v, "crl", url, &data, &len) == INKAN_OK) {
		crl = parse_crl (data, len);
		free (data);
		if (crl != NULL && crl_usable (v, crl, issuer, res->why, sizeof res->why)) {
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
		return NULL;
	}
	if (fetch_url (url, NULL, NULL, 0, budget_ms (v, v->timeout_ms[INKAN_METHOD_CRL]),
	               &body, res->why, sizeof res->why) != INKAN_OK)
		return NULL;
	crl = parse_crl (body.data, body.len);
	if (crl == NULL) {
		method_say (res->why, sizeof res->why, "%s", _("the answer is not a CRL"));
		goto fail;
	}
	if (!crl_usable (v, crl, issuer, res->why, sizeof res->why))
		goto fail;
	cache_write (v, "crl", url, body.data, body.len);
	fetch_body_clear (&body);
keep:
	if (keep_loaded (v, url, issuer, crl, &l) != INKAN_OK) {
		method_say (res->why, sizeof res->why, "%s", inkan_detail ());
		return NULL;
	}
	return l;
fail:
	X509_CRL_free (crl);
	fetch_body_clear (&body);
	return NULL;
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
static loaded_crl *
get_delta (inkan_validator *v, loaded_crl *base, X509 *issuer, method_result *res)
{
	char *url = url_of_dps (X509_CRL_get_ext_d2i (base->index->crl, NID_freshest_crl, NULL, NULL));
	method_result dres = { 0 };
	loaded_crl *d;

	if (url == NULL)
		return NULL;
	d = get_crl (v, url, issuer, &dres);
	free (url);
	if (d != NULL && (crl_number (d->index->crl, NID_delta_crl) < 0 ||
	                  crl_number (d->index->crl, NID_delta_crl) >
	                  crl_number (base->index->crl, NID_crl_number))) {
		method_say (res->why, sizeof res->why, "%s",
		            _("the delta CRL does not belong to this base CRL; base used alone"));
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

/* A CRL from a file that ISSUER signed and that is current, loaded; NULL
 * when there is none (RES->why then says why a file of ISSUER's was not
 * taken, if one was not). */
static loaded_crl *
local_crl (inkan_validator *v, X509 *issuer, method_result *res)
{
	struct local_crl *c;
	loaded_crl *l = NULL;

	for (c = v->local_crls; c != NULL && l == NULL; c = c->next) {
		char why[sizeof res->why];

		if (X509_NAME_cmp (X509_CRL_get_issuer (c->crl), X509_get_subject_name (issuer)) != 0)
			continue;
		l = find_loaded (v, c->url, issuer);
		if (l == NULL && !crl_usable (v, c->crl, issuer, why, sizeof why)) {
			method_say (res->why, sizeof res->why, "%s: %s", c->url, why);
			continue;
		}
		if (l == NULL && (!X509_CRL_up_ref (c->crl) || keep_loaded (v, c->url, issuer, c->crl, &l) != INKAN_OK)) {
			method_say (res->why, sizeof res->why, "%s", _("out of memory"));
			return NULL;
		}
		res->url = strdup (c->url);
		res->why[0] = '\0';
	}
	return l;
}

void
method_crl (inkan_validator *v, STACK_OF(X509) *chain, method_result *res)
{
	X509 *leaf = sk_X509_value (chain, 0), *issuer = sk_X509_value (chain, 1);
	const ASN1_INTEGER *serial;
	const X509_REVOKED *e = NULL;
	loaded_crl *base, *delta;
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
		e = crl_index_find (delta->index, serial);
	if (e == NULL)
		e = crl_index_find (base->index, serial);
	time_str (X509_CRL_get0_nextUpdate (base->index->crl), next, sizeof next);
	if (e != NULL) {
		entry_verdict (e, judge_time (v), res);
	} else {
		res->outcome = INKAN_OUTCOME_GOOD;
		method_say (res->answer, sizeof res->answer, _("not listed among %zu entries%s"),
		            base->index->n + (delta != NULL ? delta->index->n : 0),
		            delta != NULL ? _(" (base and delta)") : "");
	}
	if (res->why[0] == '\0')
		method_say (res->why, sizeof res->why, _("signed by the issuer, current until %s"), next);
}
