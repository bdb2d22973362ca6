/* inkan-kiosk — the guided issuance: card, holder, PINs, the work on the
 * card and with the CA, the receipt; resumed where the journal says. */
#ifndef KIOSK_ISSUE_PAGE_H
#define KIOSK_ISSUE_PAGE_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define KIOSK_TYPE_ISSUE_PAGE (kiosk_issue_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskIssuePage, kiosk_issue_page, KIOSK, ISSUE_PAGE, GtkBox)

void kiosk_issue_page_reset (KioskIssuePage *page);

G_END_DECLS

#endif
