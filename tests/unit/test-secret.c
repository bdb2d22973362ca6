#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <inkan/secret.h>
#include "src/util/internal.h"

static void
expect_secret (const char *source, const char *want)
{
	inkan_secret *s = NULL;

	assert_int_equal (inkan_secret_read (source, &s), INKAN_OK);
	assert_string_equal (inkan_secret_data (s), want);
	assert_int_equal (inkan_secret_len (s), strlen (want));
	inkan_secret_free (s);
}

static void
test_env (void **state)
{
	(void) state;
	setenv ("INKAN_TEST_PIN", "123456", 1);
	expect_secret ("env:INKAN_TEST_PIN", "123456");
	unsetenv ("INKAN_TEST_PIN");
}

static void
test_file_first_line (void **state)
{
	char path[] = "/tmp/inkan-secret-XXXXXX";
	int fd = mkstemp (path);

	(void) state;
	assert_true (fd >= 0);
	assert_int_equal (write (fd, "ABC123\r\nsecond line\n", 20), 20);
	close (fd);
	{
		char source[64];

		snprintf (source, sizeof source, "file:%s", path);
		expect_secret (source, "ABC123");
	}
	unlink (path);
}

/* fd: reads one line and no further, so two secrets can share a pipe. */
static void
test_fd_leaves_rest (void **state)
{
	int p[2];
	char source[32], rest[8] = { 0 };

	(void) state;
	assert_int_equal (pipe (p), 0);
	assert_int_equal (write (p[1], "old\nnew\n", 8), 8);
	close (p[1]);
	snprintf (source, sizeof source, "fd:%d", p[0]);
	expect_secret (source, "old");
	assert_int_equal (read (p[0], rest, sizeof rest - 1), 4);
	assert_string_equal (rest, "new\n");
	close (p[0]);
}

/* Fd 0 on a pipe holding WHAT (closed for writing), the real stdin kept in
 * *SAVED to be put back by stdin_restore. */
static void
stdin_from (const char *what, int *saved)
{
	int p[2];

	assert_int_equal (pipe (p), 0);
	assert_int_equal (write (p[1], what, strlen (what)), (ssize_t) strlen (what));
	close (p[1]);
	*saved = dup (STDIN_FILENO);
	assert_true (*saved >= 0);
	assert_int_equal (dup2 (p[0], STDIN_FILENO), STDIN_FILENO);
	close (p[0]);
}

static void
stdin_restore (int saved)
{
	assert_int_equal (dup2 (saved, STDIN_FILENO), STDIN_FILENO);
	close (saved);
}

/* stdin: the first line, without its newline (or CR LF), as for file:; the
 * second line stays unread on fd 0 for whoever reads next. */
static void
test_stdin_first_line (void **state)
{
	char rest[32] = { 0 };
	int saved;

	(void) state;
	stdin_from ("S3CRET\nsecond line\n", &saved);
	expect_secret ("stdin", "S3CRET");
	assert_int_equal (read (STDIN_FILENO, rest, sizeof rest - 1), 12);
	assert_string_equal (rest, "second line\n");
	stdin_restore (saved);

	stdin_from ("4321\r\n", &saved);
	expect_secret ("stdin", "4321");
	stdin_restore (saved);

	/* A last line without a newline is taken whole. */
	stdin_from ("no-newline", &saved);
	expect_secret ("stdin", "no-newline");
	stdin_restore (saved);
}

/* Nothing on stdin, or only an empty line, is no PIN at all: refused, not
 * passed on as an empty PIN that would cost a try. */
static void
test_stdin_empty_is_refused (void **state)
{
	inkan_secret *s = NULL;
	int saved;

	(void) state;
	stdin_from ("", &saved);
	assert_int_equal (inkan_secret_read ("stdin", &s), INKAN_ERR_USAGE);
	assert_null (s);
	assert_non_null (strstr (inkan_detail (), "standard input"));
	stdin_restore (saved);

	stdin_from ("\nlater\n", &saved);
	assert_int_equal (inkan_secret_read ("stdin", &s), INKAN_ERR_USAGE);
	assert_null (s);
	stdin_restore (saved);
}

static void
test_refused (void **state)
{
	const char *bad[] = { "pass:123456", "123456", "env:INKAN_TEST_UNSET", "fd:x",
	                      "fd:-1", "file:/nonexistent/pin", NULL };
	inkan_secret *s = NULL;
	size_t i;

	(void) state;
	unsetenv ("INKAN_TEST_UNSET");
	for (i = 0; bad[i] != NULL; i++) {
		assert_int_not_equal (inkan_secret_read (bad[i], &s), INKAN_OK);
		assert_null (s);
	}
	/* A literal PIN mistaken for a source must not be echoed back. */
	assert_int_equal (inkan_secret_read ("987654", &s), INKAN_ERR_USAGE);
	assert_null (strstr (inkan_detail (), "987654"));
	assert_int_equal (inkan_secret_read ("pass:987654", &s), INKAN_ERR_USAGE);
	assert_null (strstr (inkan_detail (), "987654"));
}

static void
test_empty_is_refused (void **state)
{
	int p[2];
	char source[32];
	inkan_secret *s = NULL;

	(void) state;
	assert_int_equal (pipe (p), 0);
	close (p[1]);
	snprintf (source, sizeof source, "fd:%d", p[0]);
	assert_int_equal (inkan_secret_read (source, &s), INKAN_ERR_USAGE);
	close (p[0]);
	setenv ("INKAN_TEST_EMPTY", "", 1);
	assert_int_equal (inkan_secret_read ("env:INKAN_TEST_EMPTY", &s), INKAN_ERR_USAGE);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_env),
		cmocka_unit_test (test_file_first_line),
		cmocka_unit_test (test_fd_leaves_rest),
		cmocka_unit_test (test_stdin_first_line),
		cmocka_unit_test (test_stdin_empty_is_refused),
		cmocka_unit_test (test_refused),
		cmocka_unit_test (test_empty_is_refused),
	};
	return cmocka_run_group_tests (tests, NULL, NULL);
}
