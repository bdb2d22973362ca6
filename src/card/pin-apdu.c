/* The commands for a card's PIN that inkan sends itself over PC/SC, in one
 * transaction: select the PIN's application (and file), then ask for its
 * tries, VERIFY, CHANGE REFERENCE DATA or RESET RETRY COUNTER.  The guard
 * and record around these are the PIN guard's (src/pin). */
#include <string.h>
#include <openssl/crypto.h>

#include "src/card/card.h"

inkan_err
inkan_card_pin_open (const char *reader, const inkan_card_pin_ref *pin, inkan_card_pin_session *s)
{
	unsigned char select[5 + 16] = { 0x00, 0xA4, 0x04, 0x0C, (unsigned char) pin->aid_len };
	const unsigned char select_ef[] = { 0x00, 0xA4, 0x02, 0x0C, 0x02, (unsigned char) (pin->ef >> 8),
	                                    (unsigned char) pin->ef };
	unsigned sw = 0;
	inkan_err err;

	memset (s, 0, sizeof *s);
	if (pin->aid == NULL || pin->aid_len > 16)
		return inkan_fail (INKAN_ERR_UNSUPPORTED, "%s", _("inkan does not know where this card keeps the PIN"));
	err = inkan_card_link_open (reader, &s->link);
	if (err != INKAN_OK)
		return err;
	s->pin = pin;
	memcpy (select + 5, pin->aid, pin->aid_len);
	err = inkan_card_link_transmit (&s->link, select, 5 + pin->aid_len, &sw);
	if (err == INKAN_OK && sw == 0x9000 && pin->ef != 0)
		err = inkan_card_link_transmit (&s->link, select_ef, sizeof select_ef, &sw);
	if (err == INKAN_OK && sw != 0x9000)
		err = inkan_fail (INKAN_ERR_TOKEN, _("the card in \"%s\" has no such PIN (SELECT answered %04X)"),
		                  reader, sw);
	if (err != INKAN_OK)
		inkan_card_pin_close (s);
	return err;
}

void
inkan_card_pin_close (inkan_card_pin_session *s)
{
	inkan_card_link_close (&s->link);
	s->pin = NULL;
}

int
inkan_card_pin_is_open (const inkan_card_pin_session *s)
{
	return s->pin != NULL;
}

/* CLA INS P1 P2 [Lc DATA], wiped after. */
static inkan_err
send_pin (inkan_card_pin_session *s, unsigned char ins, unsigned char p1, unsigned char p2, const char *pin,
          size_t len, unsigned *sw)
{
	unsigned char apdu[5 + 255] = { 0x00, ins, p1, p2, (unsigned char) len };
	inkan_err err;

	*sw = 0;
	if (s->pin == NULL)
		return inkan_fail (INKAN_ERR_TOKEN, "%s", _("the link to the card is closed"));
	if (len > 255)
		return inkan_fail (INKAN_ERR_PIN_INVALID, "%s", _("a card PIN is at most 255 bytes"));
	if (len > 0)
		memcpy (apdu + 5, pin, len);
	err = inkan_card_link_transmit (&s->link, apdu, len ? 5 + len : 4, sw);
	OPENSSL_cleanse (apdu, sizeof apdu);
	return err;
}

inkan_err
inkan_card_pin_query (inkan_card_pin_session *s, int *tries)
{
	unsigned sw = 0;
	inkan_err err = send_pin (s, 0x20, 0x00, s->pin ? s->pin->ref : 0, NULL, 0, &sw);

	*tries = -1;
	if (err == INKAN_OK && (sw & 0xFFF0) == 0x63C0)
		*tries = (int) (sw & 0x0F);
	else if (err == INKAN_OK && sw == 0x6983)
		*tries = 0;
	return err;
}

inkan_err
inkan_card_pin_verify (inkan_card_pin_session *s, const char *pin, size_t len, unsigned *sw)
{
	if (len == 0)
		return inkan_fail (INKAN_ERR_PIN_INVALID, "%s", _("a card PIN cannot be empty"));
	return send_pin (s, 0x20, 0x00, s->pin ? s->pin->ref : 0, pin, len, sw);
}

inkan_err
inkan_card_pin_set_verified (inkan_card_pin_session *s, const char *new_pin, size_t len, unsigned *sw)
{
	if (len == 0)
		return inkan_fail (INKAN_ERR_PIN_INVALID, "%s", _("a card PIN cannot be empty"));
	return send_pin (s, 0x24, 0x01, s->pin ? s->pin->ref : 0, new_pin, len, sw);
}

inkan_err
inkan_card_pin_reset (inkan_card_pin_session *s, const inkan_card_pin_def *target, const char *new_pin, size_t len,
                      unsigned *sw)
{
	if (len == 0)
		return inkan_fail (INKAN_ERR_PIN_INVALID, "%s", _("a card PIN cannot be empty"));
	if (target->reset_by == NULL)
		return inkan_fail (INKAN_ERR_UNSUPPORTED, "%s", _("inkan does not know how this card resets the PIN"));
	return send_pin (s, 0x2C, target->reset_p1, target->pcsc.ref, new_pin, len, sw);
}

void
inkan_card_pin_forget (inkan_card_pin_session *s)
{
	unsigned sw = 0;

	(void) send_pin (s, 0x20, 0xFF, s->pin ? s->pin->ref : 0, NULL, 0, &sw);
}

inkan_err
inkan_card_pin_tries (const char *reader, const inkan_card_pin_ref *pin, int *tries)
{
	inkan_card_pin_session s;
	inkan_err err;

	*tries = -1;
	err = inkan_card_pin_open (reader, pin, &s);
	if (err == INKAN_OK)
		err = inkan_card_pin_query (&s, tries);
	inkan_card_pin_close (&s);
	return err;
}
