/* inkand's rate limiter: when memory runs out the request is refused, the
 * table keeps no bucket without a name, and the limiter goes on working;
 * a batch's cost is taken whole or not at all. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "inkand/inkand.h"

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

	assert_int_equal (inkand_ratelimit_take (rl, client, 1, 0, &wait), INKAN_OK);
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
	assert_int_equal (inkand_ratelimit_take (rl, "unix:bob", 1, 0, &wait), INKAN_ERR_NOMEM);
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
	assert_int_equal (inkand_ratelimit_take (rl, "unix:newcomer", 1, 0, &wait), INKAN_ERR_NOMEM);
	strdup_fails = 0;
	for (i = 0; i < 4096; i++) {
		snprintf (name, sizeof name, "uid:%d", i);
		take_ok (rl, name, 0);
	}
	take_ok (rl, "unix:newcomer", 0);
	inkand_ratelimit_free (rl);
}

/* A batch takes a token per signature: all of them, or none. */
static void
test_cost (void **state)
{
	inkand_ratelimit *rl;
	unsigned wait = 0;

	(void) state;
	assert_int_equal (inkand_ratelimit_new (2, 10, &rl), INKAN_OK);
	assert_int_equal (inkand_ratelimit_take (rl, "unix:relay", 8, 0, &wait), INKAN_OK);
	assert_int_equal (wait, 0);
	/* 2 left: 6 more are 4 short, 2 seconds at 2 a second. */
	assert_int_equal (inkand_ratelimit_take (rl, "unix:relay", 6, 0, &wait), INKAN_OK);
	assert_int_equal (wait, 2);
	/* Nothing was taken by the refusal: the 2 are still there. */
	take_ok (rl, "unix:relay", 0);
	take_ok (rl, "unix:relay", 0);
	take_ok (rl, "unix:relay", 1);
	inkand_ratelimit_free (rl);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_nomem_new_client),
		cmocka_unit_test (test_nomem_full_table),
		cmocka_unit_test (test_cost),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
