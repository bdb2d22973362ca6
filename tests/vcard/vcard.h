/* inkan-vcard: a virtual IC card for pcscd's vpcd reader (test tool). */
#ifndef INKAN_VCARD_H
#define INKAN_VCARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/* ---- APDU and TLV parsing (apdu.c) ---- */

typedef struct {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t lc;
	size_t ne;       /* bytes the host accepts; 0 when no Le field */
	bool extended;
} vc_apdu;

/* Parses a C-APDU in short or extended form; false when malformed. */
bool vc_apdu_parse (const uint8_t *buf, size_t len, vc_apdu *out);

/* Finds the BER-TLV with TAG (1 or 2 bytes) among the top level of BUF.
 * Sets *value and *vlen; false when absent or truncated. */
bool vc_tlv_find (const uint8_t *buf, size_t len, unsigned tag,
                  const uint8_t **value, size_t *vlen);

/* Reads one BER-TLV header at BUF; false when truncated or the value would
 * run past LEN. */
bool vc_tlv_next (const uint8_t *buf, size_t len, unsigned *tag,
                  const uint8_t **value, size_t *vlen, size_t *total);

/* A growing response buffer; a profile appends data and ends with a SW. */
typedef struct {
	uint8_t *data;
	size_t len, cap;
	uint16_t sw;
} vc_resp;

void vc_resp_add (vc_resp *r, const void *buf, size_t len);
void vc_resp_byte (vc_resp *r, uint8_t b);
/* Appends TAG, a BER length and LEN bytes of value. */
void vc_resp_tlv (vc_resp *r, unsigned tag, const void *buf, size_t len);
/* Appends TAG and a BER length only (for constructed objects built later). */
void vc_resp_tl (vc_resp *r, unsigned tag, size_t len);
void vc_resp_clear (vc_resp *r);

/* ---- state file (state.c): named byte strings ---- */


typedef struct vc_state vc_state;

vc_state *vc_state_new (const char *path);
void vc_state_free (vc_state *st);
bool vc_state_load (vc_state *st);
/* Written to a temporary file, fsynced and renamed over the old one. */
bool vc_state_save (const vc_state *st);
const uint8_t *vc_state_get (const vc_state *st, const char *name, size_t *len);
const char *vc_state_str (const vc_state *st, const char *name);
int vc_state_int (const vc_state *st, const char *name, int dflt);
void vc_state_set (vc_state *st, const char *name, const void *buf, size_t len);
void vc_state_set_str (vc_state *st, const char *name, const char *s);
void vc_state_set_int (vc_state *st, const char *name, int v);
void vc_state_del (vc_state *st, const char *name);
/* The private key stored (DER) under NAME, or NULL. */
EVP_PKEY *vc_state_key (const vc_state *st, const char *name);
/* Signs IN with the key stored under NAME; sets the status word. */
void vc_sign_stored (const vc_state *st, const char *name,
                     const uint8_t *in, size_t inlen, vc_resp *r);

/* ---- crypto (crypto.c) ---- */

EVP_PKEY *vc_key_rsa (int bits);
EVP_PKEY *vc_key_ec (void);
/* A certificate for KEY; self-signed when ISSUER is NULL. SAN_JPKI adds the
 * JPKI four basic items to the subjectAltName. */
X509 *vc_cert_make (EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
                    bool ca, bool san_jpki);
EVP_PKEY *vc_key_load_pem (const char *path);
X509 *vc_cert_load_pem (const char *path);
/* DER encodings stored in the state (caller frees). */
uint8_t *vc_key_der (EVP_PKEY *key, size_t *len);
uint8_t *vc_cert_der (X509 *cert, size_t *len);
EVP_PKEY *vc_key_from_der (const uint8_t *der, size_t len);
/* PKCS#1 v1.5 type 1 padding of IN (a DigestInfo) and the RSA private
 * operation; ECDSA of a hash, as raw r||s, for EC keys. */
bool vc_sign (EVP_PKEY *key, const uint8_t *in, size_t inlen, vc_resp *out);

/* ---- the card (card.c dispatches to a profile) ---- */

typedef enum {
	VC_HOSTILE_NONE,
	VC_HOSTILE_TRUNCATE,   /* responses with data cut in half, SW lost */
	VC_HOSTILE_SHORT,      /* every response a single byte */
	VC_HOSTILE_GARBAGE,    /* data replaced by pseudo-random bytes */
	VC_HOSTILE_BAD_LENGTH, /* TLV lengths inflated */
	VC_HOSTILE_SW_SWAP,    /* status word sent before the data */
} vc_hostile;

struct vc_init_args {
	const char *sign_key, *sign_cert, *auth_key, *auth_cert;
	const char *ca_certs[4];
	int n_ca;
	char *pin, *admin_pin, *auth_pin; /* NULL = profile default */
	bool ec;        /* OpenPGP: declare P-256 (ECDSA, ECDH) instead of RSA-2048 */
};

typedef struct vc_profile vc_profile;
typedef struct vc_card vc_card;

struct vc_profile {
	const char *name;
	const uint8_t *atr;
	size_t atr_len;
	/* Generates or imports keys, certificates and PINs into a new state. */
	bool (*init) (vc_state *st, const struct vc_init_args *args);
	/* Power-on / reset: clears the volatile security state. */
	void (*reset) (vc_card *card);
	void (*process) (vc_card *card, const vc_apdu *apdu, vc_resp *r);
	size_t priv_size;
};

struct vc_card {
	const vc_profile *profile;
	vc_state *state;
	vc_hostile hostile;
	int hostile_ins;        /* hostile only in answers to this INS; -1: to all */
	int pull_ins;           /* pulled out when an APDU with this INS comes; -1: never */
	int count_delay_ms;     /* the answer to VERIFY without data (the count) held this long */
	int hold_ins;           /* an APDU with this INS held before it is carried out; -1: none */
	int hold_p1p2;          /* ... and with this P1-P2; -1: any */
	int hold_ms;            /* ... this long */
	void *priv;
	/* Response data not yet fetched by GET RESPONSE. */
	uint8_t *pending;
	size_t pending_len;
	uint16_t pending_sw;
	/* Command chaining (CLA bit 0x10) accumulates here. */
	uint8_t *chain;
	size_t chain_len;
	uint32_t rng;
};

extern const vc_profile vc_profile_jpki;
extern const vc_profile vc_profile_openpgp;

const vc_profile *vc_profile_find (const char *name);
vc_card *vc_card_new (const vc_profile *p, vc_state *st, vc_hostile h);
void vc_card_free (vc_card *card);
void vc_card_reset (vc_card *card);
/* One C-APDU in, one R-APDU out (caller frees *out). */
void vc_card_transmit (vc_card *card, const uint8_t *in, size_t inlen,
                       uint8_t **out, size_t *outlen);

/* Constant-time comparison of two PINs. */
bool vc_pin_equal (const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* ---- vpcd transport (vpcd.c) ---- */

/* Connects to vpcd and serves CARD until SIGTERM/SIGINT; reconnects when
 * vpcd goes away. Returns the exit status. */
int vc_vpcd_run (vc_card *card, const char *host, int port);

#endif
