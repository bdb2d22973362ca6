/* Opening the token or key a verb names, logging in when the token asks. */
#include <stdio.h>

#include "cli/tool.h"

inkan_err
tool_open_token (tool *t, const char *uri, const char *pin_source, unsigned login_flags,
                 inkan_token **out)
{
	inkan_token *tok = NULL;
	inkan_err err;

	err = inkan_token_open (t->ctx, uri, &tok);
	if (err == INKAN_OK && t->verbose)
		fprintf (stderr, _("inkan: token %s (module %s)\n"), inkan_token_get_info (tok)->uri,
		         inkan_token_get_info (tok)->module);
	if (err == INKAN_OK)
		err = tool_login (t, tok, pin_source, login_flags);
	if (err != INKAN_OK) {
		inkan_token_free (tok);
		return err;
	}
	*out = tok;
	return INKAN_OK;
}

/* A key URI also names its token: p11-kit matches token attributes and
 * ignores the object ones when looking for the token. */
inkan_err
tool_open_key (tool *t, const char *uri, const char *pin_source, unsigned login_flags,
               inkan_key **out)
{
	inkan_token *tok = NULL;
	inkan_err err;

	err = tool_open_token (t, uri, pin_source, login_flags, &tok);
	if (err == INKAN_OK)
		err = inkan_key_open (tok, uri, out);
	inkan_token_free (tok);
	return err;
}
