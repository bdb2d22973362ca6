/* inkan-viewer — the GtkApplication. */
#include <glib/gi18n.h>

#include "viewer-application.h"
#include "viewer-window.h"

struct _ViewerApplication {
	GtkApplication parent_instance;
	char **pins;
};

G_DEFINE_FINAL_TYPE (ViewerApplication, viewer_application, GTK_TYPE_APPLICATION)

static ViewerWindow *
window (ViewerApplication *self)
{
	GtkWindow *w = gtk_application_get_active_window (GTK_APPLICATION (self));

	return w != NULL ? VIEWER_WINDOW (w) : viewer_window_new (self);
}

static void
activate (GApplication *app)
{
	gtk_window_present (GTK_WINDOW (window (VIEWER_APPLICATION (app))));
}

static void
open (GApplication *app, GFile **files, int n, const char *hint)
{
	ViewerWindow *w = window (VIEWER_APPLICATION (app));
	int i;

	(void) hint;
	for (i = 0; i < n; i++)
		viewer_window_open (w, files[i]);
	gtk_window_present (GTK_WINDOW (w));
}

static void
startup (GApplication *app)
{
	g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

	G_APPLICATION_CLASS (viewer_application_parent_class)->startup (app);
	gtk_css_provider_load_from_resource (css, "/org/inkan/Viewer/style.css");
	gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
	                                            GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static int
handle_local_options (GApplication *app, GVariantDict *options)
{
	ViewerApplication *self = VIEWER_APPLICATION (app);
	char **pins = NULL;
	char **p;

	if (g_variant_dict_lookup (options, "pins", "^aay", &pins)) {
		/* Made absolute: the files are read later, from whatever directory. */
		for (p = pins; *p != NULL; p++)
			if (!g_path_is_absolute (*p)) {
				char *abs = g_canonicalize_filename (*p, NULL);
				g_free (*p);
				*p = abs;
			}
		g_strfreev (self->pins);
		self->pins = pins;
	}
	return -1;
}

static void
viewer_application_finalize (GObject *object)
{
	g_strfreev (VIEWER_APPLICATION (object)->pins);
	G_OBJECT_CLASS (viewer_application_parent_class)->finalize (object);
}

static void
viewer_application_class_init (ViewerApplicationClass *klass)
{
	GApplicationClass *app = G_APPLICATION_CLASS (klass);

	G_OBJECT_CLASS (klass)->finalize = viewer_application_finalize;
	app->activate = activate;
	app->open = open;
	app->startup = startup;
	app->handle_local_options = handle_local_options;
}

static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer app)
{
	(void) action;
	(void) param;
	g_application_quit (app);
}

static void
viewer_application_init (ViewerApplication *self)
{
	static const GOptionEntry options[] = {
		{ "pins", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL,
		  N_("Also compare CA certificates with the fingerprints in FILE (repeatable)"), N_("FILE") },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	static const GActionEntry actions[] = {
		{ .name = "quit", .activate = quit_activated },
	};
	static const char *const quit_accels[] = { "<Control>q", NULL };

	g_application_add_main_option_entries (G_APPLICATION (self), options);
	g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE…]"));
	g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
	gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

ViewerApplication *
viewer_application_new (void)
{
	return g_object_new (VIEWER_TYPE_APPLICATION, "application-id", "org.inkan.Viewer",
	                     "flags", G_APPLICATION_HANDLES_OPEN, NULL);
}

const char *const *
viewer_application_get_pins (ViewerApplication *self)
{
	return (const char *const *) self->pins;
}
