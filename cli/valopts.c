/* The validation options (methods, URLs, timeouts, cache), shared by
 * inkan validate and the verbs that check a signer: cms, register,
 * evidence and token verify. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/tool.h"

/* "2026-11-22T10:00:00Z", "2026-11-22 10:00:00", "2026-11-22" (UTC) or "@EPOCH". */
static int
parse_time (const char *s, time_t *out)
{
	static const char *const formats[] = { "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S",
	                                       "%Y-%m-%d %H:%M:%S", "%Y-%m-%d" };
	struct tm tm;
	char *end;
	size_t i;

	if (s[0] == '@') {
		*out = (time_t) strtoll (s + 1, &end, 10);
		return *end == '\0' && end != s + 1;
	}
	for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		memset (&tm, 0, sizeof tm);
		end = strptime (s, formats[i], &tm);
		if (end != NULL && *end == '\0') {
			*out = timegm (&tm);
			return 1;
		}
	}
	return 0;
}

/* "MS" for every method, or "METHOD=MS" for one. */
static int
set_timeouts (tool *t, inkan_validator *v, const char *arg)
{
	const char *eq = strchr (arg, '=');
	inkan_method m, only = INKAN_METHOD_LAST;
	long ms;

	if (eq != NULL) {
		for (only = 0; only < INKAN_METHOD_LAST; only++)
			if (strlen (inkan_method_name (only)) == (size_t) (eq - arg) &&
			    strncmp (arg, inkan_method_name (only), (size_t) (eq - arg)) == 0)
				break;
		if (only == INKAN_METHOD_LAST)
			return tool_usage (t, "validate", _("unknown method in --timeout %s (crl, ocsp, scvp)"), arg);
		arg = eq + 1;
	}
	ms = strtol (arg, NULL, 10);
	if (ms <= 0)
		return tool_usage (t, "validate", _("not a number of milliseconds: %s"), arg);
	for (m = 0; m < INKAN_METHOD_LAST; m++)
		if (only == INKAN_METHOD_LAST || m == only)
			inkan_validator_set_timeout (v, m, ms);
	return 0;
}

static int
set_purpose (tool *t, inkan_validator *v, const char *arg)
{
	static const char *const names[] = { [INKAN_PURPOSE_ANY] = "any", [INKAN_PURPOSE_SIGN] = "sign",
	                                     [INKAN_PURPOSE_AUTH] = "auth" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp (arg, names[i]) == 0) {
			inkan_validator_set_purpose (v, (inkan_purpose) i);
			return 0;
		}
	return tool_usage (t, "validate", _("unknown --purpose %s (sign, auth, any)"), arg);
}

int
tool_valopts_option (tool *t, tool_valopts *vo, int c, const char *arg, int *exit_code)
{
	inkan_validator *v = vo->v;
	inkan_err err = INKAN_OK;
	int taken = 1;
	time_t at;
	long ms;

	switch (c) {
	/* Shared with --anchor/--chain of tool_trust: 2 lets the verb see them too. */
	case 'C': err = inkan_validator_add_chain (v, arg); taken = 2; break;
	case 'a': err = inkan_validator_add_anchor (v, arg); taken = 2; break;
	case 'm': err = inkan_validator_set_methods (v, arg); vo->enabled = 1; break;
	case TOOL_OPT_POLICY: err = inkan_validator_add_policy (v, arg); break;
	case TOOL_OPT_CRL_URL: err = inkan_validator_set_url (v, INKAN_METHOD_CRL, arg); break;
	case TOOL_OPT_CRL_FILE: err = inkan_validator_add_crl_file (v, arg); break;
	case TOOL_OPT_OCSP_URL: err = inkan_validator_set_url (v, INKAN_METHOD_OCSP, arg); break;
	case TOOL_OPT_SCVP_URL: err = inkan_validator_set_url (v, INKAN_METHOD_SCVP, arg); break;
	case TOOL_OPT_SCVP_CERT: err = inkan_validator_set_scvp_cert (v, arg); break;
	case TOOL_OPT_OFFLINE: inkan_validator_set_offline (v, 1); break;
	/* these two say what the engine is to do, as --methods does: they call it in */
	case TOOL_OPT_CONFIG: vo->config = arg; vo->enabled = 1; break;
	case TOOL_OPT_ANCHOR_PINS: err = inkan_validator_add_anchor_pins (v, arg); vo->enabled = 1; break;
	case TOOL_OPT_PURPOSE:
		if ((*exit_code = set_purpose (t, v, arg)) != 0)
			return -1;
		break;
	case TOOL_OPT_NO_CACHE: vo->no_cache = 1; break;
	case TOOL_OPT_CACHE_DIR:
		free (vo->cache_dir);
		vo->cache_dir = strdup (arg);
		break;
	case 't':
		if (!parse_time (arg, &at)) {
			*exit_code = tool_usage (t, "validate", _("not a time: %s (use 2026-11-22T10:00:00Z)"), arg);
			return -1;
		}
		inkan_validator_set_time (v, at);
		break;
	case TOOL_OPT_DEADLINE:
		ms = strtol (arg, NULL, 10);
		if (ms <= 0) {
			*exit_code = tool_usage (t, "validate", _("not a number of milliseconds: %s"), arg);
			return -1;
		}
		inkan_validator_set_deadline (v, ms);
		break;
	case TOOL_OPT_TIMEOUT:
		if ((*exit_code = set_timeouts (t, v, arg)) != 0)
			return -1;
		break;
	default:
		return 0;
	}
	if (err != INKAN_OK) {
		*exit_code = tool_fail (t, err);
		return -1;
	}
	return taken;
}


int
tool_valopts_init (tool *t, tool_valopts *vo)
{
	inkan_err err;

	memset (vo, 0, sizeof *vo);
	vo->cache_dir = inkan_path_cache_dir ();
	err = inkan_validator_new (&vo->v);
	return err == INKAN_OK ? TOOL_EXIT_OK : tool_fail (t, err);
}

inkan_err
tool_valopts_finish (tool_valopts *vo)
{
	const char *path = vo->config != NULL ? vo->config : inkan_path_validate_conf ();
	inkan_err err;

	/* Without a file: crl,ocsp for all.  "" names none. */
	if (path != NULL && *path != '\0' && (err = inkan_validator_load_config (vo->v, path)) != INKAN_OK)
		return err;
	return inkan_validator_set_cache_dir (vo->v, vo->no_cache ? NULL : vo->cache_dir);
}

void
tool_valopts_clear (tool_valopts *vo)
{
	inkan_validator_free (vo->v);
	free (vo->cache_dir);
	memset (vo, 0, sizeof *vo);
}
