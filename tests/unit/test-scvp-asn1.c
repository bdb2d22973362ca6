/* The SCVP templates against real samples from a US Treasury validation
 * service: the request re-encodes byte for byte, the response decodes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/cms.h>
#include <openssl/err.h>

#include "src/validate/scvp-asn1.h"

static unsigned char *
slurp (const char *name, long *len)
{
	char path[4096];
	unsigned char *buf;
	FILE *f;

	snprintf (path, sizeof path, "%s/tests/data/scvp/%s", SRCDIR, name);
	f = fopen (path, "rb");
	assert_non_null (f);
	fseek (f, 0, SEEK_END);
	*len = ftell (f);
	rewind (f);
	buf = malloc ((size_t) *len);
	assert_non_null (buf);
	assert_int_equal (fread (buf, 1, (size_t) *len, f), (size_t) *len);
	fclose (f);
	return buf;
}

static void
test_request_round_trip (void **state)
{
	long len;
	unsigned char *der = slurp ("cvreq.der", &len), *again = NULL;
	const unsigned char *p = der;
	SCVP_REQUEST_INFO *info;
	SCVP_QUERY *q;
	char oid[64];
	int again_len;

	(void) state;
	info = d2i_SCVP_REQUEST_INFO (NULL, &p, len);
	assert_non_null (info);
	assert_ptr_equal (p, der + len);
	OBJ_obj2txt (oid, sizeof oid, info->content_type, 1);
	assert_string_equal (oid, SCVP_OID_CT_CVREQUEST);
	q = info->request->query;
	assert_int_equal (q->queried_certs->type, 0);
	assert_int_equal (sk_SCVP_PKC_REF_num (q->queried_certs->d.pkc_refs), 1);
	assert_int_equal (sk_SCVP_PKC_REF_value (q->queried_certs->d.pkc_refs, 0)->type, 0);
	OBJ_obj2txt (oid, sizeof oid, sk_ASN1_OBJECT_value (q->checks, 0), 1);
	assert_string_equal (oid, SCVP_OID_STC_STATUS_PATH);
	OBJ_obj2txt (oid, sizeof oid, sk_ASN1_OBJECT_value (q->want_back, 0), 1);
	assert_string_equal (oid, SCVP_OID_SWB_BEST_PATH);
	OBJ_obj2txt (oid, sizeof oid, q->validation_policy->pol_ref->algorithm, 1);
	assert_string_equal (oid, "2.16.840.1.101.10.2.18.2.0.4");
	assert_non_null (info->request->requestor_name);
	assert_int_equal (info->request->requestor_name->type, GEN_URI);

	again_len = i2d_SCVP_REQUEST_INFO (info, &again);
	assert_int_equal (again_len, len);
	assert_memory_equal (again, der, (size_t) len);
	OPENSSL_free (again);
	SCVP_REQUEST_INFO_free (info);
	free (der);
}

static void
test_response_decodes (void **state)
{
	long len;
	unsigned char *der = slurp ("cvresp.der", &len);
	const unsigned char *p = der;
	CMS_ContentInfo *cms;
	ASN1_OCTET_STRING **content;
	SCVP_CV_RESPONSE *resp;
	SCVP_CERT_REPLY *reply;
	char oid[64];

	(void) state;
	cms = d2i_CMS_ContentInfo (NULL, &p, len);
	assert_non_null (cms);
	OBJ_obj2txt (oid, sizeof oid, CMS_get0_eContentType (cms), 1);
	assert_string_equal (oid, SCVP_OID_CT_CVRESPONSE);
	content = CMS_get0_content (cms);
	assert_non_null (content);
	assert_non_null (*content);
	p = ASN1_STRING_get0_data (*content);
	resp = d2i_SCVP_CV_RESPONSE (NULL, &p, ASN1_STRING_length (*content));
	assert_non_null (resp);
	assert_ptr_equal (p, ASN1_STRING_get0_data (*content) + ASN1_STRING_length (*content));
	assert_int_equal (ASN1_INTEGER_get (resp->version), 1);
	assert_null (resp->response_status->status_code);          /* okay, by default */
	assert_int_equal (resp->request_ref->type, 0);              /* requestHash */
	assert_int_equal (ASN1_STRING_length (resp->request_ref->d.hash->value), 20);
	assert_int_equal (sk_SCVP_CERT_REPLY_num (resp->reply_objects), 1);
	reply = sk_SCVP_CERT_REPLY_value (resp->reply_objects, 0);
	assert_int_equal (reply->cert->type, 0);
	assert_null (reply->reply_status);                          /* success, by default */
	OBJ_obj2txt (oid, sizeof oid, sk_SCVP_REPLY_CHECK_value (reply->reply_checks, 0)->check, 1);
	assert_string_equal (oid, SCVP_OID_STC_STATUS_PATH);
	assert_null (sk_SCVP_REPLY_CHECK_value (reply->reply_checks, 0)->status); /* valid */
	assert_int_equal (sk_SCVP_REPLY_WANT_BACK_num (reply->reply_want_backs), 1);
	assert_non_null (reply->next_update);
	SCVP_CV_RESPONSE_free (resp);
	CMS_ContentInfo_free (cms);
	free (der);
}

/* Truncations of the request never decode to something, nor crash. */
static void
test_request_truncated (void **state)
{
	long len, cut;
	unsigned char *der = slurp ("cvreq.der", &len);

	(void) state;
	for (cut = 0; cut < len; cut += 7) {
		const unsigned char *p = der;
		SCVP_REQUEST_INFO *info = d2i_SCVP_REQUEST_INFO (NULL, &p, cut);

		assert_null (info);
	}
	ERR_clear_error ();
	free (der);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_request_round_trip),
		cmocka_unit_test (test_response_decodes),
		cmocka_unit_test (test_request_truncated),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
