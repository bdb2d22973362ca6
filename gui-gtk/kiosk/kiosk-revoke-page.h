/* inkan-kiosk — revoking a certificate: the file, the reason, a
 * confirmation, the CA's answer. */
#ifndef KIOSK_REVOKE_PAGE_H
#define KIOSK_REVOKE_PAGE_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define KIOSK_TYPE_REVOKE_PAGE (kiosk_revoke_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskRevokePage, kiosk_revoke_page, KIOSK, REVOKE_PAGE, GtkBox)

void kiosk_revoke_page_reset (KioskRevokePage *page);

G_END_DECLS

#endif
