/* inkand's rate limiter when memory runs out: the request is refused, the
 * table keeps no bucket without a name, and the limiter goes on working. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cli/inkand/inkand.h"

/* Linked with --wrap=strdup: the limiter's strdup fails while this is set. */
static int strdup_fails;
char *__real_strdup (const char *s);
char *__wrap_strdup (const char *s);

char *
__wrap_strdup (const char *s)
{
	return strdup_fails ? NULL : __real_strdup (s);
}

static void
take_ok (inkand_ratelimit *rl, const char *client, unsigned want_wait)
{
	unsigned wait = 99;

	assert_int_equal (inkand_ratelimit_take (rl, client, 0, &wait), INKAN_OK);
	assert_int_equal (wait, want_wait);
}

static void
test_nomem_new_client (void **state)
{
	inkand_ratelimit *rl;
	unsigned wait;

	(void) state;
	assert_int_equal (inkand_ratelimit_new (1, 1, &rl), INKAN_OK);
	take_ok (rl, "unix:alice", 0);
	strdup_fails = 1;
	assert_int_equal (inkand_ratelimit_take (rl, "unix:bob", 0, &wait), INKAN_ERR_NOMEM);
	/* A known client needs no new bucket. */
	take_ok (rl, "unix:alice", 1);
	strdup_fails = 0;
	take_ok (rl, "unix:bob", 0);
	inkand_ratelimit_free (rl);
}

/* With every bucket taken a newcomer evicts one: failing to name it must
 * not leave the evicted slot without a name for the next lookup. */
static void
test_nomem_full_table (void **state)
{
	inkand_ratelimit *rl;
	unsigned wait;
	char name[32];
	int i;

	(void) state;
	assert_int_equal (inkand_ratelimit_new (1, 5, &rl), INKAN_OK);
	for (i = 0; i < 4096; i++) {
		snprintf (name, sizeof name, "uid:%d", i);
		take_ok (rl, name, 0);
	}
	strdup_fails = 1;
	assert_int_equal (inkand_ratelimit_take (rl, "unix:newcomer", 0, &wait), INKAN_ERR_NOMEM);
	strdup_fails = 0;
	for (i = 0; i < 4096; i++) {
		snprintf (name, sizeof name, "uid:%d", i);
		take_ok (rl, name, 0);
	}
	take_ok (rl, "unix:newcomer", 0);
	inkand_ratelimit_free (rl);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_nomem_new_client),
		cmocka_unit_test (test_nomem_full_table),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
