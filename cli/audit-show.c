/* inkan audit show --log FILE|URI [--from SEQ]: the records, one a line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan audit show --log FILE|URI [--from SEQ]")

typedef struct {
	int json;
	json_t *arr;
} show_state;

/* ISO 8601 in UTC with milliseconds: what the log's Unix ms mean. */
static void
iso_time (int64_t ms, char out[32])
{
	time_t s = (time_t) (ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;

	if (gmtime_r (&s, &tm) == NULL || strftime (out, 24, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf (out, 32, "%lld", (long long) ms);
	else
		snprintf (out + 19, 13, ".%03dZ", (int) (ms - (int64_t) s * 1000));
}

static int
show_one (const inkan_audit_record *rec, void *user)
{
	show_state *s = user;
	char when[32], *digest = inkan_hex_encode (rec->digest, rec->digest_len);
	char *hash = rec->hash != NULL ? inkan_hex_encode (rec->hash, 32) : NULL;

	iso_time (rec->time_ms, when);
	if (s->json)
		json_array_append_new (s->arr, json_pack ("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:o}",
		                       "seq", (json_int_t) rec->seq, "time", when, "time_ms", (json_int_t) rec->time_ms,
		                       "client", rec->client, "key_uri", rec->key_uri, "operation", rec->operation,
		                       "digest", digest != NULL ? digest : "", "result", rec->result,
		                       "hash", hash != NULL ? json_string (hash) : json_null ()));
	else
		printf ("%llu %s %s %s %s %s %s\n", (unsigned long long) rec->seq, when, rec->client, rec->operation,
		        rec->key_uri, digest != NULL ? digest : "", rec->result);
	free (digest);
	free (hash);
	return 0;
}

int
verb_audit_show (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "from", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		TOOL_OPTS_END,
	};
	show_state s = { 0 };
	const char *path = NULL;
	unsigned long long from = 0;
	char *end = NULL;
	inkan_err err;
	int c, ret;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': path = optarg; break;
		case 'f':
			from = strtoull (optarg, &end, 10);
			if (end == optarg || *end != '\0')
				return tool_usage (t, "audit show", "%s", USAGE);
			break;
		case 'j': t->json = 1; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (path == NULL || optind != argc)
		return tool_usage (t, "audit show", "%s", USAGE);
	s.json = t->json;
	s.arr = json_array ();
	err = inkan_audit_read (path, from, show_one, &s);
	if (err != INKAN_OK) {
		tool_fail (t, err);
		ret = TOOL_EXIT_ENV;
	} else {
		if (t->json)
			tool_json_print (json_incref (s.arr));
		ret = TOOL_EXIT_OK;
	}
	json_decref (s.arr);
	return ret;
}
