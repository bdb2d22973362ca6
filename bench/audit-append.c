/* bench/audit-append [THREADS] [SECONDS] [DIR]: durable audit appends per
 * second with group commit against one commit (one fsync) per append, from
 * the same threads on the same disk in one run, as a ratio; and one thread
 * alone, for what a single appender waits.  The log goes in a fresh
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

static int
by_value (const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return (x > y) - (x < y);
}

#define ROUNDS 3
#define MODES 3

int
main (int argc, char **argv)
{
	static const char *const names[MODES] = {
		"group commit           ", "one commit per append  ", "one thread, group      ",
	};
	int threads = argc > 1 ? atoi (argv[1]) : 8;
	double seconds = argc > 2 ? atof (argv[2]) : 1;
	double rate[MODES][ROUNDS], batch[MODES][ROUNDS], med[MODES];
	char dir[4096], path[4200], cmd[4300];
	int m, i;

	snprintf (dir, sizeof dir, "%s/audit-bench.XXXXXX", argc > 3 ? argv[3] : ".");
	if (threads < 1 || seconds <= 0 || mkdtemp (dir) == NULL) {
		fprintf (stderr, "usage: audit-append [THREADS] [SECONDS] [DIR]\n");
		return 2;
	}
	/* The modes take turns, round after round, so that a disk whose fsync
	 * time drifts (a shared VM) weighs on all of them alike; medians. */
	for (i = 0; i < ROUNDS; i++) {
		for (m = 0; m < MODES; m++) {
			snprintf (path, sizeof path, "%s/mode%d.db", dir, m);
			rate[m][i] = measure (path, m == 1 ? 1 : 0, m == 2 ? 1 : threads, seconds, &batch[m][i]);
		}
	}
	printf ("audit appends, synchronous=FULL, %d threads, %d rounds of %.1f s per mode, in %s\n",
	        threads, ROUNDS, seconds, dir);
	for (m = 0; m < MODES; m++) {
		double sorted[ROUNDS], b = 0;

		memcpy (sorted, rate[m], sizeof sorted);
		qsort (sorted, ROUNDS, sizeof sorted[0], by_value);
		med[m] = sorted[ROUNDS / 2];
		for (i = 0; i < ROUNDS; i++)
			b += batch[m][i] / ROUNDS;
		printf ("  %s %8.0f appends/s median (rounds:", names[m], med[m]);
		for (i = 0; i < ROUNDS; i++)
			printf (" %.0f", rate[m][i]);
		printf ("), %.1f records per commit\n", b);
	}
	printf ("  ratio group commit / one commit per append: %.1f\n", med[1] > 0 ? med[0] / med[1] : 0);
	snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system (cmd) == 0 ? 0 : 1;
}
