/* inkan-viewer — the main window: a sidebar of sources (cards, live; files
 * opened) and the page of the one selected. */
#pragma once

#include <gtk/gtk.h>
#include "viewer-application.h"

G_BEGIN_DECLS

#define VIEWER_TYPE_WINDOW (viewer_window_get_type ())
G_DECLARE_FINAL_TYPE (ViewerWindow, viewer_window, VIEWER, WINDOW, GtkApplicationWindow)

ViewerWindow *viewer_window_new (ViewerApplication *app);
/* Open a certificate file (any form inkan reads); a bad one is a message
 * in the window. */
void viewer_window_open (ViewerWindow *self, GFile *file);

G_END_DECLS
