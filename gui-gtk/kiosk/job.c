/* inkan-kiosk — one job in a GTask thread. */
#include "job.h"

typedef struct {
	kiosk_job_fn fn;
	gpointer data;
	GDestroyNotify data_free;
	inkan_err err;
	char *why;
} job;

static void
job_free (gpointer p)
{
	job *j = p;

	if (j->data_free != NULL)
		j->data_free (j->data);
	g_free (j->why);
	g_free (j);
}

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
	job *j = task_data;

	(void) source;
	(void) cancellable;
	j->err = j->fn (j->data, &j->why);
	g_task_return_boolean (task, TRUE);
}

void
kiosk_job_run (gpointer source, kiosk_job_fn fn, gpointer data, GDestroyNotify data_free,
               GAsyncReadyCallback callback, gpointer user_data)
{
	GTask *task = g_task_new (source, NULL, callback, user_data);
	job *j = g_new0 (job, 1);

	j->fn = fn;
	j->data = data;
	j->data_free = data_free;
	g_task_set_task_data (task, j, job_free);
	g_task_run_in_thread (task, job_thread);
	g_object_unref (task);
}

inkan_err
kiosk_job_finish (GAsyncResult *res, gpointer *data, char **why)
{
	job *j = g_task_get_task_data (G_TASK (res));

	if (data != NULL)
		*data = j->data;
	if (why != NULL)
		*why = g_steal_pointer (&j->why);
	return j->err;
}
