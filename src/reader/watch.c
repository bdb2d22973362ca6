/* Reader and card events from PC/SC, through pcscd restarts. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <PCSC/pcsclite.h>

#include "src/reader/pcsc.h"

#define PNP_READER "\\\\?PnP?\\Notification"

/*
 * Why the blocking wait is not INFINITE: SCardCancel only interrupts a
 * wait that has already begun, so a cancel that lands just before it would
 * be lost; and pcsc-lite 1.9 counts readers for the PnP entry from the
 * start of each call, so a reader added between our listing and the call
 * goes unseen until something else changes.  Waking this often bounds both.
 */
#define WAIT_BACKSTOP_MS 1000
/* How often to knock while the service is away. */
#define RECONNECT_MS 250

typedef struct {
	char *name;
	DWORD state;            /* the last event state, fed back as current */
	int card;               /* a card-inserted was reported, not yet removed */
	uint8_t atr[INKAN_ATR_MAX];
	size_t atr_len;
} slot;

struct inkan_reader_watcher {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int cancelled;          /* under lock */
	int have_ctx;           /* under lock: ctx may be SCardCancel'ed */
	SCARDCONTEXT ctx;
	slot *slots;
	size_t n_slots;
	DWORD pnp_state;
	inkan_atr_classifier classify;
	inkan_reader_event_cb cb;
	void *data;
};

const char *
inkan_reader_event_name (inkan_reader_event_type type)
{
	switch (type) {
	case INKAN_READER_EVENT_READER_ADDED: return "reader-added";
	case INKAN_READER_EVENT_READER_REMOVED: return "reader-removed";
	case INKAN_READER_EVENT_CARD_INSERTED: return "card-inserted";
	case INKAN_READER_EVENT_CARD_REMOVED: return "card-removed";
	case INKAN_READER_EVENT_SERVICE_LOST: return "service-lost";
	case INKAN_READER_EVENT_SERVICE_BACK: return "service-back";
	}
	return "unknown";
}

inkan_err
inkan_pcsc_watcher_new (inkan_atr_classifier classify, inkan_reader_watcher **out)
{
	inkan_reader_watcher *w = calloc (1, sizeof *w);
	pthread_condattr_t attr;

	if (w == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	w->classify = classify;
	pthread_mutex_init (&w->lock, NULL);
	/* Waits are relative; a clock that jumps must not stretch them. */
	pthread_condattr_init (&attr);
	pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
	pthread_cond_init (&w->wake, &attr);
	pthread_condattr_destroy (&attr);
	*out = w;
	return INKAN_OK;
}

static void
slots_clear (inkan_reader_watcher *w)
{
	size_t i;

	for (i = 0; i < w->n_slots; i++)
		free (w->slots[i].name);
	free (w->slots);
	w->slots = NULL;
	w->n_slots = 0;
}

void
inkan_reader_watcher_free (inkan_reader_watcher *w)
{
	if (w == NULL)
		return;
	slots_clear (w);
	pthread_cond_destroy (&w->wake);
	pthread_mutex_destroy (&w->lock);
	free (w);
}

void
inkan_reader_watch_cancel (inkan_reader_watcher *w)
{
	pthread_mutex_lock (&w->lock);
	w->cancelled = 1;
	if (w->have_ctx)
		SCardCancel (w->ctx);
	pthread_cond_broadcast (&w->wake);
	pthread_mutex_unlock (&w->lock);
}

static int
is_cancelled (inkan_reader_watcher *w)
{
	int c;

	pthread_mutex_lock (&w->lock);
	c = w->cancelled;
	pthread_mutex_unlock (&w->lock);
	return c;
}

static void
emit (inkan_reader_watcher *w, inkan_reader_event_type type, const slot *s)
{
	inkan_reader_event ev = { .type = type };
	char hex[INKAN_ATR_MAX * 2 + 1];

	if (s != NULL) {
		ev.reader = s->name;
		if (type == INKAN_READER_EVENT_CARD_INSERTED || type == INKAN_READER_EVENT_CARD_REMOVED) {
			ev.atr = s->atr;
			ev.atr_len = s->atr_len;
			ev.card_type = w->classify (s->atr, s->atr_len, NULL);
			inkan_hex_encode_to (s->atr, s->atr_len, hex);
			ev.atr_hex = s->atr_len > 0 ? hex : NULL;
		}
	}
	w->cb (&ev, w->data);
}

static void
card_gone (inkan_reader_watcher *w, slot *s)
{
	if (!s->card)
		return;
	s->card = 0;
	emit (w, INKAN_READER_EVENT_CARD_REMOVED, s);
}

/* Compare what a reader says now with what was last reported. */
static void
update_slot (inkan_reader_watcher *w, slot *s, const SCARD_READERSTATE *rs)
{
	DWORD now = rs->dwEventState & ~(DWORD) SCARD_STATE_CHANGED;
	int present = (now & SCARD_STATE_PRESENT) && !(now & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE));
	size_t atr_len = present && !(now & SCARD_STATE_MUTE) && rs->cbAtr <= INKAN_ATR_MAX ? rs->cbAtr : 0;
	/* The high 16 bits count insertions and removals: a card swapped
	 * between two looks shows as a new count (or a new ATR). */
	int swapped = s->card && present && s->state != SCARD_STATE_UNAWARE &&
	              ((s->state ^ now) >> 16 != 0 || atr_len != s->atr_len ||
	               memcmp (s->atr, rs->rgbAtr, atr_len) != 0);

	if (now & SCARD_STATE_UNKNOWN) {
		/* The reader is gone; the next listing reports it removed. */
		s->state = now;
		return;
	}
	if (!present || swapped)
		card_gone (w, s);
	s->state = now;
	if (present && !s->card) {
		memcpy (s->atr, rs->rgbAtr, atr_len);
		s->atr_len = atr_len;
		s->card = 1;
		emit (w, INKAN_READER_EVENT_CARD_INSERTED, s);
	}
}

static slot *
find_slot (slot *slots, size_t n, const char *name)
{
	size_t i;

	/* A slot already moved to the new list has no name. */
	for (i = 0; i < n; i++)
		if (slots[i].name != NULL && strcmp (slots[i].name, name) == 0)
			return &slots[i];
	return NULL;
}

static int
names_contain (char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp (names[i], name) == 0)
			return 1;
	return 0;
}

/* List the readers again: report those gone and those new (a new one
 * starts UNAWARE, so the next wait returns at once with its state). */
static inkan_err
refresh_readers (inkan_reader_watcher *w, SCARDCONTEXT ctx, LONG *rv)
{
	char **names = NULL;
	slot *next = NULL;
	size_t n = 0, i;
	inkan_err err;

	err = inkan_pcsc_reader_names (ctx, &names, &n, rv);
	if (err != INKAN_OK)
		return err;
	next = calloc (n + 1, sizeof *next);
	if (next == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	for (i = 0; i < w->n_slots; i++) {
		if (!names_contain (names, n, w->slots[i].name)) {
			card_gone (w, &w->slots[i]);
			emit (w, INKAN_READER_EVENT_READER_REMOVED, &w->slots[i]);
		}
	}
	for (i = 0; i < n; i++) {
		slot *old = find_slot (w->slots, w->n_slots, names[i]);

		if (old != NULL) {
			next[i] = *old;
			old->name = NULL;
			continue;
		}
		next[i].name = names[i];
		names[i] = NULL;
		next[i].state = SCARD_STATE_UNAWARE;
		emit (w, INKAN_READER_EVENT_READER_ADDED, &next[i]);
	}
	slots_clear (w);
	w->slots = next;
	w->n_slots = n;
	next = NULL;
out:
	free (next);
	inkan_pcsc_names_free (names, n);
	return err;
}

/* Sleep MS unless cancelled first; returns whether cancelled. */
static int
sleep_unless_cancelled (inkan_reader_watcher *w, long ms)
{
	struct timespec until;
	int c;

	clock_gettime (CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock (&w->lock);
	while (!w->cancelled && pthread_cond_timedwait (&w->wake, &w->lock, &until) != ETIMEDOUT)
		;
	c = w->cancelled;
	pthread_mutex_unlock (&w->lock);
	return c;
}

/*
 * Get a context.  While the service is away, say so (unless LOST says that
 * was said already) and knock until it is back; then say that.  0 with a
 * context, -1 when cancelled meanwhile.
 */
static int
go_online (inkan_reader_watcher *w, SCARDCONTEXT *ctx, int lost)
{
	size_t i;

	for (;;) {
		if (is_cancelled (w))
			return -1;
		if (inkan_pcsc_connect (ctx) == INKAN_OK)
			break;
		if (!lost) {
			lost = 1;
			emit (w, INKAN_READER_EVENT_SERVICE_LOST, NULL);
		}
		if (sleep_unless_cancelled (w, RECONNECT_MS))
			return -1;
	}
	pthread_mutex_lock (&w->lock);
	w->ctx = *ctx;
	w->have_ctx = 1;
	pthread_mutex_unlock (&w->lock);
	inkan_detail_clear ();
	if (lost) {
		/* A new daemon counts events afresh: compare cards by ATR only. */
		for (i = 0; i < w->n_slots; i++)
			w->slots[i].state = SCARD_STATE_UNAWARE;
		w->pnp_state = SCARD_STATE_UNAWARE;
		emit (w, INKAN_READER_EVENT_SERVICE_BACK, NULL);
	}
	return 0;
}

static void
go_offline (inkan_reader_watcher *w, SCARDCONTEXT ctx)
{
	/* Out of SCardCancel's reach before it is released. */
	pthread_mutex_lock (&w->lock);
	w->have_ctx = 0;
	pthread_mutex_unlock (&w->lock);
	SCardReleaseContext (ctx);
}

/* One blocking look at every reader and at the reader list. */
static LONG
wait_for_change (inkan_reader_watcher *w, SCARDCONTEXT ctx, SCARD_READERSTATE **rs)
{
	/* pcsc-lite takes at most PCSCLITE_MAX_READERS_CONTEXTS entries in one
	 * call, which is also how many readers it serves: with a full house,
	 * the last reader's cards go unwatched so that plugging still is. */
	size_t i, n = w->n_slots < PCSCLITE_MAX_READERS_CONTEXTS ? w->n_slots
	                                                        : PCSCLITE_MAX_READERS_CONTEXTS - 1;
	SCARD_READERSTATE *grown = realloc (*rs, (n + 1) * sizeof **rs);
	LONG rv;

	if (grown == NULL)
		return SCARD_E_NO_MEMORY;
	*rs = grown;
	memset (grown, 0, (n + 1) * sizeof *grown);
	for (i = 0; i < n; i++) {
		grown[i].szReader = w->slots[i].name;
		grown[i].dwCurrentState = w->slots[i].state;
	}
	grown[n].szReader = PNP_READER;
	grown[n].dwCurrentState = w->pnp_state;
	rv = SCardGetStatusChange (ctx, WAIT_BACKSTOP_MS, grown, (DWORD) n + 1);
	if (rv != SCARD_S_SUCCESS)
		return rv;
	for (i = 0; i < n; i++)
		if (grown[i].dwEventState & SCARD_STATE_CHANGED)
			update_slot (w, &w->slots[i], &grown[i]);
	w->pnp_state = grown[n].dwEventState & ~(DWORD) SCARD_STATE_CHANGED;
	return rv;
}

inkan_err
inkan_reader_watch (inkan_reader_watcher *w, inkan_reader_event_cb cb, void *data)
{
	SCARD_READERSTATE *rs = NULL;
	SCARDCONTEXT ctx;
	inkan_err err = INKAN_OK;

	w->cb = cb;
	w->data = data;
	inkan_detail_clear ();
	if (go_online (w, &ctx, 0) != 0)
		return INKAN_OK;
	while (!is_cancelled (w)) {
		LONG rv = SCARD_S_SUCCESS;

		err = refresh_readers (w, ctx, &rv);
		if (err == INKAN_OK && !is_cancelled (w))
			rv = wait_for_change (w, ctx, &rs);
		if (inkan_pcsc_service_gone (rv)) {
			go_offline (w, ctx);
			emit (w, INKAN_READER_EVENT_SERVICE_LOST, NULL);
			err = INKAN_OK;
			if (go_online (w, &ctx, 1) != 0)
				goto out_offline;
			continue;
		}
		if (err != INKAN_OK)
			break;
		/* A timeout is the backstop; a cancel is seen at the top; an
		 * unknown reader went away under us and the next listing says so. */
		if (rv != SCARD_S_SUCCESS && rv != (LONG) SCARD_E_TIMEOUT &&
		    rv != (LONG) SCARD_E_CANCELLED && rv != (LONG) SCARD_E_UNKNOWN_READER) {
			err = inkan_pcsc_fail (rv, "SCardGetStatusChange");
			break;
		}
	}
	go_offline (w, ctx);
out_offline:
	free (rs);
	return err;
}
