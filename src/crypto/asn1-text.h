/* ASN.1 strings, names and GeneralNames as UTF-8 text: the one decoder every
 * text field of a certificate, CRL or answer goes through. */
#ifndef INKAN_ASN1_TEXT_H
#define INKAN_ASN1_TEXT_H

#include <stdio.h>
#include <openssl/x509v3.h>

/* S (any string type: UTF8String, BMPString, UniversalString,
 * PrintableString, IA5String, VisibleString, NumericString, TeletexString
 * as Latin-1) as valid UTF-8, malloc'd; NULL when S is not a string, its
 * encoding is broken or it holds a NUL. */
char *asn1_text (const ASN1_STRING *s);

/* S written to OUT: its text, or "#" and the hex of its bytes when it has none. */
void asn1_text_put (FILE *out, const ASN1_STRING *s);

/* STR with every byte that is not part of valid UTF-8 written as "\xNN";
 * malloc'd, NULL for lack of memory. */
char *utf8_clean (const char *str);

/* GeneralName G as "TYPE:value", a directoryName with all its RDNs. */
void general_name_put (FILE *out, const GENERAL_NAME *g);
/* Every name of GENS, "; " between them. */
void general_names_put (FILE *out, const GENERAL_NAMES *gens);

/* "type=value" of one attribute, the value escaped as RFC 4514 says. */
void name_entry_put (FILE *out, const X509_NAME_ENTRY *e);
/* OBJ's short (SHORT_NAME) or long name, or its dotted form when OpenSSL has none. */
void oid_put (FILE *out, const ASN1_OBJECT *obj, int short_name);
/* LEN bytes at P as upper-case hex. */
void hex_put (FILE *out, const unsigned char *p, int len);

/* The RDNs of NAME in DER order, "C=JP, O=…", multi-valued RDNs joined by " + ". */
void name_put (FILE *out, const X509_NAME *name);

#endif
