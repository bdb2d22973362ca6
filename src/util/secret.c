/* Secrets (PINs, passphrases) in memory that stays out of core dumps and
 * swap where the system allows, wiped before it is given back. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include <inkan/secret.h>
#include "src/util/internal.h"

/* One page holds the struct and the text; PINs are far shorter. */
#define SECRET_PAGE 4096
#define SECRET_MAX (SECRET_PAGE - sizeof (struct inkan_secret) - 1)

struct inkan_secret {
	size_t len;
	char data[];
};

static inkan_err
secret_alloc (inkan_secret **out)
{
	void *page = mmap (NULL, SECRET_PAGE, PROT_READ | PROT_WRITE,
	                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("cannot allocate memory for a secret"));
	/* Best effort: without these the secret still works, it is just less
	 * well hidden (RLIMIT_MEMLOCK may be small for ordinary users). */
	(void) madvise (page, SECRET_PAGE, MADV_DONTDUMP);
	(void) mlock (page, SECRET_PAGE);
	*out = page;
	return INKAN_OK;
}

void
inkan_secret_free (inkan_secret *secret)
{
	if (secret == NULL)
		return;
	OPENSSL_cleanse (secret, SECRET_PAGE);
	munlock (secret, SECRET_PAGE);
	munmap (secret, SECRET_PAGE);
}

const char *
inkan_secret_data (const inkan_secret *secret)
{
	return secret->data;
}

size_t
inkan_secret_len (const inkan_secret *secret)
{
	return secret->len;
}

inkan_err
inkan_secret_new (const char *data, size_t len, inkan_secret **out)
{
	inkan_secret *s = NULL;
	inkan_err err;

	if (len > SECRET_MAX)
		return inkan_fail (INKAN_ERR_USAGE, _("secret longer than %zu bytes"), (size_t) SECRET_MAX);
	err = secret_alloc (&s);
	if (err != INKAN_OK)
		return err;
	memcpy (s->data, data, len);
	s->data[len] = '\0';
	s->len = len;
	*out = s;
	return INKAN_OK;
}

/*
 * Read one line from FD a byte at a time: no stdio buffer keeps a copy, and
 * nothing past the newline is consumed, so the rest of the stream (a second
 * secret, or the data to sign) is left for whoever reads next.
 */
static inkan_err
read_line (int fd, const char *what, inkan_secret **out)
{
	inkan_secret *s = NULL;
	inkan_err err;
	size_t n = 0;
	int any = 0;

	err = secret_alloc (&s);
	if (err != INKAN_OK)
		return err;
	for (;;) {
		char c;
		ssize_t r = read (fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = inkan_fail (INKAN_ERR_IO, _("cannot read secret from %s: %s"), what, strerror (errno));
			goto out;
		}
		if (r == 0 || c == '\n')
			break;
		any = 1;
		if (n >= SECRET_MAX) {
			err = inkan_fail (INKAN_ERR_USAGE, _("secret from %s is longer than %zu bytes"),
			                  what, (size_t) SECRET_MAX);
			goto out;
		}
		s->data[n++] = c;
	}
	if (!any) {
		err = inkan_fail (INKAN_ERR_USAGE, _("no secret in %s (empty)"), what);
		goto out;
	}
	if (n > 0 && s->data[n - 1] == '\r')
		n--;
	s->data[n] = '\0';
	s->len = n;
	*out = s;
	s = NULL;
out:
	inkan_secret_free (s);
	return err;
}

static inkan_err
parse_fd (const char *text, int *fd)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol (text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < 0 || v > INT_MAX)
		return inkan_fail (INKAN_ERR_USAGE, _("fd: wants a file descriptor number, not \"%s\""), text);
	*fd = (int) v;
	return INKAN_OK;
}

inkan_err
inkan_secret_read (const char *source, inkan_secret **out)
{
	inkan_err err;
	int fd = -1;

	if (source == NULL)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("no secret source given"));

	if (strncmp (source, "env:", 4) == 0) {
		const char *v = getenv (source + 4);

		if (v == NULL)
			return inkan_fail (INKAN_ERR_USAGE, _("environment variable %s is not set"), source + 4);
		if (*v == '\0')
			return inkan_fail (INKAN_ERR_USAGE, _("environment variable %s is empty"), source + 4);
		return inkan_secret_new (v, strlen (v), out);
	}
	if (strncmp (source, "file:", 5) == 0) {
		fd = open (source + 5, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return inkan_fail (INKAN_ERR_IO, _("cannot open %s: %s"), source + 5, strerror (errno));
		err = read_line (fd, source + 5, out);
		close (fd);
		return err;
	}
	if (strncmp (source, "fd:", 3) == 0) {
		err = parse_fd (source + 3, &fd);
		if (err != INKAN_OK)
			return err;
		return read_line (fd, source, out);
	}
	if (strcmp (source, "stdin") == 0)
		return read_line (STDIN_FILENO, _("standard input"), out);
	if (strncmp (source, "pass:", 5) == 0)
		return inkan_fail (INKAN_ERR_USAGE, "%s",
		                   _("a PIN is never taken from the command line (pass:); "
		                     "use env:VAR, file:PATH, fd:N or stdin"));
	/* Not echoed: a mistaken literal PIN must not reach a log. */
	return inkan_fail (INKAN_ERR_USAGE, "%s",
	                   _("unknown secret source: use env:VAR, file:PATH, fd:N or stdin"));
}
