/* inkan — PKCS#10 certification requests signed on a token key. */
#ifndef INKAN_CSR_H
#define INKAN_CSR_H

#include <stddef.h>
#include <openssl/x509.h>
#include <inkan/export.h>
#include <inkan/error.h>
#include <inkan/key.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A request for KEY's public half, for SUBJECT (see inkan_name_parse),
 * with a subjectAltName extension when N_SANS > 0: each of SANS is
 * "DNS:name", "email:address", "IP:address", "URI:uri" or
 * "otherName:OID;UTF8:text" (a JPKI holder's data).  Signed on the
 * token through OpenSSL's X509_REQ_sign_ctx in SCHEME with HASH (RSA-PSS:
 * MGF1 with the same hash, salt as long as the hash).  INKAN_ERR_USAGE for
 * a SAN that is none of those or a scheme the key cannot make; a failure
 * of the token (PIN, removed card) as inkan_key_ossl_error gives it.  Free
 * *OUT with X509_REQ_free.
 */
INKAN_API inkan_err inkan_csr_new (inkan_key *key, const X509_NAME *subject, const char *const *sans,
                                   size_t n_sans, inkan_sig_scheme scheme, inkan_hash hash, X509_REQ **out);

#ifdef __cplusplus
}
#endif

#endif
