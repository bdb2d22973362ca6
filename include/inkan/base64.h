/* inkan — base64 in both alphabets: the standard one (RFC 4648 section 4,
 * padded) as JSON APIs and LDAP carry bytes, and the URL-safe one without
 * padding (section 5, as JWS compact tokens use it). */
#ifndef INKAN_BASE64_H
#define INKAN_BASE64_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/export.h>
#include <inkan/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	INKAN_BASE64_STD,       /* A-Z a-z 0-9 + /, padded with = */
	INKAN_BASE64_URL,       /* A-Z a-z 0-9 - _, no padding; only the canonical spelling decodes */
} inkan_base64_alphabet;

/* LEN bytes as base64 text, free()d by the caller; NULL when out of memory. */
INKAN_API char *inkan_base64_encode (const uint8_t *data, size_t len, inkan_base64_alphabet alphabet);

/* TEXT (LEN characters, no blanks) to bytes, free()d by the caller.
 * INKAN_ERR_BAD_INPUT when it is not base64 of that alphabet. */
INKAN_API inkan_err inkan_base64_decode (const char *text, size_t len, inkan_base64_alphabet alphabet,
                                         uint8_t **out, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif
