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
		TOOL_PINS_LONG,
		{ "new-pin", required_argument, NULL, 'n' },
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	const char *new_src = NULL, *uri;
	inkan_user user = INKAN_USER_NORMAL;
	inkan_secret *old_pin = NULL, *new_pin = NULL;
	inkan_token *tok = NULL;
	inkan_err err;
	int c;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (c) {
		case 's': user = INKAN_USER_SO; break;
		case 'n': new_src = optarg; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (argc - optind > 1)
		return tool_usage (t, "pin change", "%s", USAGE);
	uri = optind < argc ? argv[optind] : NULL;

	err = inkan_token_open (t->ctx, uri, &tok);
	if (err == INKAN_OK)
		err = tool_secret (pins.pin, user == INKAN_USER_SO ? _("Current SO PIN: ") : _("Current PIN: "), &old_pin);
	if (err == INKAN_OK)
		err = tool_new_secret (new_src, &new_pin);
	/* The rules are checked before the old PIN costs anything. */
	if (err == INKAN_OK)
		err = inkan_pin_check_rules_for (tok, user, new_pin);
	if (err == INKAN_OK)
		err = inkan_pin_change (tok, user, old_pin, new_pin, t->consent);
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
