/* inkan-kiosk — renewing the certificate on a resident's card: the card,
 * its certificate shown, the resident's PIN, the CA's new certificate
 * written, the receipt. */
#ifndef KIOSK_RENEW_PAGE_H
#define KIOSK_RENEW_PAGE_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define KIOSK_TYPE_RENEW_PAGE (kiosk_renew_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskRenewPage, kiosk_renew_page, KIOSK, RENEW_PAGE, GtkBox)

void kiosk_renew_page_reset (KioskRenewPage *page);

G_END_DECLS

#endif
