/* inkan-kiosk — the issuance page.  The model (issue.c) does the work and
 * the journalling; this page collects what people type, runs the steps in
 * a GTask thread, and shows where things stand. */
#include "kiosk-issue-page.h"

#include <glib/gi18n.h>
#include <string.h>
#include <inkan/secret.h>
#include "issue.h"
#include "job.h"
#include "kiosk-window.h"

/* Where the card stands, hence what the PIN page asks and the work does. */
typedef enum {
	STAGE_FRESH,            /* set the PIN, generate, enrol, write */
	STAGE_ENROL,            /* key on the card: enrol, write */
	STAGE_WRITE,            /* certificate issued: write */
} stage;

struct _KioskIssuePage {
	GtkBox parent;
	GtkStack *steps;
	GtkEntry *name_entry;
	GtkEntry *birth_entry;
	GtkToggleButton *sex_male;
	GtkToggleButton *sex_female;
	GtkToggleButton *sex_unstated;
	GtkEntry *address_entry;
	GtkLabel *pin_intro;
	GtkLabel *rule_label;
	GtkPasswordEntry *admin_entry;
	GtkPasswordEntry *pin_entry;
	GtkPasswordEntry *repeat_entry;
	GtkLabel *work_label;
	GtkLabel *receipt_label;
	GtkLabel *status_label;
	GtkButton *retry_button;
	GtkButton *read_button;
	GtkButton *ack_button;
	kiosk_ack_action ack;   /* what the button does for an unacknowledged certificate */
	kiosk_issue iss;
	stage stage;
	gboolean busy;
};

G_DEFINE_TYPE (KioskIssuePage, kiosk_issue_page, GTK_TYPE_BOX)

static void
set_status (KioskIssuePage *page, const char *text, gboolean retry)
{
	gtk_label_set_text (page->status_label, text != NULL ? text : "");
	gtk_widget_set_visible (GTK_WIDGET (page->status_label), text != NULL);
	gtk_widget_set_visible (GTK_WIDGET (page->retry_button), retry);
}

/* The button for an unacknowledged certificate, when shown, is the step's
 * suggested action: reading the card again is not what staff are to do. */
static void
show_ack (KioskIssuePage *page, gboolean on)
{
	gtk_widget_set_visible (GTK_WIDGET (page->ack_button), on);
	if (on) {
		gtk_widget_remove_css_class (GTK_WIDGET (page->read_button), "suggested-action");
		gtk_widget_add_css_class (GTK_WIDGET (page->ack_button), "suggested-action");
	} else {
		gtk_widget_remove_css_class (GTK_WIDGET (page->ack_button), "suggested-action");
		gtk_widget_add_css_class (GTK_WIDGET (page->read_button), "suggested-action");
	}
}

static void
show_step (KioskIssuePage *page, const char *name)
{
	kiosk_stack_show (page->steps, name);
}

static kiosk_session *
session_of (KioskIssuePage *page)
{
	return kiosk_window_get_session (kiosk_window_of (GTK_WIDGET (page)));
}

static void
clear_pins (KioskIssuePage *page)
{
	gtk_editable_set_text (GTK_EDITABLE (page->admin_entry), "");
	gtk_editable_set_text (GTK_EDITABLE (page->pin_entry), "");
	gtk_editable_set_text (GTK_EDITABLE (page->repeat_entry), "");
}

/* The PIN page for the stage the card is at. */
static void
ask_pins (KioskIssuePage *page)
{
	char *rule = kiosk_issue_pin_rule (&page->iss);

	clear_pins (page);
	gtk_label_set_text (page->rule_label, rule);
	gtk_label_set_text (page->pin_intro,
	                    page->stage == STAGE_FRESH ? _("The resident chooses a PIN and types it twice; staff type the office's admin PIN.")
	                    : page->stage == STAGE_ENROL ? _("The card has its key from an earlier step. The resident types the PIN; staff type the office's admin PIN.")
	                    : _("The certificate was issued but is not on the card yet. Staff type the office's admin PIN to write it."));
	gtk_widget_set_visible (GTK_WIDGET (page->pin_entry), page->stage != STAGE_WRITE);
	gtk_widget_set_visible (GTK_WIDGET (page->repeat_entry), page->stage == STAGE_FRESH);
	gtk_widget_set_visible (GTK_WIDGET (page->rule_label), page->stage == STAGE_FRESH);
	show_step (page, "pins");
	g_free (rule);
}

static void
show_receipt (KioskIssuePage *page)
{
	/* Resumed from the journal, no name was typed: the certificate's. */
	char *text = kiosk_cert_receipt (page->iss.cert, page->iss.holder.name);

	gtk_label_set_text (page->receipt_label, text);
	set_status (page, NULL, FALSE);
	show_step (page, "receipt");
	g_free (text);
}

/* ---- reading the card ---- */

static inkan_err
find_card (gpointer data, char **why)
{
	KioskIssuePage *page = data;

	kiosk_issue_clear (&page->iss);
	return kiosk_issue_find_card (session_of (page), &page->iss, why);
}

static inkan_err
begin (gpointer data, char **why)
{
	return kiosk_issue_begin (&((KioskIssuePage *) data)->iss, why);
}

static void
begun (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskIssuePage *page = KIOSK_ISSUE_PAGE (source);
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	page->busy = FALSE;
	if (err == INKAN_OK)
		show_step (page, "holder");
	else
		set_status (page, why, FALSE);
	g_free (why);
}

/* ---- a certificate written, its receipt never acknowledged ---- */

static inkan_err
check_unacknowledged (gpointer data, char **why)
{
	KioskIssuePage *page = data;

	return kiosk_issue_unacknowledged (&page->iss, &page->ack, why);
}

static void
unacknowledged_checked (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskIssuePage *page = KIOSK_ISSUE_PAGE (source);
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	page->busy = FALSE;
	if (err != INKAN_OK) {
		set_status (page, why, FALSE);
	} else if (page->ack == KIOSK_ACK_WRITE) {
		page->stage = STAGE_WRITE;
		ask_pins (page);
		set_status (page, _("This card's certificate was written but its receipt never acknowledged, and the card no longer holds it: it is written again from the journal."), FALSE);
	} else {
		set_status (page, page->ack == KIOSK_ACK_REUSE
		                  ? _("This card's certificate was written but its receipt never acknowledged. The card holds it and it certifies the card's key: it can be re-used.")
		                  : _("This card's certificate was written but its receipt never acknowledged, and the card now holds another one. The certificate from the journal was never handed over: it is revoked (superseded) and the issuance starts over."),
		            FALSE);
		gtk_button_set_label (page->ack_button, page->ack == KIOSK_ACK_REUSE ? _("Re-use the certificate on the card")
		                                                                     : _("Revoke it and start over"));
		show_ack (page, TRUE);
	}
	g_free (why);
}

static inkan_err
act_on_unacknowledged (gpointer data, char **why)
{
	KioskIssuePage *page = data;

	return page->ack == KIOSK_ACK_REUSE ? kiosk_issue_reuse (&page->iss, why)
	                                    : kiosk_issue_revoke_unacknowledged (&page->iss, why);
}

static void
acted_on_unacknowledged (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskIssuePage *page = KIOSK_ISSUE_PAGE (source);
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	page->busy = FALSE;
	show_ack (page, FALSE);
	if (err != INKAN_OK)
		set_status (page, why, FALSE);
	else if (page->ack == KIOSK_ACK_REUSE)
		show_receipt (page);
	else
		set_status (page, _("The certificate from the journal is revoked. Read the card again to issue a new one."), FALSE);
	g_free (why);
}

static void
ack_clicked (KioskIssuePage *page)
{
	if (page->busy)
		return;
	page->busy = TRUE;
	kiosk_job_run (page, act_on_unacknowledged, page, NULL, acted_on_unacknowledged, NULL);
}

static void
card_found (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskIssuePage *page = KIOSK_ISSUE_PAGE (source);
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, NULL, &why);
	kiosk_resume_kind kind = page->iss.resume.kind;

	(void) user;
	page->busy = FALSE;
	if (err != INKAN_OK) {
		set_status (page, why, FALSE);
		g_free (why);
		return;
	}
	set_status (page, NULL, FALSE);
	if ((kind == KIOSK_RESUME_ENROL || kind == KIOSK_RESUME_WRITE) &&
	    kiosk_issue_resume (&page->iss, &why) == INKAN_OK) {
		/* The journal knows this card: go on from where it stopped. */
		page->stage = kind == KIOSK_RESUME_ENROL ? STAGE_ENROL : STAGE_WRITE;
		set_status (page, kind == KIOSK_RESUME_ENROL ? _("Resuming: this card has a key but no certificate yet.")
		                                             : _("Resuming: this card's certificate was issued but not written."),
		            FALSE);
		if (page->stage == STAGE_ENROL)
			show_step (page, "holder");
		else
			ask_pins (page);
	} else if (kind == KIOSK_RESUME_ACKNOWLEDGE && kiosk_issue_resume (&page->iss, &why) == INKAN_OK) {
		/* The rule of doc/kiosk.md, on what the card holds now. */
		page->busy = TRUE;
		kiosk_job_run (page, check_unacknowledged, page, NULL, unacknowledged_checked, NULL);
	} else if (why != NULL) {
		set_status (page, why, FALSE);
	} else {
		page->stage = STAGE_FRESH;
		page->busy = TRUE;
		kiosk_job_run (page, begin, page, NULL, begun, NULL);
	}
	g_free (why);
}

static void
read_card_clicked (KioskIssuePage *page)
{
	if (page->busy)
		return;
	page->busy = TRUE;
	set_status (page, _("Reading the card…"), FALSE);
	kiosk_job_run (page, find_card, page, NULL, card_found, NULL);
}

/* ---- holder ---- */

typedef struct {
	KioskIssuePage *page;
	char *name, *birth, *sex, *address;
} holder_job;

static void
holder_job_free (gpointer p)
{
	holder_job *j = p;

	g_free (j->name);
	g_free (j->birth);
	g_free (j->sex);
	g_free (j->address);
	g_free (j);
}

static inkan_err
set_holder (gpointer data, char **why)
{
	holder_job *j = data;

	return kiosk_issue_set_holder (&j->page->iss, j->name, j->birth, j->sex, j->address, why);
}

static void
holder_set (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskIssuePage *page = KIOSK_ISSUE_PAGE (source);
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	page->busy = FALSE;
	if (err == INKAN_OK) {
		set_status (page, NULL, FALSE);
		ask_pins (page);
	} else {
		set_status (page, why, FALSE);
	}
	g_free (why);
}

static void
holder_next_clicked (KioskIssuePage *page)
{
	holder_job *j;

	if (page->busy)
		return;
	j = g_new0 (holder_job, 1);
	j->page = page;
	j->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (page->name_entry)));
	j->birth = g_strdup (gtk_editable_get_text (GTK_EDITABLE (page->birth_entry)));
	j->sex = g_strdup (gtk_toggle_button_get_active (page->sex_male)     ? "1"
	                   : gtk_toggle_button_get_active (page->sex_female) ? "2"
	                   : gtk_toggle_button_get_active (page->sex_unstated) ? "9" : "");
	j->address = g_strdup (gtk_editable_get_text (GTK_EDITABLE (page->address_entry)));
	page->busy = TRUE;
	kiosk_job_run (page, set_holder, j, holder_job_free, holder_set, NULL);
}

/* ---- the work: PIN, key, CA, card ---- */

typedef struct {
	KioskIssuePage *page;
	stage stage;
	inkan_secret *admin;
	inkan_secret *pin;
} work_job;

static void
work_job_free (gpointer p)
{
	work_job *j = p;

	inkan_secret_free (j->admin);
	inkan_secret_free (j->pin);
	g_free (j);
}

static inkan_err
work (gpointer data, char **why)
{
	work_job *j = data;
	kiosk_issue *iss = &j->page->iss;
	inkan_err err = INKAN_OK;

	if (j->stage == STAGE_FRESH) {
		err = kiosk_issue_set_pin (iss, j->admin, j->pin, why);
		if (err == INKAN_OK)
			err = kiosk_issue_keygen (iss, j->admin, why);
		if (err == INKAN_OK)
			j->stage = STAGE_ENROL;
	}
	if (err == INKAN_OK && j->stage == STAGE_ENROL) {
		err = kiosk_issue_enrol (iss, j->pin, why);
		if (err == INKAN_OK)
			j->stage = STAGE_WRITE;
	}
	if (err == INKAN_OK && j->stage == STAGE_WRITE)
		err = kiosk_issue_write (iss, j->admin, why);
	return err;
}

static void
worked (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskIssuePage *page = KIOSK_ISSUE_PAGE (source);
	work_job *j = NULL;
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, (gpointer *) &j, &why);

	(void) user;
	page->busy = FALSE;
	page->stage = j->stage;
	if (err == INKAN_OK) {
		show_receipt (page);
	} else {
		/* The journal has where it stopped; the retry starts there. */
		show_step (page, "work");
		gtk_label_set_text (page->work_label, _("Stopped."));
		set_status (page, why != NULL ? why : inkan_strerror (err), TRUE);
	}
	g_free (why);
}

static inkan_secret *
take_secret (GtkPasswordEntry *entry)
{
	const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
	inkan_secret *s = NULL;

	if (*text != '\0' && inkan_secret_new (text, strlen (text), &s) != INKAN_OK)
		s = NULL;
	gtk_editable_set_text (GTK_EDITABLE (entry), "");
	return s;
}

static void
issue_clicked (KioskIssuePage *page)
{
	const char *pin = gtk_editable_get_text (GTK_EDITABLE (page->pin_entry));
	const char *repeat = gtk_editable_get_text (GTK_EDITABLE (page->repeat_entry));
	work_job *j;

	if (page->busy)
		return;
	if (page->stage == STAGE_FRESH && strcmp (pin, repeat) != 0) {
		clear_pins (page);
		set_status (page, _("The two PINs differ: type them again."), FALSE);
		return;
	}
	j = g_new0 (work_job, 1);
	j->page = page;
	j->stage = page->stage;
	j->admin = take_secret (page->admin_entry);
	j->pin = page->stage != STAGE_WRITE ? take_secret (page->pin_entry) : NULL;
	clear_pins (page);
	if (j->admin == NULL || (page->stage != STAGE_WRITE && j->pin == NULL)) {
		work_job_free (j);
		set_status (page, _("Every PIN asked for must be typed."), FALSE);
		return;
	}
	page->busy = TRUE;
	set_status (page, NULL, FALSE);
	gtk_label_set_text (page->work_label, page->stage == STAGE_WRITE ? _("Writing the certificate to the card…")
	                                                                 : _("Generating the key on the card and asking the CA for the certificate…"));
	show_step (page, "work");
	kiosk_job_run (page, work, j, work_job_free, worked, NULL);
}

static void
retry_clicked (KioskIssuePage *page)
{
	set_status (page, NULL, FALSE);
	ask_pins (page);
}

/* ---- receipt ---- */

static inkan_err
done (gpointer data, char **why)
{
	return kiosk_issue_done (&((KioskIssuePage *) data)->iss, why);
}

static void
acknowledged (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskIssuePage *page = KIOSK_ISSUE_PAGE (source);
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	page->busy = FALSE;
	if (err == INKAN_OK)
		kiosk_window_go (kiosk_window_of (GTK_WIDGET (page)), "home");
	else
		set_status (page, why, FALSE);
	g_free (why);
}

static void
done_clicked (KioskIssuePage *page)
{
	if (page->busy)
		return;
	page->busy = TRUE;
	kiosk_job_run (page, done, page, NULL, acknowledged, NULL);
}

static void
cancel_clicked (KioskIssuePage *page)
{
	if (!page->busy)
		kiosk_window_go (kiosk_window_of (GTK_WIDGET (page)), "home");
}

static void
kiosk_issue_page_dispose (GObject *obj)
{
	kiosk_issue_clear (&KIOSK_ISSUE_PAGE (obj)->iss);
	G_OBJECT_CLASS (kiosk_issue_page_parent_class)->dispose (obj);
}

static void
kiosk_issue_page_class_init (KioskIssuePageClass *klass)
{
	GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);

	G_OBJECT_CLASS (klass)->dispose = kiosk_issue_page_dispose;
	gtk_widget_class_set_template_from_resource (wc, "/org/inkan/Kiosk/kiosk-issue-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (wc, KioskIssuePage, name)
	CHILD (steps);
	CHILD (name_entry);
	CHILD (birth_entry);
	CHILD (sex_male);
	CHILD (sex_female);
	CHILD (sex_unstated);
	CHILD (address_entry);
	CHILD (pin_intro);
	CHILD (rule_label);
	CHILD (admin_entry);
	CHILD (pin_entry);
	CHILD (repeat_entry);
	CHILD (work_label);
	CHILD (receipt_label);
	CHILD (status_label);
	CHILD (retry_button);
	CHILD (read_button);
	CHILD (ack_button);
#undef CHILD
	gtk_widget_class_bind_template_callback (wc, read_card_clicked);
	gtk_widget_class_bind_template_callback (wc, holder_next_clicked);
	gtk_widget_class_bind_template_callback (wc, issue_clicked);
	gtk_widget_class_bind_template_callback (wc, retry_clicked);
	gtk_widget_class_bind_template_callback (wc, done_clicked);
	gtk_widget_class_bind_template_callback (wc, ack_clicked);
	gtk_widget_class_bind_template_callback (wc, cancel_clicked);
}

static void
kiosk_issue_page_init (KioskIssuePage *page)
{
	gtk_widget_init_template (GTK_WIDGET (page));
}

void
kiosk_issue_page_reset (KioskIssuePage *page)
{
	kiosk_issue_clear (&page->iss);
	page->stage = STAGE_FRESH;
	clear_pins (page);
	gtk_editable_set_text (GTK_EDITABLE (page->name_entry), "");
	gtk_editable_set_text (GTK_EDITABLE (page->birth_entry), "");
	gtk_editable_set_text (GTK_EDITABLE (page->address_entry), "");
	gtk_toggle_button_set_active (page->sex_unstated, TRUE);
	set_status (page, NULL, FALSE);
	show_ack (page, FALSE);
	show_step (page, "card");
}
