/* inkan tokens [URI]: the slots with a token, and what each token says. */
#include <getopt.h>
#include <stdio.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan tokens [TOKEN-URI]")

static json_t *
flags_json (unsigned long flags)
{
	const char *names[32];
	size_t n = inkan_token_flag_names (flags, names, 32), i;
	json_t *arr = json_array ();

	for (i = 0; i < n; i++)
		json_array_append_new (arr, json_string (names[i]));
	return arr;
}

static void
print_text (const inkan_token_info *ti)
{
	const char *names[32];
	size_t n = inkan_token_flag_names (ti->flags, names, 32), i;

	printf ("%s\n", ti->uri);
	tool_field (4, 14, _("label:"), "%s", ti->label);
	tool_field (4, 14, _("manufacturer:"), "%s", ti->manufacturer);
	tool_field (4, 14, _("model:"), "%s", ti->model);
	tool_field (4, 14, _("serial:"), "%s", ti->serial);
	tool_field (4, 14, _("slot:"), "%lu (%s)", ti->slot_id, ti->slot_description);
	tool_field (4, 14, _("module:"), "%s", ti->module);
	tool_label (4, 14, _("flags:"));
	for (i = 0; i < n; i++)
		printf (" %s", names[i]);
	printf ("\n");
}

int
verb_tokens (tool *t, int argc, char **argv)
{
	static const struct option opts[] = { TOOL_OPTS_END };
	inkan_token_info *infos = NULL;
	size_t n = 0, i;
	inkan_err err;
	int c;

	if ((c = getopt_long (argc, argv, "+h", opts, NULL)) != -1)
		return tool_help_or_usage (t, c, USAGE);
	if (argc - optind > 1)
		return tool_usage (t, "tokens", "%s", USAGE);
	err = inkan_token_list (t->ctx, optind < argc ? argv[optind] : NULL, &infos, &n);
	if (err != INKAN_OK)
		return tool_fail (t, err);
	if (t->json) {
		json_t *arr = json_array ();

		for (i = 0; i < n; i++)
			json_array_append_new (arr, json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o}",
				"uri", infos[i].uri, "label", infos[i].label,
				"manufacturer", infos[i].manufacturer, "model", infos[i].model,
				"serial", infos[i].serial, "module", infos[i].module,
				"slot", (json_int_t) infos[i].slot_id,
				"slot_description", infos[i].slot_description,
				"flags", flags_json (infos[i].flags)));
		tool_json_print (arr);
	} else {
		for (i = 0; i < n; i++)
			print_text (&infos[i]);
	}
	inkan_token_info_free (infos, n);
	return TOOL_EXIT_OK;
}
