/* inkan-viewer — the application: windows, command-line files, options. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VIEWER_TYPE_APPLICATION (viewer_application_get_type ())
G_DECLARE_FINAL_TYPE (ViewerApplication, viewer_application, VIEWER, APPLICATION, GtkApplication)

ViewerApplication *viewer_application_new (void);
/* Pins files given with --pins (NULL-terminated, may be NULL): checked by
 * Check the CA and trusted as anchor pins by Check validity, besides the
 * system's and inkan's own. */
const char *const *viewer_application_get_pins (ViewerApplication *self);

G_END_DECLS
