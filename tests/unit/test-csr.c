/* PKCS#10 requests as inkan_csr_new builds them, on software keys: the
 * signature verifies, the subject and SANs are what was asked, and what
 * cannot be a SAN or a scheme of the key is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <inkan/name.h>
#include "src/cert/csr.h"

static X509_NAME *
subject (void)
{
	X509_NAME *name = NULL;

	assert_int_equal (inkan_name_parse ("/C=JP/O=Example/CN=山田 太郎", &name), INKAN_OK);
	return name;
}

static int
sig_nid (const X509_REQ *req)
{
	const X509_ALGOR *alg = NULL;
	const ASN1_OBJECT *obj = NULL;

	X509_REQ_get0_signature (req, NULL, &alg);
	X509_ALGOR_get0 (&obj, NULL, NULL, alg);
	return OBJ_obj2nid (obj);
}

static void
test_ec_with_sans (void **state)
{
	static const char *const sans[] = { "DNS:example.jp", "email:taro@example.jp", "IP:192.0.2.7",
	                                    "URI:https://example.jp/",
	                                    "otherName:1.2.392.200149.8.5.5.1;UTF8:\xe5\xb1\xb1\xe7\x94\xb0" };
	EVP_PKEY *key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
	X509_NAME *name = subject ();
	X509_REQ *req = NULL;
	STACK_OF(X509_EXTENSION) *exts;
	GENERAL_NAMES *got;
	GENERAL_NAME *gn;
	char oid[64];

	(void) state;
	assert_int_equal (csr_build (key, name, sans, 5, INKAN_SIG_ECDSA, INKAN_HASH_SHA384, &req), INKAN_OK);
	assert_int_equal (X509_REQ_verify (req, key), 1);
	assert_int_equal (X509_NAME_cmp (X509_REQ_get_subject_name (req), name), 0);
	assert_int_equal (sig_nid (req), NID_ecdsa_with_SHA384);
	exts = X509_REQ_get_extensions (req);
	got = X509V3_get_d2i (exts, NID_subject_alt_name, NULL, NULL);
	assert_non_null (got);
	assert_int_equal (sk_GENERAL_NAME_num (got), 5);
	gn = sk_GENERAL_NAME_value (got, 0);
	assert_int_equal (gn->type, GEN_DNS);
	assert_string_equal (ASN1_STRING_get0_data (gn->d.dNSName), "example.jp");
	gn = sk_GENERAL_NAME_value (got, 2);
	assert_int_equal (gn->type, GEN_IPADD);
	assert_int_equal (ASN1_STRING_length (gn->d.iPAddress), 4);
	assert_memory_equal (ASN1_STRING_get0_data (gn->d.iPAddress), "\xc0\x00\x02\x07", 4);
	/* A JPKI item: the OID, and the value a UTF8String of the name's bytes. */
	gn = sk_GENERAL_NAME_value (got, 4);
	assert_int_equal (gn->type, GEN_OTHERNAME);
	assert_int_equal (OBJ_obj2txt (oid, sizeof oid, gn->d.otherName->type_id, 1), 22);
	assert_string_equal (oid, "1.2.392.200149.8.5.5.1");
	assert_int_equal (gn->d.otherName->value->type, V_ASN1_UTF8STRING);
	assert_string_equal (ASN1_STRING_get0_data (gn->d.otherName->value->value.utf8string), "\xe5\xb1\xb1\xe7\x94\xb0");
	GENERAL_NAMES_free (got);
	sk_X509_EXTENSION_pop_free (exts, X509_EXTENSION_free);
	X509_REQ_free (req);
	X509_NAME_free (name);
	EVP_PKEY_free (key);
}

static void
test_rsa_pss_and_refusals (void **state)
{
	static const char *const bad[] = { "DNS:ok.example", "fax:0312345678" };
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 2048);
	X509_NAME *name = subject ();
	X509_REQ *req = NULL;
	STACK_OF(X509_EXTENSION) *exts;

	(void) state;
	assert_int_equal (csr_build (rsa, name, NULL, 0, INKAN_SIG_PSS, INKAN_HASH_SHA256, &req), INKAN_OK);
	assert_int_equal (X509_REQ_verify (req, rsa), 1);
	assert_int_equal (sig_nid (req), NID_rsassaPss);
	/* no extension at all without SANs */
	exts = X509_REQ_get_extensions (req);
	assert_int_equal (sk_X509_EXTENSION_num (exts), 0);
	sk_X509_EXTENSION_pop_free (exts, X509_EXTENSION_free);
	X509_REQ_free (req);
	req = NULL;
	assert_int_equal (csr_build (rsa, name, bad, 2, INKAN_SIG_PKCS1, INKAN_HASH_SHA256, &req), INKAN_ERR_USAGE);
	assert_non_null (strstr (inkan_detail (), "fax:0312345678"));
	assert_null (req);
	assert_int_equal (csr_build (rsa, name, NULL, 0, INKAN_SIG_ECDSA, INKAN_HASH_SHA256, &req), INKAN_ERR_USAGE);
	assert_null (req);
	X509_NAME_free (name);
	EVP_PKEY_free (rsa);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_ec_with_sans),
		cmocka_unit_test (test_rsa_pss_and_refusals),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
