/* Labelled lines that stay in columns whatever the language. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cli/tool.h"

/* A Japanese or Korean character is 3 bytes of UTF-8 but 2 columns, so
 * printf's byte-counting "%-14s" misaligns them. */
static int
columns (const char *s)
{
	size_t n = mbstowcs (NULL, s, 0);
	wchar_t *w;
	int cols = -1;

	if (n == (size_t) -1)
		return (int) strlen (s);
	w = malloc ((n + 1) * sizeof *w);
	if (w != NULL && mbstowcs (w, s, n + 1) != (size_t) -1)
		cols = wcswidth (w, n);
	free (w);
	return cols < 0 ? (int) strlen (s) : cols;
}

int
tool_widest (const char *const *labels, size_t n)
{
	int widest = 0, cols;
	size_t i;

	for (i = 0; i < n; i++)
		if ((cols = columns (labels[i])) > widest)
			widest = cols;
	return widest;
}

void
tool_label (int indent, int width, const char *label)
{
	int pad = width - columns (label);

	printf ("%*s%s%*s", indent, "", label, pad > 0 ? pad : 0, "");
}

void
tool_field (int indent, int width, const char *label, const char *fmt, ...)
{
	va_list ap;

	tool_label (indent, width, label);
	putchar (' ');
	va_start (ap, fmt);
	vprintf (fmt, ap);
	va_end (ap);
	putchar ('\n');
}
