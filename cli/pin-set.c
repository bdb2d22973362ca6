/* inkan pin set [TOKEN-URI] [--so-pin SRC] [--new-pin SRC] [--new-so-pin SRC] [--allow-final-try] */
#include <getopt.h>
#include <stdio.h>

#include "cli/tool.h"

#define USAGE N_("usage: inkan pin set [TOKEN-URI] [--so-pin SRC] [--new-pin SRC] [--new-so-pin SRC]\n" \
	"  [--allow-final-try]\n" \
	"At issuance: gives the card its holder's own PINs, with the SO PIN (an OpenPGP card's\n" \
	"admin PIN) that the issuer holds.  The user PIN becomes --new-pin, whatever it was or\n" \
	"whether it was locked; with --new-so-pin the SO PIN is then changed too.  Every new\n" \
	"PIN is checked against the card's rules before any PIN is sent.  Without --new-pin\n" \
	"the user PIN is asked for on the terminal, twice, with the card's rule.  On an\n" \
	"OpenPGP card this works over PC/SC, with OpenSC as installed.")

/* The new PIN of USER, asked for with the card's rule for it. */
static inkan_err
new_pin (inkan_token *tok, inkan_user user, const char *source, inkan_secret **out)
{
	inkan_card_pin_info pin;
	char prompt[512], again[512];

	inkan_card_pin_for_token (inkan_token_get_info (tok), user, &pin);
	if (pin.rule != NULL)
		snprintf (prompt, sizeof prompt, _("New %s (%s): "), pin.label, pin.rule);
	else
		snprintf (prompt, sizeof prompt, _("New %s: "), pin.label);
	snprintf (again, sizeof again, _("New %s again: "), pin.label);
	return tool_new_secret_as (source, prompt, again, out);
}

int
verb_pin_set (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		TOOL_SO_PIN_LONG,
		TOOL_FINAL_TRY_LONG,
		{ "new-pin", required_argument, NULL, 'n' },
		{ "new-so-pin", required_argument, NULL, 'N' },
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	const char *new_src = NULL, *new_so_src = NULL, *uri;
	inkan_secret *so_pin = NULL, *user_pin = NULL, *new_so_pin = NULL;
	inkan_token *tok = NULL;
	int set_so = 0;
	inkan_err err;
	int c;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (c) {
		case 'n': new_src = optarg; break;
		case 'N': new_so_src = optarg; set_so = 1; break;
		default: return tool_help_or_usage (t, c, _(USAGE));
		}
	}
	if (argc - optind > 1)
		return tool_usage (t, "pin set", "%s", _(USAGE));
	uri = optind < argc ? argv[optind] : NULL;

	err = inkan_token_open (t->ctx, uri, &tok);
	if (err == INKAN_OK)
		err = tool_secret (pins.so_pin, _("SO PIN (admin PIN, PUK): "), &so_pin);
	if (err == INKAN_OK)
		err = new_pin (tok, INKAN_USER_NORMAL, new_src, &user_pin);
	if (err == INKAN_OK && set_so)
		err = new_pin (tok, INKAN_USER_SO, new_so_src, &new_so_pin);
	if (err == INKAN_OK)
		err = inkan_pin_set (tok, so_pin, user_pin, new_so_pin, t->consent);
	inkan_secret_free (so_pin);
	inkan_secret_free (user_pin);
	inkan_secret_free (new_so_pin);
	inkan_token_free (tok);
	if (err != INKAN_OK)
		return tool_fail (t, err);
	if (t->json)
		tool_json_print (json_pack ("{s:b, s:b}", "user_pin_set", 1, "so_pin_set", set_so));
	else
		printf ("%s\n", set_so ? _("user PIN and SO PIN set") : _("user PIN set"));
	return TOOL_EXIT_OK;
}
