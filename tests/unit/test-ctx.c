#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "src/util/internal.h"

/* A program that never binds inkan's domain still gets inkan's installed
 * catalogs; one that binds it elsewhere keeps its choice. */
static void
test_catalogs_bound (void **state)
{
	inkan_ctx *ctx = NULL;

	(void) state;
	assert_int_equal (inkan_ctx_new (&ctx), INKAN_OK);
	inkan_ctx_free (ctx);
	assert_string_equal (bindtextdomain (GETTEXT_PACKAGE, NULL), LOCALEDIR);

	bindtextdomain (GETTEXT_PACKAGE, "/nonexistent/app-catalogs");
	assert_int_equal (inkan_ctx_new (&ctx), INKAN_OK);
	inkan_ctx_free (ctx);
	assert_string_equal (bindtextdomain (GETTEXT_PACKAGE, NULL), "/nonexistent/app-catalogs");
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_catalogs_bound),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
