/* inkan readers [--watch]: PC/SC readers and their cards, once or as they
 * change. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

#include "cli/tool.h"

#define USAGE _("usage: inkan readers [--watch] [--json]")

static json_t *
reader_json (const inkan_reader_info *r)
{
	return json_pack ("{s:s, s:s, s:s?, s:s?, s:s?}",
		"reader", r->name, "state", inkan_reader_state_name (r->state),
		"atr", r->atr_len > 0 ? r->atr_hex : NULL, "card", r->card_type,
		"card_description", r->card_description);
}

static void
print_reader (const inkan_reader_info *r)
{
	printf ("%s\n", r->name);
	tool_field (4, 14, _("state:"), "%s", inkan_reader_state_name (r->state));
	if (r->atr_len > 0)
		tool_field (4, 14, _("atr:"), "%s", r->atr_hex);
	if (r->card_type != NULL)
		tool_field (4, 14, _("card:"), "%s (%s)", r->card_type, r->card_description);
}

static int
list_readers (tool *t)
{
	inkan_reader_info *infos = NULL;
	size_t n = 0, i;
	inkan_err err;

	err = inkan_reader_list (&infos, &n);
	if (err != INKAN_OK)
		return tool_fail (t, err);
	if (t->json) {
		json_t *arr = json_array ();

		for (i = 0; i < n; i++)
			json_array_append_new (arr, reader_json (&infos[i]));
		tool_json_print (arr);
	} else {
		for (i = 0; i < n; i++)
			print_reader (&infos[i]);
	}
	inkan_reader_info_free (infos, n);
	return TOOL_EXIT_OK;
}

/* One line per event, flushed at once: a script reads them as they come. */
static void
on_event (const inkan_reader_event *ev, void *data)
{
	const tool *t = data;

	if (t->json) {
		json_t *o = json_pack ("{s:s, s:s?, s:s?}", "event",
			inkan_reader_event_name (ev->type), "reader", ev->reader, "atr", ev->atr_hex);

		if (ev->card_type != NULL)
			json_object_set_new (o, "card", json_string (ev->card_type));
		json_dumpf (o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc ('\n', stdout);
		json_decref (o);
	} else if (ev->reader == NULL) {
		printf ("%s: %s\n", inkan_reader_event_name (ev->type),
			ev->type == INKAN_READER_EVENT_SERVICE_LOST
			? _("the PC/SC service (pcscd) is not running; waiting for it")
			: _("the PC/SC service (pcscd) is back"));
	} else {
		printf ("%s: %s", inkan_reader_event_name (ev->type), ev->reader);
		if (ev->atr_hex != NULL)
			printf (" %s", ev->atr_hex);
		if (ev->card_type != NULL)
			printf (" (%s)", ev->card_type);
		printf ("\n");
	}
	fflush (stdout);
}

typedef struct {
	sigset_t set;
	inkan_reader_watcher *w;
} stopper;

/* Signals arrive here, in a thread of their own, because cancelling a
 * watch is not something a signal handler may do. */
static void *
stop_on_signal (void *arg)
{
	stopper *s = arg;
	int sig;

	sigwait (&s->set, &sig);
	inkan_reader_watch_cancel (s->w);
	return NULL;
}

static int
watch_readers (tool *t)
{
	stopper s;
	sigset_t old;
	pthread_t thread;
	inkan_err err;

	err = inkan_reader_watcher_new (&s.w);
	if (err != INKAN_OK)
		return tool_fail (t, err);
	/* SIGUSR1 is ours: it ends the signal thread when the watch ends by
	 * itself (an error). */
	sigemptyset (&s.set);
	sigaddset (&s.set, SIGINT);
	sigaddset (&s.set, SIGTERM);
	sigaddset (&s.set, SIGUSR1);
	pthread_sigmask (SIG_BLOCK, &s.set, &old);
	if (pthread_create (&thread, NULL, stop_on_signal, &s) != 0) {
		pthread_sigmask (SIG_SETMASK, &old, NULL);
		inkan_reader_watcher_free (s.w);
		fprintf (stderr, "%s\n", _("inkan: cannot start a thread"));
		return TOOL_EXIT_ENV;
	}
	err = inkan_reader_watch (s.w, on_event, t);
	pthread_kill (thread, SIGUSR1);
	pthread_join (thread, NULL);
	pthread_sigmask (SIG_SETMASK, &old, NULL);
	inkan_reader_watcher_free (s.w);
	return err == INKAN_OK ? TOOL_EXIT_OK : tool_fail (t, err);
}

int
verb_readers (tool *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "watch", no_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		TOOL_OPTS_END,
	};
	int c, watch = 0;

	while ((c = getopt_long (argc, argv, "+wjh", opts, NULL)) != -1) {
		switch (c) {
		case 'w': watch = 1; break;
		case 'j': t->json = 1; break;
		default: return tool_help_or_usage (t, c, USAGE);
		}
	}
	if (optind != argc)
		return tool_usage (t, "readers", "%s", USAGE);
	return watch ? watch_readers (t) : list_readers (t);
}
