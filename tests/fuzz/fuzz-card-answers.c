/* What a card and PC/SC answer, as inkan's own PC/SC code reads it: reader
 * names, reader states and ATRs (the reader list, the card model's ATR
 * match, a token's reader by slot description), and the answers to
 * SELECT, the tries query, VERIFY, CHANGE REFERENCE DATA and RESET RETRY
 * COUNTER for every PIN of every card profile.  PC/SC itself is replaced
 * by the functions below, which answer from the fuzzer's bytes: a hostile
 * or broken card (no status word, 258 bytes, a removed card at any step)
 * must come out as an error, never as a count out of range or a crash.
 *
 * Each call that answers takes its bytes from the input in turn: an
 * SCardTransmit takes one length byte (0..258), then that many bytes; a
 * call's return code is one byte, 0 meaning success (the others map to a
 * few PC/SC errors). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <PCSC/winscard.h>

#include "src/card/card.h"
#include "src/reader/pcsc.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const uint8_t *in;
static size_t left;
static char multi[512];

static uint8_t
take_byte (void)
{
	uint8_t b = 0;

	if (left > 0) {
		b = *in++;
		left--;
	}
	return b;
}

static size_t
take (uint8_t *out, size_t want)
{
	size_t n = want < left ? want : left;

	memcpy (out, in, n);
	in += n;
	left -= n;
	return n;
}

static LONG
take_rv (void)
{
	static const LONG rvs[] = { SCARD_S_SUCCESS, (LONG) SCARD_W_REMOVED_CARD, (LONG) SCARD_E_NO_SMARTCARD,
		                    (LONG) SCARD_E_NO_SERVICE, (LONG) SCARD_E_TIMEOUT,
		                    (LONG) SCARD_E_UNKNOWN_READER, (LONG) SCARD_E_NO_READERS_AVAILABLE };
	uint8_t b = take_byte ();

	/* Mostly success, so that the answers themselves get read. */
	return b < 0xF0 ? SCARD_S_SUCCESS : rvs[b % (sizeof rvs / sizeof rvs[0])];
}

LONG
SCardEstablishContext (DWORD scope, LPCVOID r1, LPCVOID r2, LPSCARDCONTEXT ctx)
{
	(void) scope, (void) r1, (void) r2;
	*ctx = 1;
	return take_rv ();
}

LONG
SCardReleaseContext (SCARDCONTEXT ctx)
{
	(void) ctx;
	return SCARD_S_SUCCESS;
}

LONG
SCardConnect (SCARDCONTEXT ctx, LPCSTR reader, DWORD share, DWORD protos, LPSCARDHANDLE card, LPDWORD proto)
{
	(void) ctx, (void) reader, (void) share, (void) protos;
	*card = 2;
	*proto = take_byte () & 1 ? SCARD_PROTOCOL_T1 : SCARD_PROTOCOL_T0;
	return take_rv ();
}

LONG
SCardBeginTransaction (SCARDHANDLE card)
{
	(void) card;
	return take_rv ();
}

LONG
SCardEndTransaction (SCARDHANDLE card, DWORD how)
{
	(void) card, (void) how;
	return SCARD_S_SUCCESS;
}

LONG
SCardDisconnect (SCARDHANDLE card, DWORD how)
{
	(void) card, (void) how;
	return SCARD_S_SUCCESS;
}

/* PC/SC never writes more than the caller's buffer holds; the answer's
 * length and content are the card's. */
LONG
SCardTransmit (SCARDHANDLE card, const SCARD_IO_REQUEST *send_pci, LPCBYTE apdu, DWORD apdu_len,
               SCARD_IO_REQUEST *recv_pci, LPBYTE resp, LPDWORD resp_len)
{
	size_t want = take_byte ();
	LONG rv = take_rv ();

	(void) card, (void) send_pci, (void) apdu, (void) apdu_len, (void) recv_pci;
	if (want == 0xFF)
		want = 258;
	if (want > *resp_len)
		return (LONG) SCARD_E_INSUFFICIENT_BUFFER;
	*resp_len = (DWORD) take (resp, want);
	return rv;
}

/* A multi-string of the input's names: each ends at a NUL or newline. */
LONG
SCardListReaders (SCARDCONTEXT ctx, LPCSTR groups, LPSTR out, LPDWORD len)
{
	size_t n = take_byte () % 64, i;
	LONG rv = take_rv ();

	(void) ctx, (void) groups;
	if (rv != SCARD_S_SUCCESS)
		return rv;
	n = take ((uint8_t *) multi, n);
	for (i = 0; i < n; i++)
		if (multi[i] == '\n')
			multi[i] = '\0';
	multi[n] = multi[n + 1] = '\0';
	*(char **) out = multi;
	*len = (DWORD) n + 2;
	return n == 0 ? (LONG) SCARD_E_NO_READERS_AVAILABLE : SCARD_S_SUCCESS;
}

LONG
SCardFreeMemory (SCARDCONTEXT ctx, LPCVOID mem)
{
	(void) ctx, (void) mem;
	return SCARD_S_SUCCESS;
}

LONG
SCardGetStatusChange (SCARDCONTEXT ctx, DWORD timeout, SCARD_READERSTATE *rs, DWORD n)
{
	LONG rv = take_rv ();
	DWORD i;

	(void) ctx, (void) timeout;
	for (i = 0; i < n; i++) {
		uint8_t st[2] = { 0, 0 };

		take (st, 2);
		rs[i].dwEventState = (DWORD) st[0] << 4 | st[1];
		rs[i].cbAtr = take_byte () % (MAX_ATR_SIZE + 1);
		take (rs[i].rgbAtr, rs[i].cbAtr);
	}
	return rv;
}

static void
pin_exchanges (const inkan_card_pin_def *def)
{
	inkan_card_pin_session s;
	unsigned sw = 0;
	int tries = -2;

	if (inkan_card_pin_open ("Fuzz Reader 00 00", &def->pcsc, &s) != INKAN_OK)
		return;
	if (inkan_card_pin_query (&s, &tries) == INKAN_OK && (tries < -1 || tries > 15))
		__builtin_trap ();
	(void) inkan_card_pin_verify (&s, "123456", 6, &sw);
	(void) inkan_card_pin_set_verified (&s, "654321", 6, &sw);
	if (def->reset_by != NULL)
		(void) inkan_card_pin_reset (&s, def, "111111", 6, &sw);
	inkan_card_pin_forget (&s);
	inkan_card_pin_close (&s);
}

static const char *
classify (const uint8_t *atr, size_t len, const char **description)
{
	return inkan_card_type_guess (atr, len, description);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	inkan_reader_info *infos = NULL;
	size_t n = 0, i, at = 0;
	SCARDCONTEXT ctx;
	char **names = NULL;

	in = data;
	left = size;
	if (inkan_pcsc_reader_list (classify, &infos, &n) == INKAN_OK) {
		for (i = 0; i < n; i++)
			if (infos[i].atr_len > INKAN_ATR_MAX || strlen (infos[i].atr_hex) != 2 * infos[i].atr_len)
				__builtin_trap ();
		inkan_reader_info_free (infos, n);
	}
	if (inkan_pcsc_connect (&ctx) == INKAN_OK) {
		if (inkan_pcsc_reader_names (ctx, &names, &n, NULL) == INKAN_OK) {
			if (inkan_reader_of_slot ("Fuzz Reader 00 00", names, n, &at) == INKAN_OK && at >= n)
				__builtin_trap ();
			inkan_pcsc_names_free (names, n);
		}
		SCardReleaseContext (ctx);
	}
	for (i = 0; i < inkan_card_profile_count; i++) {
		const inkan_card_profile *p = &inkan_card_profiles[i];
		size_t k;

		for (k = 0; k < p->n_pins; k++)
			if (p->pins[k].pcsc.aid != NULL)
				pin_exchanges (&p->pins[k]);
	}
	inkan_detail_clear ();
	return 0;
}
