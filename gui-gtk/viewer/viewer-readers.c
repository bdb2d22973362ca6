/* inkan-viewer — the reader watch, marshalled to the main loop. */
#include <glib/gi18n.h>
#include <inkan/inkan.h>

#include "viewer-readers.h"

struct _ViewerReaders {
	GObject parent_instance;
	inkan_reader_watcher *watcher;
	GThread *thread;
	gboolean stopped;
};

G_DEFINE_FINAL_TYPE (ViewerReaders, viewer_readers, G_TYPE_OBJECT)

enum { CARD_INSERTED, CARD_REMOVED, SERVICE, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
	ViewerReaders *self;
	inkan_reader_event_type type;
	char *reader;
	char *card_type;
	char *description;
} Event;

static void
event_free (Event *ev)
{
	g_object_unref (ev->self);
	g_free (ev->reader);
	g_free (ev->card_type);
	g_free (ev->description);
	g_free (ev);
}

static gboolean
event_emit (gpointer data)
{
	Event *ev = data;

	if (ev->self->stopped)
		return G_SOURCE_REMOVE;
	switch (ev->type) {
	case INKAN_READER_EVENT_CARD_INSERTED:
		g_signal_emit (ev->self, signals[CARD_INSERTED], 0, ev->reader, ev->card_type, ev->description);
		break;
	case INKAN_READER_EVENT_CARD_REMOVED:
	case INKAN_READER_EVENT_READER_REMOVED:
		/* A reader unplugged takes its card with it. */
		g_signal_emit (ev->self, signals[CARD_REMOVED], 0, ev->reader);
		break;
	case INKAN_READER_EVENT_SERVICE_LOST:
	case INKAN_READER_EVENT_SERVICE_BACK:
		g_signal_emit (ev->self, signals[SERVICE], 0, ev->type == INKAN_READER_EVENT_SERVICE_BACK);
		break;
	case INKAN_READER_EVENT_READER_ADDED:
		break;
	}
	return G_SOURCE_REMOVE;
}

/* On the watch's thread: copy, since the event lives only for the call. */
static void
on_event (const inkan_reader_event *event, void *data)
{
	Event *ev = g_new0 (Event, 1);
	const char *description = NULL;

	ev->self = g_object_ref (data);
	ev->type = event->type;
	ev->reader = g_strdup (event->reader);
	if (event->type == INKAN_READER_EVENT_CARD_INSERTED) {
		ev->card_type = g_strdup (inkan_card_type_guess (event->atr, event->atr_len, &description));
		ev->description = g_strdup (description != NULL ? description : _("unknown card"));
	}
	g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, event_emit, ev, (GDestroyNotify) event_free);
}

static gpointer
watch (gpointer data)
{
	ViewerReaders *self = data;
	inkan_err err = inkan_reader_watch (self->watcher, on_event, self);

	if (err != INKAN_OK)
		g_warning ("reader watch: %s: %s", inkan_strerror (err), inkan_detail ());
	return NULL;
}

static void
viewer_readers_dispose (GObject *object)
{
	ViewerReaders *self = VIEWER_READERS (object);

	self->stopped = TRUE;
	if (self->thread != NULL) {
		inkan_reader_watch_cancel (self->watcher);
		g_thread_join (self->thread);
		self->thread = NULL;
	}
	g_clear_pointer (&self->watcher, inkan_reader_watcher_free);
	G_OBJECT_CLASS (viewer_readers_parent_class)->dispose (object);
}

static void
viewer_readers_class_init (ViewerReadersClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = viewer_readers_dispose;
	signals[CARD_INSERTED] = g_signal_new ("card-inserted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
	                                       NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING,
	                                       G_TYPE_STRING);
	signals[CARD_REMOVED] = g_signal_new ("card-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
	                                      NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
	signals[SERVICE] = g_signal_new ("service", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
	                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
viewer_readers_init (ViewerReaders *self)
{
	(void) self;
}

ViewerReaders *
viewer_readers_new (void)
{
	ViewerReaders *self = g_object_new (VIEWER_TYPE_READERS, NULL);

	if (inkan_reader_watcher_new (&self->watcher) != INKAN_OK)
		g_warning ("reader watch: %s", inkan_detail ());
	else
		self->thread = g_thread_new ("inkan-reader-watch", watch, self);
	return self;
}
