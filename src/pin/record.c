#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/pin/record.h"
#include "src/util/internal.h"

#define MAGIC "inkan-pin-record 1 failures "

inkan_err
inkan_pin_record_path (const char *dir, const char *name, char **path_out)
{
	char *state = dir == NULL ? inkan_path_state_dir () : NULL;
	int n;

	if (dir != NULL)
		n = asprintf (path_out, "%s/%s", dir, name);
	else if (state != NULL)
		n = asprintf (path_out, "%s/pin/%s", state, name);
	else
		return inkan_fail (INKAN_ERR_IO, "%s",
		                   _("no place for the PIN record: set HOME or XDG_STATE_HOME, or configure a directory"));
	free (state);
	if (n < 0)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	return INKAN_OK;
}

/* Whether the file open on FD, and the directory it is in, are the user's
 * own and writable by no one else, as OpenSSH asks of a key file: another
 * user who could write the count could make inkan send a PIN that locks
 * the card, or hold back the one that would. */
static inkan_err
trusted (int fd, const char *path)
{
	struct stat st, dir;
	char *copy = strdup (path);
	inkan_err err = INKAN_OK;
	const char *why = NULL;

	if (copy == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	if (fstat (fd, &st) != 0 || stat (dirname (copy), &dir) != 0)
		err = inkan_fail (INKAN_ERR_IO, _("cannot read the PIN record %s: %s"), path, strerror (errno));
	else if (!S_ISREG (st.st_mode))
		why = _("it is not a regular file");
	else if (st.st_uid != geteuid ())
		why = _("it belongs to another user");
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		why = _("others can write it");
	else if ((dir.st_uid != geteuid () && dir.st_uid != 0) || (dir.st_mode & (S_IWGRP | S_IWOTH)))
		why = _("its directory belongs to another user or others can write it");
	if (why != NULL)
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("the PIN record %s is not trusted (%s); nothing was sent"), path,
		                  why);
	free (copy);
	return err;
}

inkan_err
inkan_pin_record_read (const char *path, int *failures)
{
	char buf[64];
	ssize_t n;
	inkan_err err;
	/* O_NOFOLLOW and O_NONBLOCK: a link or a FIFO planted there neither
	 * redirects nor hangs the read; trusted () refuses both. */
	int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	*failures = 0;
	if (fd < 0 && errno == ENOENT)
		return INKAN_OK;
	if (fd < 0)
		return inkan_fail (INKAN_ERR_IO, _("cannot read the PIN record %s: %s"), path, strerror (errno));
	err = trusted (fd, path);
	if (err != INKAN_OK) {
		close (fd);
		return err;
	}
	n = read (fd, buf, sizeof buf - 1);
	close (fd);
	if (n >= 0 && inkan_pin_record_parse (buf, (size_t) n, failures))
		return INKAN_OK;
	/* Replaced whole on every write, so this is not a torn write but an
	 * edit: refuse rather than guess low. */
	return inkan_fail (INKAN_ERR_BAD_INPUT, _("the PIN record %s is malformed; remove it only if you know "
	                                          "how many wrong PINs were tried"), path);
}

/* Only what inkan_pin_record_write makes: MAGIC, the count in canonical
 * decimal, a newline. */
int
inkan_pin_record_parse (const char *data, size_t len, int *failures)
{
	size_t m = strlen (MAGIC), i;
	int v = 0;

	if (len < m + 2 || len > m + 4 || memcmp (data, MAGIC, m) != 0 || data[len - 1] != '\n' ||
	    (data[m] == '0' && len != m + 2))
		return 0;
	for (i = m; i < len - 1; i++) {
		if (data[i] < '0' || data[i] > '9')
			return 0;
		v = v * 10 + (data[i] - '0');
	}
	if (v > 255)
		return 0;
	*failures = v;
	return 1;
}

static inkan_err
make_dirs (const char *path)
{
	char *copy = strdup (path), *p;
	inkan_err err = INKAN_OK;

	if (copy == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir (copy, 0700) != 0 && errno != EEXIST) {
			err = inkan_fail (INKAN_ERR_IO, _("cannot create %s: %s"), copy, strerror (errno));
			break;
		}
		*p = '/';
	}
	free (copy);
	return err;
}

inkan_err
inkan_pin_record_write (const char *path, int failures)
{
	char text[64], *tmp = NULL, *dir_copy = NULL;
	int fd = -1, dfd, len;
	inkan_err err;

	err = make_dirs (path);
	if (err != INKAN_OK)
		return err;
	len = snprintf (text, sizeof text, MAGIC "%d\n", failures);
	if (asprintf (&tmp, "%s.XXXXXX", path) < 0)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	fd = mkstemp (tmp);
	if (fd < 0 || write (fd, text, (size_t) len) != len || fsync (fd) != 0) {
		err = inkan_fail (INKAN_ERR_IO, _("cannot write the PIN record %s: %s"), path, strerror (errno));
		goto out;
	}
	close (fd);
	fd = -1;
	if (rename (tmp, path) != 0) {
		err = inkan_fail (INKAN_ERR_IO, _("cannot write the PIN record %s: %s"), path, strerror (errno));
		goto out;
	}
	/* The rename itself must survive a power cut too. */
	dir_copy = strdup (path);
	if (dir_copy != NULL && (dfd = open (dirname (dir_copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void) fsync (dfd);
		close (dfd);
	}
out:
	if (fd >= 0)
		close (fd);
	if (err != INKAN_OK)
		unlink (tmp);
	free (dir_copy);
	free (tmp);
	return err;
}

inkan_err
inkan_pin_record_lock (const char *path, int *fd_out)
{
	char *lock = NULL;
	inkan_err err;
	int fd, rc = 0;

	*fd_out = -1;
	err = make_dirs (path);
	if (err != INKAN_OK)
		return err;
	if (asprintf (&lock, "%s.lock", path) < 0)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	while (fd >= 0 && (rc = flock (fd, LOCK_EX)) != 0 && errno == EINTR)
		;
	if (fd < 0 || rc != 0)
		err = inkan_fail (INKAN_ERR_IO, _("cannot lock the PIN record %s: %s"), lock, strerror (errno));
	else
		err = trusted (fd, lock);
	if (err == INKAN_OK)
		*fd_out = fd;
	else if (fd >= 0)
		close (fd);
	free (lock);
	return err;
}

void
inkan_pin_record_unlock (int fd)
{
	if (fd >= 0)
		close (fd);
}
