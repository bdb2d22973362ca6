/* Default paths and the environment that moves them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inkan/paths.h>

static void
is_dir (char *got, const char *want)
{
	assert_non_null (got);
	assert_string_equal (got, want);
	free (got);
}

static void
test_state_and_cache (void **state)
{
	(void) state;
	setenv ("HOME", "/home/k", 1);
	unsetenv ("XDG_STATE_HOME");
	unsetenv ("XDG_CACHE_HOME");
	unsetenv ("INKAN_CACHE_DIR");
	is_dir (inkan_path_state_dir (), "/home/k/.local/state/inkan");
	is_dir (inkan_path_cache_dir (), "/home/k/.cache/inkan/validate");
	setenv ("XDG_STATE_HOME", "/var/state", 1);
	setenv ("XDG_CACHE_HOME", "/var/cache", 1);
	is_dir (inkan_path_state_dir (), "/var/state/inkan");
	is_dir (inkan_path_cache_dir (), "/var/cache/inkan/validate");
	/* relative XDG values are not to be used */
	setenv ("XDG_STATE_HOME", "state", 1);
	is_dir (inkan_path_state_dir (), "/home/k/.local/state/inkan");
	setenv ("INKAN_CACHE_DIR", "/tmp/c", 1);
	is_dir (inkan_path_cache_dir (), "/tmp/c");
	setenv ("INKAN_CACHE_DIR", "", 1);
	assert_null (inkan_path_cache_dir ());
	unsetenv ("HOME");
	unsetenv ("XDG_STATE_HOME");
	assert_null (inkan_path_state_dir ());
}

static void
test_system_files (void **state)
{
	(void) state;
	assert_non_null (strstr (inkan_path_ca_pins (), "/inkan/ca-pins"));
	assert_non_null (strstr (inkan_path_pins_dir (), "/inkan/pins"));
	setenv ("INKAN_VALIDATE_CONF", "/etc/elsewhere.conf", 1);
	assert_string_equal (inkan_path_validate_conf (), "/etc/elsewhere.conf");
	setenv ("INKAN_VALIDATE_CONF", "", 1);
	assert_string_equal (inkan_path_validate_conf (), "");
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_state_and_cache),
		cmocka_unit_test (test_system_files),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
