/* PKCS#11 plumbing shared by the files under pkcs11/. */
#ifndef INKAN_P11_H
#define INKAN_P11_H

#include <pthread.h>
#include <stdatomic.h>
#include <p11-kit/p11-kit.h>
#include <p11-kit/uri.h>
#include <inkan/token.h>
#include <inkan/object.h>
#include <inkan/key.h>

struct inkan_token {
	atomic_int refs;
	inkan_ctx *ctx;
	CK_FUNCTION_LIST *module;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE session;
	/* One session per handle: calls on it are serialised here, which is
	 * what "thread-safe per handle" means for tokens.  Every public entry
	 * point takes it (it is recursive); the helpers below assume it held. */
	pthread_mutex_t lock;
	int logged_in;
	int removable;          /* CKF_REMOVABLE_DEVICE: a card in a reader */
	inkan_token_info info;
};

struct inkan_key {
	atomic_int refs;
	inkan_token *tok;
	CK_OBJECT_HANDLE handle;
	inkan_key_type type;
	char *uri;
	CK_BYTE *id;
	CK_ULONG id_len;
	EVP_PKEY *pub;          /* cached public half, default provider */
	int no_pub;             /* the token has none: not looked for again */
};

/* Map a CK_RV to an inkan_err, with a detail naming WHAT was attempted
 * ("C_Login", "signing with pkcs11:...") and the PKCS#11 reason. */
inkan_err inkan_p11_fail (CK_RV rv, const char *what);

/* Whole-object lookups within an open token's session. */
inkan_err inkan_p11_find (inkan_token *tok, CK_ATTRIBUTE *tmpl, CK_ULONG n,
                          CK_OBJECT_HANDLE **out, CK_ULONG *n_out);
/* The value of one attribute, malloc()ed (NUL-terminated for convenience).
 * CKR_ATTRIBUTE_TYPE_INVALID and _SENSITIVE give *VALUE = NULL, OK. */
inkan_err inkan_p11_get_attr (inkan_token *tok, CK_OBJECT_HANDLE obj,
                              CK_ATTRIBUTE_TYPE type, CK_BYTE **value, CK_ULONG *len);

/*
 * The one object of class CLS (or any class, with CLS == (CK_ULONG) -1)
 * that the URI TEXT matches on TOK.  None or several is an error that lists
 * what is there; WHAT names the kind of object sought ("private key").
 */
inkan_err inkan_p11_find_one (inkan_token *tok, const char *text, CK_OBJECT_CLASS cls,
                              const char *what, CK_OBJECT_HANDLE *out);

/* The public key held in (or beside) object OBJ: the RSA/EC attributes of
 * a public or private key object, or the key of a certificate. */
inkan_err inkan_p11_object_pubkey (inkan_token *tok, CK_OBJECT_HANDLE obj, EVP_PKEY **out);

/* What inkan_object_list says of OBJ; freed by inkan_p11_object_info_clear. */
inkan_err inkan_p11_object_describe (inkan_token *tok, CK_OBJECT_HANDLE obj, inkan_object_info *info);
void inkan_p11_object_info_clear (inkan_object_info *info);

/* URI of an object, built from the token info and its class, label and id. */
inkan_err inkan_p11_object_uri (inkan_token *tok, CK_OBJECT_HANDLE obj, char **out);

/* login.c: the calls that carry a PIN, made only by the PIN guard (with
 * the handle's lock held), which reads the CK_RV itself. */
inkan_err inkan_p11_token_flags (inkan_token *tok, CK_FLAGS *flags);
CK_RV inkan_p11_login (inkan_token *tok, inkan_user user, const inkan_secret *pin);
CK_RV inkan_p11_set_pin (inkan_token *tok, const inkan_secret *old_pin, const inkan_secret *new_pin);
CK_RV inkan_p11_init_pin (inkan_token *tok, const inkan_secret *pin);

/* keygen.c: C_GenerateKeyPair, for inkan_keygen once the card model has
 * checked the ID against the card's key slots. */
inkan_err inkan_p11_keygen (inkan_token *tok, const inkan_keygen_params *params, inkan_keygen_result *result);

/* Parse a URI for objects; *URI_OUT is NULL when TEXT is NULL. */
inkan_err inkan_p11_uri_parse (const char *text, P11KitUri **uri_out);

#endif
