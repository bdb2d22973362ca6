/* inkan-kiosk — the counter's journal: every step of every operation
 * recorded in libinkan's hash-chained audit log before the screen moves
 * on, and read back to tell where a card stopped.  No GTK here: the
 * screens drive it, the unit test drives it without them. */
#ifndef KIOSK_JOURNAL_H
#define KIOSK_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/error.h>
#include <inkan/object.h>

typedef enum {
	KIOSK_OP_SIGNIN,
	KIOSK_OP_ISSUE,
	KIOSK_OP_RENEW,
	KIOSK_OP_RESET_PIN,
	KIOSK_OP_REVOKE,
	KIOSK_OP_COUNT
} kiosk_op;

/* In the order an issuance goes through them; renewal skips HOLDER and
 * PINS, PIN reset and revocation use BEGIN, PINS or REVOKED, DONE. */
typedef enum {
	KIOSK_STEP_BEGIN,       /* card inserted, operation chosen */
	KIOSK_STEP_HOLDER,      /* holder's data confirmed by the staff member */
	KIOSK_STEP_PINS,        /* the resident's PINs set on the card */
	KIOSK_STEP_KEYGEN,      /* key pair on the card (key_uri) */
	KIOSK_STEP_REQUEST,     /* CMP request about to be sent */
	KIOSK_STEP_ISSUED,      /* the CA's certificate received (cert_der) */
	KIOSK_STEP_WRITTEN,     /* on the card, read back, certifies the card's key */
	KIOSK_STEP_REUSED,      /* written but never acknowledged: checked again on the card,
	                         * re-used with the staff member's confirmation (cert_der) */
	KIOSK_STEP_REVOKED,     /* the CA confirmed a revocation */
	KIOSK_STEP_DONE,        /* receipt acknowledged: the operation is closed */
	KIOSK_STEP_CANCELLED,   /* closed by the staff member without finishing */
	KIOSK_STEP_COUNT
} kiosk_step;

/* One step.  STAFF and CARD are required (CARD may be "-" for a sign-in);
 * the rest may be NULL / 0.  CARD: letters, digits and ":._-" only. */
typedef struct {
	const char *staff;
	const char *card;
	kiosk_op op;
	kiosk_step step;
	inkan_err result;
	const char *key_uri;
	const char *cert_serial;        /* hex, as the receipt shows it */
	const uint8_t *cert_der;        /* the issued certificate (ISSUED, WRITTEN) */
	size_t cert_len;
} kiosk_journal_entry;

typedef struct kiosk_journal kiosk_journal;

/* Open (creating when absent) the audit log at PATH. */
inkan_err kiosk_journal_open (const char *path, kiosk_journal **out);
void kiosk_journal_close (kiosk_journal *j);
/* Append E; returns once it is durable.  An error means the screen must
 * not move on. */
inkan_err kiosk_journal_record (kiosk_journal *j, const kiosk_journal_entry *e);
const char *kiosk_journal_path (const kiosk_journal *j);

const char *kiosk_op_name (kiosk_op op);
const char *kiosk_step_name (kiosk_step step);

typedef enum {
	KIOSK_RESUME_NONE,      /* nothing open for this card */
	KIOSK_RESUME_RESTART,   /* begun, no key yet: nothing to keep, start over */
	KIOSK_RESUME_ENROL,     /* key on the card, no certificate: enrol key_uri again */
	KIOSK_RESUME_WRITE,     /* certificate issued, not on the card: write cert_der */
	KIOSK_RESUME_ACKNOWLEDGE, /* written, receipt never acknowledged: see kiosk_resume_decide */
} kiosk_resume_kind;

/* Where CARD's last issuance or renewal stopped, from the journal. */
typedef struct {
	kiosk_resume_kind kind;
	kiosk_op op;
	uint64_t seq;           /* the record it was read from */
	char *staff;            /* who was serving then */
	char *key_uri;
	char *cert_serial;
	uint8_t *cert_der;
	size_t cert_len;
} kiosk_resume;

/* The card the certificate with SERIAL (hex) was issued on, from the log
 * at PATH (free it).  INKAN_ERR_NOT_FOUND: not issued at a counter
 * sharing this log. */
inkan_err kiosk_journal_card_of (const char *path, const char *serial, char **card);

/* A certificate issued at a counter, as the journal has it. */
typedef struct {
	char *card;
	char *serial;           /* hex */
	int64_t time_ms;        /* when the CA's answer was journalled */
	uint8_t *cert_der;
	size_t cert_len;
} kiosk_issued;

/* The certificates issued (a successful ISSUED step) at counters sharing
 * the log at PATH and not revoked through it since, newest first (a log
 * not there yet: none).  Free with kiosk_issued_free. */
inkan_err kiosk_journal_issued (const char *path, kiosk_issued **out, size_t *n);
void kiosk_issued_free (kiosk_issued *list, size_t n);

/* The state of CARD in the log at PATH (a log not there yet: NONE). */
inkan_err kiosk_journal_resume (const char *path, const char *card, kiosk_resume *out);
void kiosk_resume_clear (kiosk_resume *r);

typedef enum {
	KIOSK_ACK_REUSE,        /* the card holds the journal's certificate: show the receipt */
	KIOSK_ACK_WRITE,        /* the card holds none: write the journal's certificate */
	KIOSK_ACK_REVOKE,       /* the card holds another: revoke the journal's, start over */
} kiosk_ack_action;

/* The rule for a written but unacknowledged certificate (doc/kiosk.md),
 * given the DER of the certificate now on the card in the key's slot
 * (NULL: none) and whether it certifies the card's key. */
kiosk_ack_action kiosk_resume_decide (const kiosk_resume *r, const uint8_t *card_cert,
                                      size_t card_cert_len, int certifies_key);

/* Whether S may be journalled as a card identity. */
int kiosk_card_id_valid (const char *s);

/* The journal's name for a card of PROFILE: "PROFILE:SERIAL" where the
 * serial tells the card apart (SERIAL_IDENTIFIES, from
 * inkan_card_serial_identifies), else "PROFILE:sha256-HEX" of the card's
 * certificate with the smallest SHA-256 among CERTS (the same whichever
 * order the card lists them in).  NULL when neither makes a valid ID (no
 * certificate, a serial with characters a record cannot carry); free it. */
char *kiosk_card_id (const char *profile, const char *serial, int serial_identifies,
                     const inkan_token_cert *certs, size_t n);

#endif
