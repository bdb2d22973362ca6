/* The commands for a card's PIN that inkan sends itself over PC/SC: select
 * the PIN's application (and file), then VERIFY or CHANGE REFERENCE DATA.
 * The guard and record around these are the PIN guard's (src/pin). */
#include <string.h>
#include <openssl/crypto.h>

#include "src/card/card.h"
#include "src/reader/link.h"

/* Open a link to the card in READER and select PIN's application and file. */
static inkan_err
select_pin (const char *reader, const inkan_card_pin_ref *pin, inkan_card_link *l)
{
	unsigned char select[5 + 16] = { 0x00, 0xA4, 0x04, 0x0C, (unsigned char) pin->aid_len };
	const unsigned char select_ef[] = { 0x00, 0xA4, 0x02, 0x0C, 0x02, (unsigned char) (pin->ef >> 8),
	                                    (unsigned char) pin->ef };
	unsigned sw = 0;
	inkan_err err;

	if (pin->aid == NULL || pin->aid_len > 16)
		return inkan_fail (INKAN_ERR_UNSUPPORTED, "%s", _("inkan does not know where this card keeps the PIN"));
	err = inkan_card_link_open (reader, l);
	if (err != INKAN_OK)
		return err;
	memcpy (select + 5, pin->aid, pin->aid_len);
	err = inkan_card_link_transmit (l, select, 5 + pin->aid_len, &sw);
	if (err == INKAN_OK && sw == 0x9000 && pin->ef != 0)
		err = inkan_card_link_transmit (l, select_ef, sizeof select_ef, &sw);
	if (err == INKAN_OK && sw != 0x9000)
		err = inkan_fail (INKAN_ERR_TOKEN, _("the card in \"%s\" has no such PIN (SELECT answered %04X)"),
		                  reader, sw);
	if (err != INKAN_OK)
		inkan_card_link_close (l);
	return err;
}

/* CLA INS P1 P2 [Lc DATA], wiped after. */
static inkan_err
send_pin (inkan_card_link *l, unsigned char ins, unsigned char p1, unsigned char p2, const char *pin, size_t len,
          unsigned *sw)
{
	unsigned char apdu[5 + 255] = { 0x00, ins, p1, p2, (unsigned char) len };
	inkan_err err;

	if (len > 255)
		return inkan_fail (INKAN_ERR_PIN_INVALID, "%s", _("a card PIN is at most 255 bytes"));
	if (len > 0)
		memcpy (apdu + 5, pin, len);
	err = inkan_card_link_transmit (l, apdu, len ? 5 + len : 4, sw);
	OPENSSL_cleanse (apdu, sizeof apdu);
	return err;
}

inkan_err
inkan_card_pin_tries (const char *reader, const inkan_card_pin_ref *pin, int *tries)
{
	inkan_card_link l;
	unsigned sw = 0;
	inkan_err err;

	*tries = -1;
	err = select_pin (reader, pin, &l);
	if (err != INKAN_OK)
		return err;
	err = send_pin (&l, 0x20, 0x00, pin->ref, NULL, 0, &sw);
	if (err == INKAN_OK && (sw & 0xFFF0) == 0x63C0)
		*tries = (int) (sw & 0x0F);
	else if (err == INKAN_OK && sw == 0x6983)
		*tries = 0;
	inkan_card_link_close (&l);
	return err;
}

inkan_err
inkan_card_pin_change (const char *reader, const inkan_card_pin_ref *pin, const char *old_pin, size_t old_len,
                       const char *new_pin, size_t new_len, unsigned *sw)
{
	inkan_card_link l;
	inkan_err err;

	*sw = 0;
	if (old_len == 0 || new_len == 0)
		return inkan_fail (INKAN_ERR_PIN_INVALID, "%s", _("a card PIN cannot be empty"));
	err = select_pin (reader, pin, &l);
	if (err != INKAN_OK)
		return err;
	err = send_pin (&l, 0x20, 0x00, pin->ref, old_pin, old_len, sw);
	/* a wrong old PIN (63Cx) or a locked one (6983) ends here, for the caller to count */
	if (err == INKAN_OK && *sw == 0x9000)
		err = send_pin (&l, 0x24, 0x01, pin->ref, new_pin, new_len, sw);
	inkan_card_link_close (&l);
	return err;
}
