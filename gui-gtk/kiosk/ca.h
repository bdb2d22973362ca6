/* inkan-kiosk — the counter's CMP client for its CA, shared by issuance
 * and revocation, and the sentence the screen shows for a CA's answer. */
#ifndef KIOSK_CA_H
#define KIOSK_CA_H

#include <openssl/x509.h>
#include <inkan/enroll.h>

#include "session.h"

/* A client for the settings' CA, protected by MAC or by the signed-in
 * staff member's key.  *KEEP holds the trusted certificates the client
 * borrows: free it (sk_X509_pop_free) after the client. */
inkan_err kiosk_ca_client (kiosk_session *s, inkan_enroll **out, STACK_OF(X509) **keep, char **why);
/* *WHY for ERR from a request on E: the CA's refusal, or what failed. */
void kiosk_ca_answer_why (inkan_enroll *e, inkan_err err, char **why);

#endif
