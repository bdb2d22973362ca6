/* Readers as the public API shows them: the card in each named by its
 * profile, and the PKCS#11 tokens that are that card.  The one place where
 * a token is tied to its reader. */
#include <stdlib.h>
#include <string.h>

#include "src/card/card.h"
#include "src/reader/pcsc.h"

inkan_err
inkan_reader_list (inkan_reader_info **out, size_t *n_out)
{
	return inkan_pcsc_reader_list (inkan_card_type_guess, out, n_out);
}

inkan_err
inkan_reader_watcher_new (inkan_reader_watcher **out)
{
	return inkan_pcsc_watcher_new (inkan_card_type_guess, out);
}

/* PKCS#11 slot descriptions hold 64 bytes, blank-padded: what a module
 * that names the slot after its reader keeps of a reader's name. */
#define SLOT_DESC_LEN 64

static int
slot_names (const char *desc, const char *reader)
{
	size_t len = strnlen (reader, SLOT_DESC_LEN);

	while (len > 0 && reader[len - 1] == ' ')
		len--;
	return strlen (desc) == len && memcmp (desc, reader, len) == 0;
}

inkan_err
inkan_reader_of_slot (const char *desc, char *const *readers, size_t n, size_t *at)
{
	size_t i, hits = 0;

	for (i = 0; i < n; i++)
		if (slot_names (desc, readers[i]) && hits++ == 0)
			*at = i;
	if (hits == 0)
		return inkan_fail (INKAN_ERR_NOT_FOUND, _("no card reader is named \"%s\""), desc);
	if (hits > 1)
		return inkan_fail (INKAN_ERR_AMBIGUOUS,
		                   _("the names of several card readers begin with \"%s\": which one holds the "
		                     "token cannot be told"), desc);
	return INKAN_OK;
}

static inkan_err
reader_names (char ***names, size_t *n)
{
	SCARDCONTEXT ctx;
	inkan_err err = inkan_pcsc_connect (&ctx);

	*names = NULL;
	*n = 0;
	if (err != INKAN_OK)
		return err;
	err = inkan_pcsc_reader_names (ctx, names, n, NULL);
	SCardReleaseContext (ctx);
	return err;
}

inkan_err
inkan_token_reader (const inkan_token_info *info, char **reader_out)
{
	char **names = NULL;
	size_t n = 0, at = 0;
	inkan_err err;

	*reader_out = NULL;
	err = reader_names (&names, &n);
	if (err == INKAN_OK)
		err = inkan_reader_of_slot (info->slot_description, names, n, &at);
	if (err == INKAN_OK && (*reader_out = strdup (names[at])) == NULL)
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	inkan_pcsc_names_free (names, n);
	return err;
}

inkan_err
inkan_reader_tokens (inkan_ctx *ctx, const char *reader, inkan_token_info **out, size_t *n_out)
{
	inkan_token_info *all = NULL, *mine = NULL;
	char **names = NULL;
	size_t n_names = 0, n_all = 0, n_mine = 0, i, at;
	inkan_err err;

	*out = NULL;
	*n_out = 0;
	err = reader_names (&names, &n_names);
	if (err == INKAN_OK)
		err = inkan_token_list (ctx, NULL, &all, &n_all);
	if (err == INKAN_OK && (mine = calloc (n_all + 1, sizeof *mine)) == NULL)
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	for (i = 0; err == INKAN_OK && i < n_all; i++) {
		inkan_err which = inkan_reader_of_slot (all[i].slot_description, names, n_names, &at);

		/* A token in no reader (an HSM) is not this card; one whose
		 * reader cannot be told may be, and is an error, not a guess. */
		if (which == INKAN_ERR_AMBIGUOUS && slot_names (all[i].slot_description, reader))
			err = which;
		else if (which == INKAN_OK && strcmp (names[at], reader) == 0) {
			mine[n_mine++] = all[i];
			memset (&all[i], 0, sizeof all[i]);
		}
	}
	if (err == INKAN_OK) {
		inkan_detail_clear ();
		*out = mine;
		*n_out = n_mine;
		mine = NULL;
	}
	inkan_token_info_free (mine, n_mine);
	inkan_token_info_free (all, n_all);
	inkan_pcsc_names_free (names, n_names);
	return err;
}
