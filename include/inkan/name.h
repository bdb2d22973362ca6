/* inkan — X.509 distinguished names as people type them. */
#ifndef INKAN_NAME_H
#define INKAN_NAME_H

#include <openssl/x509.h>
#include <inkan/export.h>
#include <inkan/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * "/C=JP/O=Example/CN=山田 太郎" (the slash form of `openssl req -subj`)
 * to an X509_NAME, in that order.  Values are UTF-8; "\/", "\+" and "\\"
 * escape those characters; "+" joins attributes into one multi-valued RDN.
 * Types are OpenSSL's short or long names or dotted OIDs.  Anything
 * malformed (an unknown type, an empty value, a country that is not two
 * letters, invalid UTF-8) is INKAN_ERR_USAGE, with the reason in the detail.
 */
INKAN_API inkan_err inkan_name_parse (const char *text, X509_NAME **out);

/*
 * NAME as people read it: "C=JP, O=公的個人認証サービス, OU=…", every RDN in
 * DER order, every string type as UTF-8, RFC 4514's special characters
 * escaped.  Malloc'd (free it); NULL for lack of memory.
 */
INKAN_API char *inkan_name_text (const X509_NAME *name);

#ifdef __cplusplus
}
#endif

#endif
