/* inkan-kiosk — the full-screen window: a bar naming who is signed in,
 * and one page at a time. */
#ifndef KIOSK_WINDOW_H
#define KIOSK_WINDOW_H

#include <gtk/gtk.h>
#include "session.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_WINDOW (kiosk_window_get_type ())
G_DECLARE_FINAL_TYPE (KioskWindow, kiosk_window, KIOSK, WINDOW, GtkApplicationWindow)

/* SESSION stays the caller's and must outlive the window. */
KioskWindow *kiosk_window_new (GtkApplication *app, kiosk_session *session);
kiosk_session *kiosk_window_get_session (KioskWindow *win);
/* Show the page NAME ("signin", "home", "issue"). */
void kiosk_window_go (KioskWindow *win, const char *name);
/* Show STACK's child NAME and hide the others: a stack's hidden children
 * stay "visible" to AT-SPI otherwise, and a screen reader (or a test)
 * would find the buttons of every page at once. */
void kiosk_stack_show (GtkStack *stack, const char *name);
/* The window of a page widget. */
KioskWindow *kiosk_window_of (GtkWidget *page);

G_END_DECLS

#endif
