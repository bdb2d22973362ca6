/* The X.509 AlgorithmIdentifier of a signature made on the token. */
#ifndef INKAN_CRYPTO_SIGALG_H
#define INKAN_CRYPTO_SIGALG_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <inkan/key.h>

/* The DER AlgorithmIdentifier for SCHEME with digest MD (sha256WithRSA,
 * ecdsa-with-SHA384, RSASSA-PSS with MGF1 on the same digest and a salt as
 * long as the digest, ...).  Free *DER with OPENSSL_free(). */
inkan_err inkan_sigalg_der (inkan_sig_scheme scheme, const EVP_MD *md,
                            uint8_t **der, size_t *der_len);

#endif
