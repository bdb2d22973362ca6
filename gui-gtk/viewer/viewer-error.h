/* inkan-viewer — libinkan's errors as GErrors, and the library context
 * each worker opens for itself. */
#pragma once

#include <glib.h>
#include <inkan/inkan.h>

#define VIEWER_INKAN_ERROR (viewer_inkan_error_quark ())
GQuark viewer_inkan_error_quark (void);

/* ERR as a GError in the inkan domain (its code the inkan_err), with the
 * translated sentence and this thread's inkan_detail(). */
void viewer_set_error (GError **error, inkan_err err);

/* A context for one worker: a context's modules are not shared between
 * threads, and INKAN_MODULE names the module as it does for the CLI. */
inkan_ctx *viewer_ctx_new (GError **error);
