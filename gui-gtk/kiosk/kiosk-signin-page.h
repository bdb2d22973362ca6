/* inkan-kiosk — staff sign-in with their own token and PIN. */
#ifndef KIOSK_SIGNIN_PAGE_H
#define KIOSK_SIGNIN_PAGE_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define KIOSK_TYPE_SIGNIN_PAGE (kiosk_signin_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskSigninPage, kiosk_signin_page, KIOSK, SIGNIN_PAGE, GtkBox)

/* Forget the PIN typed, look for staff tokens again. */
void kiosk_signin_page_reset (KioskSigninPage *page);

G_END_DECLS

#endif
