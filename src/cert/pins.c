/* Pinned CA fingerprints: given one by one, or from a file of lines
 * "ALG FINGERPRINT NAME…" (doc/ca-pins.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/ca.h>
#include <inkan/hex.h>
#include "src/cert/certint.h"

typedef struct {
	char *name;
	const char *alg;        /* "sha256" or "sha1" */
	uint8_t fp[32];
	size_t len;
} pin;

struct inkan_ca_pins {
	pin *pins;
	size_t n;
};

inkan_err
inkan_ca_pins_new (inkan_ca_pins **out)
{
	*out = calloc (1, sizeof **out);
	return *out != NULL ? INKAN_OK : inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
}

void
inkan_ca_pins_free (inkan_ca_pins *pins)
{
	size_t i;

	if (pins == NULL)
		return;
	for (i = 0; i < pins->n; i++)
		free (pins->pins[i].name);
	free (pins->pins);
	free (pins);
}

size_t
inkan_ca_pins_count (const inkan_ca_pins *pins)
{
	return pins->n;
}

inkan_err
inkan_ca_pins_add (inkan_ca_pins *pins, const char *alg, const char *fingerprint, const char *name)
{
	uint8_t *fp = NULL;
	size_t len = 0, want;
	pin *more;
	inkan_err err;

	if (inkan_hex_decode (fingerprint, &fp, &len) != INKAN_OK)
		return inkan_fail (INKAN_ERR_USAGE, _("\"%s\" is not a fingerprint in hex"), fingerprint);
	if (alg == NULL)
		alg = len == 20 ? "sha1" : "sha256";
	want = strcmp (alg, "sha256") == 0 ? 32 : strcmp (alg, "sha1") == 0 ? 20 : 0;
	if (want == 0) {
		err = inkan_fail (INKAN_ERR_USAGE, _("unknown fingerprint algorithm \"%s\" (sha256 or sha1)"), alg);
	} else if (len != want) {
		err = inkan_fail (INKAN_ERR_USAGE, _("a %s fingerprint has %zu bytes, not %zu"), alg, want, len);
	} else if ((more = realloc (pins->pins, (pins->n + 1) * sizeof *more)) == NULL ||
	           (more[pins->n].name = strdup (name != NULL ? name : "")) == NULL) {
		if (more != NULL)
			pins->pins = more;
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	} else {
		pins->pins = more;
		more[pins->n].alg = want == 32 ? "sha256" : "sha1";
		memcpy (more[pins->n].fp, fp, len);
		more[pins->n].len = len;
		pins->n++;
		err = INKAN_OK;
	}
	free (fp);
	return err;
}

/* One line: ALG FINGERPRINT NAME (NAME to the end). */
static inkan_err
parse_line (void *data, char *alg, size_t number)
{
	inkan_ca_pins *pins = data;
	char *fp, *name;
	inkan_err err;

	fp = alg + strcspn (alg, " \t");
	if (*fp == '\0')
		return inkan_fail (INKAN_ERR_BAD_INPUT, _("line %zu: wants ALGORITHM FINGERPRINT NAME"), number);
	*fp++ = '\0';
	fp += strspn (fp, " \t");
	name = fp + strcspn (fp, " \t");
	if (*name != '\0')
		*name++ = '\0';
	name += strspn (name, " \t");
	if (*name == '\0')
		return inkan_fail (INKAN_ERR_BAD_INPUT, _("line %zu: the pin has no name"), number);
	err = inkan_ca_pins_add (pins, alg, fp, name);
	if (err != INKAN_OK) {
		char why[256];

		/* the detail is rewritten by inkan_fail: copy it first */
		snprintf (why, sizeof why, "%s", inkan_detail ());
		return inkan_fail (INKAN_ERR_BAD_INPUT, _("line %zu: %s"), number, why);
	}
	return INKAN_OK;
}

inkan_err
inkan_ca_pins_parse (inkan_ca_pins *pins, const char *text, size_t len)
{
	return inkan_text_lines (text, len, parse_line, pins);
}

/* The pins of PATH's TEXT; an error names the file. */
static inkan_err
parse_file (void *data, const char *path, const char *text, size_t len)
{
	inkan_err err = inkan_ca_pins_parse (data, text, len);
	char why[256];

	if (err != INKAN_OK) {
		snprintf (why, sizeof why, "%s", inkan_detail ());
		err = inkan_fail (err, "%s: %s", path, why);
	}
	return err;
}

inkan_err
inkan_ca_pins_load (inkan_ca_pins *pins, const char *path)
{
	return inkan_parse_file (path, parse_file, pins);
}

const char *
ca_pins_match (const inkan_ca_pins *pins, X509 *cert, const char **alg)
{
	unsigned char d256[32], d1[20];
	unsigned int l256 = 0, l1 = 0;
	size_t i;

	if (!X509_digest (cert, EVP_sha256 (), d256, &l256) || !X509_digest (cert, EVP_sha1 (), d1, &l1))
		return NULL;
	for (i = 0; pins != NULL && i < pins->n; i++) {
		const pin *p = &pins->pins[i];

		if ((p->len == 32 && memcmp (p->fp, d256, 32) == 0) || (p->len == 20 && memcmp (p->fp, d1, 20) == 0)) {
			*alg = p->alg;
			return p->name;
		}
	}
	return NULL;
}
