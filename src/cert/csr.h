/* inkan_csr_new on any EVP_PKEY (a software key in the unit tests). */
#ifndef INKAN_CERT_CSR_H
#define INKAN_CERT_CSR_H

#include <openssl/x509v3.h>
#include <inkan/csr.h>

/* One "DNS:name", "email:address", "IP:address" or "URI:uri" as a
 * GeneralName (a CMP request template takes them one by one). */
inkan_err csr_san_parse (const char *san, GENERAL_NAME **out);

inkan_err csr_build (EVP_PKEY *pkey, const X509_NAME *subject, const char *const *sans, size_t n_sans,
                     inkan_sig_scheme scheme, inkan_hash hash, X509_REQ **out);

#endif
