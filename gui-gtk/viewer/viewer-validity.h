/* inkan-viewer — Check validity: the validation engine with the user's
 * settings (validate.conf), in a worker. */
#pragma once

#include <gio/gio.h>
#include <inkan/inkan.h>
#include "viewer-cert.h"

/* Validate CERT (its companions as intermediates; EXTRA_PINS, may be NULL,
 * as anchor pins).  Cancelling returns at once; the worker, bounded by the
 * validator's deadline, finishes unseen. */
void viewer_validity_check_async (ViewerCert *cert, const char *const *extra_pins, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer data);
/* The report (inkan_vreport_free it), or NULL with ERROR. */
inkan_vreport *viewer_validity_check_finish (GAsyncResult *result, GError **error);
