/* The card's persistent state: "name hex" lines in one file, replaced
 * atomically on every change so a kill never leaves half a card. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/util/internal.h"
#include "vcard.h"

typedef struct {
	char *name;
	uint8_t *value;
	size_t len;
} item;

struct vc_state {
	char *path;
	item *items;
	size_t n;
};

vc_state *
vc_state_new (const char *path)
{
	vc_state *st = calloc (1, sizeof *st);
	if (!st || !(st->path = strdup (path)))
		abort ();
	return st;
}

static void
item_clear (item *it)
{
	free (it->name);
	if (it->value)
		memset (it->value, 0, it->len);
	free (it->value);
}

void
vc_state_free (vc_state *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		item_clear (&st->items[i]);
	free (st->items);
	free (st->path);
	free (st);
}

static item *
find (const vc_state *st, const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp (st->items[i].name, name) == 0)
			return &st->items[i];
	return NULL;
}

void
vc_state_set (vc_state *st, const char *name, const void *buf, size_t len)
{
	item *it = find (st, name);
	if (!it) {
		item *items = realloc (st->items, (st->n + 1) * sizeof *items);
		if (!items)
			abort ();
		st->items = items;
		it = &st->items[st->n++];
		memset (it, 0, sizeof *it);
		if (!(it->name = strdup (name)))
			abort ();
	} else {
		memset (it->value, 0, it->len);
		free (it->value);
	}
	it->value = malloc (len + 1);
	if (!it->value)
		abort ();
	memcpy (it->value, buf, len);
	it->value[len] = 0;   /* so string items read as C strings */
	it->len = len;
}

void
vc_state_set_str (vc_state *st, const char *name, const char *s)
{
	vc_state_set (st, name, s, strlen (s));
}

void
vc_state_set_int (vc_state *st, const char *name, int v)
{
	char buf[16];
	snprintf (buf, sizeof buf, "%d", v);
	vc_state_set_str (st, name, buf);
}

void
vc_state_del (vc_state *st, const char *name)
{
	item *it = find (st, name);
	if (!it)
		return;
	item_clear (it);
	*it = st->items[--st->n];
}

const uint8_t *
vc_state_get (const vc_state *st, const char *name, size_t *len)
{
	item *it = find (st, name);
	if (!it)
		return NULL;
	if (len)
		*len = it->len;
	return it->value;
}

const char *
vc_state_str (const vc_state *st, const char *name)
{
	return (const char *) vc_state_get (st, name, NULL);
}

int
vc_state_int (const vc_state *st, const char *name, int dflt)
{
	const char *s = vc_state_str (st, name);
	return s ? atoi (s) : dflt;
}

bool
vc_state_load (vc_state *st)
{
	FILE *f = fopen (st->path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool ok = true;

	if (!f)
		return false;
	while ((n = getline (&line, &cap, f)) > 0) {
		char *sp = strchr (line, ' ');
		uint8_t *bin = NULL;
		size_t len = 0;
		if (line[n - 1] == '\n')
			line[n - 1] = 0;
		if (!sp) {
			ok = false;
			break;
		}
		*sp = 0;
		if (sp[1] && inkan_hex_decode (sp + 1, &bin, &len) != INKAN_OK) {
			ok = false;
			break;
		}
		vc_state_set (st, line, bin ? bin : (uint8_t *) "", len);
		free (bin);
	}
	free (line);
	fclose (f);
	return ok;
}

bool
vc_state_save (const vc_state *st)
{
	size_t plen = strlen (st->path);
	char *tmp = malloc (plen + 16), *dir = strdup (st->path);
	bool ok = false;
	FILE *f = NULL;
	int fd, dfd;

	if (!tmp || !dir)
		abort ();
	snprintf (tmp, plen + 16, "%s.tmp.XXXXXX", st->path);
	fd = mkstemp (tmp);
	if (fd < 0)
		goto out;
	f = fdopen (fd, "w");
	if (!f) {
		close (fd);
		goto out_unlink;
	}
	for (size_t i = 0; i < st->n; i++) {
		char *hex = inkan_hex_encode (st->items[i].value, st->items[i].len);
		if (!hex)
			goto out_unlink;
		fprintf (f, "%s %s\n", st->items[i].name, hex);
		free (hex);
	}
	if (fflush (f) != 0 || fsync (fileno (f)) != 0)
		goto out_unlink;
	if (fclose (f) != 0) {
		f = NULL;
		goto out_unlink;
	}
	f = NULL;
	if (rename (tmp, st->path) != 0)
		goto out_unlink;
	/* The rename itself must survive a crash too. */
	dfd = open (dirname (dir), O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync (dfd);
		close (dfd);
	}
	ok = true;
	goto out;
out_unlink:
	if (f)
		fclose (f);
	unlink (tmp);
out:
	free (tmp);
	free (dir);
	return ok;
}
