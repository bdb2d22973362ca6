/* inkan-kiosk — renewing the certificate on a resident's card (CMP kur,
 * signed with the card's key under the old certificate), each step
 * journalled before it counts.  The same key is certified again
 * (doc/kiosk.md says why).  A model: no widgets, every call blocks. */
#ifndef KIOSK_RENEW_H
#define KIOSK_RENEW_H

#include <openssl/x509.h>
#include <inkan/secret.h>

#include "issue.h"

typedef struct {
	kiosk_issue iss;        /* the card; iss.key_uri its key, iss.cert the new certificate */
	X509 *old_cert;         /* the one on the card, being renewed */
	char *old_serial;
	int write_only;         /* the journal has the new certificate, not yet on the card */
} kiosk_renew;

/* The card in the reader, its certificate (which the journal must show
 * was issued on this card), or the renewal the journal says stopped after
 * the CA's answer (RN->write_only: only the write is left). */
inkan_err kiosk_renew_find_card (kiosk_session *s, kiosk_renew *rn, char **why);
void kiosk_renew_clear (kiosk_renew *rn);

/* The certificate shown before the renewal: holder, serial, validity. */
char *kiosk_renew_describe (const kiosk_renew *rn);

/* BEGIN journalled with the old certificate, then CMP kur signed on the
 * card with the resident's PIN (FLAGS: INKAN_LOGIN_ALLOW_FINAL_TRY once
 * the resident agreed; INKAN_ERR_PIN_FINAL_TRY, not journalled, nothing
 * sent: ask).  REQUEST and ISSUED journalled as in an issuance. */
inkan_err kiosk_renew_enrol (kiosk_renew *rn, const inkan_secret *pin, unsigned flags, char **why);

#endif
