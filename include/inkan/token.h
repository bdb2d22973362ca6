/* inkan — PKCS#11 tokens: list them, open one by URI, log in, initialise. */
#ifndef INKAN_TOKEN_H
#define INKAN_TOKEN_H

#include <stddef.h>
#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/ctx.h>
#include <inkan/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_token inkan_token;

typedef struct {
	char *uri;              /* RFC 7512 URI naming this token */
	char *label;
	char *manufacturer;
	char *model;
	char *serial;
	char *module;           /* file name of the module that provides it */
	char *slot_description;
	unsigned long slot_id;
	unsigned long flags;    /* the token's CKF_* flags */
} inkan_token_info;

/* Every token (in a slot with a token present) that URI matches; NULL
 * matches all.  Zero matches is not an error here: *n_out is 0. */
INKAN_API inkan_err inkan_token_list (inkan_ctx *ctx, const char *uri,
                                      inkan_token_info **out, size_t *n_out);
INKAN_API void inkan_token_info_free (inkan_token_info *infos, size_t n);

/* Names of the CKF_* token flags set in FLAGS ("login-required",
 * "user-pin-locked", ...), written to NAMES; returns how many. */
INKAN_API size_t inkan_token_flag_names (unsigned long flags,
                                         const char **names, size_t max);

/* Open the one token URI matches (NULL: the only token there is).
 * INKAN_ERR_NOT_FOUND / INKAN_ERR_AMBIGUOUS name what did match. */
INKAN_API inkan_err inkan_token_open (inkan_ctx *ctx, const char *uri,
                                      inkan_token **out);
INKAN_API inkan_token *inkan_token_ref (inkan_token *tok);
INKAN_API void inkan_token_free (inkan_token *tok);

INKAN_API const inkan_token_info *inkan_token_get_info (const inkan_token *tok);

typedef enum {
	INKAN_USER_NORMAL = 0,  /* CKU_USER */
	INKAN_USER_SO = 1,      /* CKU_SO */
} inkan_user;

/* The token wants a user login before its private objects can be used,
 * and this handle has not made one yet. */
INKAN_API int inkan_token_needs_login (inkan_token *tok);

enum {
	/* Send the PIN even when the token says this is the last try. */
	INKAN_LOGIN_ALLOW_FINAL_TRY = 1 << 0,
};

/* Log in.  A locked PIN is never sent; the final try is sent only with
 * INKAN_LOGIN_ALLOW_FINAL_TRY (else INKAN_ERR_PIN_FINAL_TRY: ask the user).
 * The decision and the record of failures are made under a lock on the
 * record that all programs using libinkan share. */
INKAN_API inkan_err inkan_token_login (inkan_token *tok, inkan_user user,
                                       const inkan_secret *pin, unsigned flags);

/* C_InitToken on the slot SLOT_ID, then C_InitPIN for the user PIN.
 * This erases everything on that token. */
INKAN_API inkan_err inkan_token_init (inkan_ctx *ctx, unsigned long slot_id,
                                      const char *label,
                                      const inkan_secret *so_pin,
                                      const inkan_secret *user_pin);

#ifdef __cplusplus
}
#endif

#endif
