/* Is a certificate the genuine self-signed CA certificate: self-issued,
 * verified by its own key, a CA that may sign certificates, and pinned. */
#include <string.h>
#include <time.h>

#include "src/cert/certint.h"

const char *
inkan_ca_verdict_name (inkan_ca_verdict v)
{
	static const char *names[] = { "match", "no-match", "not-self-issued", "bad-signature", "not-ca",
	                               "no-cert-sign" };

	return (size_t) v < sizeof names / sizeof names[0] ? names[v] : "?";
}

const char *
inkan_ca_verdict_text (inkan_ca_verdict v)
{
	switch (v) {
	case INKAN_CA_MATCH: return _("genuine: a self-signed CA certificate with a pinned fingerprint");
	case INKAN_CA_NO_MATCH: return _("NOT pinned: a self-signed CA certificate, but no pin has its fingerprint");
	case INKAN_CA_NOT_SELF_ISSUED: return _("not a self-signed CA certificate: its issuer is another");
	case INKAN_CA_BAD_SIGNATURE: return _("not a self-signed CA certificate: its own key does not verify its signature");
	case INKAN_CA_NOT_CA: return _("not a CA certificate: no basicConstraints with cA true");
	default: return _("not a CA certificate: its key usage does not allow signing certificates");
	}
}

static void
validity (X509 *cert, inkan_ca_result *out)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm (X509_get0_notAfter (cert), &tm))
		return;
	strftime (out->not_after, sizeof out->not_after, "%Y-%m-%d", &tm);
	out->expired = X509_cmp_current_time (X509_get0_notAfter (cert)) < 0;
}

inkan_err
inkan_ca_check (X509 *cert, const inkan_ca_pins *pins, inkan_ca_result *out)
{
	EVP_PKEY *key = X509_get0_pubkey (cert);
	uint32_t ku = X509_get_key_usage (cert);

	memset (out, 0, sizeof *out);
	if (!cert_fingerprint (cert, EVP_sha256 (), out->sha256, sizeof out->sha256) ||
	    !cert_fingerprint (cert, EVP_sha1 (), out->sha1, sizeof out->sha1))
		return inkan_fail (INKAN_ERR_CRYPTO, "%s", _("the certificate cannot be digested"));
	/* by name alone: X509_check_issued would also judge the key usage,
	 * which deserves its own verdict below */
	if (X509_NAME_cmp (X509_get_subject_name (cert), X509_get_issuer_name (cert)) != 0)
		out->verdict = INKAN_CA_NOT_SELF_ISSUED;
	else if (key == NULL || X509_verify (cert, key) != 1)
		out->verdict = INKAN_CA_BAD_SIGNATURE;
	else if (!(X509_get_extension_flags (cert) & EXFLAG_CA))
		out->verdict = INKAN_CA_NOT_CA;
	else if ((X509_get_extension_flags (cert) & EXFLAG_KUSAGE) && !(ku & KU_KEY_CERT_SIGN))
		out->verdict = INKAN_CA_NO_CERT_SIGN;
	else if ((out->pin_name = ca_pins_match (pins, cert, &out->pin_alg)) != NULL)
		out->verdict = INKAN_CA_MATCH;
	else
		out->verdict = INKAN_CA_NO_MATCH;
	validity (cert, out);
	ERR_clear_error ();
	return INKAN_OK;
}
