/* Raw PKCS#11 without p11-kit, for bench/sign-raw and the shim's check:
 * a module loaded by path, a token by label, an object by label. */
#ifndef INKAN_BENCH_P11RAW_H
#define INKAN_BENCH_P11RAW_H

#include <p11-kit/pkcs11.h>

/* dlopen + C_Initialize with CKF_OS_LOCKING_OK (SoftHSM2 needs it for
 * threads).  NULL, with a message on stderr, when that fails. */
CK_FUNCTION_LIST *p11raw_load (const char *path);

/* The slot of the initialised token labelled LABEL (NULL: the first one). */
CK_RV p11raw_slot (CK_FUNCTION_LIST *p11, const char *label, CK_SLOT_ID *slot);

/* The one object of class CLS labelled LABEL. */
CK_RV p11raw_find (CK_FUNCTION_LIST *p11, CK_SESSION_HANDLE s, CK_OBJECT_CLASS cls, const char *label,
                   CK_OBJECT_HANDLE *obj);

#endif
