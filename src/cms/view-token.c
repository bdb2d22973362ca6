/* View-auth tokens as JWS compact serialisations (RFC 7515/7518):
 * ES256/ES384 on EC keys, PS256 on RSA keys; JSON by jansson. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "src/cms/replay.h"
#include "src/util/internal.h"

#define TYP "inkan-view+jwt"
#define MAX_TOKEN 8192

typedef struct {
	const char *alg;
	inkan_sig_scheme scheme;
	inkan_hash hash;
	int bits;               /* EC curve size; 0 for RSA */
} jws_alg;

static const jws_alg algs[] = {
	{ "ES256", INKAN_SIG_ECDSA, INKAN_HASH_SHA256, 256 },
	{ "ES384", INKAN_SIG_ECDSA, INKAN_HASH_SHA384, 384 },
	{ "PS256", INKAN_SIG_PSS, INKAN_HASH_SHA256, 0 },
};

/* The algorithm a public key signs with: the key decides, never the token,
 * so an attacker's "alg" cannot choose a weaker check. */
static const jws_alg *
alg_for_key (EVP_PKEY *pub)
{
	size_t i;
	int ec = EVP_PKEY_get_base_id (pub) == EVP_PKEY_EC;

	for (i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (ec ? algs[i].bits == EVP_PKEY_get_bits (pub) : algs[i].bits == 0)
			return &algs[i];
	return NULL;
}

static char *
thumbprint (X509 *cert)
{
	unsigned char d[32];
	unsigned char *der = NULL;
	int len = i2d_X509 (cert, &der);
	char *out = NULL;

	if (len > 0 && EVP_Digest (der, (size_t) len, d, NULL, EVP_sha256 (), NULL))
		out = inkan_base64_encode (d, sizeof d, INKAN_BASE64_URL);
	OPENSSL_free (der);
	return out;
}

static char *
issuer_name (X509 *cert)
{
	char buf[256];

	/* The relay is named by its certificate's subject. */
	X509_NAME_oneline (X509_get_subject_name (cert), buf, sizeof buf);
	return strdup (buf);
}

static char *
b64url_json (json_t *obj)
{
	char *text = json_dumps (obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char *out = text ? inkan_base64_encode ((uint8_t *) text, strlen (text), INKAN_BASE64_URL) : NULL;

	free (text);
	return out;
}

inkan_err
inkan_view_token_issue (inkan_key *key, X509 *cert, const inkan_view_token_claims *c, char **token_out)
{
	uint8_t jti_raw[16], *sig = NULL;
	size_t sig_len = 0;
	char *x5t = NULL, *iss = NULL, *jti = NULL, *doc = NULL, *head = NULL, *body = NULL, *s = NULL;
	char *input = NULL;
	json_t *h = NULL, *p = NULL;
	EVP_PKEY *pub = NULL;
	const jws_alg *alg;
	time_t now = c->now ? c->now : time (NULL);
	inkan_err err = INKAN_OK;

	if (c->recipient == NULL || c->recipient[0] == '\0' || c->doc_sha256 == NULL || c->ttl <= 0 ||
	    c->ttl > INT64_MAX - (int64_t) now)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("a view token needs a recipient, a document hash and a lifetime"));
	pub = X509_get_pubkey (cert);
	{
		EVP_PKEY *mine = NULL;

		/* The certificate must be the key's, or verifiers would check
		 * the wrong key and the token would never verify. */
		err = inkan_key_get_public (key, &mine);
		if (err == INKAN_OK && (pub == NULL || EVP_PKEY_eq (mine, pub) != 1))
			err = inkan_fail (INKAN_ERR_USAGE, "%s", _("the certificate is not the signing key's"));
		EVP_PKEY_free (mine);
		if (err != INKAN_OK)
			goto out;
	}
	alg = alg_for_key (pub);
	if (alg == NULL) {
		err = inkan_fail (INKAN_ERR_UNSUPPORTED, "%s", _("view tokens are signed with P-256, P-384 or RSA keys"));
		goto out;
	}
	if (RAND_bytes (jti_raw, sizeof jti_raw) != 1) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("no random token id"));
		goto out;
	}
	x5t = thumbprint (cert);
	iss = issuer_name (cert);
	jti = inkan_base64_encode (jti_raw, sizeof jti_raw, INKAN_BASE64_URL);
	doc = inkan_base64_encode (c->doc_sha256, 32, INKAN_BASE64_URL);
	h = json_pack ("{s:s, s:s, s:s?}", "alg", alg->alg, "typ", TYP, "x5t#S256", x5t);
	p = json_pack ("{s:s?, s:s, s:s, s:s?, s:I, s:I, s:s?}", "iss", iss,
	               "sub", c->recipient,
	               "sub_type", c->kind == INKAN_VIEW_RECIPIENT_CI ? "ci" : "address",
	               "doc_s256", doc, "iat", (json_int_t) now, "exp", (json_int_t) (now + c->ttl),
	               "jti", jti);
	head = h ? b64url_json (h) : NULL;
	body = p ? b64url_json (p) : NULL;
	if (x5t == NULL || iss == NULL || jti == NULL || doc == NULL || head == NULL || body == NULL ||
	    asprintf (&input, "%s.%s", head, body) < 0) {
		input = NULL;
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	err = inkan_key_sign (key, alg->scheme, alg->hash, (uint8_t *) input, strlen (input), INKAN_SIG_RAW,
	                      &sig, &sig_len);
	if (err != INKAN_OK)
		goto out;
	s = inkan_base64_encode (sig, sig_len, INKAN_BASE64_URL);
	if (s == NULL || asprintf (token_out, "%s.%s", input, s) < 0)
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
out:
	json_decref (h);
	json_decref (p);
	EVP_PKEY_free (pub);
	free (sig);
	free (x5t);
	free (iss);
	free (jti);
	free (doc);
	free (head);
	free (body);
	free (s);
	free (input);
	return err;
}

/* Refuse with a reason that scripts can read and a detail people can. */
#define REFUSE(e, why, ...) \
	do { \
		snprintf (info->reason, sizeof info->reason, "%s", why); \
		err = inkan_fail (e, __VA_ARGS__); \
		goto out; \
	} while (0)

static json_t *
decode_part (const char *text, size_t len)
{
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	json_t *obj = NULL;

	if (inkan_base64_decode (text, len, INKAN_BASE64_URL, &raw, &raw_len) == INKAN_OK)
		obj = json_loadb ((const char *) raw, raw_len, JSON_REJECT_DUPLICATES, NULL);
	free (raw);
	if (obj != NULL && !json_is_object (obj)) {
		json_decref (obj);
		obj = NULL;
	}
	return obj;
}

static inkan_err
check_chain (X509 *cert, X509_STORE *anchors, STACK_OF(X509) *untrusted, time_t now)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new ();
	inkan_err err = INKAN_OK;

	if (ctx == NULL || !X509_STORE_CTX_init (ctx, anchors, cert, untrusted))
		return inkan_fail_ossl (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	X509_STORE_CTX_set_time (ctx, 0, now);
	if (X509_verify_cert (ctx) != 1)
		err = inkan_fail (INKAN_ERR_REJECTED, _("the issuer certificate does not verify: %s"),
		                  X509_verify_cert_error_string (X509_STORE_CTX_get_error (ctx)));
	else
		/* its key signed the token: as CMS_verify asks of a signer */
		err = inkan_cert_check_purpose (cert, INKAN_PURPOSE_SIGN);
	X509_STORE_CTX_free (ctx);
	return err;
}

static void
copy_claim (json_t *p, const char *name, char *dst, size_t size)
{
	const char *v = json_string_value (json_object_get (p, name));

	snprintf (dst, size, "%s", v ? v : "");
}

inkan_err
inkan_view_token_verify (const char *token, const inkan_view_token_check *c, inkan_view_token_info *info)
{
	const char *dot1, *dot2;
	json_t *h = NULL, *p = NULL;
	uint8_t *sig = NULL, *doc = NULL;
	size_t sig_len = 0, doc_len = 0, len = strlen (token);
	EVP_PKEY *pub = NULL;
	const jws_alg *alg;
	char *x5t = NULL;
	const char *v;
	json_int_t iat, exp;
	time_t now = c->now ? c->now : time (NULL);
	inkan_err err = INKAN_OK;

	memset (info, 0, sizeof *info);
	dot1 = memchr (token, '.', len);
	dot2 = dot1 ? memchr (dot1 + 1, '.', len - (size_t) (dot1 + 1 - token)) : NULL;
	if (len > MAX_TOKEN || dot2 == NULL || memchr (dot2 + 1, '.', len - (size_t) (dot2 + 1 - token)))
		REFUSE (INKAN_ERR_BAD_INPUT, "malformed", "%s", _("not a view token (three base64url parts)"));
	h = decode_part (token, (size_t) (dot1 - token));
	p = decode_part (dot1 + 1, (size_t) (dot2 - dot1 - 1));
	if (h == NULL || p == NULL ||
	    inkan_base64_decode (dot2 + 1, strlen (dot2 + 1), INKAN_BASE64_URL, &sig, &sig_len) != INKAN_OK)
		REFUSE (INKAN_ERR_BAD_INPUT, "malformed", "%s", _("a view token part is not base64url JSON"));

	/* Header: the type and algorithm must be what the issuer's key makes. */
	pub = X509_get_pubkey (c->issuer_cert);
	alg = pub ? alg_for_key (pub) : NULL;
	v = json_string_value (json_object_get (h, "alg"));
	if (alg == NULL || v == NULL || strcmp (v, alg->alg) != 0)
		REFUSE (INKAN_ERR_REJECTED, "algorithm", _("the token's algorithm \"%s\" is not what the issuer's key signs with"),
		        v ? v : "");
	v = json_string_value (json_object_get (h, "typ"));
	if (v == NULL || strcmp (v, TYP) != 0)
		REFUSE (INKAN_ERR_REJECTED, "type", "%s", _("not a view-auth token (typ)"));
	x5t = thumbprint (c->issuer_cert);
	v = json_string_value (json_object_get (h, "x5t#S256"));
	if (x5t == NULL || v == NULL || strcmp (v, x5t) != 0)
		REFUSE (INKAN_ERR_REJECTED, "issuer", "%s", _("the token was issued under another certificate"));

	err = inkan_signature_verify (pub, alg->scheme, alg->hash, (const uint8_t *) token, (size_t) (dot2 - token),
	                              INKAN_SIG_RAW, sig, sig_len);
	if (err == INKAN_ERR_BAD_SIGNATURE)
		REFUSE (err, "signature", "%s", _("the token's signature does not verify"));
	if (err != INKAN_OK)
		goto out;

	/* Claims, now that they are the issuer's. */
	copy_claim (p, "iss", info->issuer, sizeof info->issuer);
	copy_claim (p, "sub", info->recipient, sizeof info->recipient);
	copy_claim (p, "jti", info->id, sizeof info->id);
	v = json_string_value (json_object_get (p, "sub_type"));
	info->kind = v && strcmp (v, "ci") == 0 ? INKAN_VIEW_RECIPIENT_CI : INKAN_VIEW_RECIPIENT_ADDRESS;
	if (!json_is_integer (json_object_get (p, "iat")) || !json_is_integer (json_object_get (p, "exp")) ||
	    info->recipient[0] == '\0' || info->id[0] == '\0')
		REFUSE (INKAN_ERR_BAD_INPUT, "malformed", "%s", _("the token lacks a recipient, an id or its times"));
	iat = json_integer_value (json_object_get (p, "iat"));
	exp = json_integer_value (json_object_get (p, "exp"));
	info->issued = (time_t) iat;
	info->expires = (time_t) exp;
	if (iat > (json_int_t) now + c->skew)
		REFUSE (INKAN_ERR_REJECTED, "not-yet-valid", "%s", _("the token was issued in the future"));
	if (exp + c->skew < (json_int_t) now)
		REFUSE (INKAN_ERR_REJECTED, "expired", _("the token expired %lld seconds ago"),
		        (long long) ((json_int_t) now - exp));
	v = json_string_value (json_object_get (p, "doc_s256"));
	if (v == NULL || inkan_base64_decode (v, strlen (v), INKAN_BASE64_URL, &doc, &doc_len) != INKAN_OK || doc_len != 32 ||
	    c->doc_sha256 == NULL || CRYPTO_memcmp (doc, c->doc_sha256, 32) != 0)
		REFUSE (INKAN_ERR_REJECTED, "document-hash", "%s", _("the token is for another document"));

	/* The issuer's certificate, at the time of checking. */
	if (X509_cmp_time (X509_get0_notBefore (c->issuer_cert), &now) > 0 ||
	    X509_cmp_time (X509_get0_notAfter (c->issuer_cert), &now) < 0)
		REFUSE (INKAN_ERR_REJECTED, "issuer-certificate", "%s", _("the issuer's certificate is not valid now"));
	if (c->anchors != NULL && (err = check_chain (c->issuer_cert, c->anchors, c->untrusted, now)) != INKAN_OK) {
		snprintf (info->reason, sizeof info->reason, "%s", "issuer-certificate");
		goto out;
	}
	if (c->validator != NULL && (err = inkan_validate_require_good (c->validator, c->issuer_cert, NULL)) != INKAN_OK) {
		snprintf (info->reason, sizeof info->reason, "%s", "issuer-certificate");
		goto out;
	}
	/* Last: a token refused for another reason is not spent. */
	if (c->replay_cache != NULL &&
	    (err = inkan_replay_check_and_add (c->replay_cache, info->id, info->expires + c->skew, now)) != INKAN_OK) {
		snprintf (info->reason, sizeof info->reason, "%s", err == INKAN_ERR_REJECTED ? "replay" : "replay-cache");
		goto out;
	}
out:
	json_decref (h);
	json_decref (p);
	EVP_PKEY_free (pub);
	free (sig);
	free (doc);
	free (x5t);
	return err;
}
