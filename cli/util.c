/* Shared by the verbs: errors and exit codes, files, JSON. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/bio.h>

#include "cli/tool.h"

int
tool_exit_code (inkan_err err)
{
	switch (err) {
	case INKAN_OK:
		return TOOL_EXIT_OK;
	case INKAN_ERR_USAGE:
	case INKAN_ERR_AMBIGUOUS:
	case INKAN_ERR_PIN_INVALID:
	case INKAN_ERR_WRONG_SLOT:
		return TOOL_EXIT_USAGE;
	case INKAN_ERR_PIN_INCORRECT:
	case INKAN_ERR_PIN_LOCKED:
	case INKAN_ERR_PIN_FINAL_TRY:
	case INKAN_ERR_NOT_LOGGED_IN:
	case INKAN_ERR_BAD_SIGNATURE:
	case INKAN_ERR_BAD_INPUT:
	case INKAN_ERR_CANCELLED:
	case INKAN_ERR_REJECTED:
		return TOOL_EXIT_NEGATIVE;
	default:
		return TOOL_EXIT_ENV;
	}
}

/* The words for a failure the CLI found itself (no terminal, two new PINs
 * that differ), which tool_fail prints in place of the library's detail:
 * one error is one line, whoever found it. */
static char cli_detail[512];

void
tool_set_detail (const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	vsnprintf (cli_detail, sizeof cli_detail, fmt, ap);
	va_end (ap);
}

int
tool_fail (tool *t, inkan_err err)
{
	/* The library says what would allow it; the CLI names its flag. */
	return tool_fail_hint (t, err, err == INKAN_ERR_PIN_FINAL_TRY ? _("pass --allow-final-try to use it") : NULL);
}

int
tool_fail_hint (tool *t, inkan_err err, const char *hint)
{
	char with_hint[1024 + 256];
	const char *detail = cli_detail[0] != '\0' ? cli_detail : inkan_detail ();

	if (hint != NULL) {
		snprintf (with_hint, sizeof with_hint, detail[0] != '\0' ? "%s; %s" : "%.0s%s", detail, hint);
		detail = with_hint;
	}
	if (detail[0] != '\0')
		fprintf (stderr, "%s: %s: %s\n", t->prog, inkan_strerror (err), detail);
	else
		fprintf (stderr, "%s: %s\n", t->prog, inkan_strerror (err));
	if (t->json)
		tool_json_print (json_pack ("{s:s, s:s, s:s}", "error", inkan_err_name (err),
		                            "message", inkan_strerror (err), "detail", detail));
	return tool_exit_code (err);
}

inkan_err
tool_nomem (void)
{
	fprintf (stderr, "%s\n", _("inkan: out of memory"));
	return INKAN_ERR_NOMEM;
}

int
tool_usage (tool *t, const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf (stderr, "%s %s: ", t->prog, verb);
	va_start (ap, fmt);
	vfprintf (stderr, fmt, ap);
	va_end (ap);
	fprintf (stderr, "\n");
	return TOOL_EXIT_USAGE;
}

int
tool_help_or_usage (tool *t, int c, const char *usage)
{
	if (c != 'h')
		return tool_usage (t, t->verb, "%s", usage);
	printf ("%s\n", usage);
	return TOOL_EXIT_OK;
}

void
tool_json_print (json_t *value)
{
	if (value == NULL)
		return;
	json_dumpf (value, stdout, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
	fputc ('\n', stdout);
	json_decref (value);
}

void
tool_json_print_text (char *text)
{
	if (text == NULL) {
		tool_nomem ();
		return;
	}
	/* through jansson again, to print it indented as the rest */
	tool_json_print (json_loads (text, 0, NULL));
	free (text);
}

/* A file is written whole or not at all: a temporary beside it, renamed. */
inkan_err
tool_write_file (const char *path, const uint8_t *data, size_t len)
{
	char *tmp = NULL;
	int fd = STDOUT_FILENO;
	inkan_err err = INKAN_OK;
	size_t done = 0;

	if (path != NULL && strcmp (path, "-") != 0) {
		if (asprintf (&tmp, "%s.XXXXXX", path) < 0)
			return tool_nomem ();
		fd = mkstemp (tmp);
		if (fd < 0) {
			fprintf (stderr, _("inkan: cannot create %s: %s\n"), path, strerror (errno));
			free (tmp);
			return INKAN_ERR_IO;
		}
	}
	while (done < len) {
		ssize_t w = write (fd, data + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			fprintf (stderr, _("inkan: cannot write %s: %s\n"), path ? path : "-", strerror (errno));
			err = INKAN_ERR_IO;
			goto out;
		}
		done += (size_t) w;
	}
	if (tmp != NULL && (fsync (fd) != 0 || rename (tmp, path) != 0)) {
		fprintf (stderr, _("inkan: cannot write %s: %s\n"), path, strerror (errno));
		err = INKAN_ERR_IO;
	}
out:
	if (tmp != NULL) {
		close (fd);
		if (err != INKAN_OK)
			unlink (tmp);
		free (tmp);
	}
	return err;
}

json_t *
tool_name_json (const X509_NAME *name)
{
	BIO *mem = BIO_new (BIO_s_mem ());
	json_t *s = NULL;
	char *text;
	long len;

	if (mem != NULL &&
	    X509_NAME_print_ex (mem, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (len = BIO_get_mem_data (mem, &text)) >= 0)
		s = json_stringn (text, (size_t) len);
	BIO_free (mem);
	return s;
}
