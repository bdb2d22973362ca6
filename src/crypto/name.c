/* X.509 distinguished names from the slash form "/C=JP/O=Example/CN=Name". */
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "src/util/internal.h"

/* One "type=value" at *P, up to an unescaped '/' or '+' (left at *P). */
static inkan_err
add_attribute (X509_NAME *name, const char **p, int set, char *value)
{
	const char *start = *p, *eq = *p;
	ASN1_OBJECT *type = NULL;
	char *type_name = NULL;
	size_t n = 0;
	inkan_err err = INKAN_OK;

	while (*eq != '\0' && *eq != '=' && *eq != '/' && *eq != '+')
		eq++;
	if (*eq != '=' || eq == start)
		return inkan_fail (INKAN_ERR_USAGE, _("\"%.*s\" in the subject is not TYPE=VALUE"),
		                   (int) strcspn (start, "/+"), start);
	type_name = strndup (start, (size_t) (eq - start));
	if (type_name == NULL)
		return INKAN_ERR_NOMEM;
	for (*p = eq + 1; **p != '\0' && **p != '/' && **p != '+'; (*p)++) {
		if (**p == '\\' && *++*p == '\0') {
			err = inkan_fail (INKAN_ERR_USAGE, "%s", _("the subject ends in a lone backslash"));
			goto out;
		}
		value[n++] = **p;
	}
	value[n] = '\0';
	if (n == 0) {
		err = inkan_fail (INKAN_ERR_USAGE, _("%s has no value in the subject"), type_name);
		goto out;
	}
	type = OBJ_txt2obj (type_name, 0);
	if (type == NULL) {
		ERR_clear_error ();
		err = inkan_fail (INKAN_ERR_USAGE,
		                  _("unknown attribute type \"%s\" in the subject (use C, ST, L, O, OU, CN, "
		                    "serialNumber, ... or a dotted OID)"), type_name);
		goto out;
	}
	/* OpenSSL checks the UTF-8 and each type's rules (C is two letters). */
	if (!X509_NAME_add_entry_by_OBJ (name, type, MBSTRING_UTF8, (const unsigned char *) value,
	                                 (int) n, -1, set))
		err = inkan_fail_ossl (INKAN_ERR_USAGE, _("\"%s\" is no valid %s"), value, type_name);
out:
	ASN1_OBJECT_free (type);
	free (type_name);
	return err;
}

inkan_err
inkan_name_parse (const char *text, X509_NAME **out)
{
	X509_NAME *name = NULL;
	char *value = NULL;
	const char *p = text;
	inkan_err err = INKAN_OK;
	int set = 0;

	*out = NULL;
	if (text[0] != '/')
		return inkan_fail (INKAN_ERR_USAGE,
		                   _("the subject \"%s\" does not start with \"/\", as in /C=JP/O=Example/CN=Name"),
		                   text);
	name = X509_NAME_new ();
	value = malloc (strlen (text) + 1);
	if (name == NULL || value == NULL) {
		err = INKAN_ERR_NOMEM;
		goto out;
	}
	p++;
	while (*p != '\0') {
		err = add_attribute (name, &p, set, value);
		if (err != INKAN_OK)
			goto out;
		/* '+': the next attribute joins this one's RDN. */
		set = *p == '+' ? -1 : 0;
		if (*p != '\0' && *++p == '\0' && set != 0) {
			err = inkan_fail (INKAN_ERR_USAGE, "%s", _("the subject ends in \"+\""));
			goto out;
		}
	}
	if (X509_NAME_entry_count (name) == 0) {
		err = inkan_fail (INKAN_ERR_USAGE, "%s", _("the subject is empty"));
		goto out;
	}
	*out = name;
	name = NULL;
out:
	free (value);
	X509_NAME_free (name);
	return err;
}
