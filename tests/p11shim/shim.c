/* inkan-p11shim.so: a PKCS#11 module that forwards every call to a real
 * one and injects faults a control file asks for, while the program runs.
 *
 *   INKAN_SHIM_MODULE   the real module (default /usr/lib/softhsm/libsofthsm2.so)
 *   INKAN_SHIM_CONTROL  the control file (none: no faults, plain forwarding)
 *   INKAN_SHIM_RELOAD_PAUSE_MS  for the shim's own check: the poller waits
 *                       that long between seeing a change and reading it,
 *                       so that the file can change again in between
 *
 * The control file is read at C_Initialize and then polled (stat every
 * 2 ms, by a thread of the shim's own); a change is in force within a few
 * ms (replace the file by rename: an overwrite may be seen half-written).
 * One rule per line, `#` starts a comment:
 *
 *   FUNCTION=ACTION[:once|:count=N]
 *
 *   FUNCTION  a PKCS#11 function name (C_Sign, C_Login, ...), or `*`: every
 *             call on a token (slot and session functions; not C_GetInfo,
 *             C_GetSlotList, C_GetSlotInfo, C_WaitForSlotEvent,
 *             C_Initialize, C_Finalize)
 *   ACTION    CKR_NAME or a number (0x32): the call answers that without
 *             reaching the real module;
 *             delay:MS: the call waits MS milliseconds, then goes on
 *   :once     only the next matching call; :count=N the next N calls.
 *             Counts are shared by every process using the control file
 *             (in CONTROL.state) and start again when the file changes;
 *             a version fails at most N calls in all of them together.
 *
 * For each call, the first error line that matches and has calls left
 * decides; likewise the first delay line.  Examples:
 *
 *   C_Sign=CKR_DEVICE_REMOVED            every C_Sign fails
 *   C_Sign=CKR_SESSION_HANDLE_INVALID:once
 *   C_Sign=CKR_DEVICE_ERROR:count=3
 *   C_Sign=delay:200                     a slow HSM
 *   *=CKR_DEVICE_REMOVED                 the token is unplugged
 *
 * Token removal: while a `*` line answers CKR_DEVICE_REMOVED or
 * CKR_TOKEN_NOT_PRESENT with no count, the token is "unplugged".  The
 * sessions open at that moment are lost, as on real hardware: the token
 * forgets its login, and once the line is gone those sessions answer
 * CKR_SESSION_HANDLE_INVALID until closed; sessions opened afterwards work
 * (after a new C_Login; object handles found before must be found again).
 * C_CloseSession and C_CloseAllSessions always close the real sessions,
 * also when a fault decides what they answer; likewise a faulted call that
 * ends an operation (C_Sign, C_SignFinal, C_Digest, ...) still reaches the
 * real module, so that the operation ends there too.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <p11-kit/pkcs11.h>

#include "functions.h"

#define SHIM_EXPORT __attribute__ ((visibility ("default")))
#define SHIM_DEFAULT_MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define SHIM_MAX_RULES 64
#define SHIM_POLL_NS 2000000L

enum shim_class { LIB, SLOT, SESSION, OPERATION };

/* Every function, by number. */
#define SHIM_ID(name, ...) SHIM_ID_##name,
enum { SHIM_OWN (SHIM_ID) SHIM_FORWARDED (SHIM_ID) SHIM_N_FUNCTIONS };

#define SHIM_ENTRY(name, cls, ...) [SHIM_ID_##name] = { #name, cls },
static const struct {
	const char *name;
	enum shim_class cls;
} functions[SHIM_N_FUNCTIONS] = { SHIM_OWN (SHIM_ENTRY) SHIM_FORWARDED (SHIM_ENTRY) };

#define SHIM_WILDCARD (-1)

/* A count is one word, the generation of the control file it counts for
 * above the calls taken: a process still on an older version of the file
 * (another one read the new version first and reset the counts) sees a
 * generation not its own and takes nothing, rather than calls the new
 * version's rules are owed. */
#define SHIM_COUNT(generation, calls) ((uint64_t) (generation) << 32 | (calls))
#define SHIM_COUNT_MAX UINT32_MAX

struct rule {
	int function;          /* SHIM_ID_..., or SHIM_WILDCARD */
	bool delay;
	CK_RV rv;              /* the answer, when !delay */
	long delay_ms;
	uint64_t limit;        /* calls it applies to; UINT64_MAX: all */
	_Atomic uint64_t *used;
	uint32_t generation;
};

/* Counts of counted rules, shared through CONTROL.state by all processes
 * reading the same version of the control file. */
struct shared_state {
	uint64_t version[5];
	uint32_t generation;   /* under the file's flock */
	_Atomic uint64_t used[SHIM_MAX_RULES];
};

struct session {
	CK_SESSION_HANDLE handle;
	CK_SLOT_ID slot;
	bool stale;            /* open when the token was removed */
};

static struct {
	pthread_mutex_t lock;  /* everything below but the atomics */
	CK_FUNCTION_LIST *real;
	const char *control;
	char *state_path;

	struct rule rules[SHIM_MAX_RULES];
	size_t n_rules;
	_Atomic bool have_rules;
	_Atomic uint64_t local_used[SHIM_MAX_RULES];  /* when no CONTROL.state */
	uint32_t local_generation;
	struct shared_state *shared;
	uint64_t version[5];
	bool removed;

	struct session *sessions;
	size_t n_sessions, cap_sessions;
	_Atomic size_t n_stale;

	pthread_t poller;
	bool polling;
	long reload_pause_ms;
	pthread_mutex_t poll_lock;
	pthread_cond_t poll_cond;
	bool poll_stop;
} shim = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.poll_lock = PTHREAD_MUTEX_INITIALIZER,
	.poll_cond = PTHREAD_COND_INITIALIZER,
};

#define R(x) { #x, x }
static const struct {
	const char *name;
	CK_RV rv;
} rv_names[] = {
	R (CKR_OK), R (CKR_CANCEL), R (CKR_HOST_MEMORY), R (CKR_SLOT_ID_INVALID), R (CKR_GENERAL_ERROR),
	R (CKR_FUNCTION_FAILED), R (CKR_ARGUMENTS_BAD), R (CKR_ATTRIBUTE_VALUE_INVALID),
	R (CKR_DATA_INVALID), R (CKR_DATA_LEN_RANGE), R (CKR_DEVICE_ERROR), R (CKR_DEVICE_MEMORY),
	R (CKR_DEVICE_REMOVED), R (CKR_FUNCTION_CANCELED), R (CKR_FUNCTION_NOT_SUPPORTED),
	R (CKR_KEY_HANDLE_INVALID), R (CKR_KEY_TYPE_INCONSISTENT), R (CKR_KEY_FUNCTION_NOT_PERMITTED),
	R (CKR_MECHANISM_INVALID), R (CKR_MECHANISM_PARAM_INVALID), R (CKR_OBJECT_HANDLE_INVALID),
	R (CKR_OPERATION_ACTIVE), R (CKR_OPERATION_NOT_INITIALIZED), R (CKR_PIN_INCORRECT),
	R (CKR_PIN_INVALID), R (CKR_PIN_LEN_RANGE), R (CKR_PIN_EXPIRED), R (CKR_PIN_LOCKED),
	R (CKR_SESSION_CLOSED), R (CKR_SESSION_COUNT), R (CKR_SESSION_HANDLE_INVALID),
	R (CKR_SESSION_READ_ONLY), R (CKR_SIGNATURE_INVALID), R (CKR_SIGNATURE_LEN_RANGE),
	R (CKR_TEMPLATE_INCOMPLETE), R (CKR_TEMPLATE_INCONSISTENT), R (CKR_TOKEN_NOT_PRESENT),
	R (CKR_TOKEN_NOT_RECOGNIZED), R (CKR_TOKEN_WRITE_PROTECTED), R (CKR_USER_ALREADY_LOGGED_IN),
	R (CKR_USER_NOT_LOGGED_IN), R (CKR_USER_PIN_NOT_INITIALIZED), R (CKR_USER_TYPE_INVALID),
	R (CKR_BUFFER_TOO_SMALL), R (CKR_CRYPTOKI_NOT_INITIALIZED), R (CKR_CRYPTOKI_ALREADY_INITIALIZED),
};
#undef R

static void
warn (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static void
warn (const char *fmt, ...)
{
	va_list ap;

	fputs ("inkan-p11shim: ", stderr);
	va_start (ap, fmt);
	vfprintf (stderr, fmt, ap);
	va_end (ap);
	fputc ('\n', stderr);
}

/* ---- the control file ---- */

static bool
parse_rv (const char *s, CK_RV *rv)
{
	char *end;
	size_t i;

	for (i = 0; i < sizeof rv_names / sizeof rv_names[0]; i++) {
		if (strcmp (s, rv_names[i].name) == 0) {
			*rv = rv_names[i].rv;
			return true;
		}
	}
	errno = 0;
	*rv = strtoul (s, &end, 0);
	return errno == 0 && end != s && *end == '\0';
}

static int
function_id (const char *name)
{
	int i;

	if (strcmp (name, "*") == 0)
		return SHIM_WILDCARD;
	for (i = 0; i < SHIM_N_FUNCTIONS; i++)
		if (strcmp (name, functions[i].name) == 0)
			return i;
	return -2;
}

/* FUNCTION=ACTION[:once|:count=N], spaces trimmed; false when malformed. */
static bool
parse_rule (char *line, struct rule *r)
{
	char *eq = strchr (line, '='), *action, *suffix, *end;

	if (eq == NULL)
		return false;
	*eq = '\0';
	action = eq + 1;
	if ((r->function = function_id (line)) == -2)
		return false;
	r->limit = UINT64_MAX;
	r->delay = strncmp (action, "delay:", 6) == 0;
	if (r->delay)
		action += 6;
	suffix = strchr (action, ':');
	if (suffix != NULL) {
		*suffix++ = '\0';
		if (strcmp (suffix, "once") == 0) {
			r->limit = 1;
		} else if (strncmp (suffix, "count=", 6) == 0) {
			errno = 0;
			r->limit = strtoull (suffix + 6, &end, 10);
			if (errno != 0 || end == suffix + 6 || *end != '\0' || r->limit > SHIM_COUNT_MAX)
				return false;
		} else {
			return false;
		}
	}
	if (r->delay) {
		r->delay_ms = strtol (action, &end, 10);
		return end != action && *end == '\0' && r->delay_ms >= 0;
	}
	return parse_rv (action, &r->rv);
}

static char *
trim (char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen (s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* What identifies a version of the control file. */
static void
stat_version (const struct stat *st, uint64_t version[5])
{
	version[0] = (uint64_t) st->st_ino;
	version[1] = (uint64_t) st->st_size;
	version[2] = (uint64_t) st->st_mtim.tv_sec * 1000000000u + (uint64_t) st->st_mtim.tv_nsec;
	version[3] = (uint64_t) st->st_ctim.tv_sec * 1000000000u + (uint64_t) st->st_ctim.tv_nsec;
	version[4] = (uint64_t) st->st_dev;
}

/* The version of the file at the path now: all zero when absent. */
static void
control_version (uint64_t version[5])
{
	struct stat st;

	memset (version, 0, 5 * sizeof version[0]);
	if (stat (shim.control, &st) == 0)
		stat_version (&st, version);
}

enum attach { SHARED, UNSHARED, STALE };

/* The shared counts for this version of the control file, and their
 * generation: reset by the first process that reads the version.  STALE
 * when the version is no longer the file's: a process slow to read it must
 * not reset the counts of the newer one, which others may be taking;
 * UNSHARED when there is no CONTROL.state to be had. */
static enum attach
attach_shared (const uint64_t version[5], uint32_t *generation)
{
	enum attach result = UNSHARED;
	uint64_t now[5];
	int fd;

	if (shim.shared == NULL) {
		fd = open (shim.state_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return UNSHARED;
		if (ftruncate (fd, sizeof (struct shared_state)) == 0) {
			void *p = mmap (NULL, sizeof (struct shared_state), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (p != MAP_FAILED)
				shim.shared = p;
		}
		close (fd);
		if (shim.shared == NULL)
			return UNSHARED;
	}
	fd = open (shim.state_path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		goto out;
	if (flock (fd, LOCK_EX) != 0)
		goto out;
	if (memcmp (shim.shared->version, version, sizeof shim.shared->version) != 0) {
		/* Under the lock, so that whoever reads a newer file resets after us. */
		control_version (now);
		if (memcmp (now, version, sizeof now) != 0) {
			result = STALE;
			goto unlock;
		}
		shim.shared->generation++;
		for (size_t i = 0; i < SHIM_MAX_RULES; i++)
			atomic_store (&shim.shared->used[i], SHIM_COUNT (shim.shared->generation, 0));
		memcpy (shim.shared->version, version, sizeof shim.shared->version);
	}
	*generation = shim.shared->generation;
	result = SHARED;
unlock:
	flock (fd, LOCK_UN);
out:
	if (fd >= 0)
		close (fd);
	return result;
}

static bool
is_removal (const struct rule *r)
{
	return r->function == SHIM_WILDCARD && !r->delay && r->limit == UINT64_MAX &&
	       (r->rv == CKR_DEVICE_REMOVED || r->rv == CKR_TOKEN_NOT_PRESENT);
}

/* The token goes away: its sessions are lost, and so is its login. */
static void
remove_token (void)
{
	size_t i;

	for (i = 0; i < shim.n_sessions; i++) {
		if (!shim.sessions[i].stale) {
			shim.sessions[i].stale = true;
			atomic_fetch_add (&shim.n_stale, 1);
		}
		shim.real->C_Logout (shim.sessions[i].handle);
	}
}

/* The counts for the rules of this version of the control file, and their
 * generation: CONTROL.state's, else the process's own.  NULL when the
 * version is no longer the file's. */
static _Atomic uint64_t *
counts_for (const uint64_t version[5], uint32_t *generation)
{
	size_t i;

	switch (attach_shared (version, generation)) {
	case SHARED:
		return shim.shared->used;
	case STALE:
		return NULL;
	case UNSHARED:
		break;
	}
	*generation = ++shim.local_generation;
	for (i = 0; i < SHIM_MAX_RULES; i++)
		atomic_store (&shim.local_used[i], SHIM_COUNT (*generation, 0));
	return shim.local_used;
}

/* Reads the control file unless its version is the one in force; with
 * shim.lock held.  The version is that of the file opened, taken before
 * and after the read: one taken by path before opening could belong to a
 * file a rename replaced meanwhile, and the rules read would then be read
 * again under their own version, their counts started again. */
static void
load_control (void)
{
	struct rule rules[SHIM_MAX_RULES];
	uint64_t version[5], after[5];
	size_t n = 0, lineno, i;
	_Atomic uint64_t *used;
	uint32_t generation = 0;
	bool removed = false;
	struct stat st;
	char line[256];
	FILE *f;
	int tries;

	f = fopen (shim.control, "re");
	if (f == NULL) {
		/* Not a stat now: a file renamed in since would pass for read. */
		if (errno == ENOENT || errno == ENOTDIR) {
			memset (version, 0, sizeof version);  /* absent: no rules */
			goto install;
		}
		/* Unreadable for now: the rules in force stay, the next poll
		 * tries again. */
		return;
	}
	for (tries = 0;; tries++) {
		if (fstat (fileno (f), &st) != 0)
			goto out;
		stat_version (&st, version);
		if (memcmp (version, shim.version, sizeof shim.version) == 0)
			goto out;
		n = lineno = 0;
		while (fgets (line, sizeof line, f) != NULL) {
			char *text = line, *hash = strchr (line, '#');

			lineno++;
			if (hash != NULL)
				*hash = '\0';
			text = trim (text);
			if (*text == '\0')
				continue;
			if (n == SHIM_MAX_RULES) {
				warn ("%s:%zu: more than %d rules, the rest ignored", shim.control, lineno,
				      SHIM_MAX_RULES);
				break;
			}
			if (!parse_rule (text, &rules[n])) {
				warn ("%s:%zu: not FUNCTION=ACTION[:once|:count=N], ignored", shim.control, lineno);
				continue;
			}
			n++;
		}
		if (ferror (f) || fstat (fileno (f), &st) != 0)
			goto out;
		stat_version (&st, after);
		if (memcmp (after, version, sizeof after) == 0)
			break;
		/* Written in place while read (no rename): what was read may be
		 * neither version.  A few more tries, then the next poll's. */
		if (tries == 3)
			goto out;
		rewind (f);
	}

install:
	if (memcmp (version, shim.version, sizeof shim.version) == 0)
		goto out;
	if (n > 0) {
		used = counts_for (version, &generation);
		if (used == NULL)
			goto out;  /* a newer file is there: the next poll reads it */
		for (i = 0; i < n; i++) {
			rules[i].used = &used[i];
			rules[i].generation = generation;
			removed = removed || is_removal (&rules[i]);
		}
	}
	memcpy (shim.version, version, sizeof shim.version);
	memcpy (shim.rules, rules, n * sizeof rules[0]);
	shim.n_rules = n;
	atomic_store (&shim.have_rules, n > 0);
	if (removed && !shim.removed)
		remove_token ();
	shim.removed = removed;
out:
	if (f != NULL)
		fclose (f);
}

static void *
poll_control (void *arg)
{
	struct timespec when;
	uint64_t version[5], seen[5];

	(void) arg;
	pthread_mutex_lock (&shim.lock);
	memcpy (seen, shim.version, sizeof seen);
	pthread_mutex_unlock (&shim.lock);
	pthread_mutex_lock (&shim.poll_lock);
	while (!shim.poll_stop) {
		clock_gettime (CLOCK_REALTIME, &when);  /* the condition's clock */
		when.tv_nsec += SHIM_POLL_NS;
		if (when.tv_nsec >= 1000000000L) {
			when.tv_sec++;
			when.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait (&shim.poll_cond, &shim.poll_lock, &when);
		/* The stat without shim.lock: callers wait only for a change. */
		control_version (version);
		if (memcmp (version, seen, sizeof seen) == 0)
			continue;
		if (shim.reload_pause_ms > 0) {
			struct timespec ts = { 0, shim.reload_pause_ms * 1000000L };

			nanosleep (&ts, NULL);
		}
		pthread_mutex_lock (&shim.lock);
		load_control ();
		/* What was read, not what was stat'ed: the file may have changed
		 * in between, or not been read yet (then the next poll tries). */
		memcpy (seen, shim.version, sizeof seen);
		pthread_mutex_unlock (&shim.lock);
	}
	pthread_mutex_unlock (&shim.poll_lock);
	return NULL;
}

static void
start_polling (void)
{
	pthread_mutex_lock (&shim.poll_lock);
	if (!shim.polling && shim.control != NULL) {
		shim.poll_stop = false;
		shim.polling = pthread_create (&shim.poller, NULL, poll_control, NULL) == 0;
	}
	pthread_mutex_unlock (&shim.poll_lock);
}

static void
stop_polling (void)
{
	bool join;

	pthread_mutex_lock (&shim.poll_lock);
	join = shim.polling;
	shim.poll_stop = true;
	shim.polling = false;
	pthread_cond_signal (&shim.poll_cond);
	pthread_mutex_unlock (&shim.poll_lock);
	if (join)
		pthread_join (shim.poller, NULL);
}

/* ---- sessions ---- */

static struct session *
find_session (CK_SESSION_HANDLE h)
{
	size_t i;

	for (i = 0; i < shim.n_sessions; i++)
		if (shim.sessions[i].handle == h)
			return &shim.sessions[i];
	return NULL;
}

static void
forget_session (struct session *s)
{
	if (s->stale)
		atomic_fetch_sub (&shim.n_stale, 1);
	*s = shim.sessions[--shim.n_sessions];
}

static CK_RV
remember_session (CK_SESSION_HANDLE h, CK_SLOT_ID slot)
{
	struct session *s = find_session (h);

	if (s != NULL)
		forget_session (s);
	if (shim.n_sessions == shim.cap_sessions) {
		size_t cap = shim.cap_sessions ? shim.cap_sessions * 2 : 16;
		struct session *grown = realloc (shim.sessions, cap * sizeof *grown);

		if (grown == NULL)
			return CKR_HOST_MEMORY;
		shim.sessions = grown;
		shim.cap_sessions = cap;
	}
	shim.sessions[shim.n_sessions++] = (struct session) { .handle = h, .slot = slot };
	return CKR_OK;
}

/* ---- the decision for one call ---- */

static bool
consume (const struct rule *r, int id)
{
	uint64_t count;

	if (r->function != id &&
	    !(r->function == SHIM_WILDCARD && functions[id].cls != LIB))
		return false;
	if (r->limit == UINT64_MAX)
		return true;
	/* A call is taken only while calls are left, and only of this
	 * generation's count: never one of a newer file's rules, nor past
	 * the limit (where a reset could find it and undo it). */
	count = atomic_load (r->used);
	do {
		if (count >> 32 != r->generation || (count & SHIM_COUNT_MAX) >= r->limit)
			return false;
	} while (!atomic_compare_exchange_weak (r->used, &count, count + 1));
	return true;
}

/* CKR_OK: go on to the real module.  Otherwise the call's answer.  With
 * *stale (when asked), whether the session is one a removal made stale. */
static CK_RV
shim_enter (int id, CK_SESSION_HANDLE session, bool *stale)
{
	CK_RV rv = CKR_OK;
	long delay = -1;
	bool is_stale = false, have_error = false;
	size_t i;

	if (!atomic_load_explicit (&shim.have_rules, memory_order_relaxed) &&
	    atomic_load_explicit (&shim.n_stale, memory_order_relaxed) == 0) {
		if (stale != NULL)
			*stale = false;
		return CKR_OK;
	}
	pthread_mutex_lock (&shim.lock);
	for (i = 0; i < shim.n_rules; i++) {
		const struct rule *r = &shim.rules[i];

		if (r->delay ? delay >= 0 : have_error)
			continue;
		if (!consume (r, id))
			continue;
		if (r->delay) {
			delay = r->delay_ms;
		} else {
			rv = r->rv;
			have_error = true;
		}
	}
	if (functions[id].cls >= SESSION && atomic_load (&shim.n_stale) > 0) {
		struct session *s = find_session (session);

		is_stale = s != NULL && s->stale;
	}
	pthread_mutex_unlock (&shim.lock);

	if (delay > 0) {
		struct timespec ts = { delay / 1000, (delay % 1000) * 1000000L };

		while (nanosleep (&ts, &ts) != 0 && errno == EINTR)
			;
	}
	if (stale != NULL)
		*stale = is_stale;
	if (rv == CKR_OK && is_stale)
		rv = CKR_SESSION_HANDLE_INVALID;
	return rv;
}

/* ---- the forwarded functions ---- */

#define SHIM_HANDLE_LIB CK_INVALID_HANDLE
#define SHIM_HANDLE_SLOT CK_INVALID_HANDLE
#define SHIM_HANDLE_SESSION s
#define SHIM_HANDLE_OPERATION s
#define SHIM_ENDS_LIB false
#define SHIM_ENDS_SLOT false
#define SHIM_ENDS_SESSION false
#define SHIM_ENDS_OPERATION true

#define SHIM_WRAPPER(name, cls, params, args) \
	static CK_RV \
	shim_##name params \
	{ \
		bool stale; \
		CK_RV rv = shim_enter (SHIM_ID_##name, SHIM_HANDLE_##cls, &stale); \
		if (rv != CKR_OK) { \
			if (SHIM_ENDS_##cls && !stale) \
				(void) shim.real->name args; \
			return rv; \
		} \
		return shim.real->name args; \
	}
SHIM_FORWARDED (SHIM_WRAPPER)

/* ---- the functions that keep the shim's state ---- */

static void
forked_child (void)
{
	/* The poller is not in the child; C_Initialize starts one again. */
	shim.polling = false;
	pthread_mutex_init (&shim.lock, NULL);
	pthread_mutex_init (&shim.poll_lock, NULL);
}

static CK_RV
shim_C_Initialize (CK_VOID_PTR args)
{
	CK_RV rv;

	if (shim.control != NULL) {
		pthread_mutex_lock (&shim.lock);
		shim.version[0] = UINT64_MAX;  /* read it now, whatever it was */
		load_control ();
		pthread_mutex_unlock (&shim.lock);
	}
	rv = shim_enter (SHIM_ID_C_Initialize, CK_INVALID_HANDLE, NULL);
	if (rv != CKR_OK)
		return rv;
	rv = shim.real->C_Initialize (args);
	if (rv != CKR_OK)
		return rv;
	start_polling ();
	return CKR_OK;
}

static CK_RV
shim_C_Finalize (CK_VOID_PTR reserved)
{
	CK_RV rv = shim_enter (SHIM_ID_C_Finalize, CK_INVALID_HANDLE, NULL);

	if (rv != CKR_OK)
		return rv;
	/* No poller calling into the real module while it finalizes. */
	stop_polling ();
	rv = shim.real->C_Finalize (reserved);
	if (rv != CKR_OK) {
		start_polling ();
		return rv;
	}
	pthread_mutex_lock (&shim.lock);
	free (shim.sessions);
	shim.sessions = NULL;
	shim.n_sessions = shim.cap_sessions = 0;
	atomic_store (&shim.n_stale, 0);
	pthread_mutex_unlock (&shim.lock);
	return CKR_OK;
}

static CK_RV
shim_C_OpenSession (CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify, CK_SESSION_HANDLE_PTR out)
{
	CK_RV rv = shim_enter (SHIM_ID_C_OpenSession, CK_INVALID_HANDLE, NULL);

	if (rv != CKR_OK)
		return rv;
	rv = shim.real->C_OpenSession (slot, flags, app, notify, out);
	if (rv != CKR_OK)
		return rv;
	pthread_mutex_lock (&shim.lock);
	rv = remember_session (*out, slot);
	pthread_mutex_unlock (&shim.lock);
	if (rv != CKR_OK)
		shim.real->C_CloseSession (*out);
	return rv;
}

static CK_RV
shim_C_CloseSession (CK_SESSION_HANDLE s)
{
	bool stale;
	CK_RV rv = shim_enter (SHIM_ID_C_CloseSession, s, &stale);
	CK_RV real_rv = shim.real->C_CloseSession (s);
	struct session *known;

	pthread_mutex_lock (&shim.lock);
	known = find_session (s);
	if (known != NULL)
		forget_session (known);
	pthread_mutex_unlock (&shim.lock);
	return rv != CKR_OK ? rv : real_rv;
}

static CK_RV
shim_C_CloseAllSessions (CK_SLOT_ID slot)
{
	CK_RV rv = shim_enter (SHIM_ID_C_CloseAllSessions, CK_INVALID_HANDLE, NULL);
	CK_RV real_rv = shim.real->C_CloseAllSessions (slot);
	size_t i;

	pthread_mutex_lock (&shim.lock);
	for (i = shim.n_sessions; i-- > 0;)
		if (shim.sessions[i].slot == slot)
			forget_session (&shim.sessions[i]);
	pthread_mutex_unlock (&shim.lock);
	return rv != CKR_OK ? rv : real_rv;
}

static CK_RV shim_C_GetFunctionList (CK_FUNCTION_LIST_PTR_PTR list);

#define SHIM_SLOT(name, ...) .name = shim_##name,
static CK_FUNCTION_LIST shim_functions = {
	.version = { CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR },
	.C_GetFunctionList = shim_C_GetFunctionList,
	SHIM_OWN (SHIM_SLOT)
	SHIM_FORWARDED (SHIM_SLOT)
};

/* ---- loading the real module ---- */

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void
load_real (void)
{
	const char *path = getenv ("INKAN_SHIM_MODULE"), *pause;
	CK_C_GetFunctionList get;
	void *dl;

	if (path == NULL || *path == '\0')
		path = SHIM_DEFAULT_MODULE;
	dl = dlopen (path, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		warn ("cannot load %s: %s", path, dlerror ());
		return;
	}
	get = (CK_C_GetFunctionList) dlsym (dl, "C_GetFunctionList");
	if (get == NULL || get (&shim.real) != CKR_OK || shim.real == NULL) {
		warn ("%s has no usable C_GetFunctionList", path);
		shim.real = NULL;
		return;
	}
	/* The real module stays loaded for the life of the process. */
	shim.control = getenv ("INKAN_SHIM_CONTROL");
	if (shim.control != NULL && *shim.control == '\0')
		shim.control = NULL;
	if (shim.control != NULL && asprintf (&shim.state_path, "%s.state", shim.control) < 0)
		shim.state_path = NULL;
	if (shim.state_path == NULL)
		shim.control = NULL;
	pause = getenv ("INKAN_SHIM_RELOAD_PAUSE_MS");
	if (pause != NULL)
		shim.reload_pause_ms = strtol (pause, NULL, 10) % 1000;
	pthread_atfork (NULL, NULL, forked_child);
}

static CK_RV
shim_C_GetFunctionList (CK_FUNCTION_LIST_PTR_PTR list)
{
	if (list == NULL)
		return CKR_ARGUMENTS_BAD;
	pthread_once (&load_once, load_real);
	if (shim.real == NULL)
		return CKR_GENERAL_ERROR;
	*list = &shim_functions;
	return CKR_OK;
}

SHIM_EXPORT CK_RV
C_GetFunctionList (CK_FUNCTION_LIST_PTR_PTR list)
{
	return shim_C_GetFunctionList (list);
}
