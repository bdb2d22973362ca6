/* The readers PC/SC knows, with the state and ATR of the card in each. */
#include <stdlib.h>
#include <string.h>

#include "src/reader/pcsc.h"

const char *
inkan_reader_state_name (inkan_reader_state state)
{
	switch (state) {
	case INKAN_READER_EMPTY: return "empty";
	case INKAN_READER_PRESENT: return "present";
	case INKAN_READER_IN_USE: return "in-use";
	case INKAN_READER_MUTE: return "mute";
	case INKAN_READER_UNAVAILABLE: return "unavailable";
	}
	return "unknown";
}

void
inkan_reader_info_free (inkan_reader_info *infos, size_t n)
{
	size_t i;

	if (infos == NULL)
		return;
	for (i = 0; i < n; i++)
		free (infos[i].name);
	free (infos);
}

static void
fill_info (inkan_reader_info *info, const SCARD_READERSTATE *rs, inkan_atr_classifier classify)
{
	info->state = inkan_pcsc_state (rs->dwEventState);
	if (!(rs->dwEventState & SCARD_STATE_PRESENT) || info->state == INKAN_READER_UNAVAILABLE)
		return;
	info->atr_len = rs->cbAtr <= sizeof info->atr ? rs->cbAtr : sizeof info->atr;
	memcpy (info->atr, rs->rgbAtr, info->atr_len);
	inkan_hex_encode_to (info->atr, info->atr_len, info->atr_hex);
	info->card_type = classify (info->atr, info->atr_len, &info->card_description);
}

inkan_err
inkan_pcsc_reader_list (inkan_atr_classifier classify, inkan_reader_info **out, size_t *n_out)
{
	SCARDCONTEXT ctx;
	SCARD_READERSTATE *rs = NULL;
	inkan_reader_info *infos = NULL;
	char **names = NULL;
	size_t n = 0, i;
	inkan_err err;
	LONG rv;

	inkan_detail_clear ();
	err = inkan_pcsc_connect (&ctx);
	if (err != INKAN_OK)
		return err;
	err = inkan_pcsc_reader_names (ctx, &names, &n, NULL);
	if (err != INKAN_OK)
		goto out;
	rs = calloc (n + 1, sizeof *rs);
	infos = calloc (n + 1, sizeof *infos);
	if (rs == NULL || infos == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	for (i = 0; i < n; i++) {
		rs[i].szReader = names[i];
		rs[i].dwCurrentState = SCARD_STATE_UNAWARE;
	}
	/* UNAWARE makes this answer at once with every reader's state. */
	rv = n > 0 ? SCardGetStatusChange (ctx, 0, rs, (DWORD) n) : SCARD_S_SUCCESS;
	if (rv != SCARD_S_SUCCESS) {
		err = inkan_pcsc_fail (rv, "SCardGetStatusChange");
		goto out;
	}
	for (i = 0; i < n; i++) {
		infos[i].name = names[i];
		names[i] = NULL;
		fill_info (&infos[i], &rs[i], classify);
	}
	*out = infos;
	*n_out = n;
	infos = NULL;
out:
	inkan_reader_info_free (infos, 0);
	inkan_pcsc_names_free (names, n);
	free (rs);
	SCardReleaseContext (ctx);
	return err;
}
