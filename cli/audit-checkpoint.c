/* inkan audit checkpoint --log FILE|URI --key URI [--pin SRC]: sign the log's
 * head on the token, as inkand does from time to time. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan audit checkpoint --log FILE|URI --key URI [--pin SRC] [--allow-final-try]")

int
verb_audit_checkpoint (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "key", required_argument, NULL, 'k' },
		TOOL_PINS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	const char *path = NULL, *uri = NULL;
	inkan_audit *log = NULL;
	inkan_key *key = NULL;
	char *name = NULL;
	uint64_t seq = 0;
	inkan_err err;
	int c, ret;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (c) {
		case 'l': path = optarg; break;
		case 'k': uri = optarg; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (path == NULL || uri == NULL || optind != argc)
		return tool_usage (t, "audit checkpoint", "%s", USAGE);
	err = tool_open_key (t, uri, pins.pin, 0, &key);
	if (err == INKAN_OK)
		err = inkan_audit_open (path, &log);
	if (err == INKAN_OK)
		err = inkan_audit_checkpoint (log, key, &seq);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	if (t->json) {
		/* Named without the password a URI may hold. */
		name = inkan_audit_display_name (path);
		tool_json_print (json_pack ("{s:s, s:I, s:s}", "log", name != NULL ? name : "", "seq", (json_int_t) seq,
		                            "key", inkan_key_get_uri (key)));
	}
	else
		printf (_("checkpoint of seq %llu signed by %s\n"), (unsigned long long) seq, inkan_key_get_uri (key));
	ret = TOOL_EXIT_OK;
out:
	free (name);
	inkan_audit_close (log);
	inkan_key_free (key);
	return ret;
}
