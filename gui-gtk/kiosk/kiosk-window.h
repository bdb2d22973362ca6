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
/* The window of a page widget. */
KioskWindow *kiosk_window_of (GtkWidget *page);

G_END_DECLS

#endif
