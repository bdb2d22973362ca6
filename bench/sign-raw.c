/* bench/sign-raw: the raw C_Sign loop, the ceiling a signing service on the
 * same token is measured against.
 *
 *   sign-raw [--module PATH] [--token LABEL] --key-label L --mech ecdsa|rsa-pkcs
 *            [--threads N] [--seconds S] [--pin SRC]
 *
 * Loads the module itself (dlopen, C_Initialize with CKF_OS_LOCKING_OK),
 * logs in once, then N threads each open their own session, find the
 * private key by label and loop C_SignInit + C_Sign for S seconds: ECDSA
 * (CKM_ECDSA) over a SHA-256 digest, or RSA PKCS#1 v1.5 (CKM_RSA_PKCS) over
 * a SHA-256 DigestInfo.  Every call is timed; one line comes out:
 *
 *   raw ecdsa-p256 threads=2 seconds=3.00 sigs=55200 sigs_per_s=18400 p50_us=98 p99_us=240 cpu_us_per_sig=108.2
 *
 * cpu_us_per_sig is the process's CPU time per signature: on a shared
 * machine it tells the token's cost apart from waiting for a core.
 *
 * --module defaults to $INKAN_MODULE, then SoftHSM2; --pin takes inkan's
 * PIN sources (file:PATH, env:VAR, fd:N, stdin), default env:INKAN_PIN;
 * --token defaults to the first initialised token. */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <openssl/sha.h>
#include <p11-kit/pkcs11.h>

#include <inkan/secret.h>
#include "p11raw.h"

static CK_FUNCTION_LIST *p11;
static CK_SLOT_ID slot;
static const char *key_label;
static CK_MECHANISM mech;
static CK_BYTE input[19 + 32];
static CK_ULONG input_len;
static atomic_bool stop;
static pthread_barrier_t ready;

struct worker {
	pthread_t thread;
	uint32_t *lat_us;
	size_t n, cap;
	CK_RV failed;
	const char *what;
};

static uint64_t
now_ns (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void
die (const char *what, CK_RV rv)
{
	fprintf (stderr, "sign-raw: %s: 0x%08lx\n", what, (unsigned long) rv);
	exit (1);
}

static void *
work (void *arg)
{
	struct worker *w = arg;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
	CK_BYTE sig[1024];
	CK_ULONG sig_len;
	CK_RV rv;

	rv = p11->C_OpenSession (slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
	w->what = "C_OpenSession";
	if (rv == CKR_OK) {
		rv = p11raw_find (p11, s, CKO_PRIVATE_KEY, key_label, &key);
		w->what = "finding the key";
	}
	w->failed = rv;
	pthread_barrier_wait (&ready);
	if (rv != CKR_OK)
		return NULL;
	while (!atomic_load_explicit (&stop, memory_order_relaxed)) {
		uint64_t t0 = now_ns ();

		sig_len = sizeof sig;
		rv = p11->C_SignInit (s, &mech, key);
		if (rv == CKR_OK)
			rv = p11->C_Sign (s, input, input_len, sig, &sig_len);
		if (rv != CKR_OK) {
			w->failed = rv;
			w->what = "C_Sign";
			break;
		}
		if (w->n == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 65536;
			w->lat_us = realloc (w->lat_us, w->cap * sizeof *w->lat_us);
			if (w->lat_us == NULL)
				die ("out of memory", CKR_HOST_MEMORY);
		}
		w->lat_us[w->n++] = (uint32_t) ((now_ns () - t0 + 500) / 1000);
	}
	p11->C_CloseSession (s);
	return NULL;
}

/* CPU seconds of the whole process: on a shared machine, what the
 * signatures cost apart from waiting for a core. */
static double
cpu_s (void)
{
	struct rusage ru;

	getrusage (RUSAGE_SELF, &ru);
	return (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
by_value (const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

	return x < y ? -1 : x > y;
}

/* "ecdsa-p256", "rsa-2048": what the key is, for the output line. */
static void
describe_key (CK_SESSION_HANDLE s, char *buf, size_t size)
{
	static const CK_BYTE p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
	static const CK_BYTE p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
	CK_OBJECT_HANDLE key;
	CK_BYTE value[1024];
	CK_ATTRIBUTE a = { CKA_EC_PARAMS, value, sizeof value };
	bool rsa = mech.mechanism == CKM_RSA_PKCS;

	snprintf (buf, size, rsa ? "rsa" : "ecdsa");
	/* RSA: the private key's modulus (never sensitive); EC: the public
	 * key's curve. */
	if (rsa)
		a.type = CKA_MODULUS;
	if (p11raw_find (p11, s, rsa ? CKO_PRIVATE_KEY : CKO_PUBLIC_KEY, key_label, &key) != CKR_OK ||
	    p11->C_GetAttributeValue (s, key, &a, 1) != CKR_OK)
		return;
	if (rsa)
		snprintf (buf, size, "rsa-%lu", (unsigned long) a.ulValueLen * 8);
	else if (a.ulValueLen == sizeof p256 && memcmp (value, p256, sizeof p256) == 0)
		snprintf (buf, size, "ecdsa-p256");
	else if (a.ulValueLen == sizeof p384 && memcmp (value, p384, sizeof p384) == 0)
		snprintf (buf, size, "ecdsa-p384");
}

static void
usage (void)
{
	fprintf (stderr, "usage: sign-raw [--module PATH] [--token LABEL] --key-label L --mech ecdsa|rsa-pkcs\n"
	                 "                [--threads N] [--seconds S] [--pin SRC]\n");
	exit (2);
}

int
main (int argc, char **argv)
{
	static const struct option opts[] = {
		{ "module", required_argument, NULL, 'm' },
		{ "token", required_argument, NULL, 't' },
		{ "key-label", required_argument, NULL, 'k' },
		{ "mech", required_argument, NULL, 'M' },
		{ "threads", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "pin", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	/* DER of DigestInfo{sha256, OCTET STRING (32)} before the hash. */
	static const CK_BYTE sha256_prefix[19] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	                                           0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
	const char *module = getenv ("INKAN_MODULE"), *token = NULL, *mech_name = NULL, *pin_src = "env:INKAN_PIN";
	CK_SESSION_HANDLE login;
	inkan_secret *pin = NULL;
	struct worker *w;
	uint32_t *all;
	uint64_t t0, t1;
	size_t total = 0, k;
	long threads = 1, i;
	double seconds = 3, elapsed, cpu0, cpu;
	char what[32];
	CK_RV rv;
	int c;

	while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm': module = optarg; break;
		case 't': token = optarg; break;
		case 'k': key_label = optarg; break;
		case 'M': mech_name = optarg; break;
		case 'n': threads = strtol (optarg, NULL, 10); break;
		case 's': seconds = strtod (optarg, NULL); break;
		case 'p': pin_src = optarg; break;
		default: usage ();
		}
	}
	if (key_label == NULL || mech_name == NULL || threads < 1 || threads > 256 || seconds <= 0 || optind != argc)
		usage ();
	if (module == NULL)
		module = "/usr/lib/softhsm/libsofthsm2.so";

	/* What is signed: a SHA-256 digest, or its DigestInfo for RSA. */
	SHA256 ((const unsigned char *) "inkan sign-raw", 14, input + sizeof sha256_prefix);
	if (strcmp (mech_name, "ecdsa") == 0) {
		mech.mechanism = CKM_ECDSA;
		memmove (input, input + sizeof sha256_prefix, 32);
		input_len = 32;
	} else if (strcmp (mech_name, "rsa-pkcs") == 0) {
		mech.mechanism = CKM_RSA_PKCS;
		memcpy (input, sha256_prefix, sizeof sha256_prefix);
		input_len = sizeof input;
	} else {
		usage ();
	}

	if (inkan_secret_read (pin_src, &pin) != INKAN_OK) {
		fprintf (stderr, "sign-raw: cannot read the PIN from %s\n", pin_src);
		return 1;
	}
	if ((p11 = p11raw_load (module)) == NULL)
		return 1;
	if ((rv = p11raw_slot (p11, token, &slot)) != CKR_OK)
		die ("no such token", rv);

	/* One login for the token, held by this session throughout. */
	if ((rv = p11->C_OpenSession (slot, CKF_SERIAL_SESSION, NULL, NULL, &login)) != CKR_OK)
		die ("C_OpenSession", rv);
	rv = p11->C_Login (login, CKU_USER, (CK_UTF8CHAR *) inkan_secret_data (pin), inkan_secret_len (pin));
	inkan_secret_free (pin);
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
		die ("C_Login", rv);
	describe_key (login, what, sizeof what);

	w = calloc ((size_t) threads, sizeof *w);
	if (w == NULL || pthread_barrier_init (&ready, NULL, (unsigned) threads + 1) != 0)
		die ("out of memory", CKR_HOST_MEMORY);
	for (i = 0; i < threads; i++)
		if (pthread_create (&w[i].thread, NULL, work, &w[i]) != 0)
			die ("pthread_create", CKR_GENERAL_ERROR);
	pthread_barrier_wait (&ready);
	t0 = now_ns ();
	cpu0 = cpu_s ();
	{
		struct timespec ts = { (time_t) seconds, (long) ((seconds - (double) (time_t) seconds) * 1e9) };

		while (nanosleep (&ts, &ts) != 0)
			;
	}
	atomic_store (&stop, true);
	t1 = now_ns ();
	for (i = 0; i < threads; i++) {
		pthread_join (w[i].thread, NULL);
		if (w[i].failed != CKR_OK)
			die (w[i].what, w[i].failed);
		total += w[i].n;
	}
	elapsed = (double) (t1 - t0) / 1e9;
	cpu = cpu_s () - cpu0;

	all = malloc ((total ? total : 1) * sizeof *all);
	if (all == NULL)
		die ("out of memory", CKR_HOST_MEMORY);
	for (i = 0, k = 0; i < threads; i++) {
		memcpy (all + k, w[i].lat_us, w[i].n * sizeof *all);
		k += w[i].n;
		free (w[i].lat_us);
	}
	qsort (all, total, sizeof *all, by_value);
	printf ("raw %s threads=%ld seconds=%.2f sigs=%zu sigs_per_s=%.0f p50_us=%u p99_us=%u cpu_us_per_sig=%.1f\n",
	        what, threads, elapsed, total, (double) total / elapsed, total ? all[total / 2] : 0,
	        total ? all[total * 99 / 100] : 0, total ? cpu * 1e6 / (double) total : 0);

	free (all);
	free (w);
	pthread_barrier_destroy (&ready);
	p11->C_Logout (login);
	p11->C_CloseSession (login);
	p11->C_Finalize (NULL);
	return 0;
}
