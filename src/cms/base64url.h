/* base64url without padding (RFC 7515 section 2), through OpenSSL's base64. */
#ifndef INKAN_BASE64URL_H
#define INKAN_BASE64URL_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/error.h>

/* malloc'd, NUL-terminated; NULL when out of memory. */
char *inkan_b64url_encode (const uint8_t *data, size_t len);

/* INKAN_ERR_BAD_INPUT when TEXT (LEN characters) is not base64url. */
inkan_err inkan_b64url_decode (const char *text, size_t len, uint8_t **out, size_t *out_len);

#endif
