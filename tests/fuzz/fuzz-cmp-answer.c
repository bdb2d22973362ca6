/* What a CA answers to inkan's CMP client, as libinkan reads it: the
 * PKIStatusInfo (status, failure bits, free text shown at a counter), the
 * certificate checked against the requested key and the trusted CA, and
 * what OpenSSL's checks leave on the error queue.  The client runs
 * inkan_enroll_p10cr or inkan_enroll_rr against a CA that answers
 * in-process, in one of two ways, chosen by bit 0 of the first byte:
 *   1: the rest of the input, as DER, is every answer (a hostile or broken
 *      server: OpenSSL's checks must refuse it and inkan say why);
 *   0: OpenSSL's CMP server builds answers with correct protection, IDs
 *      and nonces, carrying what the input says: byte 1 picks the
 *      certificate (0: one for the requested key, 1: one for another key,
 *      2: the input's DER), then a 2-byte length and a PKIStatusInfo in DER
 *      (status byte, 2 failure-bit bytes and a text when it does not
 *      decode), then, for 2, a 2-byte length and the certificate.
 * Bit 1 makes it a revocation, bit 2 has the client trust the test CA.
 * Whatever comes back, the answer inkan keeps must be free of control
 * characters and bounded: it is printed on terminals and shown on screens,
 * and a certificate for another key is never taken. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <openssl/cmp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <inkan/enroll.h>
#include "src/enroll/enroll-int.h"
#include "src/util/internal.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define REF "fuzz"
#define SECRET "fuzz-secret"

static EVP_PKEY *ca_key, *holder_key;
static X509 *ca_cert, *holder_cert;
static X509_REQ *csr;

typedef struct {
	const uint8_t *p;
	size_t n;
} input;

static const uint8_t *
take (input *in, size_t want, size_t *got)
{
	const uint8_t *p = in->p;

	*got = want < in->n ? want : in->n;
	in->p += *got;
	in->n -= *got;
	return p;
}

static size_t
take_len (input *in)
{
	size_t got;
	const uint8_t *p = take (in, 2, &got);

	return got == 2 ? (size_t) p[0] << 8 | p[1] : 0;
}

static X509 *
cert_for (EVP_PKEY *key, const char *cn, long serial)
{
	X509 *x = X509_new ();
	X509_NAME *name = X509_NAME_new ();

	X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *) cn, -1, -1, 0);
	X509_set_version (x, 2);
	ASN1_INTEGER_set (X509_get_serialNumber (x), serial);
	X509_set_issuer_name (x, ca_cert != NULL ? X509_get_subject_name (ca_cert) : name);
	X509_set_subject_name (x, name);
	X509_gmtime_adj (X509_getm_notBefore (x), -3600);
	X509_gmtime_adj (X509_getm_notAfter (x), 86400L * 365);
	X509_set_pubkey (x, key);
	if (ca_cert == NULL) {
		BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new ();

		bc->ca = 1;
		X509_add1_ext_i2d (x, NID_basic_constraints, bc, 1, 0);
		BASIC_CONSTRAINTS_free (bc);
	}
	X509_sign (x, ca_key, EVP_sha256 ());
	X509_NAME_free (name);
	return x;
}

static void
setup (void)
{
	X509_NAME *name = X509_NAME_new ();

	ca_key = EVP_EC_gen ("P-256");
	holder_key = EVP_EC_gen ("P-256");
	ca_cert = cert_for (ca_key, "Fuzz CA", 1);
	holder_cert = cert_for (holder_key, "Fuzz Holder", 2);
	csr = X509_REQ_new ();
	X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *) "Fuzz Holder", -1, -1, 0);
	X509_REQ_set_subject_name (csr, name);
	X509_REQ_set_pubkey (csr, holder_key);
	X509_REQ_sign (csr, holder_key, EVP_sha256 ());
	X509_NAME_free (name);
	if (ca_cert == NULL || holder_cert == NULL)
		__builtin_trap ();
}

/* The answer in the server's words: the input's PKIStatusInfo, or one
 * made of its bytes when they do not decode. */
static OSSL_CMP_PKISI *
status_info (input *in)
{
	size_t len = take_len (in), got;
	const uint8_t *p = take (in, len, &got), *q = p;
	OSSL_CMP_PKISI *si = d2i_OSSL_CMP_PKISI (NULL, &q, (long) got);
	char text[256];

	if (si != NULL || got < 3)
		return si != NULL ? si : OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_accepted, 0, NULL);
	memcpy (text, p + 3, got - 3 < sizeof text - 1 ? got - 3 : sizeof text - 1);
	text[got - 3 < sizeof text - 1 ? got - 3 : sizeof text - 1] = '\0';
	return OSSL_CMP_STATUSINFO_new (p[0] % 8, (p[1] << 8 | p[2]) & ((1 << (OSSL_CMP_PKIFAILUREINFO_MAX + 1)) - 1),
	                                text);
}

static OSSL_CMP_PKISI *
on_cert_request (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int id, const OSSL_CRMF_MSG *crm,
                 const X509_REQ *p10cr, X509 **cert_out, STACK_OF (X509) **chain_out, STACK_OF (X509) **ca_pubs)
{
	input *in = OSSL_CMP_SRV_CTX_get0_custom_ctx (srv);
	size_t got, len;
	const uint8_t *p, *pick = take (in, 1, &got);
	OSSL_CMP_PKISI *si = status_info (in);

	(void) req, (void) id, (void) crm, (void) p10cr, (void) chain_out, (void) ca_pubs;
	if (got == 0 || pick[0] == 0) {
		*cert_out = X509_dup (holder_cert);
	} else if (pick[0] == 1) {
		*cert_out = X509_dup (ca_cert);
	} else {
		len = take_len (in);
		p = take (in, len, &got);
		*cert_out = d2i_X509 (NULL, &p, (long) got);
	}
	return si;
}

static OSSL_CMP_PKISI *
on_rr (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, const X509_NAME *issuer, const ASN1_INTEGER *serial)
{
	(void) req, (void) issuer, (void) serial;
	return status_info (OSSL_CMP_SRV_CTX_get0_custom_ctx (srv));
}

static int
on_cert_conf (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int id, const ASN1_OCTET_STRING *hash,
              const OSSL_CMP_PKISI *si)
{
	(void) srv, (void) req, (void) id, (void) hash, (void) si;
	return 1;
}

/* No polling: a "waiting" answer must not make the client sleep. */
static int
on_poll (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int id, OSSL_CMP_MSG **cert_req, int64_t *after)
{
	(void) srv, (void) req, (void) id, (void) cert_req, (void) after;
	return 0;
}

static OSSL_CMP_MSG *
answer_raw (OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req)
{
	const input *in = OSSL_CMP_CTX_get_transfer_cb_arg (ctx);
	const unsigned char *p = in->p;

	(void) req;
	return d2i_OSSL_CMP_MSG (NULL, &p, (long) in->n);
}

static OSSL_CMP_SRV_CTX *
server_new (input *in)
{
	OSSL_CMP_SRV_CTX *srv = OSSL_CMP_SRV_CTX_new (NULL, NULL);
	OSSL_CMP_CTX *ctx = srv != NULL ? OSSL_CMP_SRV_CTX_get0_cmp_ctx (srv) : NULL;

	if (ctx == NULL ||
	    !OSSL_CMP_SRV_CTX_init (srv, in, on_cert_request, on_rr, NULL, NULL, on_cert_conf, on_poll) ||
	    !OSSL_CMP_CTX_set1_referenceValue (ctx, (const unsigned char *) REF, strlen (REF)) ||
	    !OSSL_CMP_CTX_set1_secretValue (ctx, (const unsigned char *) SECRET, strlen (SECRET)))
		__builtin_trap ();
	return srv;
}

static void
check_answer (const inkan_enroll *e)
{
	const inkan_enroll_answer *a = inkan_enroll_last_answer (e);
	const unsigned char *t = (const unsigned char *) a->text;
	char said[ENROLL_TEXT_MAX + 256];
	size_t i;

	if (a->status_name == NULL)
		__builtin_trap ();
	if (t == NULL)
		return;
	if (strlen (a->text) >= ENROLL_TEXT_MAX)
		__builtin_trap ();
	for (i = 0; t[i] != '\0'; i++)
		if (t[i] < 0x20 || t[i] == 0x7f)
			__builtin_trap ();
	enroll_answer_describe (a, said, sizeof said);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	inkan_enroll *e = NULL;
	inkan_secret *secret = NULL;
	OSSL_CMP_SRV_CTX *srv = NULL;
	X509 *out = NULL;
	input in = { data, size };
	size_t got;
	const uint8_t *flags = take (&in, 1, &got);

	if (ca_key == NULL)
		setup ();
	if (got == 0)
		return 0;
	if (inkan_enroll_new ("http://127.0.0.1:1/pkix/", &e) != INKAN_OK ||
	    inkan_secret_new (SECRET, strlen (SECRET), &secret) != INKAN_OK ||
	    inkan_enroll_set_mac (e, REF, secret) != INKAN_OK)
		__builtin_trap ();
	if ((flags[0] & 4) && inkan_enroll_add_trusted (e, ca_cert) != INKAN_OK)
		__builtin_trap ();
	if (flags[0] & 1) {
		enroll_set_transfer (e, answer_raw, &in);
	} else {
		srv = server_new (&in);
		enroll_set_transfer (e, OSSL_CMP_CTX_server_perform, srv);
	}
	if (flags[0] & 2) {
		(void) inkan_enroll_rr (e, holder_cert, 1);
	} else if (inkan_enroll_p10cr (e, csr, &out) == INKAN_OK &&
	           EVP_PKEY_eq (X509_get0_pubkey (out), holder_key) != 1) {
		__builtin_trap ();      /* a certificate for another key, taken */
	}
	check_answer (e);
	X509_free (out);
	OSSL_CMP_SRV_CTX_free (srv);
	inkan_secret_free (secret);
	inkan_enroll_free (e);
	inkan_detail_clear ();
	ERR_clear_error ();
	return 0;
}
