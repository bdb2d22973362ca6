/* inkan pin change [TOKEN-URI] [--so] [--pin SRC] [--new-pin SRC] [--allow-final-try] */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan pin change [TOKEN-URI] [--so] [--pin SRC] [--new-pin SRC] [--allow-final-try]")

int
verb_pin_change (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "so", no_argument, NULL, 's' },
		{ "pin", required_argument, NULL, 'p' },
		{ "new-pin", required_argument, NULL, 'n' },
		{ "allow-final-try", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	const char *old_src = NULL, *new_src = NULL, *uri;
	inkan_user user = INKAN_USER_NORMAL;
	inkan_secret *old_pin = NULL, *new_pin = NULL;
	inkan_token *tok = NULL;
	unsigned flags = 0;
	inkan_err err;
	int c;

	while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': user = INKAN_USER_SO; break;
		case 'p': old_src = optarg; break;
		case 'n': new_src = optarg; break;
		case 'A': flags |= INKAN_LOGIN_ALLOW_FINAL_TRY; break;
		default: return tool_usage (t, "pin change", "%s", USAGE);
		}
	}
	if (argc - optind > 1)
		return tool_usage (t, "pin change", "%s", USAGE);
	uri = optind < argc ? argv[optind] : NULL;

	err = inkan_token_open (t->ctx, uri, &tok);
	if (err == INKAN_OK)
		err = tool_secret (old_src, user == INKAN_USER_SO ? _("Current SO PIN: ") : _("Current PIN: "), &old_pin);
	if (err == INKAN_OK)
		err = tool_new_secret (new_src, &new_pin);
	/* The rules are checked before the old PIN costs anything. */
	if (err == INKAN_OK)
		err = inkan_pin_check_rules (tok, new_pin);
	if (err == INKAN_OK)
		err = inkan_pin_change (tok, user, old_pin, new_pin, flags);
	inkan_secret_free (old_pin);
	inkan_secret_free (new_pin);
	inkan_token_free (tok);
	if (err != INKAN_OK)
		return tool_fail (t, err);
	if (t->json)
		tool_json_print (json_pack ("{s:b}", "changed", 1));
	else
		printf ("%s\n", _("PIN changed"));
	return TOOL_EXIT_OK;
}
