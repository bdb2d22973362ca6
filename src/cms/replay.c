#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "src/cms/replay.h"
#include "src/util/internal.h"

inkan_err
inkan_replay_check_and_add (const char *path, const char *id, time_t expires, time_t now)
{
	char line[256], seen[128], *tmp = NULL;
	long long until;
	FILE *in = NULL, *out = NULL;
	inkan_err err = INKAN_OK;
	int fd, lock, out_fd;

	/* A lock file beside the cache: the cache itself is replaced whole. */
	if (asprintf (&tmp, "%s.lock", path) < 0)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	/* Ids are base64url: no space or newline can forge a line. */
	if (strlen (id) == 0 || strlen (id) > 100 || strspn (id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != strlen (id)) {
		free (tmp);
		return inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("malformed token id"));
	}
	lock = open (tmp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free (tmp);
	tmp = NULL;
	if (lock < 0 || flock (lock, LOCK_EX) != 0) {
		err = inkan_fail (INKAN_ERR_IO, _("cannot lock the replay cache %s: %s"), path, strerror (errno));
		goto out;
	}
	if (asprintf (&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	if ((out_fd = mkstemp (tmp)) < 0 || (out = fdopen (out_fd, "w")) == NULL) {
		err = inkan_fail (INKAN_ERR_IO, _("cannot write the replay cache %s: %s"), path, strerror (errno));
		goto out;
	}
	fd = open (path, O_RDONLY | O_CLOEXEC);
	in = fd >= 0 ? fdopen (fd, "r") : NULL;
	while (in != NULL && fgets (line, sizeof line, in) != NULL) {
		if (sscanf (line, "%127s %lld", seen, &until) != 2 || until < (long long) now)
			continue;
		if (strcmp (seen, id) == 0) {
			err = inkan_fail (INKAN_ERR_REJECTED, _("token %s was already used"), id);
			goto out;
		}
		fprintf (out, "%s %lld\n", seen, until);
	}
	fprintf (out, "%s %lld\n", id, (long long) expires);
	if (fflush (out) != 0 || fsync (fileno (out)) != 0 || rename (tmp, path) != 0)
		err = inkan_fail (INKAN_ERR_IO, _("cannot write the replay cache %s: %s"), path, strerror (errno));
out:
	if (in != NULL)
		fclose (in);
	if (out != NULL)
		fclose (out);
	if (tmp != NULL && err != INKAN_OK)
		unlink (tmp);
	free (tmp);
	if (lock >= 0)
		close (lock);
	return err;
}
