/* inkan pin unblock [TOKEN-URI] [--so-pin SRC] [--new-pin SRC] [--allow-final-try] */
#include <getopt.h>
#include <stdio.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan pin unblock [TOKEN-URI] [--so-pin SRC] [--new-pin SRC] [--allow-final-try]")

int
verb_pin_unblock (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "so-pin", required_argument, NULL, 'S' },
		{ "new-pin", required_argument, NULL, 'n' },
		{ "allow-final-try", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	const char *so_src = NULL, *new_src = NULL, *uri;
	inkan_secret *so_pin = NULL, *new_pin = NULL;
	inkan_token *tok = NULL;
	unsigned flags = 0;
	inkan_err err;
	int c;

	while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'S': so_src = optarg; break;
		case 'n': new_src = optarg; break;
		case 'A': flags |= INKAN_LOGIN_ALLOW_FINAL_TRY; break;
		default: return tool_usage (t, "pin unblock", "%s", USAGE);
		}
	}
	if (argc - optind > 1)
		return tool_usage (t, "pin unblock", "%s", USAGE);
	uri = optind < argc ? argv[optind] : NULL;

	err = inkan_token_open (t->ctx, uri, &tok);
	if (err == INKAN_OK)
		err = tool_secret (so_src, _("SO PIN (admin PIN, PUK): "), &so_pin);
	if (err == INKAN_OK)
		err = tool_new_secret (new_src, &new_pin);
	if (err == INKAN_OK)
		err = inkan_pin_unblock (tok, so_pin, new_pin, flags);
	inkan_secret_free (so_pin);
	inkan_secret_free (new_pin);
	inkan_token_free (tok);
	if (err != INKAN_OK)
		return tool_fail (t, err);
	if (t->json)
		tool_json_print (json_pack ("{s:b}", "unblocked", 1));
	else
		printf ("%s\n", _("user PIN set; the token is unblocked"));
	return TOOL_EXIT_OK;
}
