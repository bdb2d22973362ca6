/* A card's PIN over PC/SC, in one transaction so that OpenSC, which holds
 * the same card, never sees half of an exchange: select the PIN's
 * application (and file), then VERIFY or CHANGE REFERENCE DATA.  The
 * guard and record around these are the caller's (pkcs11/pin.c). */
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <PCSC/pcsclite.h>

#include "src/reader/card-pin.h"
#include "src/reader/pcsc.h"

static const unsigned char jpki_aid[] = { 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01 };
static const unsigned char openpgp_aid[] = { 0xD2, 0x76, 0x00, 0x01, 0x24, 0x01 };

const inkan_card_pin inkan_card_pin_jpki_sign = { jpki_aid, sizeof jpki_aid, 0x001B, 0x80 };
const inkan_card_pin inkan_card_pin_jpki_auth = { jpki_aid, sizeof jpki_aid, 0x0018, 0x80 };
const inkan_card_pin inkan_card_pin_openpgp_pw1 = { openpgp_aid, sizeof openpgp_aid, 0, 0x81 };
const inkan_card_pin inkan_card_pin_openpgp_pw3 = { openpgp_aid, sizeof openpgp_aid, 0, 0x83 };

typedef struct {
	SCARDCONTEXT ctx;
	SCARDHANDLE card;
	DWORD proto;
	int in_tx;
} card_link;

/* One APDU; *SW gets its status word.  The answer is wiped: it may echo
 * what the card was sent. */
static inkan_err
transmit (card_link *l, const unsigned char *apdu, size_t len, unsigned *sw)
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

/* The reader named WANT, or the one reader whose name it begins. */
static inkan_err
find_reader (SCARDCONTEXT ctx, const char *want, char **out)
{
	char **names = NULL;
	size_t n = 0, i, hits = 0;
	inkan_err err;

	*out = NULL;
	err = inkan_pcsc_reader_names (ctx, &names, &n, NULL);
	for (i = 0; err == INKAN_OK && i < n; i++) {
		if (strcmp (names[i], want) == 0) {
			hits = 1;
			free (*out);
			*out = strdup (names[i]);
			break;
		}
		if (strncmp (names[i], want, strlen (want)) == 0 && hits++ == 0)
			*out = strdup (names[i]);
	}
	if (err == INKAN_OK && hits != 1)
		err = inkan_fail (INKAN_ERR_NOT_FOUND, _("no single card reader is named \"%s\""), want);
	else if (err == INKAN_OK && *out == NULL)
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	if (err != INKAN_OK) {
		free (*out);
		*out = NULL;
	}
	inkan_pcsc_names_free (names, n);
	return err;
}

static void
link_close (card_link *l)
{
	if (l->in_tx)
		SCardEndTransaction (l->card, SCARD_LEAVE_CARD);
	if (l->card != 0)
		SCardDisconnect (l->card, SCARD_LEAVE_CARD);
	if (l->ctx != 0)
		SCardReleaseContext (l->ctx);
	memset (l, 0, sizeof *l);
}

/* Connect to the card in READER, begin a transaction and select PIN's
 * application and file. */
static inkan_err
link_open (const char *reader, const inkan_card_pin *pin, card_link *l)
{
	unsigned char select[5 + 16] = { 0x00, 0xA4, 0x04, 0x0C, (unsigned char) pin->aid_len };
	const unsigned char select_ef[] = { 0x00, 0xA4, 0x02, 0x0C, 0x02, (unsigned char) (pin->ef >> 8),
	                                    (unsigned char) pin->ef };
	char *name = NULL;
	unsigned sw = 0;
	inkan_err err;
	LONG rv;

	memset (l, 0, sizeof *l);
	err = inkan_pcsc_connect (&l->ctx);
	if (err == INKAN_OK)
		err = find_reader (l->ctx, reader, &name);
	if (err != INKAN_OK)
		goto out;
	rv = SCardConnect (l->ctx, name, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &l->card,
	                   &l->proto);
	if (rv == SCARD_S_SUCCESS)
		rv = SCardBeginTransaction (l->card);
	if (rv == (LONG) SCARD_E_NO_SMARTCARD || rv == (LONG) SCARD_W_REMOVED_CARD) {
		err = inkan_fail (INKAN_ERR_DEVICE_REMOVED, _("no card in reader \"%s\""), name);
		goto out;
	} else if (rv != SCARD_S_SUCCESS) {
		err = inkan_pcsc_fail (rv, "SCardConnect");
		goto out;
	}
	l->in_tx = 1;
	memcpy (select + 5, pin->aid, pin->aid_len);
	err = transmit (l, select, 5 + pin->aid_len, &sw);
	if (err == INKAN_OK && sw == 0x9000 && pin->ef != 0)
		err = transmit (l, select_ef, sizeof select_ef, &sw);
	if (err == INKAN_OK && sw != 0x9000)
		err = inkan_fail (INKAN_ERR_TOKEN, _("the card in \"%s\" has no such PIN (SELECT answered %04X)"), name,
		                  sw);
out:
	if (err != INKAN_OK)
		link_close (l);
	free (name);
	return err;
}

/* CLA INS P1 P2 [Lc DATA], wiped after. */
static inkan_err
send_pin (card_link *l, unsigned char ins, unsigned char p1, unsigned char p2, const char *pin, size_t len,
          unsigned *sw)
{
	unsigned char apdu[5 + 255] = { 0x00, ins, p1, p2, (unsigned char) len };
	inkan_err err;

	if (len > 255)
		return inkan_fail (INKAN_ERR_PIN_INVALID, "%s", _("a card PIN is at most 255 bytes"));
	if (len > 0)
		memcpy (apdu + 5, pin, len);
	err = transmit (l, apdu, len ? 5 + len : 4, sw);
	OPENSSL_cleanse (apdu, sizeof apdu);
	return err;
}

inkan_err
inkan_card_pin_tries (const char *reader, const inkan_card_pin *pin, int *tries)
{
	card_link l;
	unsigned sw = 0;
	inkan_err err;

	*tries = -1;
	err = link_open (reader, pin, &l);
	if (err != INKAN_OK)
		return err;
	err = send_pin (&l, 0x20, 0x00, pin->ref, NULL, 0, &sw);
	if (err == INKAN_OK && (sw & 0xFFF0) == 0x63C0)
		*tries = (int) (sw & 0x0F);
	else if (err == INKAN_OK && sw == 0x6983)
		*tries = 0;
	link_close (&l);
	return err;
}

inkan_err
inkan_card_pin_change (const char *reader, const inkan_card_pin *pin, const char *old_pin, size_t old_len,
                       const char *new_pin, size_t new_len, unsigned *sw)
{
	card_link l;
	inkan_err err;

	*sw = 0;
	if (old_len == 0 || new_len == 0)
		return inkan_fail (INKAN_ERR_PIN_INVALID, "%s", _("a card PIN cannot be empty"));
	err = link_open (reader, pin, &l);
	if (err != INKAN_OK)
		return err;
	err = send_pin (&l, 0x20, 0x00, pin->ref, old_pin, old_len, sw);
	/* a wrong old PIN (63Cx) or a locked one (6983) ends here, for the caller to count */
	if (err == INKAN_OK && *sw == 0x9000)
		err = send_pin (&l, 0x24, 0x01, pin->ref, new_pin, new_len, sw);
	link_close (&l);
	return err;
}
