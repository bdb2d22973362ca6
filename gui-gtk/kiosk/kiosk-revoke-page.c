/* inkan-kiosk — the revocation page.  The model (revoke.c) does the work
 * and the journalling; this page takes the file and the reason, asks for
 * a confirmation naming the certificate, and runs the request in a GTask
 * thread. */
#include "kiosk-revoke-page.h"

#include <glib/gi18n.h>
#include <string.h>
#include "job.h"
#include "kiosk-window.h"
#include "revoke.h"

struct _KioskRevokePage {
	GtkBox parent;
	GtkStack *steps;
	GtkSearchEntry *search_entry;
	GtkListBox *issued_list;
	GtkEntry *file_entry;
	GtkDropDown *reason_list;
	GtkLabel *confirm_label;
	GtkLabel *result_label;
	GtkLabel *status_label;
	kiosk_session *s;
	char *path;             /* the certificate's file, or NULL: ... */
	const kiosk_issued *picked; /* ... the one picked from the journal */
	kiosk_issued *issued;   /* the journal's, listed */
	size_t n_issued;
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
	if (page->path == NULL)
		return kiosk_revoke_from_der (page->s, page->picked->cert_der, page->picked->cert_len, &page->rv, why);
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
	const char *file = gtk_editable_get_text (GTK_EDITABLE (page->file_entry));
	GtkListBoxRow *row = gtk_list_box_get_selected_row (page->issued_list);

	if (page->busy)
		return;
	/* A file typed is what staff mean; else the row picked. */
	if (*file == '\0' && (row == NULL || !gtk_widget_get_child_visible (GTK_WIDGET (row)))) {
		set_status (page, _("Pick a certificate from the list, or give its file."));
		return;
	}
	page->busy = TRUE;
	/* The thread reads these, never the widgets. */
	page->s = kiosk_window_get_session (kiosk_window_of (GTK_WIDGET (page)));
	g_free (page->path);
	page->path = *file != '\0' ? g_strdup (file) : NULL;
	page->picked = *file != '\0' ? NULL : &page->issued[gtk_list_box_row_get_index (row)];
	page->reason = gtk_drop_down_get_selected (page->reason_list);
	kiosk_job_run (page, run_load, page, NULL, loaded, NULL);
}

/* ---- the journal's issued certificates ---- */

typedef struct {
	char *path;
	kiosk_issued *list;
	size_t n;
	char **holders;
} listing;

static void
listing_free (gpointer p)
{
	listing *l = p;

	g_free (l->path);
	kiosk_issued_free (l->list, l->n);
	g_strfreev (l->holders);
	g_free (l);
}

static inkan_err
run_list (gpointer data, char **why)
{
	listing *l = data;
	inkan_err err = kiosk_journal_issued (l->path, &l->list, &l->n);

	if (err != INKAN_OK) {
		*why = g_strdup_printf (_("The journal cannot be read: %s"), inkan_detail ());
		return err;
	}
	l->holders = g_new0 (char *, l->n + 1);
	for (size_t i = 0; i < l->n; i++)
		l->holders[i] = kiosk_revoke_holder (l->list[i].cert_der, l->list[i].cert_len);
	return INKAN_OK;
}

static GtkWidget *
cell (const char *text, gboolean expand)
{
	GtkWidget *label = gtk_label_new (text);

	gtk_label_set_xalign (GTK_LABEL (label), 0);
	gtk_widget_set_hexpand (label, expand);
	/* A long name must not widen the page past the screen. */
	if (expand)
		gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
	return label;
}

static void
listed (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskRevokePage *page = KIOSK_REVOKE_PAGE (source);
	listing *l = NULL;
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, (gpointer *) &l, &why);
	GtkWidget *child;

	(void) user;
	page->busy = FALSE;
	if (err != INKAN_OK) {
		set_status (page, why);
		g_free (why);
		return;
	}
	while ((child = gtk_widget_get_first_child (GTK_WIDGET (page->issued_list))) != NULL)
		gtk_list_box_remove (page->issued_list, child);
	kiosk_issued_free (page->issued, page->n_issued);
	/* The rows' order is the list's: a row's index is its certificate's. */
	page->issued = g_steal_pointer (&l->list);
	page->n_issued = l->n;
	for (size_t i = 0; i < page->n_issued; i++) {
		GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
		GDateTime *t = g_date_time_new_from_unix_utc (page->issued[i].time_ms / 1000);
		char *when = t != NULL ? g_date_time_format (t, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");

		gtk_box_append (GTK_BOX (box), cell (l->holders[i], TRUE));
		gtk_box_append (GTK_BOX (box), cell (page->issued[i].serial, FALSE));
		gtk_box_append (GTK_BOX (box), cell (when, FALSE));
		gtk_list_box_append (page->issued_list, box);
		g_object_set_data_full (G_OBJECT (gtk_widget_get_parent (box)), "kiosk-search",
		                        g_strdup_printf ("%s %s", l->holders[i], page->issued[i].serial), g_free);
		g_free (when);
		if (t != NULL)
			g_date_time_unref (t);
	}
	g_free (why);
}

/* A row shows when the search is part of its holder or serial, in any case. */
static gboolean
row_matches (GtkListBoxRow *row, gpointer data)
{
	KioskRevokePage *page = data;
	const char *text = gtk_editable_get_text (GTK_EDITABLE (page->search_entry)), *hay;
	char *needle, *haystack;
	gboolean match;

	if (*text == '\0')
		return TRUE;
	hay = g_object_get_data (G_OBJECT (row), "kiosk-search");
	needle = g_utf8_casefold (text, -1);
	haystack = g_utf8_casefold (hay != NULL ? hay : "", -1);
	match = strstr (haystack, needle) != NULL;
	g_free (needle);
	g_free (haystack);
	return match;
}

static void
search_changed (KioskRevokePage *page)
{
	/* A complaint about the last try is stale once staff look again. */
	set_status (page, NULL);
	gtk_list_box_invalidate_filter (page->issued_list);
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
	KioskRevokePage *page = KIOSK_REVOKE_PAGE (obj);

	kiosk_revoke_clear (&page->rv);
	g_clear_pointer (&page->path, g_free);
	kiosk_issued_free (page->issued, page->n_issued);
	page->issued = NULL;
	page->n_issued = 0;
	G_OBJECT_CLASS (kiosk_revoke_page_parent_class)->dispose (obj);
}

static void
kiosk_revoke_page_class_init (KioskRevokePageClass *klass)
{
	GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);

	G_OBJECT_CLASS (klass)->dispose = kiosk_revoke_page_dispose;
	gtk_widget_class_set_template_from_resource (wc, "/org/inkan/Kiosk/kiosk-revoke-page.ui");
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, steps);
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, search_entry);
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, issued_list);
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, file_entry);
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, reason_list);
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, confirm_label);
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, result_label);
	gtk_widget_class_bind_template_child (wc, KioskRevokePage, status_label);
	gtk_widget_class_bind_template_callback (wc, check_clicked);
	gtk_widget_class_bind_template_callback (wc, revoke_clicked);
	gtk_widget_class_bind_template_callback (wc, home_clicked);
	gtk_widget_class_bind_template_callback (wc, search_changed);
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
	gtk_list_box_set_filter_func (page->issued_list, row_matches, page, NULL);
}

void
kiosk_revoke_page_reset (KioskRevokePage *page)
{
	kiosk_revoke_clear (&page->rv);
	gtk_editable_set_text (GTK_EDITABLE (page->file_entry), "");
	gtk_editable_set_text (GTK_EDITABLE (page->search_entry), "");
	gtk_drop_down_set_selected (page->reason_list, 0);
	set_status (page, NULL);
	kiosk_stack_show (page->steps, "choose");
	if (!page->busy) {
		listing *l = g_new0 (listing, 1);
		/* The journal may have grown since the page was last shown. */
		l->path = g_strdup (kiosk_window_get_session (kiosk_window_of (GTK_WIDGET (page)))->settings->audit_log);
		page->busy = TRUE;
		kiosk_job_run (page, run_list, l, listing_free, listed, NULL);
	}
}
