/* inkan pin status [TOKEN-URI]: tries left per token and PIN, and whence. */
#include <getopt.h>
#include <stdio.h>

#include <p11-kit/pkcs11.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan pin status [TOKEN-URI]")

static json_t *
status_json (const inkan_pin_status *st)
{
	json_t *o = json_pack ("{s:s, s:s, s:s}", "pin", st->user == INKAN_USER_SO ? "so" : "user",
	                       "state", inkan_pin_state_name (st->state), "profile", st->profile);

	json_object_set_new (o, "tries_left", st->tries_left < 0 ? json_null () : json_integer (st->tries_left));
	json_object_set_new (o, "tries_source", st->tries_source ? json_string (st->tries_source) : json_null ());
	json_object_set_new (o, "state_source", st->state_source ? json_string (st->state_source) : json_null ());
	json_object_set_new (o, "max_tries", json_integer (st->max_tries));
	json_object_set_new (o, "max_source", json_string (st->max_source));
	json_object_set_new (o, "failures_recorded", json_integer (st->failures));
	return o;
}

static void
status_text (const inkan_pin_status *st)
{
	const char *names[] = { _("SO PIN"), _("user PIN") };

	tool_label (4, tool_widest (names, 2) + 1, names[st->user == INKAN_USER_SO ? 0 : 1]);
	printf (" %-10s ", inkan_pin_state_name (st->state));
	if (st->tries_left >= 0)
		printf (_("%d of %d tries left (%s; maximum: %s)\n"), st->tries_left, st->max_tries,
		        st->tries_source, st->max_source);
	else
		printf (_("tries left unknown (maximum %d: %s)\n"), st->max_tries, st->max_source);
}

int
verb_pin_status (tool *t, int argc, char **argv)
{
	static const struct option opts[] = { TOOL_OPTS_END };
	inkan_token_info *infos = NULL;
	json_t *arr = json_array ();
	size_t n = 0, i;
	inkan_err err = INKAN_OK;
	int c, ret = TOOL_EXIT_OK;

	if ((c = getopt_long (argc, argv, "+h", opts, NULL)) != -1 || argc - optind > 1) {
		json_decref (arr);
		return c != -1 ? tool_help_or_usage (t, c, USAGE) : tool_usage (t, "pin status", "%s", USAGE);
	}
	err = inkan_token_list (t->ctx, optind < argc ? argv[optind] : NULL, &infos, &n);
	for (i = 0; err == INKAN_OK && i < n; i++) {
		static const inkan_user users[] = { INKAN_USER_NORMAL, INKAN_USER_SO };
		inkan_token *tok = NULL;
		json_t *pins = json_array ();
		size_t u;

		if (!(infos[i].flags & CKF_TOKEN_INITIALIZED)) {
			json_decref (pins);
			continue;
		}
		err = inkan_token_open (t->ctx, infos[i].uri, &tok);
		if (!t->json && err == INKAN_OK)
			printf ("%s\n", infos[i].uri);
		for (u = 0; err == INKAN_OK && u < 2; u++) {
			inkan_pin_status st;

			err = inkan_pin_status_get (tok, users[u], &st);
			if (err != INKAN_OK)
				break;
			if (t->json)
				json_array_append_new (pins, status_json (&st));
			else
				status_text (&st);
		}
		if (err == INKAN_OK)
			json_array_append_new (arr, json_pack ("{s:s, s:s, s:o}", "token", infos[i].uri,
			                                       "label", infos[i].label, "pins", json_incref (pins)));
		json_decref (pins);
		inkan_token_free (tok);
	}
	if (err != INKAN_OK)
		ret = tool_fail (t, err);
	else if (t->json)
		tool_json_print (json_incref (arr));
	json_decref (arr);
	inkan_token_info_free (infos, n);
	return ret;
}
