/* The SCVP test responder's core: reads a CVRequest (ContentInfo, DER) on
 * stdin and writes a CMS-signed CVResponse on stdout, judging the queried
 * certificate by an `openssl ca` index file:
 *   scvp-answer CERT KEY INDEX [bad-nonce]
 * V -> valid path; R -> certPathNotValid with id-bvae-revoked; absent ->
 * certPathConstructFail.  "bad-nonce" answers with a nonce not the
 * request's, as a replayed answer would.  With SCVP_NEXT_UPDATE=SECONDS in
 * the environment, each reply has a nextUpdate that far from now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "src/validate/scvp-asn1.h"

static unsigned char *
read_all (FILE *f, long *len)
{
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0, r;

	do {
		if (n == cap && (buf = realloc (buf, cap = cap ? cap * 2 : 65536)) == NULL)
			return NULL;
		r = fread (buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	*len = (long) n;
	return buf;
}

/* 'V', 'R' or 0 for the serial's line in an openssl ca index. */
static char
index_status (const char *path, const ASN1_INTEGER *serial)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN (serial, NULL);
	char *hex = BN_bn2hex (bn), line[1024], found = 0;
	FILE *f = fopen (path, "r");

	while (f != NULL && !found && fgets (line, sizeof line, f) != NULL) {
		char *fields[4] = { 0 }, *p = line;
		int i;

		for (i = 0; i < 4 && p != NULL; i++) {
			fields[i] = p;
			p = strchr (p, '\t');
			if (p != NULL)
				*p++ = '\0';
		}
		if (fields[3] != NULL && strcasecmp (fields[3], hex) == 0)
			found = line[0];
	}
	if (f != NULL)
		fclose (f);
	OPENSSL_free (hex);
	BN_free (bn);
	return found;
}

/* As of WHEN (the query's validationTime, or now when NULL). */
static SCVP_CERT_REPLY *
reply_for (X509 *leaf, char status, const ASN1_GENERALIZEDTIME *when)
{
	SCVP_CERT_REPLY *r = SCVP_CERT_REPLY_new ();
	SCVP_REPLY_CHECK *check = SCVP_REPLY_CHECK_new ();

	r->cert->type = 0;
	r->cert->d.cert = X509_dup (leaf);
	if (when != NULL)
		ASN1_STRING_copy (r->reply_val_time, when);
	else
		ASN1_GENERALIZEDTIME_set (r->reply_val_time, time (NULL));
	check->check = OBJ_txt2obj (SCVP_OID_STC_STATUS_PATH, 1);
	if (status != 'V') {
		check->status = ASN1_INTEGER_new ();
		ASN1_INTEGER_set (check->status, 1);
		r->reply_status = ASN1_ENUMERATED_new ();
		ASN1_ENUMERATED_set (r->reply_status, status == 'R' ? 6 : 5);
	}
	if (status == 'R') {
		r->validation_errors = sk_ASN1_OBJECT_new_null ();
		sk_ASN1_OBJECT_push (r->validation_errors, OBJ_txt2obj (SCVP_OID_BVAE_REVOKED, 1));
	}
	sk_SCVP_REPLY_CHECK_push (r->reply_checks, check);
	if (getenv ("SCVP_NEXT_UPDATE") != NULL)
		r->next_update = ASN1_GENERALIZEDTIME_set (NULL, time (NULL) + atol (getenv ("SCVP_NEXT_UPDATE")));
	return r;
}

int
main (int argc, char **argv)
{
	long len;
	unsigned char *der, *content = NULL;
	const unsigned char *p;
	SCVP_REQUEST_INFO *info;
	SCVP_CV_RESPONSE *resp = SCVP_CV_RESPONSE_new ();
	X509 *leaf, *cert;
	EVP_PKEY *key;
	CMS_ContentInfo *cms;
	ASN1_OBJECT *type = OBJ_txt2obj (SCVP_OID_CT_CVRESPONSE, 1);
	BIO *in, *out = BIO_new_fp (stdout, BIO_NOCLOSE);
	FILE *f;
	int content_len, ok;

	if (argc < 4)
		return 2;
	f = fopen (argv[1], "r");
	cert = f ? PEM_read_X509 (f, NULL, NULL, NULL) : NULL;
	if (f) fclose (f);
	f = fopen (argv[2], "r");
	key = f ? PEM_read_PrivateKey (f, NULL, NULL, NULL) : NULL;
	if (f) fclose (f);
	der = read_all (stdin, &len);
	p = der;
	info = der != NULL ? d2i_SCVP_REQUEST_INFO (NULL, &p, len) : NULL;
	if (cert == NULL || key == NULL || info == NULL ||
	    info->request->query->queried_certs->type != 0) {
		ERR_print_errors_fp (stderr);
		return 1;
	}
	leaf = sk_SCVP_PKC_REF_value (info->request->query->queried_certs->d.pkc_refs, 0)->d.cert;

	ASN1_INTEGER_set (resp->version, 1);
	ASN1_INTEGER_set (resp->server_configuration_id, 1);
	ASN1_GENERALIZEDTIME_set (resp->produced_at, time (NULL));
	resp->reply_objects = sk_SCVP_CERT_REPLY_new_null ();
	sk_SCVP_CERT_REPLY_push (resp->reply_objects,
	                         reply_for (leaf, index_status (argv[3], X509_get0_serialNumber (leaf)),
	                                    argc > 4 && strcmp (argv[4], "now") == 0 ? NULL
	                                    : info->request->query->validation_time));
	if (info->request->nonce != NULL) {
		resp->nonce = ASN1_OCTET_STRING_dup (info->request->nonce);
		if (argc > 4 && strcmp (argv[4], "bad-nonce") == 0)
			RAND_bytes (resp->nonce->data, resp->nonce->length);
	}
	content_len = i2d_SCVP_CV_RESPONSE (resp, &content);
	in = BIO_new_mem_buf (content, content_len);
	cms = CMS_sign (NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY);
	ok = cms != NULL && CMS_add1_signer (cms, cert, key, NULL, CMS_BINARY) &&
	     CMS_set1_eContentType (cms, type) && CMS_final (cms, in, NULL, CMS_BINARY) &&
	     i2d_CMS_bio (out, cms);
	if (!ok)
		ERR_print_errors_fp (stderr);
	BIO_free (out);
	BIO_free (in);
	CMS_ContentInfo_free (cms);
	ASN1_OBJECT_free (type);
	OPENSSL_free (content);
	SCVP_CV_RESPONSE_free (resp);
	SCVP_REQUEST_INFO_free (info);
	free (der);
	EVP_PKEY_free (key);
	X509_free (cert);
	return ok ? 0 : 1;
}
