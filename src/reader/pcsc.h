/* PC/SC calls shared by the reader listing, the watcher and the card link;
 * the listing and the watcher, which the card model makes public. */
#ifndef INKAN_READER_PCSC_H
#define INKAN_READER_PCSC_H

#include <PCSC/winscard.h>

#include "src/util/internal.h"

/* RV says the service is gone (not running, stopped, restarted under us). */
int inkan_pcsc_service_gone (LONG rv);

/* The inkan_err for a failed PC/SC CALL, with a detail naming it. */
inkan_err inkan_pcsc_fail (LONG rv, const char *call);

/* A context on the service: INKAN_ERR_NO_SERVICE when pcscd is not there. */
inkan_err inkan_pcsc_connect (SCARDCONTEXT *ctx);

/* The readers' names, an array of N strings (free with
 * inkan_pcsc_names_free); no reader is N 0, not an error.  *RV (may be
 * NULL) gets PC/SC's answer, so that the watcher can tell a lost service. */
inkan_err inkan_pcsc_reader_names (SCARDCONTEXT ctx, char ***names, size_t *n, LONG *rv);
void inkan_pcsc_names_free (char **names, size_t n);

/* The state a reader is in, from SCardGetStatusChange's event state. */
inkan_reader_state inkan_pcsc_state (DWORD event_state);

/* What kind of card an ATR is (the card model's inkan_card_type_guess):
 * the listing and the watcher are told it by the layer above, which knows. */
typedef const char *(*inkan_atr_classifier) (const uint8_t *atr, size_t atr_len, const char **description);

/* inkan_reader_list and inkan_reader_watcher_new, cards named by CLASSIFY. */
inkan_err inkan_pcsc_reader_list (inkan_atr_classifier classify, inkan_reader_info **out, size_t *n_out);
inkan_err inkan_pcsc_watcher_new (inkan_atr_classifier classify, inkan_reader_watcher **out);

#endif
