/* ECDSA signatures between the token's r||s and X.509's DER SEQUENCE{r, s}. */
#ifndef INKAN_UTIL_ECDSA_H
#define INKAN_UTIL_ECDSA_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/error.h>

/* r||s (each half RAW_LEN/2 bytes) to a DER ECDSA-Sig-Value; *DER is
 * malloc'd, free with free(). */
inkan_err inkan_ecdsa_raw_to_der (const uint8_t *raw, size_t raw_len,
                                  uint8_t **der, size_t *der_len);

/* A DER ECDSA-Sig-Value to r||s, each half FIELD_LEN bytes, left-padded;
 * INKAN_ERR_BAD_INPUT for malformed DER, trailing bytes, or an r or s too
 * large for FIELD_LEN.  *RAW is malloc'd, free with free(). */
inkan_err inkan_ecdsa_der_to_raw (const uint8_t *der, size_t der_len, size_t field_len,
                                  uint8_t **raw, size_t *raw_len);

#endif
