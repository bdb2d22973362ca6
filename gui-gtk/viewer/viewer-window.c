/* inkan-viewer — the main window: sources in the sidebar, pages in a stack. */
#include <glib/gi18n.h>

#include "viewer-card-page.h"
#include "viewer-cert-page.h"
#include "viewer-npki.h"
#include "viewer-readers.h"
#include "viewer-window.h"

/* A card in a reader: its sidebar rows and the pages made for it. */
typedef struct {
	GtkListBoxRow *row;
	GtkWidget *page;
	GPtrArray *cert_rows;   /* GtkListBoxRow */
} Card;

struct _ViewerWindow {
	GtkApplicationWindow parent_instance;
	ViewerReaders *readers;
	GHashTable *cards;      /* reader name → Card */
	GPtrArray *orphans;     /* pages of removed cards, dropped once not shown */
	GCancellable *npki_cancel;
	GtkListBoxRow *npki_header;     /* the NPKI section, below the files opened */

	GtkListBox *sidebar;
	GtkStack *stack;
	GtkLabel *empty_label;
	GtkLabel *service_label;
};

G_DEFINE_FINAL_TYPE (ViewerWindow, viewer_window, GTK_TYPE_APPLICATION_WINDOW)

static void
card_free (Card *c)
{
	g_ptr_array_unref (c->cert_rows);
	g_free (c);
}

static GtkListBoxRow *
add_row (ViewerWindow *self, const char *text, const char *subtitle, int position, int indent)
{
	GtkWidget *row = gtk_list_box_row_new ();
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
	GtkWidget *l = gtk_label_new (text);

	gtk_label_set_xalign (GTK_LABEL (l), 0);
	gtk_label_set_ellipsize (GTK_LABEL (l), PANGO_ELLIPSIZE_END);
	gtk_box_append (GTK_BOX (box), l);
	if (subtitle != NULL) {
		GtkWidget *s = gtk_label_new (subtitle);
		gtk_label_set_xalign (GTK_LABEL (s), 0);
		gtk_label_set_ellipsize (GTK_LABEL (s), PANGO_ELLIPSIZE_MIDDLE);
		gtk_widget_add_css_class (s, "dim-label");
		gtk_widget_add_css_class (s, "caption");
		gtk_box_append (GTK_BOX (box), s);
	}
	gtk_widget_set_margin_start (box, 6 + 18 * indent);
	gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
	gtk_list_box_insert (self->sidebar, row, position);
	return GTK_LIST_BOX_ROW (row);
}

static void
show_page (ViewerWindow *self, GtkWidget *page)
{
	if (gtk_widget_get_parent (page) == NULL)
		gtk_stack_add_child (self->stack, page);
	gtk_stack_set_visible_child (self->stack, page);
}

/* Pages of removed cards go once something else is shown. */
static void
drop_orphans (ViewerWindow *self)
{
	GtkWidget *visible = gtk_stack_get_visible_child (self->stack);
	guint i = 0;

	while (i < self->orphans->len) {
		GtkWidget *page = g_ptr_array_index (self->orphans, i);
		if (page == visible) {
			i++;
			continue;
		}
		if (gtk_widget_get_parent (page) != NULL)
			gtk_stack_remove (self->stack, page);
		g_ptr_array_remove_index_fast (self->orphans, i);
	}
}

static void
on_row_selected (ViewerWindow *self, GtkListBoxRow *row)
{
	GtkWidget *page;
	ViewerCert *cert;

	if (row == NULL)
		return;
	page = g_object_get_data (G_OBJECT (row), "page");
	cert = g_object_get_data (G_OBJECT (row), "cert");
	if (page == NULL && cert != NULL) {
		page = viewer_cert_page_new (cert);
		g_object_set_data_full (G_OBJECT (row), "page", g_object_ref_sink (page), g_object_unref);
	}
	if (page != NULL)
		show_page (self, page);
	drop_orphans (self);
}

static void
message (ViewerWindow *self, const char *text)
{
	gtk_list_box_unselect_all (self->sidebar);
	gtk_label_set_text (self->empty_label, text);
	gtk_stack_set_visible_child_name (self->stack, "empty");
}

static GtkListBoxRow *
add_cert_row (ViewerWindow *self, ViewerCert *cert, const char *subtitle, int position, int indent)
{
	GtkListBoxRow *row = add_row (self, viewer_cert_get_title (cert), subtitle, position, indent);

	g_object_set_data_full (G_OBJECT (row), "cert", g_object_ref (cert), g_object_unref);
	return row;
}

static void
remove_row (ViewerWindow *self, GtkListBoxRow *row, GPtrArray *orphans)
{
	GtkWidget *page = g_object_get_data (G_OBJECT (row), "page");

	if (page != NULL)
		g_ptr_array_add (orphans, g_object_ref (page));
	gtk_list_box_remove (self->sidebar, GTK_WIDGET (row));
}

static void
card_loaded (ViewerCardPage *page, ViewerCard *card, gpointer data)
{
	ViewerWindow *self = data;
	Card *c = g_hash_table_lookup (self->cards, viewer_card_get_reader (card));
	int position;
	guint i, j;

	if (c == NULL || c->page != GTK_WIDGET (page))
		return;
	/* A reload (after a PIN was sent) reads the same certificates anew. */
	for (i = 0; i < c->cert_rows->len; i++)
		remove_row (self, g_ptr_array_index (c->cert_rows, i), self->orphans);
	g_ptr_array_set_size (c->cert_rows, 0);
	position = gtk_list_box_row_get_index (c->row) + 1;
	for (i = 0; i < viewer_card_get_n_tokens (card); i++) {
		const ViewerCardToken *t = viewer_card_get_token (card, i);
		for (j = 0; t->certs != NULL && j < t->certs->len; j++)
			g_ptr_array_add (c->cert_rows, add_cert_row (self, g_ptr_array_index (t->certs, j), NULL,
			                                             position++, 1));
	}
	drop_orphans (self);
}

static void
card_open_cert (ViewerCardPage *page, ViewerCert *cert, gpointer data)
{
	ViewerWindow *self = data;
	GtkListBoxRow *row;
	int i;

	(void) page;
	for (i = 0; (row = gtk_list_box_get_row_at_index (self->sidebar, i)) != NULL; i++)
		if (g_object_get_data (G_OBJECT (row), "cert") == cert) {
			gtk_list_box_select_row (self->sidebar, row);
			return;
		}
}

static void
card_removed (ViewerReaders *readers, const char *reader, gpointer data)
{
	ViewerWindow *self = data;
	Card *c = g_hash_table_lookup (self->cards, reader);
	g_autoptr (GPtrArray) pages = NULL;
	g_autofree char *text = NULL;
	guint i;

	(void) readers;
	if (c == NULL)
		return;
	pages = g_ptr_array_new_with_free_func (g_object_unref);
	text = g_strdup_printf (_("The card was removed from %s."), reader);
	viewer_card_page_set_removed (VIEWER_CARD_PAGE (c->page));
	g_ptr_array_add (self->orphans, g_object_ref (c->page));
	for (i = 0; i < c->cert_rows->len; i++)
		remove_row (self, g_ptr_array_index (c->cert_rows, i), pages);
	for (i = 0; i < pages->len; i++) {
		viewer_cert_page_set_gone (g_ptr_array_index (pages, i), text);
		g_ptr_array_add (self->orphans, g_object_ref (g_ptr_array_index (pages, i)));
	}
	gtk_list_box_remove (self->sidebar, GTK_WIDGET (c->row));
	g_hash_table_remove (self->cards, reader);
	drop_orphans (self);
}

static void
card_inserted (ViewerReaders *readers, const char *reader, const char *type, const char *description,
               gpointer data)
{
	ViewerWindow *self = data;
	Card *c;
	int position = 0;
	GtkListBoxRow *row;

	(void) type;
	card_removed (readers, reader, self);
	/* Cards come first, in the order they were inserted. */
	while ((row = gtk_list_box_get_row_at_index (self->sidebar, position)) != NULL &&
	       g_object_get_data (G_OBJECT (row), "reader") != NULL)
		position++;
	c = g_new0 (Card, 1);
	c->cert_rows = g_ptr_array_new ();
	c->row = add_row (self, description, reader, position, 0);
	g_object_set_data_full (G_OBJECT (c->row), "reader", g_strdup (reader), g_free);
	c->page = viewer_card_page_new (reader, description);
	g_object_set_data_full (G_OBJECT (c->row), "page", g_object_ref_sink (c->page), g_object_unref);
	g_signal_connect_object (c->page, "loaded", G_CALLBACK (card_loaded), self, 0);
	g_signal_connect_object (c->page, "open-cert", G_CALLBACK (card_open_cert), self, 0);
	g_hash_table_replace (self->cards, g_strdup (reader), c);
	if (gtk_list_box_get_selected_row (self->sidebar) == NULL)
		gtk_list_box_select_row (self->sidebar, c->row);
}

static void
service (ViewerReaders *readers, gboolean running, gpointer data)
{
	ViewerWindow *self = data;

	(void) readers;
	gtk_label_set_text (self->service_label,
	                    _("The smart card service (pcscd) is not running: cards appear when it is back."));
	gtk_widget_set_visible (GTK_WIDGET (self->service_label), !running);
}

void
viewer_window_open (ViewerWindow *self, GFile *file)
{
	g_autofree char *path = g_file_get_path (file);
	g_autofree char *name = g_file_get_basename (file);
	g_autoptr (GPtrArray) certs = NULL;
	g_autoptr (GError) error = NULL;
	GtkListBoxRow *first = NULL;
	int position = self->npki_header != NULL ? gtk_list_box_row_get_index (self->npki_header) : -1;
	guint i;

	if (path == NULL) {
		g_autofree char *uri = g_file_get_uri (file);
		g_autofree char *text = g_strdup_printf (_("Cannot open %s: only local files can be opened."), uri);
		message (self, text);
		return;
	}
	if ((certs = viewer_cert_load_file (path, &error)) == NULL) {
		g_autofree char *text = g_strdup_printf (_("Cannot open %s: %s"), path, error->message);
		message (self, text);
		return;
	}
	for (i = 0; i < certs->len; i++) {
		GtkListBoxRow *row = add_cert_row (self, g_ptr_array_index (certs, i), name, position, 0);
		if (first == NULL)
			first = row;
		if (position >= 0)
			position++;
	}
	if (first != NULL)
		gtk_list_box_select_row (self->sidebar, first);
}

static void
npki_found (GObject *source, GAsyncResult *result, gpointer data)
{
	g_autoptr (ViewerWindow) self = data;
	g_autoptr (GPtrArray) certs = NULL;
	g_autoptr (GError) error = NULL;
	GtkListBoxRow *header;
	guint i;

	(void) source;
	certs = viewer_npki_find_finish (result, &error);
	if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->npki_cancel == NULL ||
	    (certs != NULL && certs->len == 0))
		return;
	header = self->npki_header = add_row (self, _("NPKI certificates"), NULL, -1, 0);
	gtk_list_box_row_set_selectable (header, FALSE);
	gtk_list_box_row_set_activatable (header, FALSE);
	gtk_widget_add_css_class (GTK_WIDGET (header), "heading");
	if (certs == NULL) {
		g_autofree char *text = g_strdup_printf (_("Cannot look for NPKI certificates: %s"), error->message);
		gtk_list_box_row_set_selectable (add_row (self, text, NULL, -1, 1), FALSE);
		return;
	}
	for (i = 0; i < certs->len; i++) {
		ViewerNpkiCert *c = g_ptr_array_index (certs, i);
		add_cert_row (self, c->cert, c->ca, -1, 1);
	}
}

static void
open_response (GtkNativeDialog *dialog, int response, gpointer data)
{
	ViewerWindow *self = data;
	g_autoptr (GListModel) files = NULL;
	guint i;

	if (response == GTK_RESPONSE_ACCEPT) {
		files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
		for (i = 0; i < g_list_model_get_n_items (files); i++) {
			g_autoptr (GFile) f = g_list_model_get_item (files, i);
			viewer_window_open (self, f);
		}
	}
	gtk_native_dialog_destroy (dialog);
	g_object_unref (dialog);
}

static void
open_activated (GtkWidget *widget, const char *action, GVariant *param)
{
	GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Open certificates"), GTK_WINDOW (widget),
		GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
	static const char *const patterns[] = { "*.cer", "*.crt", "*.der", "*.pem", "*.p7b", "*.p7c" };
	GtkFileFilter *filter = gtk_file_filter_new ();
	size_t i;

	(void) action;
	(void) param;
	gtk_file_filter_set_name (filter, _("Certificates"));
	for (i = 0; i < G_N_ELEMENTS (patterns); i++)
		gtk_file_filter_add_pattern (filter, patterns[i]);
	gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
	g_object_unref (filter);
	gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
	gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
	g_signal_connect (chooser, "response", G_CALLBACK (open_response), widget);
	gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, gpointer data)
{
	GSList *l;

	(void) target;
	(void) x;
	(void) y;
	if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
		return FALSE;
	for (l = g_value_get_boxed (value); l != NULL; l = l->next)
		viewer_window_open (data, l->data);
	return TRUE;
}

static void
viewer_window_dispose (GObject *object)
{
	ViewerWindow *self = VIEWER_WINDOW (object);

	/* The watch first: no event may reach a half-gone window. */
	if (self->readers != NULL)
		g_signal_handlers_disconnect_by_data (self->readers, self);
	g_clear_object (&self->readers);
	g_cancellable_cancel (self->npki_cancel);
	g_clear_object (&self->npki_cancel);
	g_clear_pointer (&self->cards, g_hash_table_unref);
	g_clear_pointer (&self->orphans, g_ptr_array_unref);
	gtk_widget_dispose_template (GTK_WIDGET (self), VIEWER_TYPE_WINDOW);
	G_OBJECT_CLASS (viewer_window_parent_class)->dispose (object);
}

static void
viewer_window_class_init (ViewerWindowClass *klass)
{
	GtkWidgetClass *w = GTK_WIDGET_CLASS (klass);

	G_OBJECT_CLASS (klass)->dispose = viewer_window_dispose;
	gtk_widget_class_set_template_from_resource (w, "/org/inkan/Viewer/viewer-window.ui");
	gtk_widget_class_bind_template_child (w, ViewerWindow, sidebar);
	gtk_widget_class_bind_template_child (w, ViewerWindow, stack);
	gtk_widget_class_bind_template_child (w, ViewerWindow, empty_label);
	gtk_widget_class_bind_template_child (w, ViewerWindow, service_label);
	gtk_widget_class_bind_template_callback (w, on_row_selected);
	gtk_widget_class_install_action (w, "win.open", NULL, open_activated);
	gtk_widget_class_add_binding_action (w, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
}

static void
viewer_window_init (ViewerWindow *self)
{
	GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

	gtk_widget_init_template (GTK_WIDGET (self));
	self->cards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) card_free);
	self->orphans = g_ptr_array_new_with_free_func (g_object_unref);
	g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
	gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
	self->readers = viewer_readers_new ();
	g_signal_connect (self->readers, "card-inserted", G_CALLBACK (card_inserted), self);
	g_signal_connect (self->readers, "card-removed", G_CALLBACK (card_removed), self);
	g_signal_connect (self->readers, "service", G_CALLBACK (service), self);
	self->npki_cancel = g_cancellable_new ();
	viewer_npki_find_async (self->npki_cancel, npki_found, g_object_ref (self));
}

ViewerWindow *
viewer_window_new (ViewerApplication *app)
{
	return g_object_new (VIEWER_TYPE_WINDOW, "application", app, NULL);
}
