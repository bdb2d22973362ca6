/* Issuance: the resident's own PINs, set with the SO PIN the issuer holds,
 * every new PIN checked against the card's rules before any PIN leaves. */
#include <stdio.h>

#include "src/util/internal.h"

inkan_err
inkan_pin_set (inkan_token *tok, const inkan_secret *so_pin, const inkan_secret *new_pin,
               const inkan_secret *new_so_pin, unsigned flags)
{
	char why[512];
	inkan_err err = inkan_pin_check_rules_for (tok, INKAN_USER_NORMAL, new_pin);

	if (err == INKAN_OK && new_so_pin != NULL)
		err = inkan_pin_check_rules_for (tok, INKAN_USER_SO, new_so_pin);
	/* The user PIN first: should the SO PIN's change fail, the issuer
	 * still holds the SO PIN that works. */
	if (err == INKAN_OK)
		err = inkan_pin_unblock (tok, so_pin, new_pin, flags);
	if (err != INKAN_OK || new_so_pin == NULL)
		return err;
	err = inkan_pin_change (tok, INKAN_USER_SO, so_pin, new_so_pin, flags);
	if (err != INKAN_OK) {
		snprintf (why, sizeof why, "%s", inkan_detail ());
		err = inkan_fail (err, _("the user PIN is set, but the SO PIN was not changed: %s"), why);
	}
	return err;
}
