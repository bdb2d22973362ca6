/* PKCS#11 plumbing: return values, URIs, attribute reads, object search. */
#include <stdlib.h>
#include <string.h>

#include "pkcs11/p11.h"
#include "src/util/internal.h"

inkan_err
inkan_p11_fail (CK_RV rv, const char *what)
{
	inkan_err err;

	switch (rv) {
	case CKR_PIN_INCORRECT:
		err = INKAN_ERR_PIN_INCORRECT;
		break;
	case CKR_PIN_LOCKED:
		err = INKAN_ERR_PIN_LOCKED;
		break;
	case CKR_PIN_INVALID:
	case CKR_PIN_LEN_RANGE:
		err = INKAN_ERR_PIN_INVALID;
		break;
	case CKR_USER_NOT_LOGGED_IN:
		err = INKAN_ERR_NOT_LOGGED_IN;
		break;
	case CKR_SIGNATURE_INVALID:
	case CKR_SIGNATURE_LEN_RANGE:
		err = INKAN_ERR_BAD_SIGNATURE;
		break;
	case CKR_DEVICE_REMOVED:
	case CKR_TOKEN_NOT_PRESENT:
	case CKR_SESSION_HANDLE_INVALID:
	case CKR_SESSION_CLOSED:
		err = INKAN_ERR_DEVICE_REMOVED;
		break;
	case CKR_TOKEN_WRITE_PROTECTED:
	case CKR_SESSION_READ_ONLY:
		err = INKAN_ERR_READ_ONLY;
		break;
	case CKR_MECHANISM_INVALID:
	case CKR_MECHANISM_PARAM_INVALID:
	case CKR_KEY_TYPE_INCONSISTENT:
	case CKR_KEY_FUNCTION_NOT_PERMITTED:
	case CKR_FUNCTION_NOT_SUPPORTED:
	case CKR_TEMPLATE_INCONSISTENT:
	case CKR_ATTRIBUTE_VALUE_INVALID:
		err = INKAN_ERR_UNSUPPORTED;
		break;
	case CKR_HOST_MEMORY:
		err = INKAN_ERR_NOMEM;
		break;
	default:
		err = INKAN_ERR_TOKEN;
		break;
	}
	return inkan_fail (err, "%s: %s (0x%08lx)", what, p11_kit_strerror (rv), (unsigned long) rv);
}

inkan_err
inkan_p11_uri_parse (const char *text, P11KitUri **uri_out)
{
	P11KitUri *uri;
	int r;

	*uri_out = NULL;
	if (text == NULL)
		return INKAN_OK;
	uri = p11_kit_uri_new ();
	if (uri == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	r = p11_kit_uri_parse (text, P11_KIT_URI_FOR_ANY, uri);
	if (r != P11_KIT_URI_OK) {
		p11_kit_uri_free (uri);
		return inkan_fail (INKAN_ERR_USAGE, _("not a PKCS#11 URI: \"%s\": %s"), text,
		                   p11_kit_uri_message (r));
	}
	/* p11-kit parses a misspelt attribute (tpye=cert) or value
	 * (type=privat) and then matches nothing with it: the user would be
	 * told no token matches, or shown an empty list.  It is a mistake in
	 * the URI, and said so. */
	if (p11_kit_uri_any_unrecognized (uri)) {
		p11_kit_uri_free (uri);
		return inkan_fail (INKAN_ERR_USAGE, _("not a PKCS#11 URI inkan understands: \"%s\": "
		                                      "it has an attribute or a type= value inkan does not know"), text);
	}
	*uri_out = uri;
	return INKAN_OK;
}

inkan_err
inkan_p11_get_attr (inkan_token *tok, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type,
                    CK_BYTE **value, CK_ULONG *len)
{
	CK_ATTRIBUTE attr = { type, NULL, 0 };
	CK_RV rv;

	*value = NULL;
	*len = 0;
	rv = tok->module->C_GetAttributeValue (tok->session, obj, &attr, 1);
	if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE ||
	    attr.ulValueLen == CK_UNAVAILABLE_INFORMATION)
		return INKAN_OK;
	if (rv != CKR_OK)
		return inkan_p11_fail (rv, "C_GetAttributeValue");
	attr.pValue = malloc (attr.ulValueLen + 1);
	if (attr.pValue == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	rv = tok->module->C_GetAttributeValue (tok->session, obj, &attr, 1);
	if (rv != CKR_OK) {
		free (attr.pValue);
		return inkan_p11_fail (rv, "C_GetAttributeValue");
	}
	((CK_BYTE *) attr.pValue)[attr.ulValueLen] = '\0';
	*value = attr.pValue;
	*len = attr.ulValueLen;
	return INKAN_OK;
}

inkan_err
inkan_p11_find (inkan_token *tok, CK_ATTRIBUTE *tmpl, CK_ULONG n,
                CK_OBJECT_HANDLE **out, CK_ULONG *n_out)
{
	CK_OBJECT_HANDLE *found = NULL;
	CK_ULONG count = 0, cap = 0, got;
	inkan_err err = INKAN_OK;
	CK_RV rv;

	rv = tok->module->C_FindObjectsInit (tok->session, tmpl, n);
	if (rv != CKR_OK)
		return inkan_p11_fail (rv, "C_FindObjectsInit");
	do {
		if (count == cap) {
			CK_OBJECT_HANDLE *grown = realloc (found, (cap += 64) * sizeof *found);

			if (grown == NULL) {
				err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
				goto out;
			}
			found = grown;
		}
		rv = tok->module->C_FindObjects (tok->session, found + count, cap - count, &got);
		if (rv != CKR_OK) {
			err = inkan_p11_fail (rv, "C_FindObjects");
			goto out;
		}
		count += got;
	} while (got > 0 && count == cap);
	*out = found;
	*n_out = count;
	found = NULL;
out:
	tok->module->C_FindObjectsFinal (tok->session);
	free (found);
	return err;
}

inkan_err
inkan_p11_object_uri (inkan_token *tok, CK_OBJECT_HANDLE obj, char **out)
{
	static const CK_ATTRIBUTE_TYPE parts[] = { CKA_CLASS, CKA_LABEL, CKA_ID };
	P11KitUri *uri = p11_kit_uri_new ();
	CK_TOKEN_INFO *ti;
	inkan_err err = INKAN_OK;
	size_t i;

	if (uri == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	ti = p11_kit_uri_get_token_info (uri);
	if (tok->module->C_GetTokenInfo (tok->slot, ti) != CKR_OK) {
		err = inkan_fail (INKAN_ERR_DEVICE_REMOVED, "%s", _("the token went away"));
		goto out;
	}
	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		CK_ATTRIBUTE attr = { parts[i], NULL, 0 };

		err = inkan_p11_get_attr (tok, obj, parts[i], (CK_BYTE **) &attr.pValue, &attr.ulValueLen);
		if (err != INKAN_OK)
			goto out;
		if (attr.pValue != NULL && attr.ulValueLen > 0)
			p11_kit_uri_set_attribute (uri, &attr);
		free (attr.pValue);
	}
	if (p11_kit_uri_format (uri, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, out) != P11_KIT_URI_OK)
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("cannot format a PKCS#11 URI"));
out:
	p11_kit_uri_free (uri);
	return err;
}
