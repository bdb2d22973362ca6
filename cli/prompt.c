/* PINs: from a -passin style source, or typed on the terminal unseen. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "cli/tool.h"

static inkan_err
prompt_tty (const char *prompt, inkan_secret **out)
{
	struct termios old, quiet;
	char buf[256];
	size_t n = 0;
	inkan_err err = INKAN_OK;
	int fd = open ("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

	/* Failures here are told by tool_fail, in one line with the rest. */
	if (fd < 0) {
		tool_set_detail ("%s", _("no PIN source given and no terminal to ask on; "
		                         "use --pin env:VAR|file:PATH|fd:N|stdin"));
		return INKAN_ERR_USAGE;
	}
	if (tcgetattr (fd, &old) != 0) {
		close (fd);
		tool_set_detail ("%s", _("cannot turn off echo on the terminal"));
		return INKAN_ERR_IO;
	}
	quiet = old;
	quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	/* Echo goes off before the prompt shows: whoever sees the prompt may
	 * type at once, and what is typed must neither be echoed nor dropped
	 * by the flush.  No PIN is asked for on a terminal that would show it. */
	if (tcsetattr (fd, TCSAFLUSH, &quiet) != 0) {
		close (fd);
		tool_set_detail ("%s", _("cannot turn off echo on the terminal"));
		return INKAN_ERR_IO;
	}
	(void) !write (fd, prompt, strlen (prompt));
	for (;;) {
		char c;
		ssize_t r = read (fd, &c, 1);

		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (n < sizeof buf - 1)
			buf[n++] = c;
	}
	tcsetattr (fd, TCSAFLUSH, &old);
	(void) !write (fd, "\n", 1);
	close (fd);
	/* Just Enter (or end of input) is no PIN: sending an empty one would
	 * cost a try. */
	if (n == 0) {
		tool_set_detail ("%s", _("nothing was typed"));
		return INKAN_ERR_USAGE;
	}
	err = inkan_secret_new (buf, n, out);
	OPENSSL_cleanse (buf, sizeof buf);
	return err;
}

inkan_err
tool_secret (const char *source, const char *prompt, inkan_secret **out)
{
	if (source != NULL)
		return inkan_secret_read (source, out);
	return prompt_tty (prompt, out);
}

inkan_err
tool_login (tool *t, inkan_token *tok, const char *source, unsigned flags)
{
	inkan_secret *pin = NULL;
	char prompt[128];
	inkan_err err;

	flags |= t->consent;
	if (!(flags & TOOL_LOGIN_SO) && !inkan_token_needs_login (tok))
		return INKAN_OK;
	snprintf (prompt, sizeof prompt, flags & TOOL_LOGIN_SO ? _("SO PIN (admin PIN) for %s: ") : _("PIN for %s: "),
	          inkan_token_get_info (tok)->label);
	err = tool_secret (source, prompt, &pin);
	if (err == INKAN_OK)
		err = inkan_token_login (tok, flags & TOOL_LOGIN_SO ? INKAN_USER_SO : INKAN_USER_NORMAL, pin,
		                         flags & ~TOOL_LOGIN_SO);
	inkan_secret_free (pin);
	return err;
}

/* A new PIN: from SOURCE once, or typed twice on the terminal. */
inkan_err
tool_new_secret (const char *source, inkan_secret **out)
{
	return tool_new_secret_as (source, _("New PIN: "), _("New PIN again: "), out);
}

inkan_err
tool_new_secret_as (const char *source, const char *prompt, const char *prompt_again, inkan_secret **out)
{
	inkan_secret *first = NULL, *again = NULL;
	inkan_err err;

	if (source != NULL)
		return inkan_secret_read (source, out);
	err = prompt_tty (prompt, &first);
	if (err == INKAN_OK)
		err = prompt_tty (prompt_again, &again);
	if (err == INKAN_OK && (inkan_secret_len (first) != inkan_secret_len (again) ||
	                        CRYPTO_memcmp (inkan_secret_data (first), inkan_secret_data (again),
	                                       inkan_secret_len (first)) != 0)) {
		tool_set_detail ("%s", _("the two new PINs differ; nothing was changed"));
		err = INKAN_ERR_USAGE;
	}
	inkan_secret_free (again);
	if (err != INKAN_OK) {
		inkan_secret_free (first);
		return err;
	}
	*out = first;
	return INKAN_OK;
}
