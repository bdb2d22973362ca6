/* PKCS#10 requests: built with OpenSSL's own types and signed by
 * X509_REQ_sign_ctx on a token key through inkan's provider. */
#include <string.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <inkan/csr.h>
#include "src/cert/csr.h"
#include "src/util/internal.h"

static const struct {
	const char *prefix;
	int type;
} san_types[] = {
	{ "DNS:", GEN_DNS }, { "email:", GEN_EMAIL }, { "IP:", GEN_IPADD }, { "URI:", GEN_URI },
	/* "otherName:OID;UTF8:value", as OpenSSL's configuration writes it:
	 * the JPKI holder's name, birth date, sex and address. */
	{ "otherName:", GEN_OTHERNAME },
};

/* OpenSSL reads "UTF8:" text as Latin-1 unless told the input is UTF-8:
 * "OID;UTF8:text" becomes "OID;FORMAT:UTF8,UTF8:text" for it. */
static GENERAL_NAME *
other_name (const char *spec)
{
	const char *semi = strchr (spec, ';');
	GENERAL_NAME *gn;
	char *buf;

	if (semi == NULL || strncmp (semi + 1, "UTF8:", 5) != 0 ||
	    (buf = OPENSSL_malloc (strlen (spec) + sizeof "FORMAT:UTF8,")) == NULL)
		return NULL;
	memcpy (buf, spec, (size_t) (semi - spec) + 1);
	strcpy (buf + (semi - spec) + 1, "FORMAT:UTF8,");
	strcat (buf, semi + 1);
	gn = a2i_GENERAL_NAME (NULL, NULL, NULL, GEN_OTHERNAME, buf, 0);
	OPENSSL_free (buf);
	return gn;
}

inkan_err
csr_san_parse (const char *san, GENERAL_NAME **out)
{
	GENERAL_NAME *gn = NULL;
	size_t i, n;

	for (i = 0; i < sizeof san_types / sizeof san_types[0]; i++) {
		n = strlen (san_types[i].prefix);
		if (strncmp (san, san_types[i].prefix, n) == 0 && san[n] != '\0') {
			gn = san_types[i].type == GEN_OTHERNAME ? other_name (san + n)
			                                         : a2i_GENERAL_NAME (NULL, NULL, NULL, san_types[i].type, san + n, 0);
			break;
		}
	}
	if (gn == NULL) {
		ERR_clear_error ();
		return inkan_fail (INKAN_ERR_USAGE, _("not a subject alternative name: %s (DNS:, email:, IP:, URI: or otherName:OID;UTF8:)"),
		                   san);
	}
	*out = gn;
	return INKAN_OK;
}

static inkan_err
add_san (GENERAL_NAMES *names, const char *san)
{
	GENERAL_NAME *gn = NULL;
	inkan_err err = csr_san_parse (san, &gn);

	if (err != INKAN_OK)
		return err;
	if (!sk_GENERAL_NAME_push (names, gn)) {
		GENERAL_NAME_free (gn);
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	return INKAN_OK;
}

static inkan_err
add_sans (X509_REQ *req, const char *const *sans, size_t n_sans)
{
	GENERAL_NAMES *names = sk_GENERAL_NAME_new_null ();
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null ();
	X509_EXTENSION *ext = NULL;
	inkan_err err = INKAN_OK;
	size_t i;

	if (names == NULL || exts == NULL)
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	for (i = 0; err == INKAN_OK && i < n_sans; i++)
		err = add_san (names, sans[i]);
	if (err == INKAN_OK && (ext = X509V3_EXT_i2d (NID_subject_alt_name, 0, names)) != NULL &&
	    !sk_X509_EXTENSION_push (exts, ext)) {
		X509_EXTENSION_free (ext);
		ext = NULL;
	}
	if (err == INKAN_OK && (ext == NULL || !X509_REQ_add_extensions (req, exts)))
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot add the subject alternative names"));
	sk_X509_EXTENSION_pop_free (exts, X509_EXTENSION_free);
	GENERAL_NAMES_free (names);
	return err;
}

inkan_err
csr_build (EVP_PKEY *pkey, const X509_NAME *subject, const char *const *sans, size_t n_sans,
           inkan_sig_scheme scheme, inkan_hash hash, X509_REQ **out)
{
	X509_REQ *req = X509_REQ_new ();
	EVP_MD_CTX *mctx = EVP_MD_CTX_new ();
	EVP_PKEY_CTX *pctx = NULL;
	int is_rsa = EVP_PKEY_is_a (pkey, "RSA");
	inkan_err err = INKAN_OK;

	if ((scheme == INKAN_SIG_ECDSA) == is_rsa) {
		err = inkan_fail (INKAN_ERR_USAGE, _("a %s key cannot sign in %s"), is_rsa ? "RSA" : "EC",
		                  inkan_sig_scheme_name (scheme));
		goto out;
	}
	if (req == NULL || mctx == NULL || !X509_REQ_set_version (req, X509_REQ_VERSION_1) ||
	    !X509_REQ_set_subject_name (req, subject) || !X509_REQ_set_pubkey (req, pkey)) {
		err = inkan_fail_ossl (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	if (n_sans > 0 && (err = add_sans (req, sans, n_sans)) != INKAN_OK)
		goto out;
	if (EVP_DigestSignInit_ex (mctx, &pctx, inkan_hash_name (hash), NULL, NULL, pkey, NULL) != 1 ||
	    (scheme == INKAN_SIG_PSS &&
	     (EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	      EVP_PKEY_CTX_set_rsa_pss_saltlen (pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) ||
	    X509_REQ_sign_ctx (req, mctx) <= 0) {
		err = inkan_key_ossl_error (INKAN_ERR_CRYPTO);
		goto out;
	}
	*out = req;
	req = NULL;
out:
	EVP_MD_CTX_free (mctx);
	X509_REQ_free (req);
	return err;
}

inkan_err
inkan_csr_new (inkan_key *key, const X509_NAME *subject, const char *const *sans, size_t n_sans,
               inkan_sig_scheme scheme, inkan_hash hash, X509_REQ **out)
{
	EVP_PKEY *pkey = NULL;
	inkan_err err = inkan_key_to_evp_pkey (key, NULL, &pkey);

	if (err == INKAN_OK)
		err = csr_build (pkey, subject, sans, n_sans, scheme, hash, out);
	EVP_PKEY_free (pkey);
	return err;
}
