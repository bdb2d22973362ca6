/* inkan-viewer — the user's NPKI certificates, found in a worker: the
 * search reads folders on removable media, which may answer slowly. */
#include <glib/gi18n.h>

#include "viewer-error.h"
#include "viewer-npki.h"

static void
npki_cert_free (ViewerNpkiCert *c)
{
	g_free (c->ca);
	g_clear_object (&c->cert);
	g_free (c);
}

static void
find_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
	inkan_npki_cert *found = NULL;
	GPtrArray *out;
	size_t n = 0, i;
	inkan_err err;

	(void) source;
	(void) data;
	if ((err = inkan_npki_find_user (&found, &n)) != INKAN_OK) {
		GError *error = NULL;
		viewer_set_error (&error, err);
		g_task_return_error (task, error);
		return;
	}
	out = g_ptr_array_new_with_free_func ((GDestroyNotify) npki_cert_free);
	for (i = 0; i < n && !g_cancellable_is_cancelled (cancellable); i++) {
		g_autoptr (GPtrArray) certs = NULL;
		g_autofree char *source_text = NULL;
		ViewerNpkiCert *c;

		/* A folder whose certificate cannot be read must not hide the others. */
		if ((certs = viewer_cert_load_file (found[i].cert, NULL)) == NULL || certs->len == 0)
			continue;
		source_text = found[i].key != NULL
			? g_strdup_printf (_("%s, with its private key %s beside it"), found[i].cert, found[i].key)
			: g_strdup (found[i].cert);
		c = g_new0 (ViewerNpkiCert, 1);
		c->ca = g_strdup (found[i].ca);
		c->cert = viewer_cert_new (viewer_cert_get_x509 (g_ptr_array_index (certs, 0)), source_text, NULL, NULL);
		if (c->cert == NULL) {
			npki_cert_free (c);
			continue;
		}
		g_ptr_array_add (out, c);
	}
	inkan_npki_certs_free (found, n);
	g_task_return_pointer (task, out, (GDestroyNotify) g_ptr_array_unref);
}

void
viewer_npki_find_async (GCancellable *cancellable, GAsyncReadyCallback callback, gpointer data)
{
	g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, data);
	g_task_run_in_thread (task, find_thread);
}

GPtrArray *
viewer_npki_find_finish (GAsyncResult *result, GError **error)
{
	return g_task_propagate_pointer (G_TASK (result), error);
}
