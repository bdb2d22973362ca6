/* shim-check SHIM CONTROL LABEL: what one long-lived process sees through
 * inkan-p11shim.so, with the control file changed under it: a token
 * removal (sessions lost, login lost, new sessions fine) and a counted
 * fault shared by signing threads, then counted faults replaced fast under
 * two processes.  The token's user PIN is 123456 (as
 * tests/integration/lib.sh makes it).  Prints TAP lines without the plan. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <p11-kit/pkcs11.h>

#include "bench/p11raw.h"

static CK_FUNCTION_LIST *p11;
static CK_SLOT_ID slot;
static const char *control, *label;
static int checks, failures;

static void
is (const char *what, CK_RV got, CK_RV want)
{
	checks++;
	if (got == want) {
		printf ("ok %d - %s\n", checks, what);
	} else {
		failures++;
		printf ("not ok %d - %s (0x%lx, wanted 0x%lx)\n", checks, what, (unsigned long) got,
		        (unsigned long) want);
	}
}

static void
sleep_ms (long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep (&ts, NULL);
}

/* Replaced whole, as the shim asks of a running process. */
static void
write_control (const char *text)
{
	char tmp[4096];
	FILE *f;

	snprintf (tmp, sizeof tmp, "%s.new", control);
	f = fopen (tmp, "w");
	if (f == NULL || fputs (text, f) < 0 || fclose (f) != 0 || rename (tmp, control) != 0) {
		perror (tmp);
		exit (2);
	}
}

/* Given the shim's poller time to see it. */
static void
set_control (const char *text)
{
	write_control (text);
	sleep_ms (50);
}

static CK_RV
find_key (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *key)
{
	return p11raw_find (p11, s, CKO_PRIVATE_KEY, label, key);
}

static CK_RV
sign (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key)
{
	CK_MECHANISM mech = { CKM_ECDSA, NULL, 0 };
	CK_BYTE digest[32] = { 1, 2, 3 }, sig[256];
	CK_ULONG sig_len = sizeof sig;
	CK_RV rv = p11->C_SignInit (s, &mech, key);

	return rv != CKR_OK ? rv : p11->C_Sign (s, digest, sizeof digest, sig, &sig_len);
}

static CK_RV
open_login (CK_SESSION_HANDLE *s, CK_OBJECT_HANDLE *key)
{
	CK_RV rv = p11->C_OpenSession (slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, s);

	if (rv != CKR_OK)
		return rv;
	rv = p11->C_Login (*s, CKU_USER, (CK_UTF8CHAR *) "123456", 6);
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
		return rv;
	return find_key (*s, key);
}

static void
removal (void)
{
	CK_SESSION_HANDLE s1, s2;
	CK_OBJECT_HANDLE key;
	CK_SESSION_INFO info;
	CK_TOKEN_INFO ti;
	CK_ULONG n = 0;

	is ("a session logs in and finds the key", open_login (&s1, &key), CKR_OK);
	is ("it signs", sign (s1, key), CKR_OK);

	set_control ("*=CKR_DEVICE_REMOVED\n");
	is ("unplugged: signing fails", sign (s1, key), CKR_DEVICE_REMOVED);
	is ("unplugged: C_GetSessionInfo fails", p11->C_GetSessionInfo (s1, &info), CKR_DEVICE_REMOVED);
	is ("unplugged: C_OpenSession fails", p11->C_OpenSession (slot, CKF_SERIAL_SESSION, NULL, NULL, &s2),
	    CKR_DEVICE_REMOVED);
	is ("unplugged: C_GetTokenInfo fails", p11->C_GetTokenInfo (slot, &ti), CKR_DEVICE_REMOVED);
	is ("unplugged: C_GetSlotList still answers", p11->C_GetSlotList (CK_FALSE, NULL, &n), CKR_OK);

	set_control ("");
	is ("plugged back: the old session is gone", sign (s1, key), CKR_SESSION_HANDLE_INVALID);
	is ("plugged back: C_GetSessionInfo on it too", p11->C_GetSessionInfo (s1, &info),
	    CKR_SESSION_HANDLE_INVALID);
	is ("a new session opens", p11->C_OpenSession (slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s2),
	    CKR_OK);
	is ("it answers", p11->C_GetSessionInfo (s2, &info), CKR_OK);
	is ("the token forgot its login", info.state, CKS_RW_PUBLIC_SESSION);
	is ("a new login works", p11->C_Login (s2, CKU_USER, (CK_UTF8CHAR *) "123456", 6), CKR_OK);
	is ("the key is found again", find_key (s2, &key), CKR_OK);
	is ("and signs", sign (s2, key), CKR_OK);
	is ("the old session is still gone", p11->C_GetSessionInfo (s1, &info), CKR_SESSION_HANDLE_INVALID);
	is ("closing it says so", p11->C_CloseSession (s1), CKR_SESSION_HANDLE_INVALID);
	is ("closing the new one works", p11->C_CloseSession (s2), CKR_OK);
}

static atomic_bool stop;
static atomic_int signed_ok, device_errors, other_errors;

#define SIGNERS 4

/* How a signing thread counts each C_Sign's result, and where it counts a
 * login that failed. */
struct tally {
	void (*count) (CK_RV rv);
	atomic_int *other;
};

static void *
signer (void *arg)
{
	const struct tally *tally = arg;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE key;

	if (open_login (&s, &key) != CKR_OK) {
		atomic_fetch_add (tally->other, 1);
		return NULL;
	}
	while (!atomic_load (&stop))
		tally->count (sign (s, key));
	p11->C_CloseSession (s);
	return NULL;
}

static void
start_signers (pthread_t t[SIGNERS], const struct tally *tally)
{
	int i;

	atomic_store (&stop, false);
	for (i = 0; i < SIGNERS; i++)
		pthread_create (&t[i], NULL, signer, (void *) tally);
}

static void
stop_signers (pthread_t t[SIGNERS])
{
	int i;

	atomic_store (&stop, true);
	for (i = 0; i < SIGNERS; i++)
		pthread_join (t[i], NULL);
}

static void
count_device_errors (CK_RV rv)
{
	if (rv == CKR_OK)
		atomic_fetch_add (&signed_ok, 1);
	else if (rv == CKR_DEVICE_ERROR)
		atomic_fetch_add (&device_errors, 1);
	else
		atomic_fetch_add (&other_errors, 1);
}

static const struct tally device_tally = { count_device_errors, &other_errors };

static void
threads (void)
{
	pthread_t t[SIGNERS];

	start_signers (t, &device_tally);
	sleep_ms (100);
	set_control ("C_Sign=CKR_DEVICE_ERROR:count=5\nC_SignInit=delay:1\n");
	sleep_ms (200);
	set_control ("");
	sleep_ms (100);
	stop_signers (t);
	is ("4 threads: exactly 5 C_Sign calls failed with :count=5", (CK_RV) atomic_load (&device_errors), 5);
	is ("4 threads: no other failures", (CK_RV) atomic_load (&other_errors), 0);
	checks++;
	if (atomic_load (&signed_ok) > 20) {
		printf ("ok %d - 4 threads: the rest signed (%d)\n", checks, atomic_load (&signed_ok));
	} else {
		failures++;
		printf ("not ok %d - 4 threads signed only %d times\n", checks, atomic_load (&signed_ok));
	}
}

/* ---- the stress: counted rules replaced fast, under two processes ----
 *
 * Version k of the control file is `C_Sign=STRESS_RV+k:count=STRESS_N`, so
 * each failure names the version that decided it.  Versions stand from 0
 * to a few ms (some are never seen, some are read as the next replaces
 * them), the last one long.  Whatever the timing, no version may fail
 * more than STRESS_N calls, in all processes together, and the last one
 * exactly STRESS_N. */

#define STRESS_RV (CKR_VENDOR_DEFINED + 0x100)
#define STRESS_N 3
#define STRESS_MAX_VERSIONS 1000

static atomic_int tally[STRESS_MAX_VERSIONS], stress_other;

static void
count_by_version (CK_RV rv)
{
	if (rv >= STRESS_RV && rv < STRESS_RV + STRESS_MAX_VERSIONS)
		atomic_fetch_add (&tally[rv - STRESS_RV], 1);
	else if (rv != CKR_OK)
		atomic_fetch_add (&stress_other, 1);
}

static const struct tally version_tally = { count_by_version, &stress_other };

/* shim-check SHIM CONTROL LABEL --signer: the other process of the stress.
 * It says "ready" once its threads sign, stops at the end of its stdin, and
 * prints its tally: "k n" for each version that failed calls, then
 * "other n". */
static int
stress_helper (void)
{
	pthread_t t[SIGNERS];
	char buf[64];
	int k;

	start_signers (t, &version_tally);
	sleep_ms (20);
	printf ("ready\n");
	fflush (stdout);
	while (fgets (buf, sizeof buf, stdin) != NULL)
		;
	stop_signers (t);
	for (k = 0; k < STRESS_MAX_VERSIONS; k++)
		if (atomic_load (&tally[k]) > 0)
			printf ("%d %d\n", k, atomic_load (&tally[k]));
	printf ("other %d\n", atomic_load (&stress_other));
	return p11->C_Finalize (NULL) == CKR_OK ? 0 : 1;
}

/* Alone, the shim's own threads race its reload; with a --signer process
 * (SELF), the two processes race on the counts they share. */
static void
stress (const char *self, const char *shim, int versions, bool two)
{
	const char *who = two ? "two processes" : "one process";
	int to_helper[2], from_helper[2], k, n, status, over = 0, worst = 0;
	pthread_t t[SIGNERS];
	char text[128], line[160];
	FILE *in = NULL;
	pid_t pid = -1;

	for (k = 0; k < STRESS_MAX_VERSIONS; k++)
		atomic_store (&tally[k], 0);
	atomic_store (&stress_other, 0);
	if (!two)
		goto sign;
	if (pipe (to_helper) != 0 || pipe (from_helper) != 0) {
		perror ("pipe");
		exit (2);
	}
	pid = fork ();
	if (pid < 0) {
		perror ("fork");
		exit (2);
	}
	if (pid == 0) {
		dup2 (to_helper[0], 0);
		dup2 (from_helper[1], 1);
		close (to_helper[0]);
		close (to_helper[1]);
		close (from_helper[0]);
		close (from_helper[1]);
		execl (self, self, shim, control, label, "--signer", (char *) NULL);
		perror (self);
		_exit (2);
	}
	close (to_helper[0]);
	close (from_helper[1]);
	in = fdopen (from_helper[0], "r");
	if (in == NULL || fgets (line, sizeof line, in) == NULL || strcmp (line, "ready\n") != 0) {
		fprintf (stderr, "shim-check: the --signer process did not start\n");
		exit (2);
	}

sign:
	start_signers (t, &version_tally);
	sleep_ms (20);
	for (k = 0; k < versions; k++) {
		snprintf (text, sizeof text, "C_Sign=0x%lx:count=%d\n", (unsigned long) (STRESS_RV + k), STRESS_N);
		write_control (text);
		/* From none to over two polls; the last one for good. */
		sleep_ms (k == versions - 1 ? 200 : rand () % 6);
	}
	set_control ("");
	stop_signers (t);

	if (two) {
		close (to_helper[1]);
		while (fgets (line, sizeof line, in) != NULL) {
			if (sscanf (line, "other %d", &n) == 1)
				atomic_fetch_add (&stress_other, n);
			else if (sscanf (line, "%d %d", &k, &n) == 2 && k >= 0 && k < STRESS_MAX_VERSIONS)
				atomic_fetch_add (&tally[k], n);
		}
		fclose (in);
		if (waitpid (pid, &status, 0) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
			atomic_fetch_add (&stress_other, 1);
	}

	for (k = 0; k < versions - 1; k++) {
		n = atomic_load (&tally[k]);
		if (n > STRESS_N)
			over++;
		if (n > worst)
			worst = n;
	}
	checks++;
	if (over == 0) {
		printf ("ok %d - stress, %s: no version of %d failed more than %d calls\n", checks, who, versions,
		        STRESS_N);
	} else {
		failures++;
		printf ("not ok %d - stress, %s: %d versions of %d failed more than %d calls (up to %d)\n", checks,
		        who, over, versions, STRESS_N, worst);
	}
	snprintf (line, sizeof line, "stress, %s: the last version failed exactly its count", who);
	is (line, (CK_RV) atomic_load (&tally[versions - 1]), STRESS_N);
	snprintf (line, sizeof line, "stress, %s: no other failures", who);
	is (line, (CK_RV) atomic_load (&stress_other), 0);
}

int
main (int argc, char **argv)
{
	bool helper = argc == 5 && strcmp (argv[4], "--signer") == 0;
	const char *env = getenv ("SHIM_CHECK_STRESS");
	int versions = env != NULL ? atoi (env) : 50;

	if (argc != 4 && !helper) {
		fprintf (stderr, "usage: shim-check SHIM CONTROL LABEL\n"
		                 "  SHIM_CHECK_STRESS=N: the stress replaces the control file N times (50)\n");
		return 2;
	}
	if (versions < 1 || versions > STRESS_MAX_VERSIONS)
		versions = 50;
	control = argv[2];
	label = argv[3];
	setenv ("INKAN_SHIM_CONTROL", control, 1);
	/* The file may change while the shim goes to read a change: the stress
	 * has it do so often. */
	setenv ("INKAN_SHIM_RELOAD_PAUSE_MS", "3", 0);
	if (!helper)
		set_control ("");
	if ((p11 = p11raw_load (argv[1])) == NULL)
		return 2;
	if (p11raw_slot (p11, NULL, &slot) != CKR_OK) {
		fprintf (stderr, "shim-check: no token through %s\n", argv[1]);
		return 2;
	}
	if (helper)
		return stress_helper ();
	setvbuf (stdout, NULL, _IOLBF, 0);
	removal ();
	threads ();
	srand ((unsigned) time (NULL) ^ (unsigned) getpid ());
	stress (argv[0], argv[1], versions, false);
	stress (argv[0], argv[1], versions, true);
	is ("C_Finalize", p11->C_Finalize (NULL), CKR_OK);
	return failures == 0 ? 0 : 1;
}
