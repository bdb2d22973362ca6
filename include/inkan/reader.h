/* inkan — PC/SC readers: list them, guess the card from its ATR, watch
 * readers come and go and cards go in and out. */
#ifndef INKAN_READER_H
#define INKAN_READER_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/export.h>
#include <inkan/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The longest ATR ISO 7816-3 allows. */
#define INKAN_ATR_MAX 33

/*
 * What kind of card an ATR belongs to, guessed from a table of known ATRs.
 * ID is stable and untranslated: "jpki" (My Number card, and the Juki
 * cards that carried JPKI), "juki", "openpgp", "piv", "kr-token" (Korean
 * USB tokens), or "unknown".  DESCRIPTION (may be NULL) gets a translated
 * phrase ("My Number card (JPKI)").  An ATR says what the chip's maker
 * put there, not which applications the card holds: a guess, for display
 * and for picking a sensible default.
 */
INKAN_API const char *inkan_card_type_guess (const uint8_t *atr, size_t atr_len,
                                             const char **description);

typedef enum {
	INKAN_READER_EMPTY,        /* no card */
	INKAN_READER_PRESENT,      /* a card, which no program is using */
	INKAN_READER_IN_USE,       /* a card that a program has connected to */
	INKAN_READER_MUTE,         /* a card that gives no ATR */
	INKAN_READER_UNAVAILABLE,  /* the reader cannot be used (driver trouble) */
} inkan_reader_state;

/* "empty", "present", "in-use", "mute", "unavailable" */
INKAN_API const char *inkan_reader_state_name (inkan_reader_state state);

typedef struct {
	char *name;
	inkan_reader_state state;
	uint8_t atr[INKAN_ATR_MAX];
	size_t atr_len;                 /* 0: no card, or a mute one */
	char atr_hex[INKAN_ATR_MAX * 2 + 1];  /* lower-case; "" when atr_len is 0 */
	const char *card_type;          /* inkan_card_type_guess(); NULL with no card */
	const char *card_description;   /* translated; NULL with no card */
} inkan_reader_info;

/*
 * The readers the PC/SC service knows, and the card in each.  No reader is
 * not an error (*N_OUT is 0); the service not running is INKAN_ERR_NO_SERVICE.
 * Cards are not connected to: listing never disturbs a program using one.
 */
INKAN_API inkan_err inkan_reader_list (inkan_reader_info **out, size_t *n_out);
INKAN_API void inkan_reader_info_free (inkan_reader_info *infos, size_t n);

typedef enum {
	INKAN_READER_EVENT_READER_ADDED,
	INKAN_READER_EVENT_READER_REMOVED,
	INKAN_READER_EVENT_CARD_INSERTED,
	INKAN_READER_EVENT_CARD_REMOVED,
	/* The PC/SC service went away (or was not there when the watch
	 * began); the watch waits for it. */
	INKAN_READER_EVENT_SERVICE_LOST,
	/* The service is back; the events that follow bring the caller's
	 * picture of readers and cards up to date. */
	INKAN_READER_EVENT_SERVICE_BACK,
} inkan_reader_event_type;

/* "reader-added", "reader-removed", "card-inserted", "card-removed",
 * "service-lost", "service-back" */
INKAN_API const char *inkan_reader_event_name (inkan_reader_event_type type);

typedef struct {
	inkan_reader_event_type type;
	const char *reader;             /* NULL for the service events */
	/* Card events: the card's ATR (for card-removed, the ATR it had) and
	 * its guessed type; atr_len 0 for a mute card.  Otherwise 0 / NULL. */
	const uint8_t *atr;
	size_t atr_len;
	const char *atr_hex;            /* lower-case; NULL when atr_len is 0 */
	const char *card_type;
} inkan_reader_event;

/* Valid only during the call; runs on the thread inside inkan_reader_watch. */
typedef void (*inkan_reader_event_cb) (const inkan_reader_event *event, void *data);

typedef struct inkan_reader_watcher inkan_reader_watcher;

INKAN_API inkan_err inkan_reader_watcher_new (inkan_reader_watcher **out);
/* Only once no inkan_reader_watch on W is running.  NULL is fine. */
INKAN_API void inkan_reader_watcher_free (inkan_reader_watcher *w);

/*
 * Report readers and cards to CB until cancelled.  The first events describe
 * what is there already (reader-added for each reader, card-inserted for
 * each card), so one callback can build the whole picture.  When the PC/SC
 * service stops or restarts, the watch says service-lost, waits for it,
 * says service-back and carries on.  Returns INKAN_OK once cancelled, or an
 * error PC/SC gave that is not about the service being away.
 */
INKAN_API inkan_err inkan_reader_watch (inkan_reader_watcher *w,
                                        inkan_reader_event_cb cb, void *data);

/*
 * Make inkan_reader_watch on W return soon, from any thread (or from CB).
 * Sticky: a watch begun after this returns at once.  Not async-signal-safe;
 * a program that stops on a signal calls it from a thread that sigwait()s.
 */
INKAN_API void inkan_reader_watch_cancel (inkan_reader_watcher *w);

#ifdef __cplusplus
}
#endif

#endif
