/* Structured logs: one JSON object per line on stderr, which journald and
 * log shippers take as they are.  And the daemon's own error details. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/inkand/inkand.h"

static const char *const level_names[] = { "info", "warning", "error" };

void
inkand_log (inkand_level level, const char *event, const char *message, const char *fmt, ...)
{
	json_t *obj = NULL;
	json_error_t jerr;
	struct timespec ts;
	struct tm tm;
	char when[80];
	char *line;
	va_list ap;

	if (fmt != NULL) {
		va_start (ap, fmt);
		obj = json_vpack_ex (&jerr, 0, fmt, ap);
		va_end (ap);
	}
	if (obj == NULL)
		obj = json_object ();
	if (obj == NULL)
		return;
	clock_gettime (CLOCK_REALTIME, &ts);
	gmtime_r (&ts.tv_sec, &tm);
	snprintf (when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
	          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	json_object_set_new (obj, "time", json_string (when));
	json_object_set_new (obj, "level", json_string (level_names[level]));
	json_object_set_new (obj, "event", json_string (event));
	if (message != NULL)
		json_object_set_new (obj, "message", json_string (message));
	line = json_dumps (obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref (obj);
	if (line == NULL)
		return;
	/* One call per line: lines of several threads never interleave. */
	fprintf (stderr, "%s\n", line);
	free (line);
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
