/* inkan-viewer — the page of a card: what it is, each token's PIN (state
 * and tries before any PIN is asked, Change PIN) and its certificates. */
#pragma once

#include <gtk/gtk.h>
#include "viewer-card.h"

G_BEGIN_DECLS

#define VIEWER_TYPE_CARD_PAGE (viewer_card_page_get_type ())
G_DECLARE_FINAL_TYPE (ViewerCardPage, viewer_card_page, VIEWER, CARD_PAGE, GtkBox)

/* Signals: "loaded" (ViewerCard *) each time the card has been read;
 * "open-cert" (ViewerCert *) when the user picks one of its certificates. */
GtkWidget *viewer_card_page_new (const char *reader, const char *description);
/* The card left the reader: the page says so and offers nothing more. */
void viewer_card_page_set_removed (ViewerCardPage *self);
/* Read the card again (after a PIN was sent). */
void viewer_card_page_reload (ViewerCardPage *self);

G_END_DECLS
