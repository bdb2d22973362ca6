/* inkan-viewer — the card in a reader, as the library sees it: its
 * tokens, each token's user PIN (rules, tries left and where that figure
 * comes from) and certificates.  Loaded and changed in workers. */
#pragma once

#include <gio/gio.h>
#include <inkan/inkan.h>
#include "viewer-cert.h"

G_BEGIN_DECLS

typedef struct {
	inkan_token_info *info;         /* owned by the card */
	inkan_card_pin_info pin;        /* the user PIN's rules (static strings) */
	gboolean has_status;
	inkan_pin_status status;        /* when HAS_STATUS */
	char *status_error;             /* why not, else NULL */
	GPtrArray *certs;               /* ViewerCert */
} ViewerCardToken;

#define VIEWER_TYPE_CARD (viewer_card_get_type ())
G_DECLARE_FINAL_TYPE (ViewerCard, viewer_card, VIEWER, CARD, GObject)

/* What the card in READER holds (DESCRIPTION: what its ATR says it is). */
void viewer_card_load_async (const char *reader, const char *description, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer data);
ViewerCard *viewer_card_load_finish (GAsyncResult *result, GError **error);

const char *viewer_card_get_reader (ViewerCard *self);
const char *viewer_card_get_description (ViewerCard *self);
guint viewer_card_get_n_tokens (ViewerCard *self);
const ViewerCardToken *viewer_card_get_token (ViewerCard *self, guint i);

/* Change the user PIN of token I from OLD_PIN to NEW_PIN (both taken and
 * wiped).  FLAGS: INKAN_LOGIN_ALLOW_FINAL_TRY only after the user said so;
 * without it the final try is INKAN_ERR_PIN_FINAL_TRY and nothing is sent.
 * Errors are in VIEWER_INKAN_ERROR with the inkan_err as the code. */
void viewer_card_change_pin_async (ViewerCard *self, guint i, inkan_secret *old_pin, inkan_secret *new_pin,
                                   unsigned flags, GAsyncReadyCallback callback, gpointer data);
gboolean viewer_card_change_pin_finish (GAsyncResult *result, GError **error);

G_END_DECLS
