/* inkan-viewer — the user's NPKI certificates (the home directory's NPKI
 * folder and those of mounted removable media), found off the main loop. */
#pragma once

#include <gio/gio.h>

#include "viewer-cert.h"

G_BEGIN_DECLS

typedef struct {
	char *ca;               /* the CA's folder name, or "" */
	ViewerCert *cert;       /* its source names signPri.key when the key is beside it */
} ViewerNpkiCert;

/* Look for them in a worker; CALLBACK gets the result on the caller's main context. */
void viewer_npki_find_async (GCancellable *cancellable, GAsyncReadyCallback callback, gpointer data);
/* A GPtrArray of ViewerNpkiCert, empty when there is none, or NULL with ERROR set. */
GPtrArray *viewer_npki_find_finish (GAsyncResult *result, GError **error);

G_END_DECLS
