/* The PKCS#11 2.40 functions the shim forwards unchanged (but for faults),
 * as one X-macro list: X (name, class, (parameters), (arguments)).
 *
 * class says what a `*` rule covers and whether the session handle is
 * checked against the sessions a token removal made stale:
 *   LIB      library-wide calls: only a rule naming the function applies
 *   SLOT     calls on a slot's token: `*` applies
 *   SESSION  calls on a session (first parameter `s`): `*` applies, and a
 *            session opened before a removal answers
 *            CKR_SESSION_HANDLE_INVALID after it
 *   OPERATION a SESSION call whose failure ends the active operation: a
 *            fault still lets it reach the real module (answer discarded),
 *            so that the real operation ends as the standard says
 * C_Initialize, C_Finalize, C_GetFunctionList, C_OpenSession,
 * C_CloseSession and C_CloseAllSessions are written out in shim.c, as they
 * keep the shim's own state; SHIM_OWN lists them. */
#ifndef INKAN_P11SHIM_FUNCTIONS_H
#define INKAN_P11SHIM_FUNCTIONS_H

#define SHIM_OWN(X) \
	X (C_Initialize, LIB) \
	X (C_Finalize, LIB) \
	X (C_OpenSession, SLOT) \
	X (C_CloseSession, SESSION) \
	X (C_CloseAllSessions, SLOT)

#define SHIM_FORWARDED(X) \
	X (C_GetInfo, LIB, (CK_INFO_PTR a), (a)) \
	X (C_GetSlotList, LIB, (CK_BBOOL a, CK_SLOT_ID_PTR b, CK_ULONG_PTR c), (a, b, c)) \
	X (C_GetSlotInfo, LIB, (CK_SLOT_ID a, CK_SLOT_INFO_PTR b), (a, b)) \
	X (C_WaitForSlotEvent, LIB, (CK_FLAGS a, CK_SLOT_ID_PTR b, CK_VOID_PTR c), (a, b, c)) \
	X (C_GetTokenInfo, SLOT, (CK_SLOT_ID a, CK_TOKEN_INFO_PTR b), (a, b)) \
	X (C_GetMechanismList, SLOT, (CK_SLOT_ID a, CK_MECHANISM_TYPE_PTR b, CK_ULONG_PTR c), (a, b, c)) \
	X (C_GetMechanismInfo, SLOT, (CK_SLOT_ID a, CK_MECHANISM_TYPE b, CK_MECHANISM_INFO_PTR c), (a, b, c)) \
	X (C_InitToken, SLOT, (CK_SLOT_ID a, CK_UTF8CHAR_PTR b, CK_ULONG c, CK_UTF8CHAR_PTR d), (a, b, c, d)) \
	X (C_InitPIN, SESSION, (CK_SESSION_HANDLE s, CK_UTF8CHAR_PTR b, CK_ULONG c), (s, b, c)) \
	X (C_SetPIN, SESSION, (CK_SESSION_HANDLE s, CK_UTF8CHAR_PTR b, CK_ULONG c, CK_UTF8CHAR_PTR d, \
	                       CK_ULONG e), (s, b, c, d, e)) \
	X (C_GetSessionInfo, SESSION, (CK_SESSION_HANDLE s, CK_SESSION_INFO_PTR b), (s, b)) \
	X (C_GetOperationState, SESSION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG_PTR c), (s, b, c)) \
	X (C_SetOperationState, SESSION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_OBJECT_HANDLE d, \
	                                  CK_OBJECT_HANDLE e), (s, b, c, d, e)) \
	X (C_Login, SESSION, (CK_SESSION_HANDLE s, CK_USER_TYPE b, CK_UTF8CHAR_PTR c, CK_ULONG d), (s, b, c, d)) \
	X (C_Logout, SESSION, (CK_SESSION_HANDLE s), (s)) \
	X (C_CreateObject, SESSION, (CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR b, CK_ULONG c, CK_OBJECT_HANDLE_PTR d), \
	   (s, b, c, d)) \
	X (C_CopyObject, SESSION, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE b, CK_ATTRIBUTE_PTR c, CK_ULONG d, \
	                           CK_OBJECT_HANDLE_PTR e), (s, b, c, d, e)) \
	X (C_DestroyObject, SESSION, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE b), (s, b)) \
	X (C_GetObjectSize, SESSION, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE b, CK_ULONG_PTR c), (s, b, c)) \
	X (C_GetAttributeValue, SESSION, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE b, CK_ATTRIBUTE_PTR c, CK_ULONG d), \
	   (s, b, c, d)) \
	X (C_SetAttributeValue, SESSION, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE b, CK_ATTRIBUTE_PTR c, CK_ULONG d), \
	   (s, b, c, d)) \
	X (C_FindObjectsInit, SESSION, (CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR b, CK_ULONG c), (s, b, c)) \
	X (C_FindObjects, SESSION, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE_PTR b, CK_ULONG c, CK_ULONG_PTR d), \
	   (s, b, c, d)) \
	X (C_FindObjectsFinal, SESSION, (CK_SESSION_HANDLE s), (s)) \
	X (C_EncryptInit, SESSION, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c), (s, b, c)) \
	X (C_Encrypt, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, CK_ULONG_PTR e), \
	   (s, b, c, d, e)) \
	X (C_EncryptUpdate, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, \
	                              CK_ULONG_PTR e), (s, b, c, d, e)) \
	X (C_EncryptFinal, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG_PTR c), (s, b, c)) \
	X (C_DecryptInit, SESSION, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c), (s, b, c)) \
	X (C_Decrypt, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, CK_ULONG_PTR e), \
	   (s, b, c, d, e)) \
	X (C_DecryptUpdate, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, \
	                              CK_ULONG_PTR e), (s, b, c, d, e)) \
	X (C_DecryptFinal, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG_PTR c), (s, b, c)) \
	X (C_DigestInit, SESSION, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR b), (s, b)) \
	X (C_Digest, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, CK_ULONG_PTR e), \
	   (s, b, c, d, e)) \
	X (C_DigestUpdate, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c), (s, b, c)) \
	X (C_DigestKey, OPERATION, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE b), (s, b)) \
	X (C_DigestFinal, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG_PTR c), (s, b, c)) \
	X (C_SignInit, SESSION, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c), (s, b, c)) \
	X (C_Sign, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, CK_ULONG_PTR e), \
	   (s, b, c, d, e)) \
	X (C_SignUpdate, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c), (s, b, c)) \
	X (C_SignFinal, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG_PTR c), (s, b, c)) \
	X (C_SignRecoverInit, SESSION, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c), (s, b, c)) \
	X (C_SignRecover, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, \
	                            CK_ULONG_PTR e), (s, b, c, d, e)) \
	X (C_VerifyInit, SESSION, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c), (s, b, c)) \
	X (C_Verify, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, CK_ULONG e), \
	   (s, b, c, d, e)) \
	X (C_VerifyUpdate, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c), (s, b, c)) \
	X (C_VerifyFinal, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c), (s, b, c)) \
	X (C_VerifyRecoverInit, SESSION, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c), (s, b, c)) \
	X (C_VerifyRecover, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, \
	                              CK_ULONG_PTR e), (s, b, c, d, e)) \
	X (C_DigestEncryptUpdate, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, \
	                                    CK_ULONG_PTR e), (s, b, c, d, e)) \
	X (C_DecryptDigestUpdate, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, \
	                                    CK_ULONG_PTR e), (s, b, c, d, e)) \
	X (C_SignEncryptUpdate, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, \
	                                  CK_ULONG_PTR e), (s, b, c, d, e)) \
	X (C_DecryptVerifyUpdate, OPERATION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c, CK_BYTE_PTR d, \
	                                    CK_ULONG_PTR e), (s, b, c, d, e)) \
	X (C_GenerateKey, SESSION, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR b, CK_ATTRIBUTE_PTR c, CK_ULONG d, \
	                            CK_OBJECT_HANDLE_PTR e), (s, b, c, d, e)) \
	X (C_GenerateKeyPair, SESSION, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR b, CK_ATTRIBUTE_PTR c, CK_ULONG d, \
	                                CK_ATTRIBUTE_PTR e, CK_ULONG f, CK_OBJECT_HANDLE_PTR g, \
	                                CK_OBJECT_HANDLE_PTR h), (s, b, c, d, e, f, g, h)) \
	X (C_WrapKey, SESSION, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c, CK_OBJECT_HANDLE d, \
	                        CK_BYTE_PTR e, CK_ULONG_PTR f), (s, b, c, d, e, f)) \
	X (C_UnwrapKey, SESSION, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c, CK_BYTE_PTR d, \
	                          CK_ULONG e, CK_ATTRIBUTE_PTR f, CK_ULONG g, CK_OBJECT_HANDLE_PTR h), \
	   (s, b, c, d, e, f, g, h)) \
	X (C_DeriveKey, SESSION, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR b, CK_OBJECT_HANDLE c, CK_ATTRIBUTE_PTR d, \
	                          CK_ULONG e, CK_OBJECT_HANDLE_PTR f), (s, b, c, d, e, f)) \
	X (C_SeedRandom, SESSION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c), (s, b, c)) \
	X (C_GenerateRandom, SESSION, (CK_SESSION_HANDLE s, CK_BYTE_PTR b, CK_ULONG c), (s, b, c)) \
	X (C_GetFunctionStatus, SESSION, (CK_SESSION_HANDLE s), (s)) \
	X (C_CancelFunction, SESSION, (CK_SESSION_HANDLE s), (s))

#endif
