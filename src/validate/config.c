/* The validation configuration file (doc/validate-conf.md): "KEY = VALUE"
 * lines that set the method order, in general and per profile of the leaf,
 * timeouts, the deadline, the SCVP server, anchors and anchor pins. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/validate/vint.h"

typedef enum { KEY_METHODS, KEY_TIMEOUT, KEY_DEADLINE, KEY_SCVP_URL, KEY_SCVP_CERT, KEY_ANCHOR,
               KEY_ANCHOR_PINS } key_kind;

static const struct {
	const char *name;
	key_kind kind;
	int arg;                /* the order slot, or the method (INKAN_METHOD_LAST: all) */
	int repeats;            /* may be given on several lines, which add up */
} keys[] = {
	{ "methods", KEY_METHODS, ORDER_ALL, 0 },
	{ "methods.gpki", KEY_METHODS, ORDER_GPKI, 0 },
	{ "methods.npki", KEY_METHODS, ORDER_NPKI, 0 },
	{ "methods.jpki", KEY_METHODS, ORDER_JPKI, 0 },
	{ "timeout", KEY_TIMEOUT, INKAN_METHOD_LAST, 0 },
	{ "timeout.crl", KEY_TIMEOUT, INKAN_METHOD_CRL, 0 },
	{ "timeout.ocsp", KEY_TIMEOUT, INKAN_METHOD_OCSP, 0 },
	{ "timeout.scvp", KEY_TIMEOUT, INKAN_METHOD_SCVP, 0 },
	{ "deadline", KEY_DEADLINE, 0, 0 },
	{ "scvp-url", KEY_SCVP_URL, 0, 0 },
	{ "scvp-cert", KEY_SCVP_CERT, 0, 0 },
	{ "anchor", KEY_ANCHOR, 0, 1 },
	{ "anchor-pins", KEY_ANCHOR_PINS, 0, 1 },
};
#define N_KEYS (sizeof keys / sizeof keys[0])

typedef struct {
	inkan_validator *v;
	const char *file;
	unsigned given;         /* what the caller set: the file leaves it */
	size_t seen[N_KEYS];    /* the line each key was on */
	size_t number;          /* the line being read */
} parse_state;

/* Whether "timeout.M" has been read yet. */
static int
timeout_seen (const parse_state *st, inkan_method m)
{
	size_t k;

	for (k = 0; k < N_KEYS; k++)
		if (keys[k].kind == KEY_TIMEOUT && keys[k].arg == (int) m)
			return st->seen[k] != 0;
	return 0;
}

static inkan_err
milliseconds (const char *value, long *out)
{
	char *end;

	errno = 0;
	*out = strtol (value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || *out <= 0)
		return inkan_fail (INKAN_ERR_USAGE, _("not a number of milliseconds: %s"), value);
	return INKAN_OK;
}

/* VALUE as a path: relative ones are read from the configuration's directory. */
static char *
conf_path (const char *file, const char *value)
{
	const char *slash = strrchr (file, '/');
	char *path = NULL;

	if (value[0] == '/' || slash == NULL)
		return strdup (value);
	if (asprintf (&path, "%.*s/%s", (int) (slash - file), file, value) < 0)
		return NULL;
	return path;
}

static inkan_err
set_key (parse_state *st, size_t k, const char *value, size_t number)
{
	inkan_validator *v = st->v;
	inkan_err err = INKAN_OK;
	method_order *o;
	inkan_method m;
	char *path;
	long ms;

	switch (keys[k].kind) {
	case KEY_METHODS:
		o = &v->conf_order[keys[k].arg];
		if ((err = methods_parse (value, o)) != INKAN_OK)
			return err;
		free (o->file);
		o->line = number;
		if ((o->file = strdup (st->file)) == NULL)
			return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		return INKAN_OK;
	case KEY_TIMEOUT:
		if ((err = milliseconds (value, &ms)) != INKAN_OK)
			return err;
		/* timeout.METHOD wins over timeout, whichever line comes first */
		for (m = 0; m < INKAN_METHOD_LAST; m++)
			if ((keys[k].arg == (int) m || (keys[k].arg == INKAN_METHOD_LAST && !timeout_seen (st, m))) &&
			    !(st->given & (1u << m)))
				inkan_validator_set_timeout (v, m, ms);
		return INKAN_OK;
	case KEY_DEADLINE:
		if ((err = milliseconds (value, &ms)) == INKAN_OK && !(st->given & GIVEN_DEADLINE))
			inkan_validator_set_deadline (v, ms);
		return err;
	case KEY_SCVP_URL:
		return st->given & GIVEN_SCVP_URL ? INKAN_OK : inkan_validator_set_url (v, INKAN_METHOD_SCVP, value);
	default:
		break;
	}
	if ((path = conf_path (st->file, value)) == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	if (keys[k].kind == KEY_ANCHOR)
		err = inkan_validator_add_anchor (v, path);
	else if (keys[k].kind == KEY_ANCHOR_PINS)
		err = inkan_validator_add_anchor_pins (v, path);
	else if (!(st->given & GIVEN_SCVP_CERT))
		err = inkan_validator_set_scvp_cert (v, path);
	free (path);
	return err;
}

/* KEY = VALUE */
static inkan_err
parse_line (void *data, char *line, size_t number)
{
	parse_state *st = data;
	char *eq = strchr (line, '='), *key = line, *value, *end;
	size_t k;

	st->number = number;
	if (eq == NULL)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("wants KEY = VALUE"));
	for (end = eq; end > key && strchr (" \t", end[-1]) != NULL; end--)
		;
	*end = '\0';
	value = eq + 1 + strspn (eq + 1, " \t");
	for (k = 0; k < N_KEYS && strcmp (keys[k].name, key) != 0; k++)
		;
	if (k == N_KEYS)
		return inkan_fail (INKAN_ERR_USAGE, _("unknown setting \"%s\""), key);
	if (*value == '\0')
		return inkan_fail (INKAN_ERR_USAGE, _("\"%s\" has no value"), key);
	if (st->seen[k] != 0 && !keys[k].repeats)
		return inkan_fail (INKAN_ERR_USAGE, _("\"%s\" was already set on line %zu"), key, st->seen[k]);
	st->seen[k] = number;
	return set_key (st, k, value, number);
}

inkan_err
vconf_parse (inkan_validator *v, const char *file, const char *text, size_t len)
{
	parse_state st = { .v = v, .file = file, .given = v->given };
	inkan_err err = inkan_text_lines (text, len, parse_line, &st);

	/* the file's settings are not the caller's: a later one still wins */
	v->given = st.given;
	if (err != INKAN_OK) {
		char why[512];

		snprintf (why, sizeof why, "%s", inkan_detail ());
		/* a settings file is refused whole: an error is the user's to fix */
		err = inkan_fail (err == INKAN_ERR_NOMEM || err == INKAN_ERR_IO ? err : INKAN_ERR_USAGE,
		                  "%s:%zu: %s", file, st.number, why);
	}
	return err;
}

static inkan_err
parse_file (void *v, const char *path, const char *text, size_t len)
{
	return vconf_parse (v, path, text, len);
}

inkan_err
inkan_validator_load_config (inkan_validator *v, const char *path)
{
	return inkan_parse_file (path, parse_file, v);
}
