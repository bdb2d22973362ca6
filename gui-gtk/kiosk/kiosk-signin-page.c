/* inkan-kiosk — the sign-in page: pick the staff token, type its PIN;
 * the login, through libinkan's PIN guard, runs off the main loop. */
#include "kiosk-signin-page.h"

#include <glib/gi18n.h>
#include <inkan/secret.h>
#include <inkan/token.h>
#include "job.h"
#include "kiosk-window.h"

struct _KioskSigninPage {
	GtkBox parent;
	GtkDropDown *token_list;
	GtkPasswordEntry *pin_entry;
	GtkButton *sign_in_button;
	GtkLabel *status_label;
	GtkBox *final_try_box;
	GStrv uris;             /* of the tokens listed, in the drop-down's order */
	gboolean busy;
};

G_DEFINE_TYPE (KioskSigninPage, kiosk_signin_page, GTK_TYPE_BOX)

typedef struct {
	kiosk_session *session;
	GStrv uris;
	GStrv labels;
	char *uri;
	inkan_secret *pin;
	unsigned flags;
} signin_job;

static void
signin_job_free (gpointer p)
{
	signin_job *j = p;

	g_strfreev (j->uris);
	g_strfreev (j->labels);
	g_free (j->uri);
	inkan_secret_free (j->pin);
	g_free (j);
}

static void
set_status (KioskSigninPage *page, const char *text)
{
	gtk_label_set_text (page->status_label, text != NULL ? text : "");
	gtk_widget_set_visible (GTK_WIDGET (page->status_label), text != NULL && *text != '\0');
}

static void
set_busy (KioskSigninPage *page, gboolean busy)
{
	page->busy = busy;
	gtk_widget_set_sensitive (GTK_WIDGET (page->sign_in_button), !busy && page->uris != NULL && page->uris[0]);
	gtk_widget_set_sensitive (GTK_WIDGET (page->pin_entry), !busy);
}

static inkan_err
list_tokens (gpointer data, char **why)
{
	signin_job *j = data;
	inkan_token_info *infos = NULL;
	size_t n = 0;
	inkan_err err = kiosk_session_staff_tokens (j->session, &infos, &n, why);

	if (err != INKAN_OK)
		return err;
	j->uris = g_new0 (char *, n + 1);
	j->labels = g_new0 (char *, n + 1);
	for (size_t i = 0; i < n; i++) {
		j->uris[i] = g_strdup (infos[i].uri);
		j->labels[i] = g_strdup (infos[i].label);
	}
	inkan_token_info_free (infos, n);
	return INKAN_OK;
}

static void
tokens_listed (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskSigninPage *page = KIOSK_SIGNIN_PAGE (source);
	signin_job *j = NULL;
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, (gpointer *) &j, &why);
	GtkStringList *model;

	(void) user;
	g_strfreev (page->uris);
	page->uris = NULL;
	if (err == INKAN_OK) {
		page->uris = g_steal_pointer (&j->uris);
		model = gtk_string_list_new ((const char *const *) j->labels);
		gtk_drop_down_set_model (page->token_list, G_LIST_MODEL (model));
		g_object_unref (model);
		set_status (page, page->uris[0] == NULL ? _("No staff token found. Insert your token and press Look again.")
		                                        : NULL);
	} else {
		set_status (page, why);
	}
	set_busy (page, FALSE);
	g_free (why);
}

static void
look_again (KioskSigninPage *page)
{
	signin_job *j = g_new0 (signin_job, 1);

	if (page->busy)
		return;
	j->session = kiosk_window_get_session (kiosk_window_of (GTK_WIDGET (page)));
	set_busy (page, TRUE);
	kiosk_job_run (page, list_tokens, j, signin_job_free, tokens_listed, NULL);
}

static inkan_err
sign_in (gpointer data, char **why)
{
	signin_job *j = data;

	return kiosk_session_sign_in (j->session, j->uri, j->pin, j->flags, why);
}

static void
signed_in (GObject *source, GAsyncResult *res, gpointer user)
{
	KioskSigninPage *page = KIOSK_SIGNIN_PAGE (source);
	char *why = NULL;
	inkan_err err = kiosk_job_finish (res, NULL, &why);

	(void) user;
	set_busy (page, FALSE);
	gtk_widget_set_visible (GTK_WIDGET (page->final_try_box), err == INKAN_ERR_PIN_FINAL_TRY);
	if (err == INKAN_OK) {
		gtk_editable_set_text (GTK_EDITABLE (page->pin_entry), "");
		kiosk_window_go (kiosk_window_of (GTK_WIDGET (page)), "home");
	} else if (err == INKAN_ERR_PIN_FINAL_TRY) {
		set_status (page, NULL);
	} else {
		gtk_editable_set_text (GTK_EDITABLE (page->pin_entry), "");
		set_status (page, why != NULL ? why : inkan_strerror (err));
	}
	g_free (why);
}

static void
start_sign_in (KioskSigninPage *page, unsigned flags)
{
	const char *pin = gtk_editable_get_text (GTK_EDITABLE (page->pin_entry));
	guint sel = gtk_drop_down_get_selected (page->token_list);
	signin_job *j;

	if (page->busy || page->uris == NULL || sel >= g_strv_length (page->uris))
		return;
	if (*pin == '\0') {
		set_status (page, _("Type the PIN of your token."));
		return;
	}
	j = g_new0 (signin_job, 1);
	j->session = kiosk_window_get_session (kiosk_window_of (GTK_WIDGET (page)));
	j->uri = g_strdup (page->uris[sel]);
	j->flags = flags;
	if (inkan_secret_new (pin, strlen (pin), &j->pin) != INKAN_OK) {
		signin_job_free (j);
		return;
	}
	set_status (page, _("Signing in…"));
	set_busy (page, TRUE);
	kiosk_job_run (page, sign_in, j, signin_job_free, signed_in, NULL);
}

static void
sign_in_clicked (KioskSigninPage *page)
{
	start_sign_in (page, 0);
}

static void
final_try_clicked (KioskSigninPage *page)
{
	gtk_widget_set_visible (GTK_WIDGET (page->final_try_box), FALSE);
	start_sign_in (page, INKAN_LOGIN_ALLOW_FINAL_TRY);
}

static void
kiosk_signin_page_finalize (GObject *obj)
{
	g_strfreev (KIOSK_SIGNIN_PAGE (obj)->uris);
	G_OBJECT_CLASS (kiosk_signin_page_parent_class)->finalize (obj);
}

static void
kiosk_signin_page_class_init (KioskSigninPageClass *klass)
{
	GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);

	G_OBJECT_CLASS (klass)->finalize = kiosk_signin_page_finalize;
	gtk_widget_class_set_template_from_resource (wc, "/org/inkan/Kiosk/kiosk-signin-page.ui");
	gtk_widget_class_bind_template_child (wc, KioskSigninPage, token_list);
	gtk_widget_class_bind_template_child (wc, KioskSigninPage, pin_entry);
	gtk_widget_class_bind_template_child (wc, KioskSigninPage, sign_in_button);
	gtk_widget_class_bind_template_child (wc, KioskSigninPage, status_label);
	gtk_widget_class_bind_template_child (wc, KioskSigninPage, final_try_box);
	gtk_widget_class_bind_template_callback (wc, sign_in_clicked);
	gtk_widget_class_bind_template_callback (wc, final_try_clicked);
	gtk_widget_class_bind_template_callback (wc, look_again);
}

static void
kiosk_signin_page_init (KioskSigninPage *page)
{
	gtk_widget_init_template (GTK_WIDGET (page));
}

void
kiosk_signin_page_reset (KioskSigninPage *page)
{
	gtk_editable_set_text (GTK_EDITABLE (page->pin_entry), "");
	gtk_widget_set_visible (GTK_WIDGET (page->final_try_box), FALSE);
	set_status (page, NULL);
	look_again (page);
}
