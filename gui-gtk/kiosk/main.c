/* inkan-kiosk — the municipal counter: issues, renews and revokes
 * residents' certificates on their cards, every step journalled.
 *
 * usage: inkan-kiosk [--config FILE] [--windowed] */
#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>
#include <gtk/gtk.h>

#include "kiosk-window.h"
#include "session.h"

#define DEFAULT_CONFIG "/etc/inkan/kiosk.conf"

typedef struct {
	char *config;
	gboolean windowed;
	kiosk_session *session;
} kiosk_app;

static void
load_css (void)
{
	GtkCssProvider *css = gtk_css_provider_new ();

	gtk_css_provider_load_from_resource (css, "/org/inkan/Kiosk/kiosk.css");
	gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
	                                            GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
	g_object_unref (css);
}

static void
activate (GtkApplication *gapp, gpointer user)
{
	kiosk_app *app = user;
	kiosk_settings *settings = NULL;
	KioskWindow *win;
	char *why = NULL;
	GList *wins = gtk_application_get_windows (gapp);

	if (wins != NULL) {
		gtk_window_present (wins->data);
		return;
	}
	load_css ();
	if (kiosk_settings_load (app->config != NULL ? app->config : DEFAULT_CONFIG, &settings, &why) != INKAN_OK ||
	    kiosk_session_new (settings, &app->session, &why) != INKAN_OK) {
		/* Without its settings or its journal the counter must not serve. */
		g_printerr ("inkan-kiosk: %s\n", why);
		g_free (why);
		g_application_quit (G_APPLICATION (gapp));
		return;
	}
	win = kiosk_window_new (gapp, app->session);
	if (!app->windowed)
		gtk_window_fullscreen (GTK_WINDOW (win));
	gtk_window_present (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
	kiosk_app app = { 0 };
	GOptionEntry entries[] = {
		/* its description, with the default path, is made below */
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &app.config, NULL, N_("FILE") },
		{ "windowed", 0, 0, G_OPTION_ARG_NONE, &app.windowed, N_("Do not take the whole screen"), NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GtkApplication *gapp;
	char *config_help;
	int status;

	setlocale (LC_ALL, "");
	bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);
	config_help = g_strdup_printf (_("The settings file (default %s)"), DEFAULT_CONFIG);
	entries[0].description = config_help;
	/* One kiosk per screen, but tests start several in turn, each with its own bus. */
	gapp = gtk_application_new ("org.inkan.Kiosk", G_APPLICATION_DEFAULT_FLAGS);
	g_application_add_main_option_entries (G_APPLICATION (gapp), entries);
	g_application_set_option_context_parameter_string (G_APPLICATION (gapp), NULL);
	g_signal_connect (gapp, "activate", G_CALLBACK (activate), &app);
	status = g_application_run (G_APPLICATION (gapp), argc, argv);
	kiosk_session_free (app.session);
	g_free (app.config);
	g_free (config_help);
	g_object_unref (gapp);
	return status;
}
