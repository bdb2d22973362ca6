/* Evidence certificates: DER (src/cms/records-asn1.c) inside CMS, and the
 * joint check of an original, a distribution and the document. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/objects.h>
#include <openssl/rand.h>

#include "src/cms/records-asn1.h"
#include "src/util/internal.h"

#define EVIDENCE_VERSION 1

static const char *const check_names[INKAN_EVIDENCE_N_CHECKS] = {
	"original-signature", "original-signer", "original-format",
	"distribution-signature", "distribution-signer", "distribution-format",
	"original-hash", "distribution-hash",
};

const char *
inkan_evidence_check_name (inkan_evidence_check check)
{
	return (unsigned) check < INKAN_EVIDENCE_N_CHECKS ? check_names[check] : "unknown";
}

inkan_err
inkan_evidence_issue (inkan_key *key, X509 *cert, STACK_OF(X509) *chain, inkan_evidence_kind kind,
                      const char *issuer_name, const char *document_name, uint64_t document_size,
                      const uint8_t *document_sha256, uint8_t **der, size_t *der_len)
{
	INKAN_EVIDENCE *e = INKAN_EVIDENCE_new ();
	unsigned char id[16], *content = NULL;
	int len = 0, ok;
	inkan_err err;

	if (e == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	ok = issuer_name != NULL && issuer_name[0] != '\0' && document_sha256 != NULL &&
	     (kind == INKAN_EVIDENCE_ORIGINAL || kind == INKAN_EVIDENCE_DISTRIBUTION) &&
	     RAND_bytes (id, sizeof id) == 1 &&
	     ASN1_INTEGER_set (e->version, EVIDENCE_VERSION) &&
	     ASN1_ENUMERATED_set (e->kind, kind) &&
	     ASN1_OCTET_STRING_set (e->certificate_id, id, sizeof id) &&
	     inkan_document_ref_set (e->document, document_name, document_size, document_sha256) &&
	     ASN1_STRING_set (e->issuer, issuer_name, (int) strlen (issuer_name)) &&
	     ASN1_GENERALIZEDTIME_set (e->issued_at, time (NULL)) != NULL &&
	     (len = i2d_INKAN_EVIDENCE (e, &content)) > 0;
	INKAN_EVIDENCE_free (e);
	if (!ok) {
		OPENSSL_free (content);
		return inkan_fail_ossl (INKAN_ERR_USAGE, "%s", _("an evidence certificate needs a kind, an issuer and a document"));
	}
	err = inkan_cms_sign (key, cert, chain, INKAN_HASH_SHA256, 0, content, (size_t) len, der, der_len);
	OPENSSL_free (content);
	return err;
}

static void
record (inkan_evidence_report *r, inkan_evidence_check c, inkan_check_result result, const char *detail)
{
	r->result[c] = result;
	snprintf (r->detail[c], sizeof r->detail[c], "%s", detail ? detail : "");
}

/* One certificate: signature, signer, format.  *DOC gets the document
 * digest it states (32 bytes) when all three pass. */
static int
check_one (const uint8_t *in, size_t len, inkan_evidence_kind kind, const inkan_cms_check *check,
           inkan_evidence_report *r, inkan_evidence_check first, char *issuer, char *signer,
           uint8_t doc[32], uint64_t *size)
{
	inkan_cms_report cms;
	INKAN_EVIDENCE *e = NULL;
	inkan_err err = inkan_cms_verify (in, len, check, &cms);
	const X509_ALGOR *alg;
	const ASN1_OCTET_STRING *digest;
	int ok = 0;

	if (err == INKAN_ERR_REJECTED) {
		/* The signature is sound; the signer is not trusted. */
		record (r, first, INKAN_CHECK_PASSED, NULL);
		record (r, first + 1, INKAN_CHECK_FAILED, inkan_detail ());
		record (r, first + 2, INKAN_CHECK_SKIPPED, NULL);
		return 0;
	}
	if (err != INKAN_OK) {
		record (r, first, INKAN_CHECK_FAILED, inkan_detail ());
		record (r, first + 1, INKAN_CHECK_SKIPPED, NULL);
		record (r, first + 2, INKAN_CHECK_SKIPPED, NULL);
		return 0;
	}
	record (r, first, INKAN_CHECK_PASSED, NULL);
	record (r, first + 1, check->anchors ? INKAN_CHECK_PASSED : INKAN_CHECK_SKIPPED,
	        check->anchors ? NULL : _("no trust anchors given"));
	snprintf (signer, 256, "%s", cms.signer);
	e = inkan_asn1_decode_der (ASN1_ITEM_rptr (INKAN_EVIDENCE), cms.content, cms.content_len);
	if (e != NULL)
		X509_SIG_get0 (e->document->digest, &alg, &digest);
	if (e == NULL || ASN1_INTEGER_get (e->version) != EVIDENCE_VERSION || ASN1_ENUMERATED_get (e->kind) != kind ||
	    OBJ_obj2nid (alg->algorithm) != NID_sha256 || ASN1_STRING_length (digest) != 32 ||
	    !ASN1_INTEGER_get_uint64 (size, e->document->size)) {
		record (r, first + 2, INKAN_CHECK_FAILED,
		        e == NULL ? _("not a DER evidence certificate")
		                  : _("wrong kind, version or digest for this certificate"));
		goto out;
	}
	record (r, first + 2, INKAN_CHECK_PASSED, NULL);
	memcpy (doc, ASN1_STRING_get0_data (digest), 32);
	snprintf (issuer, 256, "%.*s", ASN1_STRING_length (e->issuer), ASN1_STRING_get0_data (e->issuer));
	ok = 1;
out:
	INKAN_EVIDENCE_free (e);
	inkan_cms_report_clear (&cms);
	return ok;
}

static void
compare (inkan_evidence_report *r, inkan_evidence_check c, int have, const uint8_t stated[32], uint64_t stated_size,
         const uint8_t *document_sha256, uint64_t document_size)
{
	if (!have)
		record (r, c, INKAN_CHECK_SKIPPED, NULL);
	else if (CRYPTO_memcmp (stated, document_sha256, 32) != 0 || stated_size != document_size)
		record (r, c, INKAN_CHECK_FAILED, _("it names another document"));
	else
		record (r, c, INKAN_CHECK_PASSED, NULL);
}

inkan_err
inkan_evidence_verify (const uint8_t *document_sha256, uint64_t document_size,
                       const uint8_t *original, size_t original_len,
                       const uint8_t *distribution, size_t distribution_len,
                       const inkan_cms_check *check, inkan_evidence_report *r)
{
	uint8_t orig_doc[32], dist_doc[32];
	uint64_t orig_size = 0, dist_size = 0;
	char failed[256] = "";
	size_t used = 0;
	int have_orig, have_dist, c;

	memset (r, 0, sizeof *r);
	have_orig = check_one (original, original_len, INKAN_EVIDENCE_ORIGINAL, check, r,
	                       INKAN_EVIDENCE_ORIGINAL_SIGNATURE, r->original_issuer, r->original_signer,
	                       orig_doc, &orig_size);
	have_dist = check_one (distribution, distribution_len, INKAN_EVIDENCE_DISTRIBUTION, check, r,
	                       INKAN_EVIDENCE_DISTRIBUTION_SIGNATURE, r->distribution_issuer,
	                       r->distribution_signer, dist_doc, &dist_size);
	compare (r, INKAN_EVIDENCE_ORIGINAL_HASH, have_orig, orig_doc, orig_size, document_sha256, document_size);
	compare (r, INKAN_EVIDENCE_DISTRIBUTION_HASH, have_dist, dist_doc, dist_size, document_sha256, document_size);

	for (c = 0; c < INKAN_EVIDENCE_N_CHECKS; c++)
		if (r->result[c] == INKAN_CHECK_FAILED && used < sizeof failed)
			used += (size_t) snprintf (failed + used, sizeof failed - used, "%s%s", used ? ", " : "",
			                           check_names[c]);
	if (used > 0)
		return inkan_fail (INKAN_ERR_REJECTED, _("the evidence does not hold: %s failed"), failed);
	return INKAN_OK;
}
