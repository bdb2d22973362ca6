/* Whole files with a bound: what the programs and the library read whole
 * (certificates, settings, CMS, CRLs) comes through here. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <inkan/file.h>
#include "src/util/internal.h"

static inkan_err
too_large (const char *name, size_t limit)
{
	return inkan_fail (INKAN_ERR_BAD_INPUT, _("%s is larger than %zu bytes, the limit for this file"), name, limit);
}

/* A regular file, or (STREAM) a FIFO or character device; the rest
 * (directories, sockets, block devices) cannot be read as a file. */
static inkan_err
check_kind (int fd, const char *name, unsigned flags, size_t limit)
{
	struct stat st;

	if (fstat (fd, &st) != 0)
		return inkan_fail (INKAN_ERR_IO, _("cannot read %s: %m"), name);
	if (S_ISREG (st.st_mode)) {
		if (limit != INKAN_FILE_NO_LIMIT && (uintmax_t) st.st_size > limit)
			return too_large (name, limit);
		return INKAN_OK;
	}
	if ((flags & INKAN_FILE_STREAM) && (S_ISFIFO (st.st_mode) || S_ISCHR (st.st_mode)))
		return INKAN_OK;
	return inkan_fail (INKAN_ERR_IO, _("%s is not a regular file"), name);
}

static inkan_err
read_all (int fd, const char *name, size_t limit, uint8_t **data, size_t *len)
{
	uint8_t *buf = NULL;
	size_t cap = 0, used = 0;
	inkan_err err = INKAN_OK;

	for (;;) {
		ssize_t r;

		if (used == cap) {
			/* one byte spare, so that text can be NUL-terminated in place */
			uint8_t *bigger = realloc (buf, (cap = cap ? cap * 2 : 65536) + 1);

			if (bigger == NULL) {
				err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
				goto out;
			}
			buf = bigger;
		}
		r = read (fd, buf + used, cap - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = inkan_fail (INKAN_ERR_IO, _("cannot read %s: %m"), name);
			goto out;
		}
		if (r == 0)
			break;
		used += (size_t) r;
		/* a file that grew after fstat, or a stream, meets the limit here */
		if (limit != INKAN_FILE_NO_LIMIT && used > limit) {
			err = too_large (name, limit);
			goto out;
		}
	}
	buf[used] = '\0';
	*data = buf;
	*len = used;
	buf = NULL;
out:
	free (buf);
	return err;
}

inkan_err
inkan_file_read (const char *path, size_t limit, unsigned flags, uint8_t **data, size_t *len)
{
	int fd, fl;
	inkan_err err;

	if (path == NULL || strcmp (path, "-") == 0) {
		if (!(flags & INKAN_FILE_STDIN))
			return inkan_fail (INKAN_ERR_USAGE, "%s", _("standard input cannot be read here; name a file"));
		return read_all (STDIN_FILENO, _("standard input"), limit, data, len);
	}
	/* O_NONBLOCK: opening a FIFO with no writer must not hang before the
	 * check can refuse it; cleared again for the read. */
	fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return inkan_fail (INKAN_ERR_IO, _("cannot open %s: %m"), path);
	err = check_kind (fd, path, flags, limit);
	if (err == INKAN_OK && ((fl = fcntl (fd, F_GETFL)) < 0 || fcntl (fd, F_SETFL, fl & ~O_NONBLOCK) < 0))
		err = inkan_fail (INKAN_ERR_IO, _("cannot read %s: %m"), path);
	if (err == INKAN_OK)
		err = read_all (fd, path, limit, data, len);
	close (fd);
	return err;
}
