#include <stdlib.h>
#include <string.h>

#include "pkcs11/ctx.h"
#include "src/util/internal.h"

/* Programs other than the inkan CLI use libinkan too: its messages come from
 * the catalogs installed with it, unless the program bound the domain itself
 * (what an unbound domain reports is gettext's default directory). */
static void
bind_catalogs (void)
{
	const char *current = bindtextdomain (GETTEXT_PACKAGE, NULL);

	if (current != NULL && strcmp (current, bindtextdomain (GETTEXT_PACKAGE "-unbound", NULL)) == 0)
		bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
}

inkan_err
inkan_ctx_new (inkan_ctx **out)
{
	inkan_ctx *ctx;

	bind_catalogs ();
	ctx = calloc (1, sizeof *ctx);
	if (ctx == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	pthread_mutex_init (&ctx->lock, NULL);
	*out = ctx;
	return INKAN_OK;
}

void
inkan_ctx_free (inkan_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->loaded)
		inkan_p11_modules_release (ctx->module_path, ctx->modules);
	pthread_mutex_destroy (&ctx->lock);
	free (ctx->module_path);
	free (ctx->pin_record_dir);
	free (ctx);
}

inkan_err
inkan_ctx_set_module (inkan_ctx *ctx, const char *path)
{
	char *copy = NULL;

	if (ctx->loaded)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("modules are already loaded"));
	if (path != NULL && (copy = strdup (path)) == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	free (ctx->module_path);
	ctx->module_path = copy;
	return INKAN_OK;
}

inkan_err
inkan_ctx_modules (inkan_ctx *ctx, CK_FUNCTION_LIST ***out)
{
	inkan_err err = INKAN_OK;

	pthread_mutex_lock (&ctx->lock);
	if (!ctx->loaded) {
		err = inkan_p11_modules_load (ctx->module_path, &ctx->modules);
		ctx->loaded = (err == INKAN_OK);
	}
	if (err == INKAN_OK)
		*out = ctx->modules;
	pthread_mutex_unlock (&ctx->lock);
	return err;
}

inkan_err
inkan_ctx_set_pin_record_dir (inkan_ctx *ctx, const char *dir)
{
	char *copy = NULL;

	if (dir != NULL && (copy = strdup (dir)) == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	free (ctx->pin_record_dir);
	ctx->pin_record_dir = copy;
	return INKAN_OK;
}

inkan_err
inkan_ctx_set_pin_max_tries (inkan_ctx *ctx, int max)
{
	if (max < 1 || max > 255)
		return inkan_fail (INKAN_ERR_USAGE, _("a PIN allows 1 to 255 tries, not %d"), max);
	ctx->pin_max_tries = max;
	return INKAN_OK;
}
