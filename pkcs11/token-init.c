/* Setting up an empty token: C_InitToken, then the user PIN. */
#include <string.h>

#include "pkcs11/p11.h"
#include "pkcs11/ctx.h"
#include "src/util/internal.h"

static inkan_err
find_slot (inkan_ctx *ctx, unsigned long slot_id, CK_FUNCTION_LIST **out)
{
	CK_FUNCTION_LIST **mods;
	CK_SLOT_INFO si;
	inkan_err err;
	size_t m;

	err = inkan_ctx_modules (ctx, &mods);
	if (err != INKAN_OK)
		return err;
	for (m = 0; mods[m] != NULL; m++) {
		if (mods[m]->C_GetSlotInfo (slot_id, &si) == CKR_OK) {
			*out = mods[m];
			return INKAN_OK;
		}
	}
	return inkan_fail (INKAN_ERR_NOT_FOUND, _("no slot %lu in any module"), slot_id);
}

inkan_err
inkan_token_init (inkan_ctx *ctx, unsigned long slot_id, const char *label,
                  const inkan_secret *so_pin, const inkan_secret *user_pin)
{
	CK_FUNCTION_LIST *mod = NULL;
	CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
	CK_UTF8CHAR padded[32];
	size_t len = strlen (label);
	inkan_err err;
	CK_RV rv;

	if (len > sizeof padded)
		return inkan_fail (INKAN_ERR_USAGE, _("token label \"%s\" is longer than 32 bytes"), label);
	err = find_slot (ctx, slot_id, &mod);
	if (err != INKAN_OK)
		return err;

	memset (padded, ' ', sizeof padded);
	memcpy (padded, label, len);
	rv = mod->C_InitToken (slot_id, (CK_UTF8CHAR *) inkan_secret_data (so_pin),
	                       inkan_secret_len (so_pin), padded);
	if (rv != CKR_OK)
		return inkan_p11_fail (rv, "C_InitToken");

	rv = mod->C_OpenSession (slot_id, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &session);
	if (rv != CKR_OK)
		return inkan_p11_fail (rv, "C_OpenSession");
	rv = mod->C_Login (session, CKU_SO, (CK_UTF8CHAR *) inkan_secret_data (so_pin),
	                   inkan_secret_len (so_pin));
	if (rv != CKR_OK) {
		err = inkan_p11_fail (rv, _("SO login after C_InitToken"));
		goto out;
	}
	rv = mod->C_InitPIN (session, (CK_UTF8CHAR *) inkan_secret_data (user_pin),
	                     inkan_secret_len (user_pin));
	if (rv != CKR_OK)
		err = inkan_p11_fail (rv, "C_InitPIN");
	/* This session is the token's only one: logging out touches no other. */
	mod->C_Logout (session);
out:
	mod->C_CloseSession (session);
	return err;
}
