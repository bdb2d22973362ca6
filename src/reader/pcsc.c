/* PC/SC return values, contexts and reader names. */
#include <stdlib.h>
#include <string.h>
#include <PCSC/pcsclite.h>

#include "src/reader/pcsc.h"

int
inkan_pcsc_service_gone (LONG rv)
{
	/* A pcscd that died under us shows as a broken socket (COMM_ERROR);
	 * after a restart the new daemon knows nothing of our context. */
	return rv == (LONG) SCARD_E_NO_SERVICE || rv == (LONG) SCARD_E_SERVICE_STOPPED ||
	       rv == (LONG) SCARD_F_COMM_ERROR || rv == (LONG) SCARD_E_INVALID_HANDLE;
}

inkan_err
inkan_pcsc_fail (LONG rv, const char *call)
{
	if (inkan_pcsc_service_gone (rv))
		return inkan_fail (INKAN_ERR_NO_SERVICE,
		                   _("cannot reach pcscd, the PC/SC service (%s: %s); is it installed and started?"),
		                   call, pcsc_stringify_error (rv));
	switch (rv) {
	case SCARD_E_NO_MEMORY:
		return inkan_fail (INKAN_ERR_NOMEM, "%s: %s", call, pcsc_stringify_error (rv));
	case SCARD_E_CANCELLED:
		return inkan_fail (INKAN_ERR_CANCELLED, "%s: %s", call, pcsc_stringify_error (rv));
	default:
		return inkan_fail (INKAN_ERR_IO, _("PC/SC %s failed: %s (0x%08lX)"),
		                   call, pcsc_stringify_error (rv), (unsigned long) rv);
	}
}

inkan_err
inkan_pcsc_connect (SCARDCONTEXT *ctx)
{
	LONG rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, ctx);

	return rv == SCARD_S_SUCCESS ? INKAN_OK : inkan_pcsc_fail (rv, "SCardEstablishContext");
}

void
inkan_pcsc_names_free (char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free (names[i]);
	free (names);
}

inkan_err
inkan_pcsc_reader_names (SCARDCONTEXT ctx, char ***names, size_t *n, LONG *rv_out)
{
	LPSTR multi = NULL;
	DWORD len = SCARD_AUTOALLOCATE;
	char **arr = NULL;
	const char *p;
	size_t count = 0, i = 0;
	inkan_err err = INKAN_OK;
	LONG rv;

	rv = SCardListReaders (ctx, NULL, (LPSTR) &multi, &len);
	if (rv_out != NULL)
		*rv_out = rv;
	if (rv == (LONG) SCARD_E_NO_READERS_AVAILABLE) {
		multi = NULL;
	} else if (rv != SCARD_S_SUCCESS) {
		return inkan_pcsc_fail (rv, "SCardListReaders");
	}
	/* A multi-string: names each ending in NUL, then one more NUL. */
	for (p = multi; p != NULL && *p != '\0'; p += strlen (p) + 1)
		count++;
	arr = calloc (count + 1, sizeof *arr);
	if (arr == NULL) {
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	for (p = multi; p != NULL && *p != '\0'; p += strlen (p) + 1) {
		arr[i] = strdup (p);
		if (arr[i++] == NULL) {
			err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
			goto out;
		}
	}
	*names = arr;
	*n = count;
	arr = NULL;
out:
	inkan_pcsc_names_free (arr, count);
	if (multi != NULL)
		SCardFreeMemory (ctx, multi);
	return err;
}

inkan_reader_state
inkan_pcsc_state (DWORD s)
{
	if (s & (SCARD_STATE_UNAVAILABLE | SCARD_STATE_UNKNOWN))
		return INKAN_READER_UNAVAILABLE;
	if (s & SCARD_STATE_MUTE)
		return INKAN_READER_MUTE;
	if (s & SCARD_STATE_PRESENT)
		return (s & (SCARD_STATE_INUSE | SCARD_STATE_EXCLUSIVE)) ? INKAN_READER_IN_USE
		                                                           : INKAN_READER_PRESENT;
	return INKAN_READER_EMPTY;
}
