/* Keys, certificates and the card's private-key operations (OpenSSL 3). */
#include <stdio.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include "vcard.h"

EVP_PKEY *
vc_key_rsa (int bits)
{
	return EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) bits);
}

EVP_PKEY *
vc_key_ec (void)
{
	return EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
}

EVP_PKEY *
vc_key_load_pem (const char *path)
{
	FILE *f = fopen (path, "r");
	EVP_PKEY *k;
	if (!f)
		return NULL;
	k = PEM_read_PrivateKey (f, NULL, NULL, NULL);
	fclose (f);
	return k;
}

X509 *
vc_cert_load_pem (const char *path)
{
	FILE *f = fopen (path, "r");
	X509 *c;
	if (!f)
		return NULL;
	c = PEM_read_X509 (f, NULL, NULL, NULL);
	fclose (f);
	return c;
}

uint8_t *
vc_key_der (EVP_PKEY *key, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_PrivateKey (key, &der);
	if (n <= 0)
		return NULL;
	*len = (size_t) n;
	return der;
}

uint8_t *
vc_cert_der (X509 *cert, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_X509 (cert, &der);
	if (n <= 0)
		return NULL;
	*len = (size_t) n;
	return der;
}

EVP_PKEY *
vc_key_from_der (const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	return d2i_AutoPrivateKey (NULL, &p, (long) len);
}

/* One JPKI basic item: otherName TYPE-ID with [0] EXPLICIT UTF8String. */
static bool
add_other_name (GENERAL_NAMES *names, const char *oid, const char *value)
{
	GENERAL_NAME *gn = GENERAL_NAME_new ();
	ASN1_OBJECT *obj = OBJ_txt2obj (oid, 1);
	ASN1_TYPE *val = ASN1_TYPE_new ();
	ASN1_UTF8STRING *s = ASN1_UTF8STRING_new ();

	if (!gn || !obj || !val || !s || !ASN1_STRING_set (s, value, -1))
		goto fail;
	ASN1_TYPE_set (val, V_ASN1_UTF8STRING, s);
	s = NULL;
	if (!GENERAL_NAME_set0_othername (gn, obj, val))
		goto fail;
	obj = NULL;
	val = NULL;
	if (!sk_GENERAL_NAME_push (names, gn))
		goto fail;
	return true;
fail:
	GENERAL_NAME_free (gn);
	ASN1_OBJECT_free (obj);
	ASN1_TYPE_free (val);
	ASN1_UTF8STRING_free (s);
	return false;
}

static bool
add_jpki_san (X509 *cert)
{
	/* A fictitious resident, in the order a real card carries them. */
	static const struct { const char *oid, *value; } items[] = {
		{ "1.2.392.200149.8.5.5.1", "公的\u3000太郎" },
		{ "1.2.392.200149.8.5.5.4", "319771107" },
		{ "1.2.392.200149.8.5.5.3", "1" },
		{ "1.2.392.200149.8.5.5.5", "東京都千代田区霞が関二丁目一番二号" },
	};
	GENERAL_NAMES *names = sk_GENERAL_NAME_new_null ();
	bool ok = names != NULL;

	for (size_t i = 0; ok && i < sizeof items / sizeof items[0]; i++)
		ok = add_other_name (names, items[i].oid, items[i].value);
	ok = ok && X509_add1_ext_i2d (cert, NID_subject_alt_name, names, 0, 0) == 1;
	GENERAL_NAMES_free (names);
	return ok;
}

static bool
add_ext (X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	bool ok;

	X509V3_set_ctx (&ctx, issuer ? issuer : cert, cert, NULL, NULL, 0);
	ext = X509V3_EXT_nconf_nid (NULL, &ctx, nid, value);
	ok = ext && X509_add_ext (cert, ext, -1);
	X509_EXTENSION_free (ext);
	return ok;
}

X509 *
vc_cert_make (EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
              bool ca, bool san_jpki)
{
	X509 *cert = X509_new ();
	X509_NAME *name = X509_NAME_new ();
	unsigned char serial[8];
	BIGNUM *bn = NULL;
	bool ok = cert && name;

	ok = ok && RAND_bytes (serial, sizeof serial) == 1;
	serial[0] &= 0x7f;
	ok = ok && (bn = BN_bin2bn (serial, sizeof serial, NULL)) != NULL;
	ok = ok && BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (cert)) != NULL;
	ok = ok && X509_set_version (cert, 2);
	ok = ok && X509_NAME_add_entry_by_txt (name, "C", MBSTRING_ASC, (const unsigned char *) "JP", -1, -1, 0);
	ok = ok && X509_NAME_add_entry_by_txt (name, "O", MBSTRING_ASC, (const unsigned char *) "inkan test", -1, -1, 0);
	ok = ok && X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC, (const unsigned char *) cn, -1, -1, 0);
	ok = ok && X509_set_subject_name (cert, name);
	ok = ok && X509_set_issuer_name (cert, issuer ? X509_get_subject_name (issuer) : name);
	ok = ok && X509_gmtime_adj (X509_getm_notBefore (cert), -3600);
	ok = ok && X509_gmtime_adj (X509_getm_notAfter (cert), 3650L * 86400);
	ok = ok && X509_set_pubkey (cert, key);
	ok = ok && add_ext (cert, issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	ok = ok && add_ext (cert, issuer, NID_key_usage,
	                    ca ? "critical,keyCertSign,cRLSign"
	                       : san_jpki ? "critical,digitalSignature,nonRepudiation"
	                                  : "critical,digitalSignature");
	ok = ok && add_ext (cert, issuer, NID_subject_key_identifier, "hash");
	if (issuer)
		ok = ok && add_ext (cert, issuer, NID_authority_key_identifier, "keyid");
	if (san_jpki)
		ok = ok && add_jpki_san (cert);
	ok = ok && X509_sign (cert, issuer_key ? issuer_key : key, EVP_sha256 ()) > 0;
	BN_free (bn);
	X509_NAME_free (name);
	if (!ok) {
		X509_free (cert);
		return NULL;
	}
	return cert;
}

static bool
sign_rsa (EVP_PKEY *key, const uint8_t *in, size_t inlen, vc_resp *out)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
	size_t siglen = (size_t) EVP_PKEY_get_size (key);
	uint8_t sig[1024];
	bool ok = ctx && siglen <= sizeof sig
		&& EVP_PKEY_sign_init (ctx) == 1
		&& EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_PADDING) == 1
		&& EVP_PKEY_sign (ctx, sig, &siglen, in, inlen) == 1;
	if (ok)
		vc_resp_add (out, sig, siglen);
	EVP_PKEY_CTX_free (ctx);
	return ok;
}

static bool
sign_ec (EVP_PKEY *key, const uint8_t *in, size_t inlen, vc_resp *out)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);
	uint8_t der[160], rs[64] = { 0 };
	size_t derlen = sizeof der;
	const unsigned char *p = der;
	ECDSA_SIG *sig = NULL;
	const BIGNUM *r, *s;
	bool ok = ctx && EVP_PKEY_sign_init (ctx) == 1
		&& EVP_PKEY_sign (ctx, der, &derlen, in, inlen) == 1
		&& (sig = d2i_ECDSA_SIG (NULL, &p, (long) derlen)) != NULL;
	if (ok) {
		ECDSA_SIG_get0 (sig, &r, &s);
		ok = BN_bn2binpad (r, rs, 32) == 32 && BN_bn2binpad (s, rs + 32, 32) == 32;
	}
	if (ok)
		vc_resp_add (out, rs, sizeof rs);
	ECDSA_SIG_free (sig);
	EVP_PKEY_CTX_free (ctx);
	return ok;
}

bool
vc_sign (EVP_PKEY *key, const uint8_t *in, size_t inlen, vc_resp *out)
{
	if (EVP_PKEY_is_a (key, "RSA"))
		return sign_rsa (key, in, inlen, out);
	return sign_ec (key, in, inlen, out);
}

EVP_PKEY *
vc_state_key (const vc_state *st, const char *name)
{
	size_t len;
	const uint8_t *der = vc_state_get (st, name, &len);
	return der ? vc_key_from_der (der, len) : NULL;
}

void
vc_sign_stored (const vc_state *st, const char *name,
                const uint8_t *in, size_t inlen, vc_resp *r)
{
	EVP_PKEY *key = vc_state_key (st, name);
	if (!key) {
		r->sw = 0x6A88;
		return;
	}
	r->sw = vc_sign (key, in, inlen, r) ? 0x9000 : 0x6A80;
	EVP_PKEY_free (key);
}
