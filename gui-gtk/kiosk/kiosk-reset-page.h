/* inkan-kiosk — resetting a resident's locked or forgotten PIN with the
 * office's credential: the card, its PINs and tries, the new PIN twice,
 * the tries afterwards. */
#ifndef KIOSK_RESET_PAGE_H
#define KIOSK_RESET_PAGE_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define KIOSK_TYPE_RESET_PAGE (kiosk_reset_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskResetPage, kiosk_reset_page, KIOSK, RESET_PAGE, GtkBox)

void kiosk_reset_page_reset (KioskResetPage *page);

G_END_DECLS

#endif
