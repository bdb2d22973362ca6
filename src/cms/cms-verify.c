/* Checking CMS SignedData: the signature, the signer, the ESS binding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <inkan/name.h>
#include "src/util/internal.h"

void
inkan_cms_report_clear (inkan_cms_report *report)
{
	free (report->content);
	memset (report, 0, sizeof *report);
}

/* NAME as inkan_name_text writes it (UTF-8, DER order), cut to SIZE. */
static void
name_into (const X509_NAME *name, char *buf, size_t size)
{
	char *text = inkan_name_text (name);

	snprintf (buf, size, "%s", text != NULL ? text : "?");
	free (text);
}

/* DER, bare or in PEM, with nothing after the structure: bytes past it are
 * not covered by the signature, and a reader must not be left to wonder
 * whether they belong to it. */
static inkan_err
parse (const uint8_t *in, size_t len, CMS_ContentInfo **cms)
{
	BIO *bio = BIO_new_mem_buf (in, (int) len);
	unsigned char *pem_der = NULL;
	long pem_len = 0;
	const unsigned char *der = in, *p;
	size_t der_len = len;
	inkan_err err = INKAN_OK;

	*cms = NULL;
	if (bio == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	if (PEM_bytes_read_bio (&pem_der, &pem_len, NULL, PEM_STRING_CMS, bio, NULL, NULL) == 1) {
		der = pem_der;
		der_len = (size_t) pem_len;
	}
	ERR_clear_error ();
	p = der;
	*cms = d2i_CMS_ContentInfo (NULL, &p, (long) der_len);
	if (*cms == NULL || OBJ_obj2nid (CMS_get0_type (*cms)) != NID_pkcs7_signed)
		err = inkan_fail_ossl (INKAN_ERR_BAD_INPUT, "%s", _("not a CMS SignedData structure"));
	else if (p != der + der_len)
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("%zu bytes follow the CMS structure"), (size_t) (der + der_len - p));
	OPENSSL_free (pem_der);
	BIO_free (bio);
	return err;
}

/* The SignedData's digestAlgorithms set is covered by no signature, so a
 * changed one would pass unseen: it must hold exactly the one signer's
 * digest algorithm.  OpenSSL has no getter for it; the set is read from
 * the structure's encoding (ContentInfo > [0] > SignedData > version, set). */
static inkan_err
check_digest_set (CMS_ContentInfo *cms, const X509_ALGOR *signer_digest)
{
	unsigned char *der = NULL;
	const unsigned char *p, *end;
	X509_ALGOR *alg = NULL;
	long len = 0;
	int n = i2d_CMS_ContentInfo (cms, &der), tag = -1, cls, step, ok = 0;

	if (n <= 0)
		return inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot encode the CMS structure"));
	p = der;
	end = der + n;
	/* into ContentInfo, over contentType, into [0] and SignedData, over version, into the set */
	for (step = 0; step < 6; step++) {
		if (ASN1_get_object (&p, &len, &tag, &cls, end - p) & 0x80)
			goto out;
		if (step == 1 || step == 4)
			p += len;
	}
	end = p + len;
	if (tag == V_ASN1_SET && (alg = d2i_X509_ALGOR (NULL, &p, len)) != NULL)
		ok = p == end && OBJ_cmp (alg->algorithm, signer_digest->algorithm) == 0;
out:
	X509_ALGOR_free (alg);
	OPENSSL_free (der);
	return ok ? INKAN_OK : inkan_fail (INKAN_ERR_BAD_INPUT, "%s",
	                                   _("the unsigned digestAlgorithms set differs from the signer's digest algorithm"));
}

static time_t
signing_time (CMS_SignerInfo *si)
{
	int i = CMS_signed_get_attr_by_NID (si, NID_pkcs9_signingTime, -1);
	X509_ATTRIBUTE *attr = i >= 0 ? CMS_signed_get_attr (si, i) : NULL;
	ASN1_TYPE *t = attr ? X509_ATTRIBUTE_get0_type (attr, 0) : NULL;
	struct tm tm;

	if (t == NULL || (t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME) ||
	    !ASN1_TIME_to_tm ((ASN1_TIME *) t->value.asn1_string, &tm))
		return 0;
	return timegm (&tm);
}

/* The ESS signing-certificate-v2 attribute, when present, must name the
 * signer's certificate.  Returns 1 present and right, 0 absent, -1 wrong. */
static int
check_signing_cert_v2 (CMS_SignerInfo *si, X509 *signer)
{
	int i = CMS_signed_get_attr_by_NID (si, NID_id_smime_aa_signingCertificateV2, -1);
	X509_ATTRIBUTE *attr = i >= 0 ? CMS_signed_get_attr (si, i) : NULL;
	ASN1_TYPE *t = attr ? X509_ATTRIBUTE_get0_type (attr, 0) : NULL;
	const unsigned char *p;
	ESS_SIGNING_CERT_V2 *sc = NULL;
	STACK_OF(X509) *certs = NULL;
	int ok;

	if (attr == NULL)
		return 0;
	if (t == NULL || t->type != V_ASN1_SEQUENCE)
		return -1;
	p = t->value.sequence->data;
	sc = d2i_ESS_SIGNING_CERT_V2 (NULL, &p, t->value.sequence->length);
	certs = sk_X509_new_null ();
	ok = sc != NULL && certs != NULL && sk_X509_push (certs, signer) > 0 &&
	     OSSL_ESS_check_signing_certs (NULL, sc, certs, 1) > 0;
	sk_X509_free (certs);
	ESS_SIGNING_CERT_V2_free (sc);
	ERR_clear_error ();
	return ok ? 1 : -1;
}

/* The validator's word on the signer, with the structure's certificates
 * offered as intermediates. */
static inkan_err
ask_validator (CMS_ContentInfo *cms, X509 *signer, inkan_validator *v, inkan_cms_report *r)
{
	STACK_OF(X509) *certs = CMS_get1_certs (cms);
	int i;

	for (i = 0; i < sk_X509_num (certs); i++)
		if (X509_cmp (sk_X509_value (certs, i), signer) != 0)
			inkan_validator_add_chain_cert (v, sk_X509_value (certs, i));
	sk_X509_pop_free (certs, X509_free);
	return inkan_validate_require_good (v, signer, r->signer_status);
}

inkan_err
inkan_cms_verify (const uint8_t *in, size_t in_len, const inkan_cms_check *check, inkan_cms_report *r)
{
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *signers = NULL;
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	X509_ALGOR *dig = NULL, *sig = NULL;
	BIO *content = NULL, *out = NULL;
	X509 *signer;
	unsigned flags = CMS_BINARY;
	char *data = NULL;
	long data_len;
	inkan_err err = INKAN_OK;
	int i;

	memset (r, 0, sizeof *r);
	if ((err = parse (in, in_len, &cms)) != INKAN_OK)
		goto out;
	sis = CMS_get0_SignerInfos (cms);
	if (sk_CMS_SignerInfo_num (sis) != 1) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("%d signers; inkan checks structures with exactly one"),
		                  sk_CMS_SignerInfo_num (sis));
		goto out;
	}
	CMS_SignerInfo_get0_algs (sk_CMS_SignerInfo_value (sis, 0), NULL, NULL, &dig, &sig);
	if ((err = check_digest_set (cms, dig)) != INKAN_OK)
		goto out;
	if (check->content != NULL)
		content = BIO_new_mem_buf (check->content, (int) check->content_len);
	else if (CMS_is_detached (cms)) {
		err = inkan_fail (INKAN_ERR_USAGE, "%s", _("the signature is detached: give the content"));
		goto out;
	}
	if (check->anchors == NULL)
		flags |= CMS_NO_SIGNER_CERT_VERIFY;
	/* CMS_verify builds the signer's path only from the structure's own
	 * certificates: offer the given intermediates there (in memory). */
	for (i = 0; check->untrusted != NULL && i < sk_X509_num (check->untrusted); i++)
		CMS_add1_cert (cms, sk_X509_value (check->untrusted, i));
	ERR_clear_error ();
	out = BIO_new (BIO_s_mem ());
	if (CMS_verify (cms, check->untrusted, check->anchors, content, out, flags) != 1) {
		unsigned long e = ERR_peek_error ();
		int reason = ERR_GET_REASON (e);

		/* Say which of the two failed: the signature, or the signer. */
		if (reason == CMS_R_CERTIFICATE_VERIFY_ERROR)
			err = inkan_fail_ossl (INKAN_ERR_REJECTED, "%s", _("the signer's certificate does not verify"));
		else
			err = inkan_fail_ossl (INKAN_ERR_BAD_SIGNATURE, "%s", _("the CMS signature does not verify"));
		goto out;
	}
	si = sk_CMS_SignerInfo_value (sis, 0);
	signers = CMS_get0_signers (cms);
	signer = sk_X509_num (signers) == 1 ? sk_X509_value (signers, 0) : NULL;
	if (signer == NULL) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("the signer's certificate is not in the structure"));
		goto out;
	}
	r->has_signing_cert_v2 = check_signing_cert_v2 (si, signer);
	if (r->has_signing_cert_v2 < 0) {
		r->has_signing_cert_v2 = 0;
		err = inkan_fail (INKAN_ERR_REJECTED, "%s",
		                  _("the signing-certificate attribute names another certificate"));
		goto out;
	}
	if (check->validator != NULL && (err = ask_validator (cms, signer, check->validator, r)) != INKAN_OK)
		goto out;
	name_into (X509_get_subject_name (signer), r->signer, sizeof r->signer);
	name_into (X509_get_issuer_name (signer), r->signer_issuer, sizeof r->signer_issuer);
	OBJ_obj2txt (r->digest_alg, sizeof r->digest_alg, dig->algorithm, 0);
	OBJ_obj2txt (r->signature_alg, sizeof r->signature_alg, sig->algorithm, 0);
	r->signing_time = signing_time (si);
	r->signer_verified = check->anchors != NULL;
	data_len = BIO_get_mem_data (out, &data);
	r->content = malloc (data_len > 0 ? (size_t) data_len : 1);
	if (r->content == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	memcpy (r->content, data, (size_t) data_len);
	r->content_len = (size_t) data_len;
	EVP_Digest (r->content, r->content_len, r->content_sha256, NULL, EVP_sha256 (), NULL);
out:
	if (err != INKAN_OK)
		inkan_cms_report_clear (r);
	sk_X509_free (signers);
	BIO_free (content);
	BIO_free (out);
	CMS_ContentInfo_free (cms);
	return err;
}
