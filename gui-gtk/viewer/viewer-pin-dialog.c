/* inkan-viewer — the Change PIN dialog. */
#include <glib/gi18n.h>

#include "viewer-consent-dialog.h"
#include "viewer-error.h"
#include "viewer-pin-dialog.h"
#include "viewer-pin-rules.h"

struct _ViewerPinDialog {
	GtkWindow parent_instance;
	ViewerCard *card;
	guint token;
	gboolean busy;

	GtkLabel *heading;
	GtkLabel *rule_label;
	GtkEditable *old_entry;
	GtkEditable *new_entry;
	GtkEditable *again_entry;
	GtkLabel *check_label;
	GtkSpinner *spinner;
	GtkLabel *status_label;
	GtkButton *cancel_button;
	GtkButton *change_button;
};

G_DEFINE_FINAL_TYPE (ViewerPinDialog, viewer_pin_dialog, GTK_TYPE_WINDOW)

enum { SENT, N_SIGNALS };
static guint signals[N_SIGNALS];

static const inkan_card_pin_info *
pin (ViewerPinDialog *self)
{
	return &viewer_card_get_token (self->card, self->token)->pin;
}

/* What stands between the entries and the Change button, in words. */
static char *
problem (ViewerPinDialog *self)
{
	const char *old = gtk_editable_get_text (self->old_entry);
	const char *new = gtk_editable_get_text (self->new_entry);
	const char *again = gtk_editable_get_text (self->again_entry);
	g_autofree char *bad = NULL;

	if (*old == '\0')
		return g_strdup (_("Enter the current PIN."));
	if (*new == '\0')
		return g_strdup (_("Enter the new PIN."));
	if ((bad = viewer_pin_rule_problem (pin (self), new)) != NULL)
		return g_strdup_printf (_("The new PIN: %s."), bad);
	if (strcmp (new, again) != 0)
		return g_strdup (_("The two new PINs differ."));
	return NULL;
}

static void
update (ViewerPinDialog *self)
{
	g_autofree char *p = problem (self);

	gtk_label_set_text (self->check_label, p != NULL ? p : _("The new PIN meets the card's rules."));
	gtk_widget_set_sensitive (GTK_WIDGET (self->change_button), p == NULL && !self->busy);
}

static void on_changed (ViewerPinDialog *self) { update (self); }

static void
set_busy (ViewerPinDialog *self, gboolean busy)
{
	self->busy = busy;
	gtk_spinner_set_spinning (self->spinner, busy);
	gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), !busy);
	if (busy)
		gtk_label_set_text (self->status_label, _("Talking to the card…"));
	update (self);
}

static void send (ViewerPinDialog *self, unsigned flags);

static void
consent_answered (ViewerConsentDialog *dialog, gboolean consent, gpointer data)
{
	ViewerPinDialog *self = data;

	(void) dialog;
	if (consent)
		send (self, INKAN_LOGIN_ALLOW_FINAL_TRY);
	else
		gtk_label_set_text (self->status_label, _("Cancelled: nothing was sent to the card."));
}

static void
sent (GObject *source, GAsyncResult *result, gpointer data)
{
	g_autoptr (ViewerPinDialog) self = data;
	g_autoptr (GError) error = NULL;
	GtkWidget *consent;

	(void) source;
	set_busy (self, FALSE);
	if (viewer_card_change_pin_finish (result, &error)) {
		g_signal_emit (self, signals[SENT], 0);
		gtk_window_destroy (GTK_WINDOW (self));
		return;
	}
	if (g_error_matches (error, VIEWER_INKAN_ERROR, INKAN_ERR_PIN_FINAL_TRY)) {
		gtk_label_set_text (self->status_label, error->message);
		consent = viewer_consent_dialog_new (GTK_WINDOW (self), pin (self)->label);
		g_signal_connect_object (consent, "answered", G_CALLBACK (consent_answered), self, 0);
		gtk_window_present (GTK_WINDOW (consent));
		return;
	}
	gtk_label_set_text (self->status_label, error->message);
	/* Anything but "refused before sending" may have counted a try. */
	g_signal_emit (self, signals[SENT], 0);
}

static void
send (ViewerPinDialog *self, unsigned flags)
{
	const char *old = gtk_editable_get_text (self->old_entry);
	const char *new = gtk_editable_get_text (self->new_entry);
	inkan_secret *old_pin = NULL, *new_pin = NULL;

	if (inkan_secret_new (old, strlen (old), &old_pin) != INKAN_OK ||
	    inkan_secret_new (new, strlen (new), &new_pin) != INKAN_OK) {
		gtk_label_set_text (self->status_label, inkan_strerror (INKAN_ERR_NOMEM));
		inkan_secret_free (old_pin);
		return;
	}
	set_busy (self, TRUE);
	viewer_card_change_pin_async (self->card, self->token, old_pin, new_pin, flags, sent, g_object_ref (self));
}

static void on_change (ViewerPinDialog *self) { send (self, 0); }

static void
viewer_pin_dialog_dispose (GObject *object)
{
	ViewerPinDialog *self = VIEWER_PIN_DIALOG (object);

	g_clear_object (&self->card);
	gtk_widget_dispose_template (GTK_WIDGET (self), VIEWER_TYPE_PIN_DIALOG);
	G_OBJECT_CLASS (viewer_pin_dialog_parent_class)->dispose (object);
}

/* No closing while the card is being spoken to: the answer must be seen. */
static gboolean
close_request (GtkWindow *window)
{
	return VIEWER_PIN_DIALOG (window)->busy;
}

static void
viewer_pin_dialog_class_init (ViewerPinDialogClass *klass)
{
	GtkWidgetClass *w = GTK_WIDGET_CLASS (klass);

	G_OBJECT_CLASS (klass)->dispose = viewer_pin_dialog_dispose;
	GTK_WINDOW_CLASS (klass)->close_request = close_request;
	gtk_widget_class_set_template_from_resource (w, "/org/inkan/Viewer/viewer-pin-dialog.ui");
	gtk_widget_class_bind_template_child (w, ViewerPinDialog, heading);
	gtk_widget_class_bind_template_child (w, ViewerPinDialog, rule_label);
	gtk_widget_class_bind_template_child (w, ViewerPinDialog, old_entry);
	gtk_widget_class_bind_template_child (w, ViewerPinDialog, new_entry);
	gtk_widget_class_bind_template_child (w, ViewerPinDialog, again_entry);
	gtk_widget_class_bind_template_child (w, ViewerPinDialog, check_label);
	gtk_widget_class_bind_template_child (w, ViewerPinDialog, spinner);
	gtk_widget_class_bind_template_child (w, ViewerPinDialog, status_label);
	gtk_widget_class_bind_template_child (w, ViewerPinDialog, cancel_button);
	gtk_widget_class_bind_template_child (w, ViewerPinDialog, change_button);
	gtk_widget_class_bind_template_callback (w, on_changed);
	gtk_widget_class_bind_template_callback (w, on_change);
	gtk_widget_class_bind_template_callback (w, gtk_window_destroy);
	signals[SENT] = g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
	                              NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
viewer_pin_dialog_init (ViewerPinDialog *self)
{
	gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
viewer_pin_dialog_new (GtkWindow *parent, ViewerCard *card, guint i)
{
	ViewerPinDialog *self = g_object_new (VIEWER_TYPE_PIN_DIALOG, "transient-for", parent, NULL);
	const inkan_card_pin_info *p;
	g_autofree char *heading = NULL;

	self->card = g_object_ref (card);
	self->token = i;
	p = pin (self);
	heading = g_strdup_printf (_("Change the %s"), p->label);
	gtk_label_set_text (self->heading, heading);
	gtk_label_set_text (self->rule_label, p->rule != NULL ? p->rule : _("The card's rules for this PIN are not known."));
	update (self);
	return GTK_WIDGET (self);
}
