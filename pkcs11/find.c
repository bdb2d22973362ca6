/* Finding the one object a URI means, and saying what is there when the
 * URI means none or several. */
#include <stdio.h>
#include <stdlib.h>

#include "pkcs11/p11.h"
#include "src/util/internal.h"

/* The URI's object attributes (id, label, class) as a search template;
 * CLS, when given, must agree with the URI's own type=. */
static inkan_err
template_for (P11KitUri *uri, CK_OBJECT_CLASS *cls, CK_ATTRIBUTE *tmpl, CK_ULONG *n)
{
	CK_ATTRIBUTE *attrs;
	CK_ULONG count = 0, i;

	*n = 0;
	attrs = uri ? p11_kit_uri_get_attributes (uri, &count) : NULL;
	for (i = 0; i < count && *n < 3; i++) {
		if (attrs[i].type == CKA_CLASS) {
			CK_OBJECT_CLASS want = *(CK_OBJECT_CLASS *) attrs[i].pValue;

			if (*cls != (CK_OBJECT_CLASS) -1 && want != *cls)
				return INKAN_ERR_NOT_FOUND;
			*cls = want;
			continue;
		}
		tmpl[(*n)++] = attrs[i];
	}
	if (*cls != (CK_OBJECT_CLASS) -1) {
		tmpl[*n].type = CKA_CLASS;
		tmpl[*n].pValue = cls;
		tmpl[*n].ulValueLen = sizeof *cls;
		(*n)++;
	}
	return INKAN_OK;
}

static char *
describe (inkan_token *tok, CK_OBJECT_HANDLE *objs, CK_ULONG n)
{
	char *text = NULL, *uri;
	size_t len = 0;
	CK_ULONG i;
	FILE *f = open_memstream (&text, &len);

	if (f == NULL)
		return NULL;
	for (i = 0; i < n && i < 10; i++) {
		if (inkan_p11_object_uri (tok, objs[i], &uri) != INKAN_OK)
			continue;
		fprintf (f, "%s%s", i ? ", " : "", uri);
		free (uri);
	}
	if (n > 10)
		fprintf (f, _(" and %lu more"), (unsigned long) (n - 10));
	fclose (f);
	return text;
}

inkan_err
inkan_p11_find_one (inkan_token *tok, const char *text, CK_OBJECT_CLASS cls,
                    const char *what, CK_OBJECT_HANDLE *out)
{
	CK_OBJECT_HANDLE *found = NULL;
	CK_ATTRIBUTE tmpl[4];
	CK_ULONG n = 0, nt = 0;
	P11KitUri *uri = NULL;
	CK_OBJECT_CLASS want = cls;
	inkan_err err;
	char *seen = NULL;

	err = inkan_p11_uri_parse (text, &uri);
	if (err != INKAN_OK)
		return err;
	if (template_for (uri, &want, tmpl, &nt) != INKAN_OK) {
		err = inkan_fail (INKAN_ERR_USAGE, _("%s names another type of object than a %s"), text, what);
		goto out;
	}
	err = inkan_p11_find (tok, tmpl, nt, &found, &n);
	if (err != INKAN_OK)
		goto out;
	if (n == 1) {
		*out = found[0];
		goto out;
	}
	if (n == 0) {
		/* List every object of the kind sought, so the user sees what
		 * the URI could have said. */
		CK_ATTRIBUTE only_class = { CKA_CLASS, &want, sizeof want };

		free (found);
		found = NULL;
		if (inkan_p11_find (tok, &only_class, want == (CK_OBJECT_CLASS) -1 ? 0 : 1, &found, &n) == INKAN_OK)
			seen = describe (tok, found, n);
		err = inkan_fail (INKAN_ERR_NOT_FOUND, _("no %s matches %s on token \"%s\"; there: %s%s"),
		                  what, text, tok->info.label, n && seen ? seen : _("none"),
		                  tok->logged_in ? "" : _(" (private objects show only after login)"));
		goto out;
	}
	seen = describe (tok, found, n);
	err = inkan_fail (INKAN_ERR_AMBIGUOUS, _("%lu objects match %s, one %s is needed: %s"),
	                  (unsigned long) n, text, what, seen ? seen : "");
out:
	free (seen);
	free (found);
	p11_kit_uri_free (uri);
	return err;
}
