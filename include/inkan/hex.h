/* inkan — hexadecimal, as IDs and fingerprints are written. */
#ifndef INKAN_HEX_H
#define INKAN_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/export.h>
#include <inkan/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Lower-case hex of LEN bytes, free()d by the caller; NULL when out of memory. */
INKAN_API char *inkan_hex_encode (const uint8_t *buf, size_t len);

/* "0a1b", "0A:1B" or "0a 1b" to bytes (free()d by the caller);
 * INKAN_ERR_USAGE when malformed or empty. */
INKAN_API inkan_err inkan_hex_decode (const char *hex, uint8_t **out, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif
