/* inkan-viewer — the consent to the try that could lock a PIN, asked in a
 * dialog of its own before that try is sent. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VIEWER_TYPE_CONSENT_DIALOG (viewer_consent_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ViewerConsentDialog, viewer_consent_dialog, VIEWER, CONSENT_DIALOG, GtkWindow)

/* Signal "answered" (gboolean consent): TRUE only from its confirm button. */
GtkWidget *viewer_consent_dialog_new (GtkWindow *parent, const char *pin_label);

G_END_DECLS
