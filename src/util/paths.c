/* Default paths: compiled-in system places (src/meson.build), and the
 * user's by the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <inkan/paths.h>
#include "src/util/paths-config.h"

const char *
inkan_path_validate_conf (void)
{
	const char *env = getenv ("INKAN_VALIDATE_CONF");
	struct stat st;

	if (env != NULL)
		return env;
	return stat (INKAN_SYSCONFDIR "/validate.conf", &st) == 0 ? INKAN_SYSCONFDIR "/validate.conf" : NULL;
}

const char *
inkan_path_ca_pins (void)
{
	return INKAN_SYSCONFDIR "/ca-pins";
}

const char *
inkan_path_pins_dir (void)
{
	return INKAN_DATADIR "/pins";
}

/* $XDG_VAR/SUB, else $HOME/FALLBACK/SUB; only absolute bases count. */
static char *
user_dir (const char *xdg_var, const char *fallback, const char *sub)
{
	const char *base = getenv (xdg_var), *home = getenv ("HOME");
	char *dir = NULL;
	int n = -1;

	if (base != NULL && base[0] == '/')
		n = asprintf (&dir, "%s/%s", base, sub);
	else if (home != NULL && home[0] == '/')
		n = asprintf (&dir, "%s/%s/%s", home, fallback, sub);
	return n < 0 ? NULL : dir;
}

char *
inkan_path_state_dir (void)
{
	return user_dir ("XDG_STATE_HOME", ".local/state", "inkan");
}

char *
inkan_path_cache_dir (void)
{
	const char *env = getenv ("INKAN_CACHE_DIR");
	char *dir;

	if (env != NULL)
		return *env != '\0' && (dir = strdup (env)) != NULL ? dir : NULL;
	return user_dir ("XDG_CACHE_HOME", ".cache", "inkan/validate");
}
