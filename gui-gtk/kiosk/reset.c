/* inkan-kiosk — PIN reset with the office's credential. */
#include "reset.h"

#include <glib/gi18n.h>
#include <string.h>
#include "card.h"

void
kiosk_reset_clear (kiosk_reset *rs)
{
	kiosk_issue_clear (&rs->card);
	memset (rs, 0, sizeof *rs);
}

static inkan_err
record (kiosk_reset *rs, kiosk_step step, inkan_err result, char **why)
{
	inkan_err err = kiosk_session_record (rs->card.s, rs->card.card_id, KIOSK_OP_RESET_PIN, step, result, NULL, NULL,
	                                      why);

	return err != INKAN_OK ? err : result;
}

/* The card's PIN of ROLE; 0 when the model knows none. */
static int
pin_of (const inkan_card_profile *p, inkan_user role, inkan_card_pin_info *out)
{
	inkan_card_pin_info pins[8];
	size_t n = inkan_card_profile_pins (p, pins, G_N_ELEMENTS (pins));

	for (size_t i = 0; i < n && i < G_N_ELEMENTS (pins); i++)
		if (pins[i].role == role) {
			*out = pins[i];
			return 1;
		}
	return 0;
}

/* Both PINs' tries, as the card tells them now. */
static inkan_err
read_tries (kiosk_reset *rs, inkan_token *tok)
{
	inkan_err err = inkan_pin_status_get (tok, INKAN_USER_NORMAL, &rs->user_status);

	if (err == INKAN_OK)
		err = inkan_pin_status_get (tok, INKAN_USER_SO, &rs->office_status);
	return err;
}

inkan_err
kiosk_reset_find_card (kiosk_session *s, kiosk_reset *rs, char **why)
{
	inkan_token *tok = NULL;
	inkan_err err;

	memset (rs, 0, sizeof *rs);
	err = kiosk_card_find (s, &rs->card, why);
	if (err != INKAN_OK)
		return err;
	if (!pin_of (rs->card.profile, INKAN_USER_NORMAL, &rs->user) ||
	    !pin_of (rs->card.profile, INKAN_USER_SO, &rs->office)) {
		*why = g_strdup_printf (_("inkan does not know how this card's (%s) PIN is reset."),
		                        inkan_card_profile_description (rs->card.profile));
		return INKAN_ERR_UNSUPPORTED;
	}
	err = inkan_token_open (s->card_ctx, rs->card.token_uri, &tok);
	if (err == INKAN_OK)
		err = read_tries (rs, tok);
	inkan_token_free (tok);
	if (err != INKAN_OK) {
		*why = g_strdup_printf ("%s: %s", _("The card's PINs cannot be read (was it taken out?)"), inkan_detail ());
		return err;
	}
	return record (rs, KIOSK_STEP_BEGIN, INKAN_OK, why);
}

char *
kiosk_reset_tries (const inkan_pin_status *st)
{
	if (st->tries_left < 0)
		return NULL;
	if (st->max_tries > 0)
		/* TRANSLATORS: tries left of a PIN, "3 of 3". */
		return g_strdup_printf (_("%d of %d"), st->tries_left, st->max_tries);
	return g_strdup_printf ("%d", st->tries_left);
}

static const char *
state_text (const inkan_pin_status *st)
{
	switch (st->state) {
	case INKAN_PIN_LOCKED:
		return _("locked");
	case INKAN_PIN_FINAL_TRY:
		return _("one try left");
	case INKAN_PIN_COUNT_LOW:
		return _("wrong PINs were typed");
	default:
		return _("not locked");
	}
}

char *
kiosk_reset_describe (const kiosk_reset *rs)
{
	char *user = kiosk_reset_tries (&rs->user_status), *office = kiosk_reset_tries (&rs->office_status), *text;

	text = g_strdup_printf (_("The resident's %s is %s (tries left: %s).\nIt is reset with the office's %s "
	                          "(tries left: %s)."),
	                        rs->user.label, state_text (&rs->user_status), user != NULL ? user : _("not known"),
	                        rs->office.label, office != NULL ? office : _("not known"));
	g_free (user);
	g_free (office);
	return text;
}

char *
kiosk_reset_rule (const kiosk_reset *rs)
{
	return g_strdup (rs->user.rule != NULL ? rs->user.rule
	                                       : _("The card's PIN rules are not known: choose one the resident will remember."));
}

inkan_err
kiosk_reset_run (kiosk_reset *rs, const inkan_secret *office, const inkan_secret *new_pin, unsigned flags,
                 char **why)
{
	inkan_token *tok = NULL;
	char *left, *detail = NULL;
	inkan_err err = inkan_token_open (rs->card.s->card_ctx, rs->card.token_uri, &tok);

	*why = NULL;
	if (err != INKAN_OK) {
		*why = g_strdup_printf ("%s: %s", _("The card cannot be opened (was it taken out?)"), inkan_detail ());
		return record (rs, KIOSK_STEP_PINS, err, why);
	}
	/* A PIN the card would refuse costs nothing and is not an event of the card's. */
	err = inkan_pin_check_rules (tok, new_pin);
	if (err != INKAN_OK) {
		*why = g_strdup_printf ("%s: %s", _("The new PIN does not meet the card's rules"), inkan_detail ());
		goto out;
	}
	err = inkan_pin_unblock (tok, office, new_pin, flags);
	if (err == INKAN_ERR_PIN_FINAL_TRY)
		goto out;
	if (err != INKAN_OK)
		detail = g_strdup (inkan_detail ());
	/* What the card counts now, whatever it answered: a wrong office
	 * credential costs a try, and the screen says so. */
	if (read_tries (rs, tok) != INKAN_OK)
		rs->office_status.tries_left = rs->user_status.tries_left = -1;
	if (err == INKAN_ERR_PIN_INCORRECT || err == INKAN_ERR_PIN_LOCKED) {
		left = kiosk_reset_tries (&rs->office_status);
		*why = g_strdup_printf (_("The office's %s was not accepted; it has %s tries left. Check where it comes "
		                          "from before trying again."),
		                        rs->office.label, left != NULL ? left : _("an unknown number of"));
		g_free (left);
	} else if (err != INKAN_OK) {
		*why = g_strdup_printf ("%s: %s", _("The PIN could not be reset"), detail);
	}
	err = record (rs, KIOSK_STEP_PINS, err, why);
	if (err == INKAN_OK)
		err = record (rs, KIOSK_STEP_DONE, INKAN_OK, why);
out:
	g_free (detail);
	inkan_token_free (tok);
	return err;
}
