/* Settings files: read whole (bounded), then taken line by line (the CA pins and the
 * validation configuration share this). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/file.h>
#include "src/util/internal.h"

inkan_err
inkan_parse_file (const char *path, inkan_text_fn parse, void *data)
{
	uint8_t *text = NULL;
	size_t len = 0;
	inkan_err err = inkan_file_read (path, INKAN_FILE_LIMIT_SETTINGS, 0, &text, &len);

	if (err != INKAN_OK)
		return err;
	err = parse (data, path, (const char *) text, len);
	free (text);
	return err;
}

/* Blanks at both ends of LINE cut off, in place. */
static char *
trim (char *line)
{
	char *end;

	line += strspn (line, " \t\r");
	for (end = line + strlen (line); end > line && strchr (" \t\r", end[-1]) != NULL; end--)
		end[-1] = '\0';
	return line;
}

inkan_err
inkan_text_lines (const char *text, size_t len, inkan_line_fn fn, void *data)
{
	char *copy = malloc (len + 1), *line, *next;
	size_t number = 1;
	inkan_err err = INKAN_OK;

	if (copy == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	memcpy (copy, text, len);
	copy[len] = '\0';
	/* a NUL would hide the rest of its line from the parser */
	if (strlen (copy) != len)
		err = inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("the file holds a NUL byte"));
	for (line = copy; err == INKAN_OK && line != NULL; line = next, number++) {
		next = strchr (line, '\n');
		if (next != NULL)
			*next++ = '\0';
		line = trim (line);
		if (*line != '\0' && *line != '#')
			err = fn (data, line, number);
	}
	free (copy);
	return err;
}
