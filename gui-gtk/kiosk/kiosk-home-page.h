/* inkan-kiosk — the staff member's choice of operation. */
#ifndef KIOSK_HOME_PAGE_H
#define KIOSK_HOME_PAGE_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define KIOSK_TYPE_HOME_PAGE (kiosk_home_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskHomePage, kiosk_home_page, KIOSK, HOME_PAGE, GtkBox)

void kiosk_home_page_reset (KioskHomePage *page);

G_END_DECLS

#endif
