/* A transaction with the card in a reader, and APDUs over it. */
#include <string.h>
#include <openssl/crypto.h>
#include <PCSC/pcsclite.h>

#include "src/reader/link.h"
#include "src/reader/pcsc.h"

inkan_err
inkan_card_link_transmit (inkan_card_link *l, const unsigned char *apdu, size_t len, unsigned *sw)
{
	const SCARD_IO_REQUEST *pci = l->proto == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
	unsigned char resp[258];
	DWORD resp_len = sizeof resp;
	LONG rv = SCardTransmit (l->card, pci, apdu, (DWORD) len, NULL, resp, &resp_len);
	inkan_err err = INKAN_OK;

	if (rv == (LONG) SCARD_W_REMOVED_CARD || rv == (LONG) SCARD_E_NO_SMARTCARD)
		err = inkan_fail (INKAN_ERR_DEVICE_REMOVED, "%s", _("the card was removed"));
	else if (rv != SCARD_S_SUCCESS)
		err = inkan_pcsc_fail (rv, "SCardTransmit");
	else if (resp_len < 2)
		err = inkan_fail (INKAN_ERR_TOKEN, "%s", _("the card answered without a status word"));
	else
		*sw = (unsigned) resp[resp_len - 2] << 8 | resp[resp_len - 1];
	OPENSSL_cleanse (resp, sizeof resp);
	return err;
}

void
inkan_card_link_close (inkan_card_link *l)
{
	if (l->in_tx)
		SCardEndTransaction (l->card, SCARD_LEAVE_CARD);
	if (l->card != 0)
		SCardDisconnect (l->card, SCARD_LEAVE_CARD);
	if (l->ctx != 0)
		SCardReleaseContext (l->ctx);
	memset (l, 0, sizeof *l);
}

inkan_err
inkan_card_link_open (const char *reader, inkan_card_link *l)
{
	inkan_err err;
	LONG rv;

	memset (l, 0, sizeof *l);
	err = inkan_pcsc_connect (&l->ctx);
	if (err != INKAN_OK)
		return err;
	rv = SCardConnect (l->ctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &l->card,
	                   &l->proto);
	if (rv == SCARD_S_SUCCESS)
		rv = SCardBeginTransaction (l->card);
	if (rv == (LONG) SCARD_E_NO_SMARTCARD || rv == (LONG) SCARD_W_REMOVED_CARD)
		err = inkan_fail (INKAN_ERR_DEVICE_REMOVED, _("no card in reader \"%s\""), reader);
	else if (rv == (LONG) SCARD_E_UNKNOWN_READER)
		err = inkan_fail (INKAN_ERR_NOT_FOUND, _("no card reader is named \"%s\""), reader);
	else if (rv != SCARD_S_SUCCESS)
		err = inkan_pcsc_fail (rv, "SCardConnect");
	if (err != INKAN_OK)
		inkan_card_link_close (l);
	else
		l->in_tx = 1;
	return err;
}
