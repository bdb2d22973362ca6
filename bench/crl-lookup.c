/* bench/crl-lookup [N | CRL-FILE]: how fast inkan loads a huge CRL and
 * answers serial lookups, next to `openssl crl -noout` on the same file
 * and OpenSSL's own X509_CRL_get0_by_serial, as ratios in one run.
 * With a number (default 1000000) it first makes a CRL of that many
 * entries, signed by a fresh P-256 key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "src/validate/vint.h"

static double
now_s (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Serial numbers 8 bytes wide, as CAs use: i * a large odd constant. */
static ASN1_INTEGER *
serial_of (uint64_t i)
{
	ASN1_INTEGER *s = ASN1_INTEGER_new ();
	BIGNUM *bn = BN_new ();

	BN_set_word (bn, (i + 1) * 0x9E3779B97F4A7C15ull >> 1);
	BN_to_ASN1_INTEGER (bn, s);
	BN_free (bn);
	return s;
}

static int
make_crl (long n, const char *path)
{
	EVP_PKEY *key = EVP_EC_gen ("P-256");
	X509_CRL *crl = X509_CRL_new ();
	X509_NAME *name = X509_NAME_new ();
	ASN1_TIME *t = ASN1_TIME_set (NULL, time (NULL));
	unsigned char *der = NULL;
	FILE *f;
	long i;
	int len;

	X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC, (const unsigned char *) "CA131100001", -1, -1, 0);
	X509_CRL_set_version (crl, X509_CRL_VERSION_2);
	X509_CRL_set_issuer_name (crl, name);
	X509_CRL_set1_lastUpdate (crl, t);
	for (i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new ();
		ASN1_INTEGER *s = serial_of ((uint64_t) i * 2);  /* even: listed */

		X509_REVOKED_set_serialNumber (r, s);
		X509_REVOKED_set_revocationDate (r, t);
		X509_CRL_add0_revoked (crl, r);
		ASN1_INTEGER_free (s);
	}
	X509_CRL_sign (crl, key, EVP_sha256 ());
	len = i2d_X509_CRL (crl, &der);
	f = fopen (path, "wb");
	if (f == NULL || len <= 0 || fwrite (der, 1, (size_t) len, f) != (size_t) len)
		return 0;
	fclose (f);
	OPENSSL_free (der);
	ASN1_TIME_free (t);
	X509_NAME_free (name);
	X509_CRL_free (crl);
	EVP_PKEY_free (key);
	return 1;
}

static unsigned char *
read_file (const char *path, long *len)
{
	FILE *f = fopen (path, "rb");
	unsigned char *buf;

	if (f == NULL)
		return NULL;
	fseek (f, 0, SEEK_END);
	*len = ftell (f);
	rewind (f);
	buf = malloc ((size_t) *len);
	if (buf != NULL && fread (buf, 1, (size_t) *len, f) != (size_t) *len) {
		free (buf);
		buf = NULL;
	}
	fclose (f);
	return buf;
}

int
main (int argc, char **argv)
{
	char tmp[] = "/tmp/inkan-bench-crl.XXXXXX", cmd[512];
	const char *path = tmp;
	long n = 1000000, len, i, hits = 0, lookups;
	unsigned char *der;
	const unsigned char *p;
	double t0, t_openssl, t_parse, t_index, t_sorted, t_ours, t_theirs;
	X509_CRL *crl;
	crl_index *idx, *again;
	ASN1_INTEGER **probes;
	int made = 0;

	if (argc > 1 && access (argv[1], R_OK) == 0) {
		path = argv[1];
	} else {
		int fd;

		if (argc > 1)
			n = strtol (argv[1], NULL, 10);
		fd = mkstemp (tmp);
		if (fd < 0)
			return 1;
		close (fd);
		t0 = now_s ();
		if (!make_crl (n, tmp))
			return 1;
		made = 1;
		printf ("made a CRL of %ld entries in %.2f s\n", n, now_s () - t0);
	}

	snprintf (cmd, sizeof cmd, "openssl crl -inform DER -noout -in '%s'", path);
	t0 = now_s ();
	if (system (cmd) != 0)
		return 1;
	t_openssl = now_s () - t0;

	t0 = now_s ();
	der = read_file (path, &len);
	p = der;
	crl = der != NULL ? d2i_X509_CRL (NULL, &p, len) : NULL;
	t_parse = now_s () - t0;
	if (crl == NULL)
		return 1;
	t0 = now_s ();
	if (crl_index_new (crl, &idx) != INKAN_OK)
		return 1;
	t_index = now_s () - t0;
	n = (long) idx->n;

	/* Half the probes listed, half not, in an order no cache predicts. */
	lookups = 1000000;
	probes = malloc ((size_t) lookups * sizeof *probes);
	srand (1);
	for (i = 0; i < lookups; i++)
		probes[i] = serial_of ((uint64_t) (rand () % (n > 0 ? n : 1)) * 2 + (uint64_t) (i & 1));
	t0 = now_s ();
	for (i = 0; i < lookups; i++)
		hits += crl_index_find (idx, probes[i]) != NULL;
	t_ours = now_s () - t0;
	t0 = now_s ();
	for (i = 0; i < lookups; i++) {
		X509_REVOKED *r;

		hits -= X509_CRL_get0_by_serial (idx->crl, &r, probes[i]) == 1;
	}
	t_theirs = now_s () - t0;

	/* OpenSSL has sorted the CRL's entries in place by now: the index of
	 * a CRL already in serial order, as many CAs issue them. */
	X509_CRL_up_ref (idx->crl);
	t0 = now_s ();
	if (crl_index_new (idx->crl, &again) != INKAN_OK)
		return 1;
	t_sorted = now_s () - t0;
	crl_index_free (again);

	printf ("CRL: %s, %ld entries, %.1f MB\n", path, n, (double) len / 1e6);
	printf ("%-40s %10.1f ms\n", "openssl crl -noout (a process)", t_openssl * 1e3);
	printf ("%-40s %10.1f ms   x%.2f of openssl crl\n", "inkan load: read + parse + index",
	        (t_parse + t_index) * 1e3, (t_parse + t_index) / t_openssl);
	printf ("%-40s %10.1f ms\n", "  of which the index (entries unordered)", t_index * 1e3);
	printf ("%-40s %10.1f ms\n", "  the index of a CRL already in order", t_sorted * 1e3);
	printf ("%-40s %10.0f /s\n", "inkan lookups (binary search)", lookups / t_ours);
	printf ("%-40s %10.0f /s   inkan x%.2f\n", "X509_CRL_get0_by_serial (first sorts)",
	        lookups / t_theirs, t_theirs / t_ours);
	if (hits != 0)
		printf ("MISMATCH: inkan and OpenSSL disagree on %ld lookups\n", hits);

	for (i = 0; i < lookups; i++)
		ASN1_INTEGER_free (probes[i]);
	free (probes);
	crl_index_free (idx);
	free (der);
	if (made)
		unlink (tmp);
	return hits != 0;
}
