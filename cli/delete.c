/* inkan delete URI [--pin SRC]: remove one object from a token. */
#include <getopt.h>
#include <stdio.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan delete URI [--pin SRC] [--allow-final-try]")

int
verb_delete (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		TOOL_PINS_LONG,
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	const char *uri;
	inkan_token *tok = NULL;
	inkan_err err;
	int c;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (!tool_pins_option (t, &pins, c, optarg))
			return tool_help_or_usage (t, c, USAGE);
	}
	if (argc - optind != 1)
		return tool_usage (t, "delete", "%s", USAGE);
	uri = argv[optind];
	err = tool_open_token (t, uri, pins.pin, 0, &tok);
	if (err == INKAN_OK)
		err = inkan_object_delete (tok, uri);
	inkan_token_free (tok);
	if (err != INKAN_OK)
		return tool_fail (t, err);
	if (t->json)
		tool_json_print (json_pack ("{s:s}", "deleted", uri));
	else
		printf (_("deleted %s\n"), uri);
	return TOOL_EXIT_OK;
}
