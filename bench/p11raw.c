/* Raw PKCS#11 without p11-kit: see p11raw.h. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "p11raw.h"

CK_FUNCTION_LIST *
p11raw_load (const char *path)
{
	CK_C_INITIALIZE_ARGS init = { .flags = CKF_OS_LOCKING_OK };
	CK_FUNCTION_LIST *p11 = NULL;
	CK_C_GetFunctionList get;
	void *dl = dlopen (path, RTLD_NOW | RTLD_LOCAL);
	CK_RV rv;

	/* The module stays loaded for the life of the process. */
	get = dl ? (CK_C_GetFunctionList) dlsym (dl, "C_GetFunctionList") : NULL;
	if (get == NULL || get (&p11) != CKR_OK || p11 == NULL) {
		fprintf (stderr, "cannot load %s: %s\n", path, dl ? "no C_GetFunctionList" : dlerror ());
		return NULL;
	}
	rv = p11->C_Initialize (&init);
	if (rv != CKR_OK) {
		fprintf (stderr, "%s: C_Initialize: 0x%08lx\n", path, (unsigned long) rv);
		return NULL;
	}
	return p11;
}

CK_RV
p11raw_slot (CK_FUNCTION_LIST *p11, const char *label, CK_SLOT_ID *slot)
{
	CK_SLOT_ID slots[64];
	CK_ULONG n = 64, i;
	CK_TOKEN_INFO ti;
	size_t len = label ? strlen (label) : 0;
	CK_RV rv = p11->C_GetSlotList (CK_TRUE, slots, &n);

	if (rv != CKR_OK)
		return rv;
	for (i = 0; i < n; i++) {
		if (p11->C_GetTokenInfo (slots[i], &ti) != CKR_OK || !(ti.flags & CKF_TOKEN_INITIALIZED))
			continue;
		/* Labels are blank-padded to 32 bytes. */
		if (label == NULL || (len <= sizeof ti.label && memcmp (ti.label, label, len) == 0 &&
		                      (len == sizeof ti.label || ti.label[len] == ' '))) {
			*slot = slots[i];
			return CKR_OK;
		}
	}
	return CKR_TOKEN_NOT_PRESENT;
}

CK_RV
p11raw_find (CK_FUNCTION_LIST *p11, CK_SESSION_HANDLE s, CK_OBJECT_CLASS cls, const char *label,
             CK_OBJECT_HANDLE *obj)
{
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_CLASS, &cls, sizeof cls },
		{ CKA_LABEL, (void *) label, strlen (label) },
	};
	CK_OBJECT_HANDLE found[2];
	CK_ULONG n = 0;
	CK_RV rv = p11->C_FindObjectsInit (s, tmpl, 2);

	if (rv != CKR_OK)
		return rv;
	rv = p11->C_FindObjects (s, found, 2, &n);
	p11->C_FindObjectsFinal (s);
	if (rv != CKR_OK)
		return rv;
	if (n != 1)
		return CKR_OBJECT_HANDLE_INVALID;
	*obj = found[0];
	return CKR_OK;
}
