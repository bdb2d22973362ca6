#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "src/card/card.h"
#include "src/reader/pcsc.h"

/* Every row parses: a typo in the table must fail here, not go unmatched. */
static void
test_table_well_formed (void **state)
{
	static const uint8_t any[] = { 0x3b };
	const inkan_card_atr *a;
	size_t i, rows = 0;

	(void) state;
	for (i = 0; i < inkan_card_profile_count; i++)
		for (a = inkan_card_profiles[i].atrs; a->pattern != NULL; a++, rows++)
			if (inkan_atr_match (a->pattern, any, sizeof any) < 0)
				fail_msg ("%s: pattern %s is malformed", inkan_card_profiles[i].id, a->pattern);
	assert_true (rows > 10);
}

static void
test_malformed_patterns (void **state)
{
	static const uint8_t atr[] = { 0x3b, 0xe0 };
	const char *bad[] = { "", "3BE0", "3B  E0", " 3B E0", "3B E", "3B EG", "3B E0 ", "3B:E0" };
	size_t i;

	(void) state;
	assert_int_equal (inkan_atr_match ("3B E0", atr, sizeof atr), 1);
	for (i = 1; i < sizeof bad / sizeof bad[0]; i++)
		if (inkan_atr_match (bad[i], atr, sizeof atr) != -1)
			fail_msg ("\"%s\" was not refused", bad[i]);
	assert_int_equal (inkan_atr_match (bad[0], atr, sizeof atr), -1);
	assert_int_equal (inkan_atr_match ("3B", atr, 1), 1);
}

static void
test_masks_and_length (void **state)
{
	static const uint8_t atr[] = { 0x3b, 0xda, 0x18, 0xff };

	(void) state;
	assert_int_equal (inkan_atr_match ("3B DA 18 FF", atr, 4), 1);
	assert_int_equal (inkan_atr_match ("3b da 18 ff", atr, 4), 1);
	assert_int_equal (inkan_atr_match ("3B DA 1. FF", atr, 4), 1);
	assert_int_equal (inkan_atr_match ("3B .A .. FF", atr, 4), 1);
	assert_int_equal (inkan_atr_match ("3B DA 2. FF", atr, 4), 0);
	assert_int_equal (inkan_atr_match ("3B DB .. FF", atr, 4), 0);
	/* Exactly as long as the pattern: no prefix matches either way. */
	assert_int_equal (inkan_atr_match ("3B DA 18", atr, 4), 0);
	assert_int_equal (inkan_atr_match ("3B DA 18 FF 00", atr, 4), 0);
	assert_int_equal (inkan_atr_match ("3B DA 18 FF", atr, 3), 0);
}

static void
test_known_cards (void **state)
{
	static const struct {
		const char *hex;
		const char *type;
	} cards[] = {
		/* FACTS.md: the My Number card. */
		{ "3BE000FF8131FE4514", "jpki" },
		{ "3BF59100FF918171FE400042000100D1D6", "jpki" },
		{ "3BF59100FF918171FE4000420001B3A115", "jpki" },
		{ "3B888001000014E0B38191005E", "juki" },
		/* OpenPGP card v2 and v3, Gnuk, Nitrokey Start. */
		{ "3BDA18FF81B1FE751F030031C573C001400090000C", "openpgp" },
		{ "3BDA18FF81B1FE751F030031F573C001600090001C", "openpgp" },
		{ "3BDA11FF81B1FE551F0300318473800180009000E4", "openpgp" },
		{ "3BDA11FF81B1FE551F0300318473800180059000E1", "openpgp" },
		/* YubiKey 5 NFC, YubiKey NEO (two interface-byte variants). */
		{ "3BFD1300008131FE158073C021C057597562694B657940", "piv" },
		{ "3BFC1300008131FE15997562696B65794E454F7233E1", "unknown" },
		{ "3BFC1300008131FE15597562696B65794E454F7233E1", "piv" },
		{ "3BFC1300008131FE45597562696B65794E454F7233B1", "piv" },
		{ "3BD6970081B1FE451F878031C152211A4B", "piv" },
		{ "3BE8000040FA0073C84011009000", "kr-token" },
		/* One byte short of the My Number ATR, one byte off it. */
		{ "3BE000FF8131FE45", "unknown" },
		{ "3BE000FF8131FE4515", "unknown" },
	};
	size_t i;

	(void) state;
	for (i = 0; i < sizeof cards / sizeof cards[0]; i++) {
		uint8_t *atr = NULL;
		size_t n = 0;
		const char *desc = NULL, *type;

		assert_int_equal (inkan_hex_decode (cards[i].hex, &atr, &n), INKAN_OK);
		type = inkan_card_type_guess (atr, n, &desc);
		free (atr);
		if (strcmp (type, cards[i].type) != 0)
			fail_msg ("%s: got %s, wanted %s", cards[i].hex, type, cards[i].type);
		assert_non_null (desc);
		assert_true (strlen (desc) > 0);
	}
	/* No ATR at all (a mute card) is unknown, and the description is optional. */
	assert_string_equal (inkan_card_type_guess (NULL, 0, NULL), "unknown");
}

/* What PC/SC's state bits mean for the listing. */
static void
test_states (void **state)
{
	(void) state;
	assert_int_equal (inkan_pcsc_state (SCARD_STATE_EMPTY), INKAN_READER_EMPTY);
	assert_int_equal (inkan_pcsc_state (SCARD_STATE_PRESENT), INKAN_READER_PRESENT);
	assert_int_equal (inkan_pcsc_state (SCARD_STATE_PRESENT | SCARD_STATE_INUSE), INKAN_READER_IN_USE);
	assert_int_equal (inkan_pcsc_state (SCARD_STATE_PRESENT | SCARD_STATE_EXCLUSIVE | SCARD_STATE_INUSE),
	                  INKAN_READER_IN_USE);
	assert_int_equal (inkan_pcsc_state (SCARD_STATE_PRESENT | SCARD_STATE_MUTE), INKAN_READER_MUTE);
	assert_int_equal (inkan_pcsc_state (SCARD_STATE_UNAVAILABLE), INKAN_READER_UNAVAILABLE);
	assert_int_equal (inkan_pcsc_state (SCARD_STATE_UNKNOWN | SCARD_STATE_PRESENT), INKAN_READER_UNAVAILABLE);
	/* The event counter in the high bits changes nothing. */
	assert_int_equal (inkan_pcsc_state (0x00050000 | SCARD_STATE_PRESENT), INKAN_READER_PRESENT);
	assert_string_equal (inkan_reader_state_name (INKAN_READER_IN_USE), "in-use");
	assert_string_equal (inkan_reader_event_name (INKAN_READER_EVENT_CARD_INSERTED), "card-inserted");
	assert_string_equal (inkan_reader_event_name (INKAN_READER_EVENT_SERVICE_BACK), "service-back");
}

/* A service that went away reads as such, whichever way PC/SC says it. */
static void
test_service_gone (void **state)
{
	(void) state;
	assert_true (inkan_pcsc_service_gone (SCARD_E_NO_SERVICE));
	assert_true (inkan_pcsc_service_gone (SCARD_E_SERVICE_STOPPED));
	assert_true (inkan_pcsc_service_gone (SCARD_F_COMM_ERROR));
	assert_false (inkan_pcsc_service_gone (SCARD_E_TIMEOUT));
	assert_int_equal (inkan_pcsc_fail (SCARD_E_NO_SERVICE, "SCardTest"), INKAN_ERR_NO_SERVICE);
	assert_non_null (strstr (inkan_detail (), "SCardTest"));
	assert_int_equal (inkan_pcsc_fail (SCARD_E_NO_MEMORY, "SCardTest"), INKAN_ERR_NOMEM);
	assert_int_equal (inkan_pcsc_fail (SCARD_E_READER_UNAVAILABLE, "SCardTest"), INKAN_ERR_IO);
}

static void
count_event (const inkan_reader_event *ev, void *data)
{
	(void) ev;
	(*(int *) data)++;
}

/* A cancel that comes before the watch begins is not lost. */
static void
test_cancel_is_sticky (void **state)
{
	inkan_reader_watcher *w = NULL;
	int events = 0;

	(void) state;
	assert_int_equal (inkan_reader_watcher_new (&w), INKAN_OK);
	inkan_reader_watch_cancel (w);
	assert_int_equal (inkan_reader_watch (w, count_event, &events), INKAN_OK);
	assert_int_equal (events, 0);
	inkan_reader_watcher_free (w);
	inkan_reader_watcher_free (NULL);
}

typedef struct {
	inkan_reader_watcher *w;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int lost, other;
	inkan_err ret;
} watch_run;

static void
note_event (const inkan_reader_event *ev, void *data)
{
	watch_run *r = data;

	pthread_mutex_lock (&r->lock);
	if (ev->type == INKAN_READER_EVENT_SERVICE_LOST && ev->reader == NULL)
		r->lost++;
	else
		r->other++;
	pthread_cond_signal (&r->cond);
	pthread_mutex_unlock (&r->lock);
}

static void *
run_watch (void *data)
{
	watch_run *r = data;

	r->ret = inkan_reader_watch (r->w, note_event, r);
	return NULL;
}

/* With no service (a socket nobody listens on), the watch says so once and
 * waits; a cancel from another thread ends it. */
static void
test_cancel_from_thread (void **state)
{
	watch_run r = { .ret = INKAN_ERR_LAST };
	pthread_t th;

	(void) state;
	setenv ("PCSCLITE_CSOCK_NAME", "/nonexistent/inkan-test/pcscd.comm", 1);
	pthread_mutex_init (&r.lock, NULL);
	pthread_cond_init (&r.cond, NULL);
	assert_int_equal (inkan_reader_watcher_new (&r.w), INKAN_OK);
	assert_int_equal (pthread_create (&th, NULL, run_watch, &r), 0);
	pthread_mutex_lock (&r.lock);
	while (r.lost == 0)
		pthread_cond_wait (&r.cond, &r.lock);
	pthread_mutex_unlock (&r.lock);
	/* Long enough for several reconnect attempts, which must stay quiet. */
	usleep (600 * 1000);
	inkan_reader_watch_cancel (r.w);
	assert_int_equal (pthread_join (th, NULL), 0);
	assert_int_equal (r.ret, INKAN_OK);
	assert_int_equal (r.lost, 1);
	assert_int_equal (r.other, 0);
	inkan_reader_watcher_free (r.w);
	pthread_cond_destroy (&r.cond);
	pthread_mutex_destroy (&r.lock);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_table_well_formed),
		cmocka_unit_test (test_malformed_patterns),
		cmocka_unit_test (test_masks_and_length),
		cmocka_unit_test (test_known_cards),
		cmocka_unit_test (test_states),
		cmocka_unit_test (test_service_gone),
		cmocka_unit_test (test_cancel_is_sticky),
		cmocka_unit_test (test_cancel_from_thread),
	};
	return cmocka_run_group_tests (tests, NULL, NULL);
}
