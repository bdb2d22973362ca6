/* inkan-kiosk — the renewal page.  The model (renew.c, and issue.c for
 * the write) does the work and the journalling; this page shows the
 * card's certificate, takes the PINs, runs the steps in a GTask thread
 * and asks before the resident's PIN's last try. */
#include "kiosk-renew-page.h"

#include <glib/gi18n.h>
#include <string.h>
#include <inkan/secret.h>
#include "job.h"
#include "kiosk-window.h"
#include "renew.h"

struct _KioskRenewPage {
	GtkBox parent;
	GtkStack *steps;
	GtkLabel *intro_label;
	GtkLabel *cert_label;
	GtkPasswordEntry *pin_entry;
	GtkPasswordEntry *admin_entry;
	GtkButton *renew_button;
	GtkBox *final_try_box;
	GtkLabel *work_label;
	GtkLabel *receipt_label;
	GtkLabel *status_label;
	kiosk_renew rn;
	gboolean busy;
};

G_DEFINE_TYPE (KioskRenewPage, kiosk_renew_page, GTK_TYPE_BOX)

static void
set_status (KioskRenewPage *page, const char *text)
{
	gtk_label_set_text (page->status_label, text != NULL ? text : "");
	gtk_widget_set_visible (GTK_WIDGET (page->status_label), text != NULL);
}

static kiosk_session *
session_of (KioskRenewPage *page)
{
	return kiosk_window_get_session (kiosk_window_of (GTK_WIDGET (page)));
}

static void
clear_pins (KioskRenewPage *page)
{
	gtk_editable_set_text (GTK_EDITABLE (page->pin_entry), "");
	gtk_editable_set_text (GTK_EDITABLE (page->admin_entry), "");
}

/* The certificate and the PINs its stage needs. */
static void
ask (KioskRenewPage *page)
{
	char *text = kiosk_renew_describe (&page->rn);

	clear_pins (page);
	gtk_label_set_text (page->intro_label,
	                    page->rn.write_only ? _("Resuming: the renewed certificate was issued but is not on the card yet. "
	                                            "It is written now.")
	                                        : _("The certificate on the card. The resident types the card's PIN to "
	                                            "renew it; the card keeps its key."));
	gtk_label_set_text (page->cert_label, text);
	gtk_widget_set_visible (GTK_WIDGET (page->pin_entry), !page->rn.write_only);
	gtk_button_set_label (page->renew_button, page->rn.write_only ? _("Write the certificate to the card")
	                                                              : _("Renew the certificate"));
	gtk_widget_set_visible (GTK_WIDGET (page->admin_entry), session_of (page)->settings->office_pin == NULL);
	gtk_widget_set_visible (GTK_WIDGET (page->final_try_box), FALSE);
	kiosk_stack_show (page->steps, "confirm");
	g_free (text);
}

static inkan_err
find_card (gpointer data, char **why)
{
	KioskRenewPage *page = data;

	kiosk_renew_clear (&page->rn);
	return kiosk_renew_find_card (session_of (page), &page->rn, why);
}

static void
card_found (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskRenewPage *page = KIOSK_RENEW_PAGE (source);
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	page->busy = FALSE;
	if (err != INKAN_OK) {
		set_status (page, why != NULL ? why : inkan_strerror (err));
	} else {
		set_status (page, NULL);
		ask (page);
	}
	g_free (why);
}

static void
read_card_clicked (KioskRenewPage *page)
{
	if (page->busy)
		return;
	page->busy = TRUE;
	set_status (page, _("Reading the card…"));
	kiosk_job_run (page, find_card, page, NULL, card_found, NULL);
}

typedef struct {
	KioskRenewPage *page;
	kiosk_session *s;
	unsigned flags;
	inkan_secret *pin;
	inkan_secret *typed_admin;
} work_job;

static void
work_job_free (gpointer p)
{
	work_job *j = p;

	inkan_secret_free (j->pin);
	inkan_secret_free (j->typed_admin);
	g_free (j);
}

static inkan_err
work (gpointer data, char **why)
{
	work_job *j = data;
	kiosk_renew *rn = &j->page->rn;
	inkan_secret *admin = NULL;
	inkan_err err = kiosk_session_office_pin (j->s, j->typed_admin, &admin, why);

	if (err == INKAN_OK && !rn->write_only) {
		err = kiosk_renew_enrol (rn, j->pin, j->flags, why);
		/* From here the journal holds the new certificate: a retry only writes it. */
		rn->write_only = err == INKAN_OK;
	}
	if (err == INKAN_OK)
		err = kiosk_issue_write (&rn->iss, admin, why);
	inkan_secret_free (admin);
	return err;
}

static void
worked (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskRenewPage *page = KIOSK_RENEW_PAGE (source);
	char *why = NULL, *text;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	page->busy = FALSE;
	if (err == INKAN_OK) {
		text = kiosk_cert_receipt (page->rn.iss.cert, NULL);
		gtk_label_set_text (page->receipt_label, text);
		g_free (text);
		set_status (page, NULL);
		kiosk_stack_show (page->steps, "receipt");
	} else {
		ask (page);
		gtk_widget_set_visible (GTK_WIDGET (page->final_try_box), err == INKAN_ERR_PIN_FINAL_TRY);
		set_status (page, err == INKAN_ERR_PIN_FINAL_TRY ? NULL : why != NULL ? why : inkan_strerror (err));
	}
	g_free (why);
}

static void
start (KioskRenewPage *page, unsigned flags)
{
	const char *pin = gtk_editable_get_text (GTK_EDITABLE (page->pin_entry));
	const char *admin = gtk_editable_get_text (GTK_EDITABLE (page->admin_entry));
	work_job *j;

	if (page->busy)
		return;
	if (!page->rn.write_only && *pin == '\0') {
		set_status (page, _("The resident must type the card's PIN."));
		return;
	}
	j = g_new0 (work_job, 1);
	j->page = page;
	j->s = session_of (page);
	j->flags = flags;
	if ((*admin != '\0' && inkan_secret_new (admin, strlen (admin), &j->typed_admin) != INKAN_OK) ||
	    (!page->rn.write_only && inkan_secret_new (pin, strlen (pin), &j->pin) != INKAN_OK)) {
		work_job_free (j);
		return;
	}
	clear_pins (page);
	page->busy = TRUE;
	set_status (page, NULL);
	gtk_label_set_text (page->work_label, page->rn.write_only ? _("Writing the certificate to the card…")
	                                                          : _("Asking the CA to renew the certificate…"));
	kiosk_stack_show (page->steps, "work");
	kiosk_job_run (page, work, j, work_job_free, worked, NULL);
}

static void
renew_clicked (KioskRenewPage *page)
{
	start (page, 0);
}

static void
final_try_clicked (KioskRenewPage *page)
{
	start (page, INKAN_LOGIN_ALLOW_FINAL_TRY);
}

static inkan_err
done (gpointer data, char **why)
{
	return kiosk_issue_done (&((KioskRenewPage *) data)->rn.iss, why);
}

static void
acknowledged (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskRenewPage *page = KIOSK_RENEW_PAGE (source);
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	page->busy = FALSE;
	if (err == INKAN_OK)
		kiosk_window_go (kiosk_window_of (GTK_WIDGET (page)), "home");
	else
		set_status (page, why);
	g_free (why);
}

static void
done_clicked (KioskRenewPage *page)
{
	if (page->busy)
		return;
	page->busy = TRUE;
	kiosk_job_run (page, done, page, NULL, acknowledged, NULL);
}

static void
home_clicked (KioskRenewPage *page)
{
	if (!page->busy)
		kiosk_window_go (kiosk_window_of (GTK_WIDGET (page)), "home");
}

static void
kiosk_renew_page_dispose (GObject *obj)
{
	kiosk_renew_clear (&KIOSK_RENEW_PAGE (obj)->rn);
	G_OBJECT_CLASS (kiosk_renew_page_parent_class)->dispose (obj);
}

static void
kiosk_renew_page_class_init (KioskRenewPageClass *klass)
{
	GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);

	G_OBJECT_CLASS (klass)->dispose = kiosk_renew_page_dispose;
	gtk_widget_class_set_template_from_resource (wc, "/org/inkan/Kiosk/kiosk-renew-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (wc, KioskRenewPage, name)
	CHILD (steps);
	CHILD (intro_label);
	CHILD (cert_label);
	CHILD (pin_entry);
	CHILD (admin_entry);
	CHILD (renew_button);
	CHILD (final_try_box);
	CHILD (work_label);
	CHILD (receipt_label);
	CHILD (status_label);
#undef CHILD
	gtk_widget_class_bind_template_callback (wc, read_card_clicked);
	gtk_widget_class_bind_template_callback (wc, renew_clicked);
	gtk_widget_class_bind_template_callback (wc, final_try_clicked);
	gtk_widget_class_bind_template_callback (wc, done_clicked);
	gtk_widget_class_bind_template_callback (wc, home_clicked);
}

static void
kiosk_renew_page_init (KioskRenewPage *page)
{
	gtk_widget_init_template (GTK_WIDGET (page));
}

void
kiosk_renew_page_reset (KioskRenewPage *page)
{
	kiosk_renew_clear (&page->rn);
	clear_pins (page);
	set_status (page, NULL);
	kiosk_stack_show (page->steps, "card");
}
