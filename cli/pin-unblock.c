/* inkan pin unblock [TOKEN-URI] [--so-pin SRC] [--new-pin SRC] [--allow-final-try] */
#include <getopt.h>
#include <stdio.h>

#include "cli/tool.h"

#define USAGE N_("usage: inkan pin unblock [TOKEN-URI] [--so-pin SRC] [--new-pin SRC] [--allow-final-try]\n" \
	"Sets a new user PIN with the SO PIN (admin PIN, PUK), locked or not; the new PIN is\n" \
	"checked against the card's rules first.  An OpenPGP card is unblocked over PC/SC\n" \
	"(VERIFY of the admin PIN and RESET RETRY COUNTER in one transaction), with OpenSC as\n" \
	"installed; the admin PIN's own tries are guarded like any PIN's.")

int
verb_pin_unblock (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		TOOL_SO_PIN_LONG,
		TOOL_FINAL_TRY_LONG,
		{ "new-pin", required_argument, NULL, 'n' },
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	const char *new_src = NULL, *uri;
	inkan_secret *so_pin = NULL, *new_pin = NULL;
	inkan_token *tok = NULL;
	inkan_err err;
	int c;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		if (c != 'n')
			return tool_help_or_usage (t, c, _(USAGE));
		new_src = optarg;
	}
	if (argc - optind > 1)
		return tool_usage (t, "pin unblock", "%s", _(USAGE));
	uri = optind < argc ? argv[optind] : NULL;

	err = inkan_token_open (t->ctx, uri, &tok);
	if (err == INKAN_OK)
		err = tool_secret (pins.so_pin, _("SO PIN (admin PIN, PUK): "), &so_pin);
	if (err == INKAN_OK)
		err = tool_new_secret (new_src, &new_pin);
	if (err == INKAN_OK)
		err = inkan_pin_unblock (tok, so_pin, new_pin, t->consent);
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
