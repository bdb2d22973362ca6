/* inkan-kiosk — the window and its pages. */
#include "kiosk-window.h"

#include <glib/gi18n.h>
#include "kiosk-home-page.h"
#include "kiosk-issue-page.h"
#include "kiosk-renew-page.h"
#include "kiosk-reset-page.h"
#include "kiosk-revoke-page.h"
#include "kiosk-signin-page.h"

struct _KioskWindow {
	GtkApplicationWindow parent;
	kiosk_session *session;
	GtkLabel *staff_label;
	GtkButton *sign_out_button;
	GtkStack *stack;
};

G_DEFINE_TYPE (KioskWindow, kiosk_window, GTK_TYPE_APPLICATION_WINDOW)

static void
sign_out_clicked (KioskWindow *win)
{
	kiosk_session_sign_out (win->session);
	kiosk_window_go (win, "signin");
}

static void
kiosk_window_class_init (KioskWindowClass *klass)
{
	GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);

	gtk_widget_class_set_template_from_resource (wc, "/org/inkan/Kiosk/kiosk-window.ui");
	gtk_widget_class_bind_template_child (wc, KioskWindow, staff_label);
	gtk_widget_class_bind_template_child (wc, KioskWindow, sign_out_button);
	gtk_widget_class_bind_template_child (wc, KioskWindow, stack);
	gtk_widget_class_bind_template_callback (wc, sign_out_clicked);
}

static void
kiosk_window_init (KioskWindow *win)
{
	g_type_ensure (KIOSK_TYPE_SIGNIN_PAGE);
	g_type_ensure (KIOSK_TYPE_HOME_PAGE);
	g_type_ensure (KIOSK_TYPE_ISSUE_PAGE);
	g_type_ensure (KIOSK_TYPE_REVOKE_PAGE);
	g_type_ensure (KIOSK_TYPE_RENEW_PAGE);
	g_type_ensure (KIOSK_TYPE_RESET_PAGE);
	gtk_widget_init_template (GTK_WIDGET (win));
}

KioskWindow *
kiosk_window_new (GtkApplication *app, kiosk_session *session)
{
	KioskWindow *win = g_object_new (KIOSK_TYPE_WINDOW, "application", app, NULL);

	win->session = session;
	kiosk_window_go (win, "signin");
	return win;
}

kiosk_session *
kiosk_window_get_session (KioskWindow *win)
{
	return win->session;
}

KioskWindow *
kiosk_window_of (GtkWidget *page)
{
	return KIOSK_WINDOW (gtk_widget_get_root (page));
}

void
kiosk_window_go (KioskWindow *win, const char *name)
{
	GtkWidget *page = gtk_stack_get_child_by_name (win->stack, name);
	gboolean in = win->session->staff != NULL;
	char *who = in ? g_strdup_printf (_("Signed in: %s"), win->session->staff_name) : NULL;

	gtk_label_set_text (win->staff_label, in ? who : _("No one is signed in"));
	gtk_widget_set_visible (GTK_WIDGET (win->sign_out_button), in);
	/* Each page starts afresh when it is shown. */
	if (KIOSK_IS_SIGNIN_PAGE (page))
		kiosk_signin_page_reset (KIOSK_SIGNIN_PAGE (page));
	else if (KIOSK_IS_HOME_PAGE (page))
		kiosk_home_page_reset (KIOSK_HOME_PAGE (page));
	else if (KIOSK_IS_ISSUE_PAGE (page))
		kiosk_issue_page_reset (KIOSK_ISSUE_PAGE (page));
	else if (KIOSK_IS_REVOKE_PAGE (page))
		kiosk_revoke_page_reset (KIOSK_REVOKE_PAGE (page));
	else if (KIOSK_IS_RENEW_PAGE (page))
		kiosk_renew_page_reset (KIOSK_RENEW_PAGE (page));
	else if (KIOSK_IS_RESET_PAGE (page))
		kiosk_reset_page_reset (KIOSK_RESET_PAGE (page));
	kiosk_stack_show (win->stack, name);
	g_free (who);
}

void
kiosk_stack_show (GtkStack *stack, const char *name)
{
	GtkWidget *page = gtk_stack_get_child_by_name (stack, name);

	gtk_widget_set_visible (page, TRUE);
	gtk_stack_set_visible_child (stack, page);
	for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (stack)); c != NULL; c = gtk_widget_get_next_sibling (c))
		if (c != page)
			gtk_widget_set_visible (c, FALSE);
}
