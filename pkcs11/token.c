/* Tokens: enumerate them across modules, open one by URI, log in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkcs11/p11.h"
#include "pkcs11/ctx.h"
#include "src/util/internal.h"

/* PKCS#11 pads its fixed-width text fields with spaces. */
static char *
padded_dup (const CK_UTF8CHAR *field, size_t width)
{
	size_t len = width;

	while (len > 0 && (field[len - 1] == ' ' || field[len - 1] == '\0'))
		len--;
	return strndup ((const char *) field, len);
}

static void
info_clear (inkan_token_info *info)
{
	free (info->uri);
	free (info->label);
	free (info->manufacturer);
	free (info->model);
	free (info->serial);
	free (info->module);
	free (info->slot_description);
	memset (info, 0, sizeof *info);
}

void
inkan_token_info_free (inkan_token_info *infos, size_t n)
{
	size_t i;

	for (i = 0; infos != NULL && i < n; i++)
		info_clear (&infos[i]);
	free (infos);
}

static inkan_err
info_fill (CK_FUNCTION_LIST *mod, CK_SLOT_ID slot, const CK_SLOT_INFO *si,
           const CK_TOKEN_INFO *ti, inkan_token_info *info)
{
	P11KitUri *uri = p11_kit_uri_new ();
	char *module = p11_kit_module_get_filename (mod);
	inkan_err err = INKAN_OK;

	memset (info, 0, sizeof *info);
	if (uri == NULL) {
		free (module);
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	memcpy (p11_kit_uri_get_token_info (uri), ti, sizeof *ti);
	info->label = padded_dup (ti->label, sizeof ti->label);
	info->manufacturer = padded_dup (ti->manufacturerID, sizeof ti->manufacturerID);
	info->model = padded_dup (ti->model, sizeof ti->model);
	info->serial = padded_dup (ti->serialNumber, sizeof ti->serialNumber);
	info->slot_description = padded_dup (si->slotDescription, sizeof si->slotDescription);
	info->module = module;
	info->slot_id = slot;
	info->flags = ti->flags;
	if (p11_kit_uri_format (uri, P11_KIT_URI_FOR_TOKEN, &info->uri) != P11_KIT_URI_OK ||
	    info->label == NULL || info->manufacturer == NULL || info->model == NULL ||
	    info->serial == NULL || info->slot_description == NULL || info->module == NULL) {
		info_clear (info);
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	p11_kit_uri_free (uri);
	return err;
}

static int
slot_matches (P11KitUri *uri, CK_SLOT_ID slot, CK_SLOT_INFO *si, CK_TOKEN_INFO *ti)
{
	CK_SLOT_ID want;

	if (uri == NULL)
		return 1;
	want = p11_kit_uri_get_slot_id (uri);
	if (want != (CK_SLOT_ID) -1 && want != slot)
		return 0;
	return p11_kit_uri_match_slot_info (uri, si) && p11_kit_uri_match_token_info (uri, ti);
}

/* Walk every slot with a token in every module; collect those URI matches.
 * MODS_OUT/SLOTS_OUT (optional) receive where each one lives. */
static inkan_err
enumerate (inkan_ctx *ctx, P11KitUri *uri, inkan_token_info **out, size_t *n_out,
           CK_FUNCTION_LIST ***mods_out)
{
	CK_FUNCTION_LIST **mods = NULL, **where = NULL;
	inkan_token_info *infos = NULL;
	CK_SLOT_ID *slots = NULL;
	size_t n = 0, m;
	inkan_err err;

	err = inkan_ctx_modules (ctx, &mods);
	if (err != INKAN_OK)
		return err;
	for (m = 0; mods[m] != NULL; m++) {
		CK_INFO mi;
		CK_ULONG ns = 0, s;
		CK_RV rv;

		if (uri != NULL && (mods[m]->C_GetInfo (&mi) != CKR_OK ||
		                    !p11_kit_uri_match_module_info (uri, &mi)))
			continue;
		rv = mods[m]->C_GetSlotList (CK_TRUE, NULL, &ns);
		if (rv == CKR_OK && ns > 0) {
			free (slots);
			slots = calloc (ns, sizeof *slots);
			if (slots == NULL) {
				err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
				goto out;
			}
			rv = mods[m]->C_GetSlotList (CK_TRUE, slots, &ns);
		}
		if (rv != CKR_OK) {
			err = inkan_p11_fail (rv, "C_GetSlotList");
			goto out;
		}
		for (s = 0; s < ns; s++) {
			CK_SLOT_INFO si;
			CK_TOKEN_INFO ti;
			inkan_token_info *grown;

			/* A token pulled between the two calls is simply not listed. */
			if (mods[m]->C_GetSlotInfo (slots[s], &si) != CKR_OK ||
			    mods[m]->C_GetTokenInfo (slots[s], &ti) != CKR_OK)
				continue;
			if (!slot_matches (uri, slots[s], &si, &ti))
				continue;
			grown = realloc (infos, (n + 1) * sizeof *infos);
			if (grown == NULL) {
				err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
				goto out;
			}
			infos = grown;
			if (mods_out != NULL) {
				CK_FUNCTION_LIST **w = realloc (where, (n + 1) * sizeof *where);

				if (w == NULL) {
					err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
					goto out;
				}
				where = w;
				where[n] = mods[m];
			}
			err = info_fill (mods[m], slots[s], &si, &ti, &infos[n]);
			if (err != INKAN_OK)
				goto out;
			n++;
		}
	}
	*out = infos;
	*n_out = n;
	if (mods_out != NULL)
		*mods_out = where;
	infos = NULL;
	where = NULL;
out:
	free (slots);
	free (where);
	inkan_token_info_free (infos, n);
	return err;
}

inkan_err
inkan_token_list (inkan_ctx *ctx, const char *text, inkan_token_info **out, size_t *n_out)
{
	P11KitUri *uri = NULL;
	inkan_err err;

	err = inkan_p11_uri_parse (text, &uri);
	if (err == INKAN_OK)
		err = enumerate (ctx, uri, out, n_out, NULL);
	p11_kit_uri_free (uri);
	return err;
}

static const struct {
	CK_FLAGS flag;
	const char *name;
} flag_names[] = {
	{ CKF_RNG, "rng" },
	{ CKF_WRITE_PROTECTED, "write-protected" },
	{ CKF_LOGIN_REQUIRED, "login-required" },
	{ CKF_USER_PIN_INITIALIZED, "user-pin-initialized" },
	{ CKF_PROTECTED_AUTHENTICATION_PATH, "protected-authentication-path" },
	{ CKF_TOKEN_INITIALIZED, "token-initialized" },
	{ CKF_USER_PIN_COUNT_LOW, "user-pin-count-low" },
	{ CKF_USER_PIN_FINAL_TRY, "user-pin-final-try" },
	{ CKF_USER_PIN_LOCKED, "user-pin-locked" },
	{ CKF_USER_PIN_TO_BE_CHANGED, "user-pin-to-be-changed" },
	{ CKF_SO_PIN_COUNT_LOW, "so-pin-count-low" },
	{ CKF_SO_PIN_FINAL_TRY, "so-pin-final-try" },
	{ CKF_SO_PIN_LOCKED, "so-pin-locked" },
	{ CKF_SO_PIN_TO_BE_CHANGED, "so-pin-to-be-changed" },
};

size_t
inkan_token_flag_names (unsigned long flags, const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof flag_names / sizeof flag_names[0] && n < max; i++)
		if (flags & flag_names[i].flag)
			names[n++] = flag_names[i].name;
	return n;
}

/* "token 'A' (pkcs11:...), token 'B' (...)" for error messages. */
static char *
describe_tokens (const inkan_token_info *infos, size_t n)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream (&text, &len);

	if (f == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		fprintf (f, "%s%s", i ? ", " : "", infos[i].uri);
	fclose (f);
	return text;
}

inkan_err
inkan_token_open (inkan_ctx *ctx, const char *text, inkan_token **out)
{
	CK_FUNCTION_LIST **where = NULL;
	inkan_token_info *infos = NULL;
	inkan_token *tok = NULL;
	P11KitUri *uri = NULL;
	size_t n = 0;
	inkan_err err;
	CK_SLOT_INFO si;
	CK_RV rv;

	err = inkan_p11_uri_parse (text, &uri);
	if (err != INKAN_OK)
		return err;
	err = enumerate (ctx, uri, &infos, &n, &where);
	if (err != INKAN_OK)
		goto out;
	if (n != 1) {
		inkan_token_info *all = NULL;
		size_t n_all = 0;
		char *seen;

		/* Show what the URI could have meant: what did match, or else
		 * every token there is. */
		if (n == 0)
			enumerate (ctx, NULL, &all, &n_all, NULL);
		seen = describe_tokens (n ? infos : all, n ? n : n_all);
		if (n == 0)
			err = inkan_fail (INKAN_ERR_NOT_FOUND, _("no token matches %s; tokens present: %s"),
			                  text ? text : "pkcs11:", n_all && seen ? seen : _("none"));
		else
			err = inkan_fail (INKAN_ERR_AMBIGUOUS, _("%zu tokens match %s: %s"), n,
			                  text ? text : "pkcs11:", seen ? seen : "");
		free (seen);
		inkan_token_info_free (all, n_all);
		goto out;
	}

	tok = calloc (1, sizeof *tok);
	if (tok == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	atomic_init (&tok->refs, 1);
	{
		/* Recursive: public calls lock, and some call others. */
		pthread_mutexattr_t attr;

		pthread_mutexattr_init (&attr);
		pthread_mutexattr_settype (&attr, PTHREAD_MUTEX_RECURSIVE);
		pthread_mutex_init (&tok->lock, &attr);
		pthread_mutexattr_destroy (&attr);
	}
	tok->ctx = ctx;
	tok->module = where[0];
	tok->slot = infos[0].slot_id;
	tok->info = infos[0];
	memset (&infos[0], 0, sizeof infos[0]);
	rv = tok->module->C_GetSlotInfo (tok->slot, &si);
	tok->removable = rv == CKR_OK && (si.flags & CKF_REMOVABLE_DEVICE);
	rv = tok->module->C_OpenSession (tok->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
	                                 NULL, NULL, &tok->session);
	if (rv == CKR_TOKEN_WRITE_PROTECTED)
		rv = tok->module->C_OpenSession (tok->slot, CKF_SERIAL_SESSION, NULL, NULL, &tok->session);
	if (rv != CKR_OK) {
		err = inkan_p11_fail (rv, _("opening a session"));
		goto out;
	}
	*out = tok;
	tok = NULL;
out:
	if (tok != NULL) {
		tok->session = CK_INVALID_HANDLE;
		inkan_token_free (tok);
	}
	inkan_token_info_free (infos, n);
	free (where);
	p11_kit_uri_free (uri);
	return err;
}

inkan_token *
inkan_token_ref (inkan_token *tok)
{
	atomic_fetch_add (&tok->refs, 1);
	return tok;
}

void
inkan_token_free (inkan_token *tok)
{
	if (tok == NULL || atomic_fetch_sub (&tok->refs, 1) != 1)
		return;
	/* No C_Logout: on a token shared with other sessions (SoftHSM2, a
	 * daemon) it would log every one of them out.  Closing our session
	 * ends our login when it is the last. */
	if (tok->session != CK_INVALID_HANDLE)
		tok->module->C_CloseSession (tok->session);
	pthread_mutex_destroy (&tok->lock);
	info_clear (&tok->info);
	free (tok);
}

const inkan_token_info *
inkan_token_get_info (const inkan_token *tok)
{
	return &tok->info;
}

int
inkan_token_needs_login (inkan_token *tok)
{
	CK_SESSION_INFO si;

	if (!(tok->info.flags & CKF_LOGIN_REQUIRED))
		return 0;
	/* Another session of this process may have logged the token in. */
	if (tok->module->C_GetSessionInfo (tok->session, &si) == CKR_OK &&
	    (si.state == CKS_RO_USER_FUNCTIONS || si.state == CKS_RW_USER_FUNCTIONS))
		return 0;
	return 1;
}
