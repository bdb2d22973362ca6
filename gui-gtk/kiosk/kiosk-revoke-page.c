/* inkan-kiosk — the revocation page.  The model (revoke.c) does the work
 * and the journalling; this page takes the file and the reason, asks for
 * a confirmation naming the certificate, and runs the request in a GTask
 * thread. */
#include "kiosk-revoke-page.h"

#include <glib/gi18n.h>
#include "job.h"
#include "kiosk-window.h"
#include "revoke.h"

struct _KioskRevokePage {
	GtkBox parent;
	GtkStack *steps;
	GtkEntry *file_entry;
	GtkDropDown *reason_list;
	GtkLabel *confirm_label;
	GtkLabel *result_label;
	GtkLabel *status_label;
	kiosk_session *s;
	char *path;
	unsigned reason;
	kiosk_revoke rv;
	gboolean busy;
};

G_DEFINE_TYPE (KioskRevokePage, kiosk_revoke_page, GTK_TYPE_BOX)

static void
set_status (KioskRevokePage *page, const char *text)
{
	gtk_label_set_text (page->status_label, text != NULL ? text : "");
	gtk_widget_set_visible (GTK_WIDGET (page->status_label), text != NULL);
}

static inkan_err
run_load (gpointer data, char **why)
{
	KioskRevokePage *page = data;

	kiosk_revoke_clear (&page->rv);
	return kiosk_revoke_load (page->s, page->path, &page->rv, why);
}

static void
loaded (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskRevokePage *page = KIOSK_REVOKE_PAGE (source);
	char *why = NULL, *text;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	page->busy = FALSE;
	if (err != INKAN_OK) {
		set_status (page, why);
		g_free (why);
		return;
	}
	text = g_strdup_printf (_("Revoke this certificate? It cannot be undone.\nSubject: %s\nSerial number: %s\n"
	                          "Reason: %s"),
	                        page->rv.subject, page->rv.serial, kiosk_revoke_reason_label (page->reason));
	gtk_label_set_text (page->confirm_label, text);
	g_free (text);
	set_status (page, NULL);
	kiosk_stack_show (page->steps, "confirm");
}

static void
check_clicked (KioskRevokePage *page)
{
	if (page->busy)
		return;
	page->busy = TRUE;
	/* The thread reads these, never the widgets. */
	page->s = kiosk_window_get_session (kiosk_window_of (GTK_WIDGET (page)));
	g_free (page->path);
	page->path = g_strdup (gtk_editable_get_text (GTK_EDITABLE (page->file_entry)));
	page->reason = gtk_drop_down_get_selected (page->reason_list);
	kiosk_job_run (page, run_load, page, NULL, loaded, NULL);
}

static inkan_err
run_revoke (gpointer data, char **why)
{
	KioskRevokePage *page = data;

	return kiosk_revoke_run (&page->rv, page->reason, why);
}

static void
revoked (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskRevokePage *page = KIOSK_REVOKE_PAGE (source);
	char *why = NULL, *text;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	page->busy = FALSE;
	if (err != INKAN_OK) {
		set_status (page, why);
		kiosk_stack_show (page->steps, "choose");
	} else {
		set_status (page, NULL);
		text = g_strdup_printf (_("The CA has revoked the certificate with serial number %s."), page->rv.serial);
		gtk_label_set_text (page->result_label, text);
		g_free (text);
		kiosk_stack_show (page->steps, "result");
	}
	g_free (why);
}

static void
revoke_clicked (KioskRevokePage *page)
{
	if (page->busy)
		return;
	page->busy = TRUE;
	set_status (page, _("Asking the CA…"));
	kiosk_job_run (page, run_revoke, page, NULL, revoked, NULL);
}

static void
home_clicked (KioskRevokePage *page)
{
	if (!page->busy)
		kiosk_window_go (kiosk_window_of (GTK_WIDGET (page)), "home");
}

static void
kiosk_revoke_page_dispose (GObject *obj)
{
	kiosk_revoke_clear (&KIOSK_REVOKE_PAGE (obj)->rv);
	g_clear_pointer (&KIOSK_REVOKE_PAGE (obj)->path, g_free);
	G_OBJECT_CLASS (kiosk_revoke_page_parent_class)->dispose (obj);
}

static void
kiosk_revoke_page_class_init (KioskRevokePageClass *klass)
{
	GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);

	G_OBJECT_CLASS (klass)->dispose = kiosk_revoke_page_dispose;
	gtk_widget_class_set_template_from_resource (wc, "/org/inkan/Kiosk/kiosk-revoke-page.ui");
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, steps);
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, file_entry);
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, reason_list);
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, confirm_label);
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, result_label);
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, status_label);
	gtk_widget_class_bind_template_callback (wc, check_clicked);
	gtk_widget_class_bind_template_callback (wc, revoke_clicked);
	gtk_widget_class_bind_template_callback (wc, home_clicked);
}

static void
kiosk_revoke_page_init (KioskRevokePage *page)
{
	GtkStringList *list = gtk_string_list_new (NULL);

	gtk_widget_init_template (GTK_WIDGET (page));
	for (unsigned i = 0; i < KIOSK_REVOKE_REASONS; i++)
		gtk_string_list_append (list, kiosk_revoke_reason_label (i));
	gtk_drop_down_set_model (page->reason_list, G_LIST_MODEL (list));
	g_object_unref (list);
}

void
kiosk_revoke_page_reset (KioskRevokePage *page)
{
	kiosk_revoke_clear (&page->rv);
	gtk_editable_set_text (GTK_EDITABLE (page->file_entry), "");
	gtk_drop_down_set_selected (page->reason_list, 0);
	set_status (page, NULL);
	kiosk_stack_show (page->steps, "choose");
}
