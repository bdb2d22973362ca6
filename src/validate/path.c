/* The certification path: from the leaf through given or AIA-fetched
 * intermediates to a configured anchor, verified by OpenSSL at the
 * judged time (validity, basic constraints, key usage, policies). */
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include "src/validate/vint.h"

/* AIA chains longer than this are a loop or an attack. */
#define MAX_AIA_FETCHES 4

/* PEM (one or many), DER, or a certs-only PKCS#7 as caIssuers serves. */
STACK_OF(X509) *
certs_from_bytes (const uint8_t *data, size_t len)
{
	STACK_OF(X509) *certs = sk_X509_new_null ();
	const unsigned char *p = data;
	X509 *x;
	PKCS7 *p7;
	BIO *bio;

	if (certs == NULL)
		return NULL;
	if ((x = d2i_X509 (NULL, &p, (long) len)) != NULL) {
		sk_X509_push (certs, x);
		return certs;
	}
	p = data;
	if ((p7 = d2i_PKCS7 (NULL, &p, (long) len)) != NULL) {
		if (PKCS7_type_is_signed (p7) && p7->d.sign != NULL && p7->d.sign->cert != NULL)
			X509_add_certs (certs, p7->d.sign->cert, X509_ADD_FLAG_UP_REF);
		PKCS7_free (p7);
		ERR_clear_error ();
		return certs;
	}
	bio = BIO_new_mem_buf (data, (int) len);
	while (bio != NULL && (x = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
		sk_X509_push (certs, x);
	BIO_free (bio);
	ERR_clear_error ();
	return certs;
}

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

/* One more issuer from the AIA of the top of the partial chain; 0 when none came. */
static int
fetch_issuer (inkan_validator *v, X509_STORE_CTX *ctx, STACK_OF(X509) *untrusted)
{
	STACK_OF(X509) *partial = X509_STORE_CTX_get0_chain (ctx), *got;
	X509 *top = sk_X509_value (partial, sk_X509_num (partial) - 1);
	char *url = top != NULL ? ca_issuers_url (top) : NULL;
	char why[256];
	fetch_body body;
	int added = 0;

	if (url == NULL ||
	    fetch_url (url, NULL, NULL, 0, budget_ms (v, v->timeout_ms[INKAN_METHOD_CRL]),
	               &body, why, sizeof why) != INKAN_OK) {
		free (url);
		return 0;
	}
	got = certs_from_bytes (body.data, body.len);
	added = sk_X509_num (got) > 0 && X509_add_certs (untrusted, got, X509_ADD_FLAG_UP_REF |
	                                                 X509_ADD_FLAG_NO_DUP);
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

inkan_err
path_build (inkan_validator *v, X509 *leaf, inkan_vreport *r)
{
	STACK_OF(X509) *untrusted = X509_chain_up_ref (v->chain);
	X509_STORE_CTX *ctx = NULL;
	inkan_err err = INKAN_OK;
	int round, ok = 0, code = X509_V_OK;

	if (untrusted == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	for (round = 0; round <= MAX_AIA_FETCHES; round++) {
		X509_STORE_CTX_free (ctx);
		ctx = X509_STORE_CTX_new ();
		if (ctx == NULL || !X509_STORE_CTX_init (ctx, v->anchors, leaf, untrusted)) {
			err = inkan_fail_ossl (INKAN_ERR_NOMEM, "%s", _("out of memory"));
			goto out;
		}
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
	if (!ok) {
		r->verdict = INKAN_VERDICT_INVALID;
		r->why = strdup (X509_verify_cert_error_string (code));
		if (r->why == NULL)
			err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	if (r->chain == NULL)
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
out:
	X509_STORE_CTX_free (ctx);
	sk_X509_pop_free (untrusted, X509_free);
	return err;
}
