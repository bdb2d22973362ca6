/* inkan-kiosk — the home page: one large button per operation. */
#include "kiosk-home-page.h"

#include <glib/gi18n.h>
#include "kiosk-window.h"

struct _KioskHomePage {
	GtkBox parent;
	GtkLabel *welcome_label;
};

G_DEFINE_TYPE (KioskHomePage, kiosk_home_page, GTK_TYPE_BOX)

static void
issue_clicked (KioskHomePage *page)
{
	kiosk_window_go (kiosk_window_of (GTK_WIDGET (page)), "issue");
}

static void
revoke_clicked (KioskHomePage *page)
{
	kiosk_window_go (kiosk_window_of (GTK_WIDGET (page)), "revoke");
}

static void
renew_clicked (KioskHomePage *page)
{
	kiosk_window_go (kiosk_window_of (GTK_WIDGET (page)), "renew");
}

static void
reset_clicked (KioskHomePage *page)
{
	kiosk_window_go (kiosk_window_of (GTK_WIDGET (page)), "reset");
}

static void
kiosk_home_page_class_init (KioskHomePageClass *klass)
{
	GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);

	gtk_widget_class_set_template_from_resource (wc, "/org/inkan/Kiosk/kiosk-home-page.ui");
	gtk_widget_class_bind_template_child (wc, KioskHomePage, welcome_label);
	gtk_widget_class_bind_template_callback (wc, issue_clicked);
	gtk_widget_class_bind_template_callback (wc, revoke_clicked);
	gtk_widget_class_bind_template_callback (wc, renew_clicked);
	gtk_widget_class_bind_template_callback (wc, reset_clicked);
}

static void
kiosk_home_page_init (KioskHomePage *page)
{
	gtk_widget_init_template (GTK_WIDGET (page));
}

void
kiosk_home_page_reset (KioskHomePage *page)
{
	kiosk_session *s = kiosk_window_get_session (kiosk_window_of (GTK_WIDGET (page)));
	char *text = g_strdup_printf (_("Welcome, %s. What does the resident need?"),
	                              s->staff_name != NULL ? s->staff_name : "");

	gtk_label_set_text (page->welcome_label, text);
	g_free (text);
}
