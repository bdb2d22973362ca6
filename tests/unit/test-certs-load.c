/* The one certificate loader: every file form it reads (PEM, DER, PKCS#7
 * in DER and PEM, a DER SEQUENCE OF Certificate), and the files the
 * bounded reader refuses, with the words that say why. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <inkan/cert.h>
#include <inkan/file.h>

typedef struct {
	char dir[64];
	X509 *certs[2];
} fixture;

static X509 *
make_cert (const char *cn)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
	X509 *x = X509_new ();
	X509_NAME *name = X509_NAME_new ();

	assert_non_null (key);
	assert_true (X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *) cn, -1, -1, 0));
	assert_true (X509_set_version (x, X509_VERSION_3) && X509_set_subject_name (x, name) &&
	             X509_set_issuer_name (x, name) && X509_set_pubkey (x, key) &&
	             X509_gmtime_adj (X509_getm_notBefore (x), 0) && X509_gmtime_adj (X509_getm_notAfter (x), 3600) &&
	             ASN1_INTEGER_set (X509_get_serialNumber (x), 1) && X509_sign (x, key, EVP_sha256 ()) > 0);
	X509_NAME_free (name);
	EVP_PKEY_free (key);
	return x;
}

static int
setup (void **state)
{
	fixture *f = calloc (1, sizeof *f);

	strcpy (f->dir, "/tmp/inkan-certs-load.XXXXXX");
	assert_non_null (mkdtemp (f->dir));
	f->certs[0] = make_cert ("first");
	f->certs[1] = make_cert ("second");
	*state = f;
	return 0;
}

static int
teardown (void **state)
{
	fixture *f = *state;
	char cmd[128];

	snprintf (cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal (system (cmd), 0);
	X509_free (f->certs[0]);
	X509_free (f->certs[1]);
	free (f);
	return 0;
}

static char *
path_in (fixture *f, const char *name)
{
	static char path[128];

	snprintf (path, sizeof path, "%s/%s", f->dir, name);
	return path;
}

static BIO *
file_bio (fixture *f, const char *name)
{
	BIO *b = BIO_new_file (path_in (f, name), "wb");

	assert_non_null (b);
	return b;
}

/* Both certificates, in order, and nothing else. */
static void
loads_both (fixture *f, const char *name)
{
	STACK_OF(X509) *got = NULL;
	X509 *one = NULL;
	int i;

	assert_int_equal (inkan_certs_load (NULL, path_in (f, name), NULL, 0, &got), INKAN_OK);
	assert_int_equal (sk_X509_num (got), 2);
	for (i = 0; i < 2; i++)
		assert_int_equal (X509_cmp (sk_X509_value (got, i), f->certs[i]), 0);
	sk_X509_pop_free (got, X509_free);
	/* the one-certificate form takes the first */
	assert_int_equal (inkan_cert_load (NULL, path_in (f, name), NULL, 0, &one), INKAN_OK);
	assert_int_equal (X509_cmp (one, f->certs[0]), 0);
	X509_free (one);
}

static void
test_pem (void **state)
{
	fixture *f = *state;
	BIO *b = file_bio (f, "two.pem");

	assert_true (PEM_write_bio_X509 (b, f->certs[0]) && PEM_write_bio_X509 (b, f->certs[1]));
	BIO_free (b);
	loads_both (f, "two.pem");
}

static void
test_der (void **state)
{
	fixture *f = *state;
	BIO *b = file_bio (f, "one.der");
	STACK_OF(X509) *got = NULL;

	assert_true (i2d_X509_bio (b, f->certs[1]));
	BIO_free (b);
	assert_int_equal (inkan_certs_load (NULL, path_in (f, "one.der"), NULL, 0, &got), INKAN_OK);
	assert_int_equal (sk_X509_num (got), 1);
	assert_int_equal (X509_cmp (sk_X509_value (got, 0), f->certs[1]), 0);
	sk_X509_pop_free (got, X509_free);
}

static PKCS7 *
bundle (fixture *f)
{
	PKCS7 *p7 = PKCS7_new ();

	assert_true (PKCS7_set_type (p7, NID_pkcs7_signed) && PKCS7_content_new (p7, NID_pkcs7_data) &&
	             PKCS7_add_certificate (p7, f->certs[0]) && PKCS7_add_certificate (p7, f->certs[1]));
	return p7;
}

static void
test_pkcs7 (void **state)
{
	fixture *f = *state;
	PKCS7 *p7 = bundle (f);
	BIO *der = file_bio (f, "bundle.p7b"), *pem = file_bio (f, "bundle.p7c");

	assert_true (i2d_PKCS7_bio (der, p7) && PEM_write_bio_PKCS7 (pem, p7));
	BIO_free (der);
	BIO_free (pem);
	PKCS7_free (p7);
	loads_both (f, "bundle.p7b");
	loads_both (f, "bundle.p7c");
}

/* SEQUENCE OF Certificate, built with OpenSSL's ASN.1 encoder: a
 * constructed SEQUENCE header, then each certificate's DER. */
static void
test_sequence_of (void **state)
{
	fixture *f = *state;
	int len0 = i2d_X509 (f->certs[0], NULL), len1 = i2d_X509 (f->certs[1], NULL);
	int total = ASN1_object_size (1, len0 + len1, V_ASN1_SEQUENCE);
	unsigned char *der = malloc ((size_t) total), *p = der;
	FILE *out = fopen (path_in (f, "bundle.der"), "wb");

	assert_true (total > 0 && der != NULL && out != NULL);
	ASN1_put_object (&p, 1, len0 + len1, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	assert_int_equal (i2d_X509 (f->certs[0], &p), len0);
	assert_int_equal (i2d_X509 (f->certs[1], &p), len1);
	assert_int_equal (p - der, total);
	assert_int_equal (fwrite (der, 1, (size_t) total, out), (size_t) total);
	fclose (out);
	free (der);
	loads_both (f, "bundle.der");
}

static void
refused (const char *path, inkan_err want, const char *words)
{
	STACK_OF(X509) *got = NULL;

	assert_int_equal (inkan_certs_load (NULL, path, NULL, 0, &got), want);
	assert_null (got);
	if (strstr (inkan_detail (), path) == NULL || strstr (inkan_detail (), words) == NULL)
		fail_msg ("detail \"%s\" names neither %s nor \"%s\"", inkan_detail (), path, words);
}

static void
test_refusals (void **state)
{
	fixture *f = *state;
	char *fifo = strdup (path_in (f, "fifo")), *big = strdup (path_in (f, "big.pem"));
	FILE *out = fopen (path_in (f, "junk"), "w");
	uint8_t *data = NULL;
	size_t len = 0;

	assert_true (out != NULL && fputs ("no certificate here\n", out) >= 0);
	fclose (out);
	/* a directory, and a FIFO with no writer (it must not hang) */
	refused (f->dir, INKAN_ERR_IO, "not a regular file");
	assert_int_equal (mkfifo (fifo, 0600), 0);
	refused (fifo, INKAN_ERR_IO, "not a regular file");
	/* one byte over 16 MiB (sparse, so the test writes nothing) */
	out = fopen (big, "w");
	assert_non_null (out);
	assert_int_equal (ftruncate (fileno (out), (off_t) INKAN_FILE_LIMIT_CERTS + 1), 0);
	fclose (out);
	refused (big, INKAN_ERR_BAD_INPUT, "16777216");
	refused (path_in (f, "junk"), INKAN_ERR_BAD_INPUT, "no certificate found");
	refused (path_in (f, "absent"), INKAN_ERR_IO, "cannot open");
	/* standard input only where the caller allows it */
	assert_int_equal (inkan_file_read ("-", 1024, 0, &data, &len), INKAN_ERR_USAGE);
	/* a directory is no stream either */
	assert_int_equal (inkan_file_read (f->dir, INKAN_FILE_NO_LIMIT, INKAN_FILE_STREAM, &data, &len),
	                  INKAN_ERR_IO);
	free (fifo);
	free (big);
}

static void
test_token_needs_context (void **state)
{
	STACK_OF(X509) *got = NULL;

	(void) state;
	assert_int_equal (inkan_certs_load (NULL, "pkcs11:token=x", NULL, 0, &got), INKAN_ERR_USAGE);
	assert_null (got);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_pem),
		cmocka_unit_test (test_der),
		cmocka_unit_test (test_pkcs7),
		cmocka_unit_test (test_sequence_of),
		cmocka_unit_test (test_refusals),
		cmocka_unit_test (test_token_needs_context),
	};

	return cmocka_run_group_tests (tests, setup, teardown);
}
