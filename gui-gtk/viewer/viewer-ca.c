/* inkan-viewer — the CA check against every pins file there is. */
#include <glib/gi18n.h>

#include "viewer-ca.h"
#include "viewer-error.h"

static gboolean
load (inkan_ca_pins *pins, const char *path, GError **error)
{
	inkan_err err = inkan_ca_pins_load (pins, path);

	if (err != INKAN_OK)
		viewer_set_error (error, err);
	return err == INKAN_OK;
}

/* The shipped pins (jpki.pins, ...), in name order so that the first
 * matching pin is always the same one. */
static gboolean
load_dir (inkan_ca_pins *pins, const char *dir, GError **error)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	const char *name;
	guint i;

	if (d == NULL)
		return TRUE;
	while ((name = g_dir_read_name (d)) != NULL)
		if (g_str_has_suffix (name, ".pins"))
			g_ptr_array_add (names, g_build_filename (dir, name, NULL));
	g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
	for (i = 0; i < names->len; i++)
		if (!load (pins, g_ptr_array_index (names, i), error))
			return FALSE;
	return TRUE;
}

gboolean
viewer_ca_check (X509 *cert, const char *const *extra, ViewerCaCheck *out, GError **error)
{
	const char *system = inkan_path_ca_pins ();
	inkan_ca_pins *pins = NULL;
	gboolean ok = FALSE;
	inkan_err err;

	memset (out, 0, sizeof *out);
	if ((err = inkan_ca_pins_new (&pins)) != INKAN_OK) {
		viewer_set_error (error, err);
		return FALSE;
	}
	if (g_file_test (system, G_FILE_TEST_EXISTS) && !load (pins, system, error))
		goto out;
	if (!load_dir (pins, inkan_path_pins_dir (), error))
		goto out;
	for (; extra != NULL && *extra != NULL; extra++)
		if (!load (pins, *extra, error))
			goto out;
	if (inkan_ca_pins_count (pins) == 0) {
		g_set_error (error, VIEWER_INKAN_ERROR, INKAN_ERR_NOT_FOUND,
		             _("no published fingerprints to compare with (%s and %s have none)"),
		             system, inkan_path_pins_dir ());
		goto out;
	}
	if ((err = inkan_ca_check (cert, pins, &out->result)) != INKAN_OK) {
		viewer_set_error (error, err);
		goto out;
	}
	out->pin_name = g_strdup (out->result.pin_name);
	out->result.pin_name = NULL;
	ok = TRUE;
out:
	inkan_ca_pins_free (pins);
	return ok;
}

void
viewer_ca_check_clear (ViewerCaCheck *check)
{
	g_clear_pointer (&check->pin_name, g_free);
}
