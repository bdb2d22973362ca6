/* inkan-viewer — Check validity in a worker. */
#include "viewer-validity.h"
#include "viewer-error.h"

typedef struct {
	X509 *leaf;
	STACK_OF(X509) *companions;
	char **pins;
} Job;

static void
job_free (Job *job)
{
	X509_free (job->leaf);
	sk_X509_pop_free (job->companions, X509_free);
	g_strfreev (job->pins);
	g_free (job);
}

static inkan_err
setup (inkan_validator *v, Job *job)
{
	const char *conf = inkan_path_validate_conf ();
	char *cache = inkan_path_cache_dir ();
	inkan_err err = INKAN_OK;
	char **p;
	int i;

	if (conf != NULL && *conf != '\0' && (err = inkan_validator_load_config (v, conf)) != INKAN_OK)
		goto out;
	if (cache != NULL && (err = inkan_validator_set_cache_dir (v, cache)) != INKAN_OK)
		goto out;
	for (p = job->pins; p != NULL && *p != NULL; p++)
		if ((err = inkan_validator_add_anchor_pins (v, *p)) != INKAN_OK)
			goto out;
	for (i = 0; i < sk_X509_num (job->companions); i++)
		if ((err = inkan_validator_add_chain_cert (v, sk_X509_value (job->companions, i))) != INKAN_OK)
			goto out;
out:
	free (cache);
	return err;
}

static void
run (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
	Job *job = data;
	inkan_validator *v = NULL;
	inkan_vreport *report = NULL;
	GError *error = NULL;
	inkan_err err;

	(void) source;
	(void) cancellable;
	if ((err = inkan_validator_new (&v)) != INKAN_OK || (err = setup (v, job)) != INKAN_OK ||
	    (err = inkan_validate (v, job->leaf, &report)) != INKAN_OK) {
		viewer_set_error (&error, err);
		g_task_return_error (task, error);
	} else {
		g_task_return_pointer (task, report, (GDestroyNotify) inkan_vreport_free);
	}
	inkan_validator_free (v);
}

void
viewer_validity_check_async (ViewerCert *cert, const char *const *extra_pins, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer data)
{
	g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, data);
	Job *job = g_new0 (Job, 1);

	job->leaf = viewer_cert_get_x509 (cert);
	X509_up_ref (job->leaf);
	job->companions = viewer_cert_dup_companions (cert);
	job->pins = g_strdupv ((char **) extra_pins);
	g_task_set_task_data (task, job, (GDestroyNotify) job_free);
	g_task_set_return_on_cancel (task, TRUE);
	g_task_run_in_thread (task, run);
}

inkan_vreport *
viewer_validity_check_finish (GAsyncResult *result, GError **error)
{
	return g_task_propagate_pointer (G_TASK (result), error);
}
