/* inkan-kiosk — revoking a resident's certificate (a lost card: the card
 * itself is not needed), each step journalled before it counts.  A model:
 * no widgets, the CA call blocks. */
#ifndef KIOSK_REVOKE_H
#define KIOSK_REVOKE_H

#include <openssl/x509.h>

#include "session.h"

typedef struct {
	kiosk_session *s;
	X509 *cert;
	char *card_id;          /* the card it was issued on, else "serial:" its serial */
	char *serial;           /* hex, as the receipt showed it */
	char *subject;          /* one line, for the confirmation */
} kiosk_revoke;

/* The CRLReason codes the counter offers, in the order of the screen's
 * list (RFC 5280 5.3.1); the first is what a lost card is. */
#define KIOSK_REVOKE_REASONS 6
int kiosk_revoke_reason_code (unsigned index);
const char *kiosk_revoke_reason_label (unsigned index);
/* The index of CRLReason CODE in the list (KIOSK_REVOKE_REASONS: none). */
unsigned kiosk_revoke_reason_index (int code);

/* The certificate in the file at PATH (PEM or DER, the first of several). */
inkan_err kiosk_revoke_load (kiosk_session *s, const char *path, kiosk_revoke *rv, char **why);
/* CERT (taken over, freed on failure too by kiosk_revoke_clear), named
 * in the journal by the card it was issued on. */
inkan_err kiosk_revoke_take (kiosk_session *s, X509 *cert, kiosk_revoke *rv, char **why);
/* The certificate DER of LEN bytes (one from the journal). */
inkan_err kiosk_revoke_from_der (kiosk_session *s, const uint8_t *der, size_t len, kiosk_revoke *rv, char **why);
/* Whom the certificate DER names, for a list: the holder's name where the
 * profile keeps it (JPKI: the subjectAltName), else the subject. */
char *kiosk_revoke_holder (const uint8_t *der, size_t len);
void kiosk_revoke_clear (kiosk_revoke *rv);

/* CMP rr for the certificate with the reason at INDEX: BEGIN journalled
 * before the request, REVOKED with the CA's answer, DONE after it. */
inkan_err kiosk_revoke_run (kiosk_revoke *rv, unsigned index, char **why);

#endif
