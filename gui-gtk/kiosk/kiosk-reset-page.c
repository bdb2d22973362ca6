/* inkan-kiosk — the PIN reset page.  The model (reset.c) does the work
 * and the journalling; this page shows the card's PINs and rule, takes
 * the new PIN twice, runs the reset in a GTask thread, and asks before
 * the office credential's last try. */
#include "kiosk-reset-page.h"

#include <glib/gi18n.h>
#include <string.h>
#include <inkan/secret.h>
#include "job.h"
#include "kiosk-window.h"
#include "reset.h"

struct _KioskResetPage {
	GtkBox parent;
	GtkStack *steps;
	GtkLabel *state_label;
	GtkLabel *rule_label;
	GtkPasswordEntry *pin_entry;
	GtkPasswordEntry *repeat_entry;
	GtkPasswordEntry *admin_entry;
	GtkBox *final_try_box;
	GtkLabel *result_label;
	GtkLabel *status_label;
	kiosk_reset rs;
	gboolean busy;
};

G_DEFINE_TYPE (KioskResetPage, kiosk_reset_page, GTK_TYPE_BOX)

static void
set_status (KioskResetPage *page, const char *text)
{
	gtk_label_set_text (page->status_label, text != NULL ? text : "");
	gtk_widget_set_visible (GTK_WIDGET (page->status_label), text != NULL);
}

static kiosk_session *
session_of (KioskResetPage *page)
{
	return kiosk_window_get_session (kiosk_window_of (GTK_WIDGET (page)));
}

static void
clear_pins (KioskResetPage *page)
{
	gtk_editable_set_text (GTK_EDITABLE (page->pin_entry), "");
	gtk_editable_set_text (GTK_EDITABLE (page->repeat_entry), "");
	gtk_editable_set_text (GTK_EDITABLE (page->admin_entry), "");
}

/* The PIN page, with the tries as the card last told them. */
static void
ask (KioskResetPage *page, gboolean final_try)
{
	char *state = kiosk_reset_describe (&page->rs), *rule = kiosk_reset_rule (&page->rs);

	clear_pins (page);
	gtk_label_set_text (page->state_label, state);
	gtk_label_set_text (page->rule_label, rule);
	gtk_widget_set_visible (GTK_WIDGET (page->admin_entry), session_of (page)->settings->office_pin == NULL);
	gtk_widget_set_visible (GTK_WIDGET (page->final_try_box), final_try);
	kiosk_stack_show (page->steps, "pins");
	g_free (state);
	g_free (rule);
}

static inkan_err
find_card (gpointer data, char **why)
{
	KioskResetPage *page = data;

	kiosk_reset_clear (&page->rs);
	return kiosk_reset_find_card (session_of (page), &page->rs, why);
}

static void
card_found (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskResetPage *page = KIOSK_RESET_PAGE (source);
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	page->busy = FALSE;
	if (err != INKAN_OK) {
		set_status (page, why != NULL ? why : inkan_strerror (err));
	} else {
		set_status (page, NULL);
		ask (page, FALSE);
	}
	g_free (why);
}

static void
read_card_clicked (KioskResetPage *page)
{
	if (page->busy)
		return;
	page->busy = TRUE;
	set_status (page, _("Reading the card…"));
	kiosk_job_run (page, find_card, page, NULL, card_found, NULL);
}

typedef struct {
	KioskResetPage *page;
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
	inkan_secret *office = NULL;
	inkan_err err = kiosk_session_office_pin (j->s, j->typed_admin, &office, why);

	if (err == INKAN_OK)
		err = kiosk_reset_run (&j->page->rs, office, j->pin, j->flags, why);
	inkan_secret_free (office);
	return err;
}

static void
worked (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskResetPage *page = KIOSK_RESET_PAGE (source);
	char *why = NULL, *tries, *text;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	page->busy = FALSE;
	if (err == INKAN_OK) {
		tries = kiosk_reset_tries (&page->rs.user_status);
		text = g_strdup_printf (_("The resident's new PIN is set. Tries left: %s."), tries != NULL ? tries : _("not known"));
		gtk_label_set_text (page->result_label, text);
		g_free (text);
		g_free (tries);
		set_status (page, NULL);
		kiosk_stack_show (page->steps, "result");
	} else {
		ask (page, err == INKAN_ERR_PIN_FINAL_TRY);
		set_status (page, err == INKAN_ERR_PIN_FINAL_TRY ? NULL : why != NULL ? why : inkan_strerror (err));
	}
	g_free (why);
}

static void
start (KioskResetPage *page, unsigned flags)
{
	const char *pin = gtk_editable_get_text (GTK_EDITABLE (page->pin_entry));
	const char *repeat = gtk_editable_get_text (GTK_EDITABLE (page->repeat_entry));
	const char *admin = gtk_editable_get_text (GTK_EDITABLE (page->admin_entry));
	work_job *j;

	if (page->busy)
		return;
	if (*pin == '\0' || strcmp (pin, repeat) != 0) {
		clear_pins (page);
		set_status (page, *pin == '\0' ? _("The resident must type the new PIN twice.")
		                               : _("The two PINs differ: type them again."));
		return;
	}
	j = g_new0 (work_job, 1);
	j->page = page;
	j->s = session_of (page);
	j->flags = flags;
	if (inkan_secret_new (pin, strlen (pin), &j->pin) != INKAN_OK ||
	    (*admin != '\0' && inkan_secret_new (admin, strlen (admin), &j->typed_admin) != INKAN_OK)) {
		work_job_free (j);
		return;
	}
	clear_pins (page);
	page->busy = TRUE;
	set_status (page, NULL);
	kiosk_stack_show (page->steps, "work");
	kiosk_job_run (page, work, j, work_job_free, worked, NULL);
}

static void
reset_clicked (KioskResetPage *page)
{
	start (page, 0);
}

static void
final_try_clicked (KioskResetPage *page)
{
	start (page, INKAN_LOGIN_ALLOW_FINAL_TRY);
}

static void
home_clicked (KioskResetPage *page)
{
	if (!page->busy)
		kiosk_window_go (kiosk_window_of (GTK_WIDGET (page)), "home");
}

static void
kiosk_reset_page_dispose (GObject *obj)
{
	kiosk_reset_clear (&KIOSK_RESET_PAGE (obj)->rs);
	G_OBJECT_CLASS (kiosk_reset_page_parent_class)->dispose (obj);
}

static void
kiosk_reset_page_class_init (KioskResetPageClass *klass)
{
	GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);

	G_OBJECT_CLASS (klass)->dispose = kiosk_reset_page_dispose;
	gtk_widget_class_set_template_from_resource (wc, "/org/inkan/Kiosk/kiosk-reset-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (wc, KioskResetPage, name)
	CHILD (steps);
	CHILD (state_label);
	CHILD (rule_label);
	CHILD (pin_entry);
	CHILD (repeat_entry);
	CHILD (admin_entry);
	CHILD (final_try_box);
	CHILD (result_label);
	CHILD (status_label);
#undef CHILD
	gtk_widget_class_bind_template_callback (wc, read_card_clicked);
	gtk_widget_class_bind_template_callback (wc, reset_clicked);
	gtk_widget_class_bind_template_callback (wc, final_try_clicked);
	gtk_widget_class_bind_template_callback (wc, home_clicked);
}

static void
kiosk_reset_page_init (KioskResetPage *page)
{
	gtk_widget_init_template (GTK_WIDGET (page));
}

void
kiosk_reset_page_reset (KioskResetPage *page)
{
	kiosk_reset_clear (&page->rs);
	clear_pins (page);
	set_status (page, NULL);
	kiosk_stack_show (page->steps, "card");
}
