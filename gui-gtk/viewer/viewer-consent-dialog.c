/* inkan-viewer — the final-try consent dialog. */
#include <glib/gi18n.h>

#include "viewer-consent-dialog.h"

struct _ViewerConsentDialog {
	GtkWindow parent_instance;
	GtkLabel *message;
	GtkButton *cancel_button;
	gboolean answered;
};

G_DEFINE_FINAL_TYPE (ViewerConsentDialog, viewer_consent_dialog, GTK_TYPE_WINDOW)

enum { ANSWERED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
answer (ViewerConsentDialog *self, gboolean consent)
{
	if (!self->answered) {
		self->answered = TRUE;
		g_signal_emit (self, signals[ANSWERED], 0, consent);
	}
	gtk_window_destroy (GTK_WINDOW (self));
}

static void on_cancel (ViewerConsentDialog *self) { answer (self, FALSE); }
static void on_confirm (ViewerConsentDialog *self) { answer (self, TRUE); }

/* Closing the window is no consent. */
static gboolean
close_request (GtkWindow *window)
{
	ViewerConsentDialog *self = VIEWER_CONSENT_DIALOG (window);

	if (!self->answered) {
		self->answered = TRUE;
		g_signal_emit (self, signals[ANSWERED], 0, FALSE);
	}
	return FALSE;
}

static void
viewer_consent_dialog_class_init (ViewerConsentDialogClass *klass)
{
	GtkWidgetClass *w = GTK_WIDGET_CLASS (klass);

	GTK_WINDOW_CLASS (klass)->close_request = close_request;
	gtk_widget_class_set_template_from_resource (w, "/org/inkan/Viewer/viewer-consent-dialog.ui");
	gtk_widget_class_bind_template_child (w, ViewerConsentDialog, message);
	gtk_widget_class_bind_template_child (w, ViewerConsentDialog, cancel_button);
	gtk_widget_class_bind_template_callback (w, on_cancel);
	gtk_widget_class_bind_template_callback (w, on_confirm);
	signals[ANSWERED] = g_signal_new ("answered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
	                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
viewer_consent_dialog_init (ViewerConsentDialog *self)
{
	gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
viewer_consent_dialog_new (GtkWindow *parent, const char *pin_label)
{
	ViewerConsentDialog *self = g_object_new (VIEWER_TYPE_CONSENT_DIALOG, "transient-for", parent, NULL);
	g_autofree char *text = g_strdup_printf (
		_("Only one try is left for the %s. If this PIN is wrong too, the card locks it and only the issuer "
		  "can unlock it.\n\nSend it anyway?"), pin_label);

	gtk_label_set_text (self->message, text);
	/* The safe answer is the default one. */
	gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->cancel_button));
	gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
	return GTK_WIDGET (self);
}
