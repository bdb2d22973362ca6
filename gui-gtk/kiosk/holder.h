/* inkan-kiosk — the holder's data as staff enter it, checked, and as the
 * certificate request carries it (JPKI style: name, date of birth with its
 * era, sex and address as subjectAltName otherNames).  A model. */
#ifndef KIOSK_HOLDER_H
#define KIOSK_HOLDER_H

#include <openssl/x509.h>
#include <inkan/error.h>

typedef struct {
	char *name;             /* family and given name (U+3000 between, as on the card) */
	char *birth;            /* YYYY-MM-DD (Gregorian) */
	char *sex;              /* "1" male, "2" female, "9" not stated */
	char *address;          /* from the prefecture, no postal code */
} kiosk_holder;

/* Check and copy; *WHY names the field that is wrong (g_free). */
inkan_err kiosk_holder_set (kiosk_holder *h, const char *name, const char *birth, const char *sex,
                            const char *address, char **why);
void kiosk_holder_clear (kiosk_holder *h);

/* The JPKI date of birth: era digit then YYYYMMDD ("319771107"). */
char *kiosk_holder_jpki_birth (const kiosk_holder *h);

/* Subject and SANs for the request: with JPKI, C=JP and an opaque CN (the
 * card's ID), the items as otherNames; else CN=name and no SANs.  Free
 * with X509_NAME_free and g_strfreev. */
inkan_err kiosk_holder_request (const kiosk_holder *h, int jpki, const char *card_id, X509_NAME **subject,
                                char ***sans);

#endif
