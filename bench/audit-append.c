/* bench/audit-append [THREADS] [SECONDS] [DIR]: durable audit appends per
 * second with group commit against one commit (one fsync) per append, on
 * the same disk in one run, as a ratio.  The log goes in a fresh
 * directory under DIR (default: the current one; a tmpfs would make
 * fsync free and the comparison meaningless). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/audit/audit-int.h"

typedef struct {
	inkan_audit *log;
	int id;
	atomic_int *stop;
	unsigned long done;
	inkan_err err;
} worker;

static double
now_s (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void *
run (void *arg)
{
	worker *w = arg;
	uint8_t digest[32];
	char client[32];

	snprintf (client, sizeof client, "bench-%d", w->id);
	while (!atomic_load (w->stop) && w->err == INKAN_OK) {
		inkan_audit_entry e = { client, "pkcs11:token=bench;object=seal", "sign", digest, 32, "ok" };

		memset (digest, (int) w->done, sizeof digest);
		w->err = inkan_audit_append (w->log, &e, NULL);
		w->done += w->err == INKAN_OK;
	}
	return NULL;
}

/* Appends per second from THREADS threads for SECONDS; *BATCH gets the
 * mean number of records per commit. */
static double
measure (const char *path, unsigned max_batch, int threads, double seconds, double *batch)
{
	inkan_audit_options opts = { .max_batch = max_batch };
	inkan_audit *log = NULL;
	worker *w = calloc ((size_t) threads, sizeof *w);
	pthread_t *th = calloc ((size_t) threads, sizeof *th);
	atomic_int stop = 0;
	unsigned long total = 0;
	double t0, t1;
	int i;

	if (w == NULL || th == NULL || inkan_audit_open_with (path, &opts, &log) != INKAN_OK) {
		fprintf (stderr, "audit-append: cannot open %s: %s\n", path, inkan_detail ());
		exit (3);
	}
	t0 = now_s ();
	for (i = 0; i < threads; i++) {
		w[i] = (worker) { .log = log, .id = i, .stop = &stop };
		pthread_create (&th[i], NULL, run, &w[i]);
	}
	usleep ((useconds_t) (seconds * 1e6));
	atomic_store (&stop, 1);
	for (i = 0; i < threads; i++) {
		pthread_join (th[i], NULL);
		if (w[i].err != INKAN_OK) {
			fprintf (stderr, "audit-append: %s\n", inkan_audit_failure (log));
			exit (1);
		}
		total += w[i].done;
	}
	t1 = now_s ();
	*batch = audit_commits (log) > 0 ? (double) total / (double) audit_commits (log) : 0;
	inkan_audit_close (log);
	free (w);
	free (th);
	return (double) total / (t1 - t0);
}

int
main (int argc, char **argv)
{
	int threads = argc > 1 ? atoi (argv[1]) : 8;
	double seconds = argc > 2 ? atof (argv[2]) : 3, group, single, one, batch_g, batch_s, batch_1;
	char dir[4096], path[4200], cmd[4300];

	snprintf (dir, sizeof dir, "%s/audit-bench.XXXXXX", argc > 3 ? argv[3] : ".");
	if (threads < 1 || seconds <= 0 || mkdtemp (dir) == NULL) {
		fprintf (stderr, "usage: audit-append [THREADS] [SECONDS] [DIR]\n");
		return 2;
	}
	snprintf (path, sizeof path, "%s/group.db", dir);
	group = measure (path, 0, threads, seconds, &batch_g);
	snprintf (path, sizeof path, "%s/single.db", dir);
	single = measure (path, 1, threads, seconds, &batch_s);
	snprintf (path, sizeof path, "%s/one-thread.db", dir);
	one = measure (path, 0, 1, seconds, &batch_1);
	printf ("audit appends, synchronous=FULL, %d threads, %.1f s each, in %s\n", threads, seconds, dir);
	printf ("  group commit            %10.0f appends/s  (%.1f records per commit)\n", group, batch_g);
	printf ("  one commit per append   %10.0f appends/s  (%.1f records per commit)\n", single, batch_s);
	printf ("  one thread (no company) %10.0f appends/s  (%.1f records per commit)\n", one, batch_1);
	printf ("  ratio group / one-per-append: %.1f\n", single > 0 ? group / single : 0);
	snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system (cmd) == 0 ? 0 : 1;
}
