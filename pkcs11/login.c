/* The PKCS#11 calls that carry a PIN, for the PIN guard (src/pin), which
 * decides whether they are made and records what they answer. */
#include "pkcs11/p11.h"
#include "src/util/internal.h"

inkan_err
inkan_p11_token_flags (inkan_token *tok, CK_FLAGS *flags)
{
	CK_TOKEN_INFO ti;
	CK_RV rv = tok->module->C_GetTokenInfo (tok->slot, &ti);

	if (rv != CKR_OK)
		return inkan_p11_fail (rv, "C_GetTokenInfo");
	*flags = ti.flags;
	return INKAN_OK;
}

CK_RV
inkan_p11_login (inkan_token *tok, inkan_user user, const inkan_secret *pin)
{
	return tok->module->C_Login (tok->session, user == INKAN_USER_SO ? CKU_SO : CKU_USER,
	                             (CK_UTF8CHAR *) inkan_secret_data (pin), inkan_secret_len (pin));
}

CK_RV
inkan_p11_set_pin (inkan_token *tok, const inkan_secret *old_pin, const inkan_secret *new_pin)
{
	return tok->module->C_SetPIN (tok->session, (CK_UTF8CHAR *) inkan_secret_data (old_pin),
	                              inkan_secret_len (old_pin), (CK_UTF8CHAR *) inkan_secret_data (new_pin),
	                              inkan_secret_len (new_pin));
}

CK_RV
inkan_p11_init_pin (inkan_token *tok, const inkan_secret *pin)
{
	return tok->module->C_InitPIN (tok->session, (CK_UTF8CHAR *) inkan_secret_data (pin), inkan_secret_len (pin));
}
