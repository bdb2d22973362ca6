/* inkan-viewer — a card's page, read in a worker. */
#include <glib/gi18n.h>

#include "viewer-card-page.h"
#include "viewer-pin-dialog.h"

struct _ViewerCardPage {
	GtkBox parent_instance;
	char *reader;
	char *description;
	ViewerCard *card;
	GCancellable *loading;
	gboolean removed;

	GtkLabel *removed_label;
	GtkLabel *title_label;
	GtkLabel *reader_label;
	GtkSpinner *spinner;
	GtkLabel *status_label;
	GtkBox *tokens_box;
};

G_DEFINE_FINAL_TYPE (ViewerCardPage, viewer_card_page, GTK_TYPE_BOX)

enum { LOADED, OPEN_CERT, N_SIGNALS };
static guint signals[N_SIGNALS];

static GtkWidget *
label (const char *text, const char *css)
{
	GtkWidget *l = gtk_label_new (text);

	gtk_label_set_xalign (GTK_LABEL (l), 0);
	gtk_label_set_wrap (GTK_LABEL (l), TRUE);
	if (css != NULL)
		gtk_widget_add_css_class (l, css);
	return l;
}

static const char *
state_text (inkan_pin_state s)
{
	switch (s) {
	case INKAN_PIN_OK: return _("ready");
	case INKAN_PIN_COUNT_LOW: return _("a wrong PIN was entered since the last right one");
	case INKAN_PIN_FINAL_TRY: return _("FINAL TRY: one more wrong PIN locks it");
	case INKAN_PIN_LOCKED: return _("LOCKED");
	}
	return "";
}

static const char *
source_text (const char *source)
{
	if (source == NULL)
		return _("unknown");
	if (strcmp (source, "card") == 0)
		return _("as the card counts");
	if (strcmp (source, "token-flags") == 0)
		return _("from the token's flags");
	if (strcmp (source, "record") == 0)
		return _("from inkan's record of failures");
	return source;
}

static char *
pin_text (const ViewerCardToken *t)
{
	const inkan_pin_status *s = &t->status;

	if (!t->has_status)
		return g_strdup_printf (_("%s: the state cannot be read (%s)"), t->pin.label,
		                        t->status_error != NULL ? t->status_error : "?");
	if (s->tries_left < 0)
		return g_strdup_printf (_("%s: %s; tries left unknown"), t->pin.label, state_text (s->state));
	return g_strdup_printf (_("%s: %s; %d of %d tries left (%s)"), t->pin.label, state_text (s->state),
	                        s->tries_left, s->max_tries, source_text (s->tries_source));
}

static const char *
pin_css (const ViewerCardToken *t)
{
	if (!t->has_status)
		return "warning";
	switch (t->status.state) {
	case INKAN_PIN_OK: return NULL;
	case INKAN_PIN_COUNT_LOW: return "warning";
	default: return "error";
	}
}

static void
pin_sent (ViewerPinDialog *dialog, gpointer data)
{
	(void) dialog;
	viewer_card_page_reload (data);
}

static void
change_clicked (GtkButton *button, gpointer data)
{
	ViewerCardPage *self = data;
	guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "token"));
	GtkWidget *dialog;

	if (self->card == NULL || self->removed)
		return;
	dialog = viewer_pin_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->card, i);
	g_signal_connect_object (dialog, "sent", G_CALLBACK (pin_sent), self, 0);
	gtk_window_present (GTK_WINDOW (dialog));
}

static void
cert_clicked (GtkButton *button, gpointer data)
{
	g_signal_emit (data, signals[OPEN_CERT], 0, g_object_get_data (G_OBJECT (button), "cert"));
}

static GtkWidget *
token_box (ViewerCardPage *self, guint i)
{
	const ViewerCardToken *t = viewer_card_get_token (self->card, i);
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
	GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
	g_autofree char *pin = pin_text (t);
	GtkWidget *change = gtk_button_new_with_label (_("Change PIN…"));
	guint j;

	gtk_box_append (GTK_BOX (box), label (t->info->label, "heading"));
	gtk_box_append (GTK_BOX (line), label (pin, pin_css (t)));
	gtk_widget_set_hexpand (gtk_widget_get_first_child (line), TRUE);
	g_object_set_data (G_OBJECT (change), "token", GUINT_TO_POINTER (i));
	gtk_widget_set_sensitive (change, t->has_status && t->status.state != INKAN_PIN_LOCKED);
	g_signal_connect (change, "clicked", G_CALLBACK (change_clicked), self);
	gtk_box_append (GTK_BOX (line), change);
	gtk_box_append (GTK_BOX (box), line);
	if (t->pin.rule != NULL)
		gtk_box_append (GTK_BOX (box), label (t->pin.rule, "dim-label"));
	for (j = 0; t->certs != NULL && j < t->certs->len; j++) {
		ViewerCert *c = g_ptr_array_index (t->certs, j);
		GtkWidget *b = gtk_button_new_with_label (viewer_cert_get_title (c));

		gtk_widget_set_halign (b, GTK_ALIGN_START);
		gtk_widget_add_css_class (b, "flat");
		g_object_set_data_full (G_OBJECT (b), "cert", g_object_ref (c), g_object_unref);
		g_signal_connect (b, "clicked", G_CALLBACK (cert_clicked), self);
		gtk_box_append (GTK_BOX (box), b);
	}
	return box;
}

static void
clear_tokens (ViewerCardPage *self)
{
	GtkWidget *child;

	while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tokens_box))) != NULL)
		gtk_box_remove (self->tokens_box, child);
}

static void
loaded (GObject *source, GAsyncResult *result, gpointer data)
{
	g_autoptr (ViewerCardPage) self = data;
	g_autoptr (GError) error = NULL;
	ViewerCard *card = viewer_card_load_finish (result, &error);
	guint i;

	(void) source;
	if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->removed) {
		g_clear_object (&card);
		return;
	}
	gtk_spinner_set_spinning (self->spinner, FALSE);
	g_clear_object (&self->loading);
	if (card == NULL) {
		gtk_label_set_text (self->status_label, error->message);
		return;
	}
	g_clear_object (&self->card);
	self->card = card;
	clear_tokens (self);
	gtk_label_set_text (self->status_label, viewer_card_get_n_tokens (card) == 0
	                                        ? _("No application on this card that inkan can read.") : "");
	for (i = 0; i < viewer_card_get_n_tokens (card); i++)
		gtk_box_append (self->tokens_box, token_box (self, i));
	g_signal_emit (self, signals[LOADED], 0, card);
}

void
viewer_card_page_reload (ViewerCardPage *self)
{
	if (self->removed)
		return;
	g_cancellable_cancel (self->loading);
	g_clear_object (&self->loading);
	self->loading = g_cancellable_new ();
	gtk_spinner_set_spinning (self->spinner, TRUE);
	gtk_label_set_text (self->status_label, _("Reading the card…"));
	viewer_card_load_async (self->reader, self->description, self->loading, loaded, g_object_ref (self));
}

void
viewer_card_page_set_removed (ViewerCardPage *self)
{
	g_autofree char *text = g_strdup_printf (_("The card was removed from %s."), self->reader);

	self->removed = TRUE;
	g_cancellable_cancel (self->loading);
	gtk_spinner_set_spinning (self->spinner, FALSE);
	gtk_label_set_text (self->status_label, "");
	gtk_label_set_text (self->removed_label, text);
	gtk_widget_set_visible (GTK_WIDGET (self->removed_label), TRUE);
	gtk_widget_set_sensitive (GTK_WIDGET (self->tokens_box), FALSE);
}

static void
viewer_card_page_dispose (GObject *object)
{
	ViewerCardPage *self = VIEWER_CARD_PAGE (object);

	g_cancellable_cancel (self->loading);
	g_clear_object (&self->loading);
	g_clear_object (&self->card);
	gtk_widget_dispose_template (GTK_WIDGET (self), VIEWER_TYPE_CARD_PAGE);
	G_OBJECT_CLASS (viewer_card_page_parent_class)->dispose (object);
}

static void
viewer_card_page_finalize (GObject *object)
{
	ViewerCardPage *self = VIEWER_CARD_PAGE (object);

	g_free (self->reader);
	g_free (self->description);
	G_OBJECT_CLASS (viewer_card_page_parent_class)->finalize (object);
}

static void
viewer_card_page_class_init (ViewerCardPageClass *klass)
{
	GtkWidgetClass *w = GTK_WIDGET_CLASS (klass);

	G_OBJECT_CLASS (klass)->dispose = viewer_card_page_dispose;
	G_OBJECT_CLASS (klass)->finalize = viewer_card_page_finalize;
	gtk_widget_class_set_template_from_resource (w, "/org/inkan/Viewer/viewer-card-page.ui");
	gtk_widget_class_bind_template_child (w, ViewerCardPage, removed_label);
	gtk_widget_class_bind_template_child (w, ViewerCardPage, title_label);
	gtk_widget_class_bind_template_child (w, ViewerCardPage, reader_label);
	gtk_widget_class_bind_template_child (w, ViewerCardPage, spinner);
	gtk_widget_class_bind_template_child (w, ViewerCardPage, status_label);
	gtk_widget_class_bind_template_child (w, ViewerCardPage, tokens_box);
	signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
	                                NULL, NULL, NULL, G_TYPE_NONE, 1, VIEWER_TYPE_CARD);
	signals[OPEN_CERT] = g_signal_new ("open-cert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
	                                   NULL, NULL, NULL, G_TYPE_NONE, 1, VIEWER_TYPE_CERT);
}

static void
viewer_card_page_init (ViewerCardPage *self)
{
	gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
viewer_card_page_new (const char *reader, const char *description)
{
	ViewerCardPage *self = g_object_new (VIEWER_TYPE_CARD_PAGE, NULL);

	self->reader = g_strdup (reader);
	self->description = g_strdup (description);
	gtk_label_set_text (self->title_label, description);
	gtk_label_set_text (self->reader_label, reader);
	viewer_card_page_reload (self);
	return GTK_WIDGET (self);
}
