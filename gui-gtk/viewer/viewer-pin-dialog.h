/* inkan-viewer — Change PIN: old PIN, new PIN twice, the card profile's
 * rules checked as the user types; the final try only after consent. */
#pragma once

#include <gtk/gtk.h>
#include "viewer-card.h"

G_BEGIN_DECLS

#define VIEWER_TYPE_PIN_DIALOG (viewer_pin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ViewerPinDialog, viewer_pin_dialog, VIEWER, PIN_DIALOG, GtkWindow)

/* For the user PIN of token I of CARD.  Signal "sent": a PIN went to the
 * card (right or wrong), so its counter may have changed. */
GtkWidget *viewer_pin_dialog_new (GtkWindow *parent, ViewerCard *card, guint i);

G_END_DECLS
