/* inkan-viewer — libinkan's errors as GErrors. */
#include "viewer-error.h"

G_DEFINE_QUARK (viewer-inkan-error-quark, viewer_inkan_error)

void
viewer_set_error (GError **error, inkan_err err)
{
	const char *detail = inkan_detail ();

	if (detail != NULL && *detail != '\0')
		g_set_error (error, VIEWER_INKAN_ERROR, err, "%s: %s", inkan_strerror (err), detail);
	else
		g_set_error_literal (error, VIEWER_INKAN_ERROR, err, inkan_strerror (err));
}

inkan_ctx *
viewer_ctx_new (GError **error)
{
	const char *module = g_getenv ("INKAN_MODULE");
	inkan_ctx *ctx = NULL;
	inkan_err err;

	if ((err = inkan_ctx_new (&ctx)) != INKAN_OK)
		goto fail;
	if (module != NULL && *module != '\0' && (err = inkan_ctx_set_module (ctx, module)) != INKAN_OK)
		goto fail;
	return ctx;
fail:
	viewer_set_error (error, err);
	inkan_ctx_free (ctx);
	return NULL;
}
