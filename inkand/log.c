/* Structured logs: one JSON object per line on stderr, which journald and
 * log shippers take as they are.  And the daemon's own error details. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inkand/inkand.h"

static const char *const level_names[] = { "info", "warning", "error" };

/* The line's object: the caller's fields, then time, level, event and
 * message.  NULL when out of memory. */
static json_t *
make_line (inkand_level level, const char *event, const char *message, const char *fmt, va_list ap)
{
	json_t *obj = NULL;
	json_error_t jerr;
	struct timespec ts;
	struct tm tm;
	char when[80];

	if (fmt != NULL)
		obj = json_vpack_ex (&jerr, 0, fmt, ap);
	if (obj == NULL)
		obj = json_object ();
	if (obj == NULL)
		return NULL;
	clock_gettime (CLOCK_REALTIME, &ts);
	gmtime_r (&ts.tv_sec, &tm);
	snprintf (when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
	          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	json_object_set_new (obj, "time", json_string (when));
	json_object_set_new (obj, "level", json_string (level_names[level]));
	json_object_set_new (obj, "event", json_string (event));
	if (message != NULL)
		json_object_set_new (obj, "message", json_string (message));
	return obj;
}

void
inkand_log (inkand_level level, const char *event, const char *message, const char *fmt, ...)
{
	json_t *obj;
	char *line;
	va_list ap;

	va_start (ap, fmt);
	obj = make_line (level, event, message, fmt, ap);
	va_end (ap);
	line = obj != NULL ? json_dumps (obj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref (obj);
	if (line == NULL)
		return;
	/* One call per line: lines of several threads never interleave. */
	fprintf (stderr, "%s\n", line);
	free (line);
}

/* The loop thread's deferred lines, whole lines only.  Written at the end
 * of the loop's turn, in writes of at most PIPE_BUF bytes cut at line
 * ends, which a pipe or journald's socket keeps whole beside the other
 * threads' lines. */
static char *deferred;
static size_t deferred_len, deferred_cap;

#define DEFERRED_MAX (64 * 1024)

void
inkand_log_flush (void)
{
	size_t off = 0;

	while (off < deferred_len) {
		size_t n = deferred_len - off;
		ssize_t w;

		if (n > PIPE_BUF) {
			n = PIPE_BUF;
			while (n > 1 && deferred[off + n - 1] != '\n')
				n--;
		}
		w = write (STDERR_FILENO, deferred + off, n);
		if (w < 0 && errno == EINTR)
			continue;
		/* Logs are not worth blocking the loop for, nor losing the turn's
		 * answers: what the pipe will not take now is dropped. */
		if (w <= 0)
			break;
		off += (size_t) w;
	}
	deferred_len = 0;
}

void
inkand_log_deferred (inkand_level level, const char *event, const char *message, const char *fmt, ...)
{
	json_t *obj;
	size_t need;
	va_list ap;

	va_start (ap, fmt);
	obj = make_line (level, event, message, fmt, ap);
	va_end (ap);
	if (obj == NULL)
		return;
	for (;;) {
		need = json_dumpb (obj, deferred + deferred_len, deferred_cap - deferred_len,
		                   JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (need == 0 || deferred_len + need < deferred_cap)
			break;
		/* Too long for what is left: grow (for the newline too), then
		 * write it again. */
		if (deferred_len + need + 1 > DEFERRED_MAX && deferred_len > 0) {
			inkand_log_flush ();
			continue;
		}
		char *bigger = realloc (deferred, deferred_len + need + 4096);

		if (bigger == NULL) {
			need = 0;
			break;
		}
		deferred = bigger;
		deferred_cap = deferred_len + need + 4096;
	}
	json_decref (obj);
	if (need == 0)
		return;
	deferred_len += need;
	deferred[deferred_len++] = '\n';
	if (deferred_len >= DEFERRED_MAX)
		inkand_log_flush ();
}

static __thread char detail[512];
static __thread int detail_ours;

inkan_err
inkand_fail (inkan_err err, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	vsnprintf (detail, sizeof detail, fmt, ap);
	va_end (ap);
	detail_ours = 1;
	return err;
}

inkan_err
inkand_from_lib (inkan_err err)
{
	detail_ours = 0;
	return err;
}

const char *
inkand_detail (void)
{
	return detail_ours ? detail : inkan_detail ();
}
