/* inkan-kiosk — card, token, network and journal work off the main loop:
 * FN runs in a GTask thread, CALLBACK on the main loop after it. */
#ifndef KIOSK_JOB_H
#define KIOSK_JOB_H

#include <gio/gio.h>
#include <inkan/error.h>

/* Does the work; on failure sets *WHY to a sentence for the screen. */
typedef inkan_err (*kiosk_job_fn) (gpointer data, char **why);

void kiosk_job_run (gpointer source, kiosk_job_fn fn, gpointer data, GDestroyNotify data_free,
                    GAsyncReadyCallback callback, gpointer user_data);
/* What FN returned; *WHY (may be NULL) gets its sentence (g_free). */
inkan_err kiosk_job_finish (GAsyncResult *res, gpointer *data, char **why);

#endif
