/* The certification path: from the leaf through given or AIA-fetched
 * intermediates to a configured or pinned anchor, verified by OpenSSL at
 * the judged time (validity, basic constraints, key usage, policies),
 * and the leaf's key usage against the purpose asked for. */
#include <stdlib.h>
#include <string.h>
#include <openssl/x509v3.h>

#include <inkan/name.h>
#include "src/validate/vint.h"

/* AIA chains longer than this are a loop or an attack. */
#define MAX_AIA_FETCHES 4
/* What a caIssuers URL served is asked again after a day at the latest:
 * a CA may come to serve another certificate there. */
#define AIA_KEEP_SECONDS (24 * 3600)

char *
first_uri_of (GENERAL_NAMES *names, int ldap_ok)
{
	int i;

	for (i = 0; i < sk_GENERAL_NAME_num (names); i++) {
		GENERAL_NAME *gn = sk_GENERAL_NAME_value (names, i);
		const char *uri;

		if (gn->type != GEN_URI)
			continue;
		uri = (const char *) ASN1_STRING_get0_data (gn->d.uniformResourceIdentifier);
		if (strncmp (uri, "http://", 7) == 0 || strncmp (uri, "https://", 8) == 0 ||
		    (ldap_ok && strncmp (uri, "ldap://", 7) == 0))
			return strdup (uri);
	}
	return NULL;
}

static char *
ca_issuers_url (X509 *cert)
{
	AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i (cert, NID_info_access, NULL, NULL);
	char *url = NULL;
	int i;

	for (i = 0; url == NULL && i < sk_ACCESS_DESCRIPTION_num (aia); i++) {
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value (aia, i);
		GENERAL_NAMES *one;

		if (OBJ_obj2nid (ad->method) != NID_ad_ca_issuers)
			continue;
		one = sk_GENERAL_NAME_new_null ();
		if (one != NULL && sk_GENERAL_NAME_push (one, ad->location))
			url = first_uri_of (one, 1);
		sk_GENERAL_NAME_free (one);
	}
	AUTHORITY_INFO_ACCESS_free (aia);
	return url;
}

/* How long the certificates CERTS may be kept: until the first of them
 * expires, AIA_KEEP_SECONDS at most; 0 when one has expired already. */
static time_t
keep_until (STACK_OF(X509) *certs)
{
	time_t now = time (NULL), until = now + AIA_KEEP_SECONDS;
	int i;

	for (i = 0; i < sk_X509_num (certs); i++) {
		time_t end = time_of (X509_get0_notAfter (sk_X509_value (certs, i)));

		if (end < until)
			until = end;
	}
	return until > now ? until : 0;
}

/* One more issuer from the AIA of the top of the partial chain, from the
 * memory cache or fetched; 0 when none came. */
static int
fetch_issuer (inkan_validator *v, X509_STORE_CTX *ctx, STACK_OF(X509) *untrusted)
{
	STACK_OF(X509) *partial = X509_STORE_CTX_get0_chain (ctx), *got = NULL;
	X509 *top = sk_X509_value (partial, sk_X509_num (partial) - 1);
	char *url = top != NULL ? ca_issuers_url (top) : NULL;
	char why[256];
	fetch_body body = { 0 };
	time_t until;
	int added = 0, cached;

	if (url == NULL)
		return 0;
	cached = vcache_blob_get (v->cache, VC_AIA, url, &body.data, &body.len);
	if (!cached && fetch_url (url, NULL, NULL, 0, budget_ms (v, v->timeout_ms[INKAN_METHOD_CRL]),
	                          &body, why, sizeof why) != INKAN_OK)
		goto out;
	/* PEM, DER or a certs-only PKCS#7, as caIssuers serves */
	if (inkan_certs_parse (body.data, body.len, &got) != INKAN_OK)
		goto out;
	added = X509_add_certs (untrusted, got, X509_ADD_FLAG_UP_REF | X509_ADD_FLAG_NO_DUP);
	/* kept as served: what is not a certificate never is */
	if (!cached && (until = keep_until (got)) != 0)
		vcache_blob_put (v->cache, VC_AIA, url, body.data, body.len, until);
out:
	sk_X509_pop_free (got, X509_free);
	fetch_body_clear (&body);
	free (url);
	return added;
}

static void
configure (inkan_validator *v, X509_STORE_CTX *ctx)
{
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param (ctx);
	int i;

	X509_VERIFY_PARAM_set_time (param, judge_time (v));
	if (sk_ASN1_OBJECT_num (v->policies) > 0) {
		for (i = 0; i < sk_ASN1_OBJECT_num (v->policies); i++)
			X509_VERIFY_PARAM_add0_policy (param, OBJ_dup (sk_ASN1_OBJECT_value (v->policies, i)));
		X509_VERIFY_PARAM_set_flags (param, X509_V_FLAG_POLICY_CHECK | X509_V_FLAG_EXPLICIT_POLICY);
	}
}

/* This round's anchors when there are pins: the configured ones, and the
 * self-signed CA certificates among UNTRUSTED (given or fetched) that pass
 * inkan_ca_check: self-issued, self-verified, a CA, and pinned. */
static STACK_OF(X509) *
anchors_with_pins (inkan_validator *v, STACK_OF(X509) *untrusted)
{
	STACK_OF(X509) *trusted = X509_STORE_get1_all_certs (v->anchors);
	inkan_ca_result res;
	int i;

	for (i = 0; trusted != NULL && i < sk_X509_num (untrusted); i++) {
		X509 *x = sk_X509_value (untrusted, i);

		if (inkan_ca_check (x, v->anchor_pins, &res) == INKAN_OK && res.verdict == INKAN_CA_MATCH &&
		    !X509_add_cert (trusted, x, X509_ADD_FLAG_UP_REF)) {
			sk_X509_pop_free (trusted, X509_free);
			trusted = NULL;
		}
	}
	return trusted;
}

/* The name of the pin ANCHOR was trusted by; NULL for a configured anchor. */
static const char *
anchor_pin (inkan_validator *v, X509 *anchor, inkan_ca_result *res)
{
	STACK_OF(X509) *configured;
	int i, found = 0;

	if (v->anchor_pins == NULL)
		return NULL;
	configured = X509_STORE_get1_all_certs (v->anchors);
	for (i = 0; !found && i < sk_X509_num (configured); i++)
		found = X509_cmp (sk_X509_value (configured, i), anchor) == 0;
	sk_X509_pop_free (configured, X509_free);
	if (found || inkan_ca_check (anchor, v->anchor_pins, res) != INKAN_OK)
		return NULL;
	return res->pin_name;
}

/* Why the path failed, in words: OpenSSL's, or for a self-signed
 * certificate at its top while pins were given, why no pin took it. */
static char *
path_failure (inkan_validator *v, X509_STORE_CTX *ctx, int code)
{
	STACK_OF(X509) *partial = X509_STORE_CTX_get0_chain (ctx);
	X509 *top = sk_X509_value (partial, sk_X509_num (partial) - 1);
	char *why = NULL;
	inkan_ca_result res;

	if (v->anchor_pins == NULL || code != X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN || top == NULL ||
	    inkan_ca_check (top, v->anchor_pins, &res) != INKAN_OK)
		return strdup (X509_verify_cert_error_string (code));
	/* the report names the certificate */
	if (asprintf (&why, _("the self-signed certificate is not a trust anchor: %s"),
	              inkan_ca_verdict_text (res.verdict)) < 0)
		why = NULL;
	return why;
}

/* The verdict invalid, because of the certificate at DEPTH (CERT): the
 * report names it (depth and subject) beside REASON.  Takes REASON. */
static inkan_err
invalid_at (inkan_vreport *r, int depth, X509 *cert, char *reason)
{
	r->verdict = INKAN_VERDICT_INVALID;
	r->failed_depth = depth;
	r->failed_subject = cert != NULL ? inkan_name_text (X509_get_subject_name (cert)) : strdup ("?");
	if (reason == NULL || r->failed_subject == NULL ||
	    asprintf (&r->why, _("certificate %d in the path (%s): %s"), depth, r->failed_subject, reason) < 0) {
		r->why = NULL;
		free (reason);
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	free (reason);
	return INKAN_OK;
}

/* The names of KU's bits, "keyEncipherment, keyAgreement", into BUF. */
static void
usage_names (uint32_t ku, char *buf, size_t size)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
		{ KU_DIGITAL_SIGNATURE, "digitalSignature" }, { KU_NON_REPUDIATION, "nonRepudiation" },
		{ KU_KEY_ENCIPHERMENT, "keyEncipherment" }, { KU_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ KU_KEY_AGREEMENT, "keyAgreement" }, { KU_KEY_CERT_SIGN, "keyCertSign" },
		{ KU_CRL_SIGN, "cRLSign" }, { KU_ENCIPHER_ONLY, "encipherOnly" }, { KU_DECIPHER_ONLY, "decipherOnly" },
	};
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if ((ku & bits[i].bit) && used < size)
			used += (size_t) snprintf (buf + used, size - used, "%s%s", used ? ", " : "", bits[i].name);
}

/* Without the extension, X509_get_key_usage and X509_get_extended_key_usage
 * say "all". */
inkan_err
inkan_cert_check_purpose (X509 *cert, inkan_purpose p)
{
	uint32_t ku = X509_get_key_usage (cert), eku = X509_get_extended_key_usage (cert);
	char names[160];

	usage_names (ku, names, sizeof names);
	if (p == INKAN_PURPOSE_SIGN && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
		return inkan_fail (INKAN_ERR_REJECTED, _("the key usage (%s) allows no signatures: digitalSignature or "
		                                         "nonRepudiation is required"), names);
	if (p == INKAN_PURPOSE_AUTH && !(ku & KU_DIGITAL_SIGNATURE))
		return inkan_fail (INKAN_ERR_REJECTED,
		                   _("the key usage (%s) has no digitalSignature, which authentication requires"), names);
	if (p == INKAN_PURPOSE_AUTH && !(eku & (XKU_SSL_CLIENT | XKU_ANYEKU)))
		return inkan_fail (INKAN_ERR_REJECTED, "%s",
		                   _("the extended key usage has no clientAuth, which authentication requires"));
	return INKAN_OK;
}

inkan_err
path_build (inkan_validator *v, X509 *leaf, inkan_vreport *r)
{
	STACK_OF(X509) *untrusted = X509_chain_up_ref (v->chain), *trusted = NULL;
	X509_STORE_CTX *ctx = NULL;
	inkan_ca_result res;
	const char *pin;
	inkan_err err = INKAN_OK;
	int round, ok = 0, code = X509_V_OK;

	int i;

	for (i = 0; untrusted != NULL && i < sk_X509_num (v->extra_chain); i++)
		if (!X509_add_cert (untrusted, sk_X509_value (v->extra_chain, i), X509_ADD_FLAG_UP_REF)) {
			sk_X509_pop_free (untrusted, X509_free);
			untrusted = NULL;
		}
	if (untrusted == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	for (round = 0; round <= MAX_AIA_FETCHES; round++) {
		X509_STORE_CTX_free (ctx);
		sk_X509_pop_free (trusted, X509_free);
		trusted = NULL;
		ctx = X509_STORE_CTX_new ();
		if (ctx == NULL || !X509_STORE_CTX_init (ctx, v->anchors, leaf, untrusted) ||
		    (v->anchor_pins != NULL && (trusted = anchors_with_pins (v, untrusted)) == NULL)) {
			err = inkan_fail_ossl (INKAN_ERR_NOMEM, "%s", _("out of memory"));
			goto out;
		}
		if (trusted != NULL)
			X509_STORE_CTX_set0_trusted_stack (ctx, trusted);
		configure (v, ctx);
		ok = X509_verify_cert (ctx) > 0;
		code = X509_STORE_CTX_get_error (ctx);
		if (ok || v->offline ||
		    (code != X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY &&
		     code != X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT) ||
		    !fetch_issuer (v, ctx, untrusted))
			break;
	}
	ERR_clear_error ();
	/* On failure, as far as it got: the report shows where the path broke. */
	r->chain = X509_STORE_CTX_get1_chain (ctx);
	if (r->chain == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	if (ok) {
		pin = anchor_pin (v, sk_X509_value (r->chain, sk_X509_num (r->chain) - 1), &res);
		if (pin != NULL && (r->anchor_pin = strdup (pin)) == NULL) {
			err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
			goto out;
		}
		/* the path holds; what the leaf's key may do is the caller's last word */
		if (inkan_cert_check_purpose (leaf, v->purpose) != INKAN_OK)
			err = invalid_at (r, 0, leaf, strdup (inkan_detail ()));
	} else {
		err = invalid_at (r, X509_STORE_CTX_get_error_depth (ctx), X509_STORE_CTX_get_current_cert (ctx),
		                  path_failure (v, ctx, code));
	}
out:
	X509_STORE_CTX_free (ctx);
	sk_X509_pop_free (trusted, X509_free);
	sk_X509_pop_free (untrusted, X509_free);
	return err;
}
