/* inkan-viewer [FILE…]: certificates in files and on cards, for the person
 * at the desktop. */
#include <locale.h>
#include <glib/gi18n.h>

#include "viewer-application.h"

int
main (int argc, char **argv)
{
	const char *localedir = g_getenv ("INKAN_LOCALEDIR");
	g_autoptr (ViewerApplication) app = NULL;

	setlocale (LC_ALL, "");
	/* INKAN_LOCALEDIR: the build tree's catalogs, as for the CLI. */
	bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);
	app = viewer_application_new ();
	return g_application_run (G_APPLICATION (app), argc, argv);
}
