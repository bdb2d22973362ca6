/* inkan token init --slot N --label L --so-pin SRC --pin SRC */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan token init --slot N --label LABEL [--so-pin SRC] [--pin SRC]")

int
verb_token_init (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "slot", required_argument, NULL, 's' },
		{ "label", required_argument, NULL, 'l' },
		TOOL_SO_PIN_LONG,
		TOOL_PIN_LONG,
		TOOL_OPTS_END,
	};
	/* No --allow-final-try: C_InitToken takes the SO PIN past the guard,
	 * which has no consent to give it. */
	tool_pins pins = { 0 };
	const char *label = NULL, *slot_text = NULL;
	inkan_secret *so = NULL, *pin = NULL;
	unsigned long slot;
	char *end = NULL;
	inkan_err err;
	int c;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		switch (c) {
		case 's': slot_text = optarg; break;
		case 'l': label = optarg; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (slot_text == NULL || label == NULL || optind != argc)
		return tool_usage (t, "token init", "%s", USAGE);
	errno = 0;
	slot = strtoul (slot_text, &end, 0);
	if (errno != 0 || *end != '\0' || end == slot_text)
		return tool_usage (t, "token init", _("--slot wants a slot number, not \"%s\""), slot_text);

	err = tool_secret (pins.so_pin, _("New SO PIN: "), &so);
	if (err == INKAN_OK)
		err = tool_secret (pins.pin, _("New user PIN: "), &pin);
	if (err == INKAN_OK)
		err = inkan_token_init (t->ctx, slot, label, so, pin);
	inkan_secret_free (so);
	inkan_secret_free (pin);
	if (err != INKAN_OK)
		return tool_fail (t, err);
	if (t->json)
		tool_json_print (json_pack ("{s:s, s:I}", "label", label, "slot", (json_int_t) slot));
	else
		printf (_("token \"%s\" initialised in slot %lu\n"), label, slot);
	return TOOL_EXIT_OK;
}
