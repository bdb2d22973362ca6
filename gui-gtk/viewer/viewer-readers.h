/* inkan-viewer — the PC/SC readers, live: the library's reader watch in a
 * thread of its own, its events brought to the main loop as signals. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define VIEWER_TYPE_READERS (viewer_readers_get_type ())
G_DECLARE_FINAL_TYPE (ViewerReaders, viewer_readers, VIEWER, READERS, GObject)

/* Signals, on the main loop:
 *   card-inserted (const char *reader, const char *card_type, const char *description)
 *   card-removed (const char *reader)
 *   service (gboolean running): pcscd went away or came back */
ViewerReaders *viewer_readers_new (void);

G_END_DECLS
