/* Objects on a token: what is there, and taking one away. */
#include <stdlib.h>
#include <string.h>

#include "pkcs11/p11.h"
#include "src/util/internal.h"

static const char *const class_names[] = {
	[INKAN_OBJECT_PRIVATE_KEY] = "private-key",
	[INKAN_OBJECT_PUBLIC_KEY] = "public-key",
	[INKAN_OBJECT_CERTIFICATE] = "certificate",
	[INKAN_OBJECT_DATA] = "data",
	[INKAN_OBJECT_SECRET_KEY] = "secret-key",
	[INKAN_OBJECT_OTHER] = "other",
};

const char *
inkan_object_class_name (inkan_object_class cls)
{
	return (unsigned) cls <= INKAN_OBJECT_OTHER ? class_names[cls] : "other";
}

static inkan_object_class
class_of (CK_OBJECT_CLASS c)
{
	switch (c) {
	case CKO_PRIVATE_KEY: return INKAN_OBJECT_PRIVATE_KEY;
	case CKO_PUBLIC_KEY: return INKAN_OBJECT_PUBLIC_KEY;
	case CKO_CERTIFICATE: return INKAN_OBJECT_CERTIFICATE;
	case CKO_DATA: return INKAN_OBJECT_DATA;
	case CKO_SECRET_KEY: return INKAN_OBJECT_SECRET_KEY;
	default: return INKAN_OBJECT_OTHER;
	}
}

static const char *
key_type_name (CK_KEY_TYPE t)
{
	switch (t) {
	case CKK_RSA: return "rsa";
	case CKK_EC: return "ec";
	case CKK_DSA: return "dsa";
	case CKK_EC_EDWARDS: return "eddsa";
	case CKK_AES: return "aes";
	case CKK_GENERIC_SECRET: return "generic-secret";
	default: return "other";
	}
}

void
inkan_p11_object_info_clear (inkan_object_info *info)
{
	free (info->uri);
	free (info->label);
	free (info->id);
	memset (info, 0, sizeof *info);
}

void
inkan_object_info_free (inkan_object_info *infos, size_t n)
{
	size_t i;

	for (i = 0; infos != NULL && i < n; i++)
		inkan_p11_object_info_clear (&infos[i]);
	free (infos);
}

inkan_err
inkan_p11_object_describe (inkan_token *tok, CK_OBJECT_HANDLE obj, inkan_object_info *info)
{
	CK_BYTE *v = NULL;
	CK_ULONG len;
	inkan_err err;

	memset (info, 0, sizeof *info);
	err = inkan_p11_get_attr (tok, obj, CKA_CLASS, &v, &len);
	if (err != INKAN_OK)
		return err;
	info->cls = v && len == sizeof (CK_OBJECT_CLASS) ? class_of (*(CK_OBJECT_CLASS *) v)
	                                                 : INKAN_OBJECT_OTHER;
	free (v);
	if (info->cls == INKAN_OBJECT_PRIVATE_KEY || info->cls == INKAN_OBJECT_PUBLIC_KEY ||
	    info->cls == INKAN_OBJECT_SECRET_KEY) {
		err = inkan_p11_get_attr (tok, obj, CKA_KEY_TYPE, &v, &len);
		if (err != INKAN_OK)
			return err;
		if (v && len == sizeof (CK_KEY_TYPE))
			info->key_type = key_type_name (*(CK_KEY_TYPE *) v);
		free (v);
	}
	err = inkan_p11_get_attr (tok, obj, CKA_LABEL, (CK_BYTE **) &info->label, &len);
	if (err == INKAN_OK)
		err = inkan_p11_get_attr (tok, obj, CKA_ID, &info->id, &len);
	info->id_len = len;
	if (err == INKAN_OK && info->label == NULL && (info->label = strdup ("")) == NULL)
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	if (err == INKAN_OK)
		err = inkan_p11_object_uri (tok, obj, &info->uri);
	return err;
}

inkan_err
inkan_object_list (inkan_token *tok, const char *text, inkan_object_info **out, size_t *n_out)
{
	CK_OBJECT_HANDLE *found = NULL;
	CK_ATTRIBUTE *tmpl = NULL;
	CK_ULONG n = 0, nt = 0, i;
	inkan_object_info *infos = NULL;
	P11KitUri *uri = NULL;
	inkan_err err;

	err = inkan_p11_uri_parse (text, &uri);
	if (err != INKAN_OK)
		return err;
	if (uri != NULL)
		tmpl = p11_kit_uri_get_attributes (uri, &nt);
	pthread_mutex_lock (&tok->lock);
	err = inkan_p11_find (tok, tmpl, nt, &found, &n);
	if (err == INKAN_OK && (infos = calloc (n ? n : 1, sizeof *infos)) == NULL)
		err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	for (i = 0; err == INKAN_OK && i < n; i++)
		err = inkan_p11_object_describe (tok, found[i], &infos[i]);
	pthread_mutex_unlock (&tok->lock);
	if (err != INKAN_OK) {
		inkan_object_info_free (infos, n);
		goto out;
	}
	*out = infos;
	*n_out = n;
out:
	free (found);
	p11_kit_uri_free (uri);
	return err;
}

inkan_err
inkan_object_delete (inkan_token *tok, const char *text)
{
	CK_OBJECT_HANDLE obj;
	CK_ULONG nt = 0;
	P11KitUri *uri = NULL;
	inkan_err err;
	CK_RV rv;

	/* "pkcs11:token=x" names a token, not an object: deleting "the one
	 * object on it" by accident is too easy, so an object attribute is
	 * required. */
	err = inkan_p11_uri_parse (text, &uri);
	if (err != INKAN_OK)
		return err;
	if (uri != NULL)
		p11_kit_uri_get_attributes (uri, &nt);
	p11_kit_uri_free (uri);
	if (nt == 0)
		return inkan_fail (INKAN_ERR_USAGE, _("%s names no object (give id=, object= or type=)"),
		                   text ? text : "pkcs11:");

	pthread_mutex_lock (&tok->lock);
	err = inkan_p11_find_one (tok, text, (CK_OBJECT_CLASS) -1, _("object"), &obj);
	if (err == INKAN_OK) {
		rv = tok->module->C_DestroyObject (tok->session, obj);
		if (rv != CKR_OK)
			err = inkan_p11_fail (rv, "C_DestroyObject");
	}
	pthread_mutex_unlock (&tok->lock);
	return err;
}
