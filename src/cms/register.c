/* Registration records: DER (src/cms/register-asn1.c) inside CMS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>

#include "src/cms/records-asn1.h"
#include "src/util/internal.h"

#define RECORD_VERSION 1

static int
set_utf8 (ASN1_UTF8STRING *s, const char *text)
{
	return text != NULL && ASN1_STRING_set (s, text, (int) strlen (text));
}

static inkan_err
encode (const inkan_register_params *p, const uint8_t id[16], uint8_t **der, size_t *der_len)
{
	INKAN_REGISTRATION *r = INKAN_REGISTRATION_new ();
	unsigned char *out = NULL;
	int ok, len = 0;
	size_t i;

	if (r == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	ok = ASN1_INTEGER_set (r->version, RECORD_VERSION) &&
	     ASN1_OCTET_STRING_set (r->record_id, id, 16) &&
	     inkan_document_ref_set (r->document, p->document_name, p->document_size, p->document_sha256) &&
	     set_utf8 (r->sender, p->sender) &&
	     ASN1_GENERALIZEDTIME_set (r->registered_at, p->at ? p->at : time (NULL)) != NULL;
	for (i = 0; ok && i < p->n_recipients; i++) {
		ASN1_UTF8STRING *s = ASN1_UTF8STRING_new ();

		ok = s != NULL && set_utf8 (s, p->recipients[i]) && sk_ASN1_UTF8STRING_push (r->recipients, s) > 0;
		if (!ok)
			ASN1_UTF8STRING_free (s);
	}
	if (ok)
		len = i2d_INKAN_REGISTRATION (r, &out);
	INKAN_REGISTRATION_free (r);
	if (!ok || len <= 0)
		return inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot encode the registration record"));
	*der = out;
	*der_len = (size_t) len;
	return INKAN_OK;
}

inkan_err
inkan_register_sign (inkan_key *key, X509 *cert, STACK_OF(X509) *chain, const inkan_register_params *p,
                     uint8_t **der, size_t *der_len, char *id_out)
{
	uint8_t id[16], *record = NULL;
	size_t record_len = 0;
	char *hex;
	inkan_err err;

	if (p->document_name == NULL || p->sender == NULL || p->sender[0] == '\0' || p->n_recipients == 0 ||
	    p->document_sha256 == NULL)
		return inkan_fail (INKAN_ERR_USAGE, "%s",
		                   _("a registration names the document, the sender and at least one recipient"));
	if (RAND_bytes (id, sizeof id) != 1)
		return inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("no random record id"));
	err = encode (p, id, &record, &record_len);
	if (err == INKAN_OK)
		err = inkan_cms_sign (key, cert, chain, INKAN_HASH_SHA256, 0, record, record_len, der, der_len);
	if (err == INKAN_OK && id_out != NULL && (hex = inkan_hex_encode (id, sizeof id)) != NULL) {
		memcpy (id_out, hex, 33);
		free (hex);
	}
	OPENSSL_free (record);
	return err;
}

void
inkan_register_record_clear (inkan_register_record *rec)
{
	size_t i;

	for (i = 0; i < rec->n_recipients; i++)
		free (rec->recipients[i]);
	free (rec->recipients);
	inkan_cms_report_clear (&rec->cms);
	memset (rec, 0, sizeof *rec);
}

static void
copy_utf8 (char *dst, size_t size, const ASN1_UTF8STRING *s)
{
	snprintf (dst, size, "%.*s", ASN1_STRING_length (s), (const char *) ASN1_STRING_get0_data (s));
}

static inkan_err
decode (const uint8_t *der, size_t len, inkan_register_record *rec)
{
	INKAN_REGISTRATION *r = inkan_asn1_decode_der (ASN1_ITEM_rptr (INKAN_REGISTRATION), der, len);
	const X509_ALGOR *alg;
	const ASN1_OCTET_STRING *digest;
	struct tm tm;
	inkan_err err = INKAN_OK;
	int i;

	if (r == NULL) {
		err = inkan_fail_ossl (INKAN_ERR_BAD_INPUT, "%s", _("the signed content is not a DER registration record"));
		goto out;
	}
	X509_SIG_get0 (r->document->digest, &alg, &digest);
	if (ASN1_INTEGER_get (r->version) != RECORD_VERSION || ASN1_STRING_length (r->record_id) != 16 ||
	    OBJ_obj2nid (alg->algorithm) != NID_sha256 || ASN1_STRING_length (digest) != 32 ||
	    !ASN1_INTEGER_get_uint64 (&rec->document_size, r->document->size) ||
	    sk_ASN1_UTF8STRING_num (r->recipients) < 1 || !ASN1_TIME_to_tm (r->registered_at, &tm)) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("the registration record has an unknown version or bad fields"));
		goto out;
	}
	{
		char *hex = inkan_hex_encode (ASN1_STRING_get0_data (r->record_id), 16);

		snprintf (rec->id, sizeof rec->id, "%s", hex ? hex : "");
		free (hex);
	}
	memcpy (rec->document_sha256, ASN1_STRING_get0_data (digest), 32);
	copy_utf8 (rec->document_name, sizeof rec->document_name, r->document->name);
	copy_utf8 (rec->sender, sizeof rec->sender, r->sender);
	rec->at = timegm (&tm);
	rec->recipients = calloc ((size_t) sk_ASN1_UTF8STRING_num (r->recipients), sizeof *rec->recipients);
	for (i = 0; rec->recipients != NULL && i < sk_ASN1_UTF8STRING_num (r->recipients); i++) {
		const ASN1_UTF8STRING *s = sk_ASN1_UTF8STRING_value (r->recipients, i);

		rec->recipients[i] = strndup ((const char *) ASN1_STRING_get0_data (s), (size_t) ASN1_STRING_length (s));
		if (rec->recipients[i] == NULL)
			break;
		rec->n_recipients++;
	}
	if (rec->n_recipients != (size_t) sk_ASN1_UTF8STRING_num (r->recipients))
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
out:
	INKAN_REGISTRATION_free (r);
	return err;
}

inkan_err
inkan_register_verify (const uint8_t *in, size_t in_len, const inkan_cms_check *check,
                       const uint8_t *document_sha256, uint64_t document_size, inkan_register_record *rec)
{
	inkan_err err;

	memset (rec, 0, sizeof *rec);
	err = inkan_cms_verify (in, in_len, check, &rec->cms);
	if (err == INKAN_OK)
		err = decode (rec->cms.content, rec->cms.content_len, rec);
	if (err == INKAN_OK && document_sha256 != NULL &&
	    (CRYPTO_memcmp (document_sha256, rec->document_sha256, 32) != 0 || document_size != rec->document_size))
		err = inkan_fail (INKAN_ERR_REJECTED, "%s", _("the document is not the one the record registers"));
	if (err != INKAN_OK)
		inkan_register_record_clear (rec);
	return err;
}
