/* inkan — one error enum for the whole library, as curl has CURLcode. */
#ifndef INKAN_ERROR_H
#define INKAN_ERROR_H

#include <inkan/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every libinkan call that can fail returns an inkan_err.  The code says
 * what kind of failure it was; inkan_ctx_detail() says, in words, what
 * exactly went wrong on the last failed call of that context (which URI,
 * which PKCS#11 return value, which file).
 *
 * Values are stable: new codes are only ever appended.
 */
typedef enum {
	INKAN_OK = 0,

	/* The caller asked for something malformed or contradictory. */
	INKAN_ERR_USAGE,
	/* A URI matched nothing. */
	INKAN_ERR_NOT_FOUND,
	/* A URI matched several things where exactly one was needed. */
	INKAN_ERR_AMBIGUOUS,
	/* Input data (a file, a certificate, a card answer) is malformed. */
	INKAN_ERR_BAD_INPUT,
	/* The operation or algorithm is not supported by inkan or the token. */
	INKAN_ERR_UNSUPPORTED,

	/* The PIN was wrong. */
	INKAN_ERR_PIN_INCORRECT,
	/* The PIN is locked: no more tries. */
	INKAN_ERR_PIN_LOCKED,
	/* inkan refused to send the attempt that could lock the PIN: one try
	 * is left, and the caller has not consented to use it (the consent is
	 * INKAN_LOGIN_ALLOW_FINAL_TRY; a GUI asks the user first). */
	INKAN_ERR_PIN_FINAL_TRY,
	/* A PIN does not meet the token's rules (length, characters). */
	INKAN_ERR_PIN_INVALID,
	/* The operation needs a login that has not been made. */
	INKAN_ERR_NOT_LOGGED_IN,

	/* A signature did not verify. */
	INKAN_ERR_BAD_SIGNATURE,

	/* A PKCS#11 module could not be loaded or initialised. */
	INKAN_ERR_MODULE,
	/* The token or card went away during the operation. */
	INKAN_ERR_DEVICE_REMOVED,
	/* The token failed in a way inkan cannot name more precisely. */
	INKAN_ERR_TOKEN,
	/* The token is write-protected or refuses to create the object. */
	INKAN_ERR_READ_ONLY,
	/* Reading or writing a file or stream failed. */
	INKAN_ERR_IO,
	/* OpenSSL failed. */
	INKAN_ERR_CRYPTO,
	/* Out of memory. */
	INKAN_ERR_NOMEM,
	/* The operation was cancelled by the caller. */
	INKAN_ERR_CANCELLED,

	/* A signed object was checked and refused: expired, not for this
	 * document, replayed; the detail names the reason. */
	INKAN_ERR_REJECTED,
	/* A system service inkan needs (the PC/SC daemon) is not running. */
	INKAN_ERR_NO_SERVICE,
	/* The card keeps this key or PIN on another of its tokens, or takes
	 * the key under other IDs: the card profile (<inkan/card.h>) says
	 * which; the detail names it. */
	INKAN_ERR_WRONG_SLOT,

	INKAN_ERR_LAST /* not an error: the number of codes */
} inkan_err;

/* A short, static, translated sentence for the code. Never NULL. */
INKAN_API const char *inkan_strerror (inkan_err err);

/* A stable, untranslated, machine-readable name ("pin-incorrect"). */
INKAN_API const char *inkan_err_name (inkan_err err);

#ifdef __cplusplus
}
#endif

#endif
