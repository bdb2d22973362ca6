/* inkan objects [URI] [--login] [--pin SRC]: what is on a token. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan objects [URI] [--login] [--pin SRC] [--allow-final-try]")

int
verb_objects (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		TOOL_PINS_LONG,
		{ "login", no_argument, NULL, 'l' },
		TOOL_OPTS_END,
	};
	tool_pins pins = { 0 };
	const char *uri;
	int login = 0, c, ret;
	inkan_object_info *objs = NULL;
	inkan_token *tok = NULL;
	json_t *arr = NULL;
	size_t n = 0, i;
	inkan_err err;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		if (tool_pins_option (t, &pins, c, optarg))
			continue;
		if (c != 'l')
			return tool_help_or_usage (t, c, USAGE);
		login = 1;
	}
	if (argc - optind > 1)
		return tool_usage (t, "objects", "%s", USAGE);
	uri = optind < argc ? argv[optind] : NULL;

	/* Private objects show only after login, which is asked for, not
	 * assumed: listing should not cost a PIN try by surprise. */
	err = login || pins.pin ? tool_open_token (t, uri, pins.pin, 0, &tok) : inkan_token_open (t->ctx, uri, &tok);
	if (err == INKAN_OK)
		err = inkan_object_list (tok, uri, &objs, &n);
	if (err != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	arr = json_array ();
	for (i = 0; i < n; i++) {
		char *id = inkan_hex_encode (objs[i].id, objs[i].id_len);
		const char *cls = inkan_object_class_name (objs[i].cls);

		if (t->json) {
			json_t *o = json_pack ("{s:s, s:s, s:s, s:s}", "uri", objs[i].uri, "class", cls,
			                       "label", objs[i].label, "id", id ? id : "");

			json_object_set_new (o, "key_type", objs[i].key_type ? json_string (objs[i].key_type)
			                                                     : json_null ());
			json_array_append_new (arr, o);
		} else {
			printf ("%s\n", objs[i].uri);
			tool_field (4, 10, _("class:"), "%s", cls);
			tool_field (4, 10, _("label:"), "%s", objs[i].label);
			tool_field (4, 10, _("id:"), "%s", id ? id : "");
			if (objs[i].key_type)
				tool_field (4, 10, _("key type:"), "%s", objs[i].key_type);
		}
		free (id);
	}
	if (t->json)
		tool_json_print (json_incref (arr));
	ret = TOOL_EXIT_OK;
out:
	json_decref (arr);
	inkan_object_info_free (objs, n);
	inkan_token_free (tok);
	return ret;
}
