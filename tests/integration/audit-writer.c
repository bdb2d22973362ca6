/* audit-writer LOG THREADS COUNT: appends COUNT records per thread (0:
 * until killed) to the audit log LOG from THREADS threads, and prints
 * "SEQ CLIENT DIGEST-HEX" for each only after its append returned, so
 * that a test can kill it at any moment and hold the log to every line. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <inkan/inkan.h>

static inkan_audit *audit_log;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static long count;

static void *
run (void *arg)
{
	int id = (int) (intptr_t) arg;
	long n;

	for (n = 0; count == 0 || n < count; n++) {
		char client[64], *hex;
		uint8_t digest[32];
		inkan_audit_entry e = { client, "pkcs11:token=test;object=audit", "sign", digest, 32, "ok" };
		uint64_t seq;

		snprintf (client, sizeof client, "writer-%d-%ld", id, n);
		EVP_Digest (client, strlen (client), digest, NULL, EVP_sha256 (), NULL);
		if (inkan_audit_append (audit_log, &e, &seq) != INKAN_OK) {
			fprintf (stderr, "audit-writer: %s\n", inkan_detail ());
			exit (1);
		}
		hex = inkan_hex_encode (digest, sizeof digest);
		pthread_mutex_lock (&out_lock);
		printf ("%llu %s %s\n", (unsigned long long) seq, client, hex);
		fflush (stdout);
		pthread_mutex_unlock (&out_lock);
		free (hex);
	}
	return NULL;
}

int
main (int argc, char **argv)
{
	pthread_t th[64];
	int threads, i;

	if (argc != 4 || (threads = atoi (argv[2])) < 1 || threads > 64) {
		fprintf (stderr, "usage: audit-writer LOG THREADS COUNT\n");
		return 2;
	}
	count = atol (argv[3]);
	if (inkan_audit_open (argv[1], &audit_log) != INKAN_OK) {
		fprintf (stderr, "audit-writer: %s\n", inkan_detail ());
		return 3;
	}
	for (i = 0; i < threads; i++)
		pthread_create (&th[i], NULL, run, (void *) (intptr_t) i);
	for (i = 0; i < threads; i++)
		pthread_join (th[i], NULL);
	inkan_audit_close (audit_log);
	return 0;
}
