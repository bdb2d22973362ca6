/* The card profiles as the public API shows them, and which profile and
 * PIN a PKCS#11 token belongs to. */
#include <string.h>

#include "src/card/card.h"

static const inkan_card_profile *
generic (void)
{
	return &inkan_card_profiles[inkan_card_profile_count - 1];
}

/* OpenSC names each token after the PIN it logs in with ("JPKI (Digital
 * Signature PIN)", "OpenPGP card (User PIN (sig))"); some modules put it
 * in the model instead. */
static int
pin_names_token (const inkan_card_pin_def *pin, const char *label, const char *model)
{
	return pin->token_has[0] != '\0' && (strstr (label, pin->token_has) != NULL ||
	                                     strstr (model, pin->token_has) != NULL);
}

/* The profile and PIN of role USER (any role: USER < 0) for a token. */
static const inkan_card_pin_def *
find_pin (const char *label, const char *model, int user, const inkan_card_profile **prof)
{
	size_t i, j;

	for (i = 0; i + 1 < inkan_card_profile_count; i++)
		for (j = 0; j < inkan_card_profiles[i].n_pins; j++) {
			const inkan_card_pin_def *pin = &inkan_card_profiles[i].pins[j];

			if ((user < 0 || pin->role == (inkan_user) user) && pin_names_token (pin, label, model)) {
				*prof = &inkan_card_profiles[i];
				return pin;
			}
		}
	*prof = generic ();
	return NULL;
}

const inkan_card_pin_def *
inkan_card_pin_def_for (const char *label, const char *model, inkan_user user)
{
	const inkan_card_profile *prof;
	const inkan_card_pin_def *pin = find_pin (label, model, (int) user, &prof);

	return pin != NULL ? pin : &generic ()->pins[user == INKAN_USER_SO ? 1 : 0];
}

const inkan_card_profile *
inkan_card_profile_of_token (const inkan_token_info *info)
{
	const inkan_card_profile *prof;

	find_pin (info->label, info->model, -1, &prof);
	return prof;
}

const char *
inkan_card_profile_id (const inkan_card_profile *p)
{
	return p->id;
}

const char *
inkan_card_profile_description (const inkan_card_profile *p)
{
	return _(p->description);
}

int
inkan_card_profile_can_generate (const inkan_card_profile *p)
{
	return p->can_generate;
}

int
inkan_card_serial_identifies (const inkan_card_profile *p, const char *serial)
{
	/* OpenSC pads serials with spaces; zeros are what a card with none says. */
	return !p->serial_shared && serial != NULL && serial[strspn (serial, "0 ")] != '\0';
}

inkan_user
inkan_card_profile_keygen_user (const inkan_card_profile *p)
{
	return p->keygen_user;
}

static void
pin_info (const inkan_card_pin_def *d, inkan_card_pin_info *out)
{
	out->name = d->name;
	out->label = _(d->label);
	out->role = d->role;
	out->rule = d->rule != NULL ? _(d->rule) : NULL;
	out->min_len = d->min_len;
	out->max_len = d->max_len;
	out->charset = d->charset;
	out->upcase = d->upcase;
	out->max_tries = d->max_tries;
	out->token_has = d->token_has;
}

size_t
inkan_card_profile_pins (const inkan_card_profile *p, inkan_card_pin_info *out, size_t max)
{
	size_t i;

	for (i = 0; i < p->n_pins && i < max; i++)
		pin_info (&p->pins[i], &out[i]);
	return p->n_pins;
}

void
inkan_card_pin_for_token (const inkan_token_info *info, inkan_user user, inkan_card_pin_info *out)
{
	pin_info (inkan_card_pin_def_for (info->label, info->model, user), out);
}

size_t
inkan_card_profile_keys (const inkan_card_profile *p, inkan_card_key_slot *out, size_t max)
{
	size_t i;

	for (i = 0; i < p->n_keys && i < max; i++)
		out[i] = p->keys[i];
	return p->n_keys;
}
