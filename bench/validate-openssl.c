/* bench/validate-openssl: the two OpenSSL-only halves of bench/validate.sh.
 *
 *   validate-openssl make-crl CA-CERT CA-KEY N OUT [REVOKED-CERT]...
 *       a CRL of N entries (8-byte serials) signed by CA-KEY, the serials
 *       of REVOKED-CERTs among them, current for a day, into OUT (DER);
 *   validate-openssl loop ROOT CA CRL SECONDS LEAF...
 *       X509_verify_cert with X509_V_FLAG_CRL_CHECK on each LEAF in turn
 *       (ROOT trusted, CA untrusted, CRL in the store) for SECONDS, on as
 *       many threads as $THREADS (default 2); one line:
 *       openssl-loop threads=2 seconds=3.00 checks=... checks_per_s=... good=... revoked=...
 *   validate-openssl lookup ROOT CA CRL SECONDS LEAF...
 *       the same without the flag: X509_verify_cert for the path, then
 *       X509_CRL_get0_by_serial on the CRL, its signature checked once
 *       before the loop (openssl-lookup ...).
 *
 * The first is what a relay in C would write with OpenSSL alone, the CRL
 * parsed once; OpenSSL then checks the CRL's signature at every
 * X509_verify_cert, hashing the whole CRL each time.  The second is what
 * a careful one writes, and the ceiling for a service on the same CRL. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/resource.h>

static double
now_s (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static X509 *
load_cert (const char *path)
{
	FILE *f = fopen (path, "r");
	X509 *x = f != NULL ? PEM_read_X509 (f, NULL, NULL, NULL) : NULL;

	if (f != NULL)
		fclose (f);
	if (x == NULL)
		fprintf (stderr, "validate-openssl: cannot read the certificate %s\n", path);
	return x;
}

static int
add_entry (X509_CRL *crl, const ASN1_INTEGER *serial, const ASN1_TIME *t)
{
	X509_REVOKED *r = X509_REVOKED_new ();

	return r != NULL && X509_REVOKED_set_serialNumber (r, (ASN1_INTEGER *) serial) &&
	       X509_REVOKED_set_revocationDate (r, (ASN1_TIME *) t) && X509_CRL_add0_revoked (crl, r);
}

static int
make_crl (int argc, char **argv)
{
	X509 *ca = load_cert (argv[2]);
	FILE *f = fopen (argv[3], "r");
	EVP_PKEY *key = f != NULL ? PEM_read_PrivateKey (f, NULL, NULL, NULL) : NULL;
	long n = atol (argv[4]), i;
	X509_CRL *crl = X509_CRL_new ();
	ASN1_TIME *t = ASN1_TIME_set (NULL, time (NULL) - 3600), *next = ASN1_TIME_set (NULL, time (NULL) + 86400);
	ASN1_INTEGER *s = ASN1_INTEGER_new ();
	BIGNUM *bn = BN_new ();
	unsigned char *der = NULL;
	int len, ok = 1;

	if (f != NULL)
		fclose (f);
	if (ca == NULL || key == NULL || n < 0) {
		fprintf (stderr, "validate-openssl: cannot read the CA's certificate and key\n");
		return 1;
	}
	X509_CRL_set_version (crl, X509_CRL_VERSION_2);
	X509_CRL_set_issuer_name (crl, X509_get_subject_name (ca));
	X509_CRL_set1_lastUpdate (crl, t);
	X509_CRL_set1_nextUpdate (crl, next);
	/* 8-byte serials, as CAs use: i times a large odd constant, top bit clear */
	for (i = 0; ok && i < n; i++)
		ok = BN_set_word (bn, ((uint64_t) i + 1) * 0x9E3779B97F4A7C15ull >> 1) && BN_to_ASN1_INTEGER (bn, s) &&
		     add_entry (crl, s, t);
	for (i = 6; ok && i < argc; i++) {
		X509 *x = load_cert (argv[i]);

		ok = x != NULL && add_entry (crl, X509_get0_serialNumber (x), t);
		X509_free (x);
	}
	ok = ok && X509_CRL_sort (crl) && X509_CRL_sign (crl, key, EVP_sha256 ()) > 0 &&
	     (len = i2d_X509_CRL (crl, &der)) > 0 && (f = fopen (argv[5], "wb")) != NULL;
	if (ok) {
		ok = fwrite (der, 1, (size_t) len, f) == (size_t) len;
		ok = fclose (f) == 0 && ok;
	}
	if (!ok)
		fprintf (stderr, "validate-openssl: cannot make the CRL\n");
	OPENSSL_free (der);
	BN_free (bn);
	ASN1_INTEGER_free (s);
	ASN1_TIME_free (t);
	ASN1_TIME_free (next);
	X509_CRL_free (crl);
	EVP_PKEY_free (key);
	X509_free (ca);
	return ok ? 0 : 1;
}

static double
cpu_us (const struct rusage *ru)
{
	return (double) (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e6 +
	       (double) (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec);
}

struct loop {
	int lookup;
	X509_CRL *crl;
	X509_STORE *store;
	STACK_OF(X509) *untrusted;
	X509 **leaves;
	int n_leaves;
	double end;
	atomic_ulong checks, good, revoked, other;
};

static void *
loop_thread (void *arg)
{
	struct loop *l = arg;
	unsigned long i;

	for (i = 0; now_s () < l->end; i++) {
		X509_STORE_CTX *ctx = X509_STORE_CTX_new ();
		X509 *leaf = l->leaves[i % (unsigned) l->n_leaves];
		X509_REVOKED *entry = NULL;
		int ok = ctx != NULL && X509_STORE_CTX_init (ctx, l->store, leaf, l->untrusted) &&
		         X509_verify_cert (ctx) == 1;

		if (ok && l->lookup && X509_CRL_get0_by_serial (l->crl, &entry, X509_get0_serialNumber (leaf)) == 1)
			atomic_fetch_add (&l->revoked, 1);
		else if (ok)
			atomic_fetch_add (&l->good, 1);
		else if (ctx != NULL && X509_STORE_CTX_get_error (ctx) == X509_V_ERR_CERT_REVOKED)
			atomic_fetch_add (&l->revoked, 1);
		else
			atomic_fetch_add (&l->other, 1);
		atomic_fetch_add (&l->checks, 1);
		X509_STORE_CTX_free (ctx);
	}
	return NULL;
}

static int
loop (int argc, char **argv)
{
	struct loop l = { 0 };
	X509 *root = load_cert (argv[2]), *ca = load_cert (argv[3]);
	FILE *f = fopen (argv[4], "rb");
	X509_CRL *crl = f != NULL ? d2i_X509_CRL_fp (f, NULL) : NULL;
	double seconds = atof (argv[5]), t0;
	int threads = getenv ("THREADS") ? atoi (getenv ("THREADS")) : 2, i;
	pthread_t tid[64];
	struct rusage ru;
	double cpu;

	if (f != NULL)
		fclose (f);
	if (root == NULL || ca == NULL || crl == NULL || threads < 1 || threads > 64) {
		fprintf (stderr, "validate-openssl: cannot read the root, the CA or the CRL\n");
		return 1;
	}
	l.lookup = strcmp (argv[1], "lookup") == 0;
	l.crl = crl;
	if (l.lookup && X509_CRL_verify (crl, X509_get0_pubkey (ca)) != 1) {
		fprintf (stderr, "validate-openssl: the CRL's signature does not verify with the CA's key\n");
		return 1;
	}
	l.store = X509_STORE_new ();
	l.untrusted = sk_X509_new_null ();
	l.n_leaves = argc - 6;
	l.leaves = calloc ((size_t) l.n_leaves, sizeof *l.leaves);
	X509_STORE_add_cert (l.store, root);
	if (!l.lookup) {
		X509_STORE_add_crl (l.store, crl);
		X509_STORE_set_flags (l.store, X509_V_FLAG_CRL_CHECK);
	}
	sk_X509_push (l.untrusted, ca);
	for (i = 0; i < l.n_leaves; i++)
		if ((l.leaves[i] = load_cert (argv[6 + i])) == NULL)
			return 1;
	/* the CPU the CRL's parsing and signature took is not the checks' */
	getrusage (RUSAGE_SELF, &ru);
	cpu = -cpu_us (&ru);
	t0 = now_s ();
	l.end = t0 + seconds;
	for (i = 0; i < threads; i++)
		pthread_create (&tid[i], NULL, loop_thread, &l);
	for (i = 0; i < threads; i++)
		pthread_join (tid[i], NULL);
	t0 = now_s () - t0;
	/* CPU time per check: on a shared machine, what the checks cost whatever else runs */
	getrusage (RUSAGE_SELF, &ru);
	cpu += cpu_us (&ru);
	printf ("openssl-%s threads=%d seconds=%.2f checks=%lu checks_per_s=%.0f good=%lu revoked=%lu other=%lu "
	        "cpu_us_per_check=%.1f\n", l.lookup ? "lookup" : "loop", threads, t0, atomic_load (&l.checks),
	        (double) atomic_load (&l.checks) / t0, atomic_load (&l.good), atomic_load (&l.revoked),
	        atomic_load (&l.other), atomic_load (&l.checks) ? cpu / (double) atomic_load (&l.checks) : 0);
	for (i = 0; i < l.n_leaves; i++)
		X509_free (l.leaves[i]);
	free (l.leaves);
	sk_X509_free (l.untrusted);
	X509_STORE_free (l.store);
	X509_CRL_free (crl);
	X509_free (root);
	X509_free (ca);
	return atomic_load (&l.other) == 0 ? 0 : 1;
}

int
main (int argc, char **argv)
{
	if (argc >= 6 && strcmp (argv[1], "make-crl") == 0)
		return make_crl (argc, argv);
	if (argc >= 7 && (strcmp (argv[1], "loop") == 0 || strcmp (argv[1], "lookup") == 0))
		return loop (argc, argv);
	fprintf (stderr, "usage: validate-openssl make-crl CA-CERT CA-KEY N OUT [REVOKED-CERT]...\n"
	                 "       validate-openssl loop|lookup ROOT CA CRL SECONDS LEAF...\n");
	return 2;
}
