/* What the inkan verbs share: options, output, errors, PINs, files. */
#ifndef INKAN_TOOL_H
#define INKAN_TOOL_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <libintl.h>
#include <jansson.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <inkan/inkan.h>

#define _(s) gettext (s)
#define N_(s) (s)

/* Exit codes, the contract with scripts. */
enum {
	TOOL_EXIT_OK = 0,
	TOOL_EXIT_NEGATIVE = 1,   /* bad signature, wrong or locked PIN, revoked */
	TOOL_EXIT_USAGE = 2,
	TOOL_EXIT_ENV = 3,        /* no module, no such token, unreadable file */
};

typedef struct {
	inkan_ctx *ctx;
	int json;
	int verbose;
	const char *prog;
	const char *verb;       /* the verb running, as its usage names it */
	/* INKAN_LOGIN_ALLOW_FINAL_TRY once --allow-final-try is given: the
	 * consent is for the run, so every PIN it sends may take the last try,
	 * whichever helper opens the token. */
	unsigned consent;
} tool;

typedef struct {
	const char *name;       /* "sign", or "cert import" for two-word verbs */
	int (*run) (tool *t, int argc, char **argv);
	const char *summary;
} tool_verb;

/* -h and --help, which every verb takes: its option table ends with
 * TOOL_OPTS_END and its getopt_long's short options include "h". */
#define TOOL_OPTS_END { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
/* For what getopt returned that no option of the verb took: -h or --help
 * print USAGE on stdout and give exit 0; anything else is a usage error. */
int tool_help_or_usage (tool *t, int c, const char *usage);

/* Print "inkan: <what went wrong>: <detail>" (and a JSON error with --json);
 * return the exit code for ERR. */
int tool_fail (tool *t, inkan_err err);
/* tool_fail, with HINT (the option that would help; may be NULL) after the detail. */
int tool_fail_hint (tool *t, inkan_err err, const char *hint);
/* The detail tool_fail is to print for a failure found in the CLI itself
 * (instead of the library's inkan_detail()). */
void tool_set_detail (const char *fmt, ...)
	__attribute__((format (printf, 1, 2)));
int tool_exit_code (inkan_err err);
/* Out of memory in the CLI itself: the one line on stderr, and
 * INKAN_ERR_NOMEM.  Every failure says something, even this one. */
inkan_err tool_nomem (void);

/* A usage error for VERB: message on stderr, exit code 2. */
int tool_usage (tool *t, const char *verb, const char *fmt, ...)
	__attribute__((format (printf, 3, 4)));

/* A secret from SOURCE, or (SOURCE NULL) from a prompt on the TTY without
 * echo; no TTY and no source is a usage error. */
inkan_err tool_secret (const char *source, const char *prompt, inkan_secret **out);

/* A new secret: from SOURCE, or typed twice on the TTY (must agree). */
inkan_err tool_new_secret (const char *source, inkan_secret **out);
/* The same, asked for with PROMPT and then PROMPT_AGAIN. */
inkan_err tool_new_secret_as (const char *source, const char *prompt, const char *prompt_again, inkan_secret **out);

/* Log in to TOK as the user when it wants one, with the PIN from SOURCE. */
/* FLAGS: inkan_token_login's, and TOOL_LOGIN_SO to log in as the SO (a
 * card's admin PIN: OpenPGP cards want it to generate keys and write);
 * T's consent is added to them. */
#define TOOL_LOGIN_SO (1u << 16)
inkan_err tool_login (tool *t, inkan_token *tok, const char *source, unsigned flags);

/* The one token (or private key) URI names, logged in when the token
 * wants it, with the PIN from PIN_SOURCE or the terminal. */
inkan_err tool_open_token (tool *t, const char *uri, const char *pin_source,
                           unsigned login_flags, inkan_token **out);
inkan_err tool_open_key (tool *t, const char *uri, const char *pin_source,
                         unsigned login_flags, inkan_key **out);

/* The PIN options, one group for every verb that sends a PIN: --pin SRC
 * ('p') and --allow-final-try (TOOL_PINS_LONG), and --so-pin SRC ('S')
 * where an SO login applies (TOOL_SO_PINS_LONG). */
typedef struct {
	const char *pin;
	const char *so_pin;
} tool_pins;
#define TOOL_PIN_LONG { "pin", required_argument, NULL, 'p' }
#define TOOL_SO_PIN_LONG { "so-pin", required_argument, NULL, 'S' }
#define TOOL_FINAL_TRY_LONG { "allow-final-try", no_argument, NULL, 'A' }
#define TOOL_PINS_LONG TOOL_PIN_LONG, TOOL_FINAL_TRY_LONG
#define TOOL_SO_PINS_LONG TOOL_PIN_LONG, TOOL_SO_PIN_LONG, TOOL_FINAL_TRY_LONG
/* 1: option taken (--allow-final-try into T's consent); 0: not one of these. */
int tool_pins_option (tool *t, tool_pins *p, int c, const char *arg);
/* tool_open_token as the SO with --so-pin's PIN when it was given, else as
 * the user with --pin's. */
inkan_err tool_open_token_as (tool *t, const char *uri, const tool_pins *p, inkan_token **out);

/* Whole files (these print their own error); PATH NULL or "-" is stdin / stdout.
 * LIMIT: INKAN_FILE_LIMIT_* for what is bounded (a regular file then), or
 * INKAN_FILE_NO_LIMIT for a document, which may also come through a pipe. */
inkan_err tool_read_file (const char *path, size_t limit, uint8_t **data, size_t *len);
inkan_err tool_write_file (const char *path, const uint8_t *data, size_t len);

/* --hash sha256|sha384|sha512 ('H'), --pss ('P'), --format der|raw ('F'). */
typedef struct {
	inkan_hash hash;
	int pss;
	unsigned flags;         /* INKAN_SIG_RAW */
} tool_sigopts;
#define TOOL_SIGOPTS_LONG \
	{ "hash", required_argument, NULL, 'H' }, \
	{ "pss", no_argument, NULL, 'P' }, \
	{ "format", required_argument, NULL, 'F' }
/* 1: option taken; 0: not one of these; -1: bad value. */
int tool_sigopts_parse (tool_sigopts *o, int c, const char *arg);
/* The scheme for a key of that kind (prints its own error). */
inkan_err tool_sigopts_scheme (const tool_sigopts *o, int is_ec, inkan_sig_scheme *out);

/* A certificate (the first, in any form inkan_cert_load reads) or public
 * key (PEM or DER) from a file (prints its own error). */
inkan_err tool_load_cert (const char *path, X509 **out);
inkan_err tool_load_cert_bundle (const char *path, STACK_OF(X509) **out);
inkan_err tool_load_pubkey (const char *path, EVP_PKEY **out);
/* The public key of a PEM/DER public key file, or (IS_CERT) of a
 * certificate file (prints its own error). */
inkan_err tool_load_key_of (const char *path, int is_cert, EVP_PKEY **out);

/* A certificate from a file or a pkcs11: URI (prints its own error). */
inkan_err tool_load_cert_any (tool *t, const char *arg, X509 **out);
/* Every certificate in a file or on a token (pkcs11: URI; PIN_SOURCE may
 * be NULL), by inkan_certs_load; the error is printed. */
inkan_err tool_load_certs (tool *t, const char *arg, const char *pin_source, STACK_OF(X509) **out);
/* SHA-256 of a whole document, streamed, and its size when LEN is not
 * NULL (prints its own error). */
inkan_err tool_sha256_file (const char *path, uint8_t out[32], size_t *len);
/* "10m" -> 600; -1 when malformed. */
long tool_parse_duration (const char *text);

/* --anchor FILE ('a', trust anchors) and --chain FILE ('C', intermediates
 * or certificates to carry), as several verbs take them. */
typedef struct {
	X509_STORE *anchors;
	STACK_OF(X509) *chain;
	int n_anchors;
} tool_trust;
#define TOOL_ANCHOR_LONG { "anchor", required_argument, NULL, 'a' }
#define TOOL_CHAIN_LONG { "chain", required_argument, NULL, 'C' }
void tool_trust_init (tool_trust *tr);
void tool_trust_clear (tool_trust *tr);
/* 1: option taken; 0: not one of these; -1: failed (printed), *EXIT_CODE set. */
int tool_trust_option (tool_trust *tr, int c, const char *arg, int *exit_code);
/* The anchors, or NULL when none were given. */
X509_STORE *tool_trust_anchors (const tool_trust *tr);

/* Validation options: --methods ('m'), --at ('t'), --policy, --crl-url, --crl,
 * --ocsp-url, --scvp-url, --scvp-cert, --timeout, --deadline, --cache-dir,
 * --no-cache, --offline, --config, --anchor-pins, --purpose; --anchor and
 * --chain also feed the validator. */
enum {
	TOOL_OPT_CRL_URL = 256, TOOL_OPT_OCSP_URL, TOOL_OPT_SCVP_URL, TOOL_OPT_SCVP_CERT, TOOL_OPT_TIMEOUT,
	TOOL_OPT_DEADLINE, TOOL_OPT_CACHE_DIR, TOOL_OPT_NO_CACHE, TOOL_OPT_OFFLINE, TOOL_OPT_POLICY,
	TOOL_OPT_CONFIG, TOOL_OPT_ANCHOR_PINS, TOOL_OPT_PURPOSE, TOOL_OPT_CRL_FILE,
};
#define TOOL_VALIDATE_LONG \
	{ "methods", required_argument, NULL, 'm' }, \
	{ "at", required_argument, NULL, 't' }, \
	{ "policy", required_argument, NULL, TOOL_OPT_POLICY }, \
	{ "crl-url", required_argument, NULL, TOOL_OPT_CRL_URL }, \
	{ "crl", required_argument, NULL, TOOL_OPT_CRL_FILE }, \
	{ "ocsp-url", required_argument, NULL, TOOL_OPT_OCSP_URL }, \
	{ "scvp-url", required_argument, NULL, TOOL_OPT_SCVP_URL }, \
	{ "scvp-cert", required_argument, NULL, TOOL_OPT_SCVP_CERT }, \
	{ "timeout", required_argument, NULL, TOOL_OPT_TIMEOUT }, \
	{ "deadline", required_argument, NULL, TOOL_OPT_DEADLINE }, \
	{ "cache-dir", required_argument, NULL, TOOL_OPT_CACHE_DIR }, \
	{ "no-cache", no_argument, NULL, TOOL_OPT_NO_CACHE }, \
	{ "offline", no_argument, NULL, TOOL_OPT_OFFLINE }, \
	{ "config", required_argument, NULL, TOOL_OPT_CONFIG }, \
	{ "anchor-pins", required_argument, NULL, TOOL_OPT_ANCHOR_PINS }, \
	{ "purpose", required_argument, NULL, TOOL_OPT_PURPOSE }
typedef struct {
	inkan_validator *v;
	int enabled;            /* --methods, --config or --anchor-pins given (or the verb is validate) */
	int no_cache;
	char *cache_dir;
	const char *config;     /* --config FILE */
} tool_valopts;
int tool_valopts_init (tool *t, tool_valopts *vo);
/* 1: taken; 2: taken, and the verb may want it too (--anchor, --chain);
 * 0: not one of these; -1: failed (printed), *EXIT_CODE set. */
int tool_valopts_option (tool *t, tool_valopts *vo, int c, const char *arg, int *exit_code);
/* The configuration file (--config, $INKAN_VALIDATE_CONF, or the system's)
 * and the cache directory. */
inkan_err tool_valopts_finish (tool_valopts *vo);
void tool_valopts_clear (tool_valopts *vo);

/* The verify verbs' --anchor, --chain and validation options together. */
typedef struct {
	tool_trust tr;
	tool_valopts vo;
} tool_signer;
#define TOOL_SIGNER_LONG TOOL_ANCHOR_LONG, TOOL_CHAIN_LONG, TOOL_VALIDATE_LONG
/* What a signature check takes from them; VALIDATOR is NULL without --methods. */
typedef struct {
	X509_STORE *anchors;
	STACK_OF(X509) *untrusted;
	inkan_validator *validator;
} tool_signer_check;
int tool_signer_init (tool *t, tool_signer *s);
void tool_signer_clear (tool_signer *s);
/* getopt_long over OPTS (which hold TOOL_SIGNER_LONG), taking S's options:
 * the next option that is the verb's own, or -1 at the end of the options
 * and when one of S's failed (printed; *EXIT_CODE is set then). */
int tool_signer_getopt (tool *t, tool_signer *s, int argc, char **argv, const struct option *opts,
                        int *exit_code);
/* The exit code; on TOOL_EXIT_OK, OUT is filled (owned by S). */
int tool_signer_finish (tool *t, tool_signer *s, tool_signer_check *out);
/* tool_signer_finish into the anchors, chain and validator of a CMS check. */
int tool_signer_cms_check (tool *t, tool_signer *s, inkan_cms_check *out);

/* What the cmp verbs share: --server URL, the protection (--ref REF
 * --secret SRC, or --signer-cert FILE|URI --signer-key URI with
 * --signer-pin SRC, else --pin), --trusted FILE (repeatable) and
 * --timeout S; --pin and --allow-final-try are taken here too. */
enum {
	TOOL_OPT_CMP_SERVER = 320, TOOL_OPT_CMP_REF, TOOL_OPT_CMP_SECRET, TOOL_OPT_CMP_SIGNER_CERT,
	TOOL_OPT_CMP_SIGNER_KEY, TOOL_OPT_CMP_SIGNER_PIN, TOOL_OPT_CMP_TRUSTED, TOOL_OPT_CMP_TIMEOUT,
};
#define TOOL_CMP_LONG \
	{ "server", required_argument, NULL, TOOL_OPT_CMP_SERVER }, \
	{ "ref", required_argument, NULL, TOOL_OPT_CMP_REF }, \
	{ "secret", required_argument, NULL, TOOL_OPT_CMP_SECRET }, \
	{ "signer-cert", required_argument, NULL, TOOL_OPT_CMP_SIGNER_CERT }, \
	{ "signer-key", required_argument, NULL, TOOL_OPT_CMP_SIGNER_KEY }, \
	{ "signer-pin", required_argument, NULL, TOOL_OPT_CMP_SIGNER_PIN }, \
	{ "trusted", required_argument, NULL, TOOL_OPT_CMP_TRUSTED }, \
	{ "timeout", required_argument, NULL, TOOL_OPT_CMP_TIMEOUT }, \
	TOOL_PINS_LONG
typedef struct {
	const char *server;
	const char *ref, *secret;
	const char *signer_cert, *signer_key, *signer_pin;
	tool_pins pins;
	const char *trusted[16];
	int n_trusted;
	int timeout;            /* 0: the library's default */
} tool_cmp;
/* 1: option taken; 0: not one of these; -1: bad value (usage printed,
 * *EXIT_CODE set). */
int tool_cmp_option (tool *t, tool_cmp *o, int c, const char *arg, int *exit_code);
/* The client O describes; PROTECT: whether the verb needs the protection
 * options (kur signs with the old key instead).  Returns the exit code. */
int tool_cmp_start (tool *t, const tool_cmp *o, int protect, inkan_enroll **out);
/* A failed exchange: the error (for a rejection, the PKIStatus, every
 * PKIFailureInfo bit and the CA's text), and the exit code. */
int tool_cmp_fail (tool *t, const inkan_enroll *e, inkan_err err);
/* A certificate the CA issued: PEM to OUT (NULL: stdout, unless --json),
 * onto KEY's token beside it when KEY is not NULL (read back and compared),
 * and the JSON report.  Returns the exit code. */
int tool_cmp_issued (tool *t, const inkan_enroll *e, X509 *cert, const char *out, inkan_key *key);

/* On stdout: INDENT spaces, then LABEL padded to WIDTH terminal columns
 * (not bytes, so translated labels line up); tool_field adds a space, the
 * formatted value and a newline. */
void tool_label (int indent, int width, const char *label);
void tool_field (int indent, int width, const char *label, const char *fmt, ...)
	__attribute__((format (printf, 4, 5)));
/* Terminal columns the widest of N labels takes, to size a column that
 * fits them in any language. */
int tool_widest (const char *const *labels, size_t n);

/* "CN=Name,O=Example,C=JP" with UTF-8 left as it is, as a JSON string. */
json_t *tool_name_json (const X509_NAME *name);

/* Print and free a JSON value on stdout. */
void tool_json_print (json_t *value);
/* The same for a JSON text (the library's reports), which it frees; NULL: out of memory. */
void tool_json_print_text (char *text);

/* Verbs: one file each, named for the verb. */
int verb_tokens (tool *t, int argc, char **argv);
int verb_objects (tool *t, int argc, char **argv);
int verb_token_init (tool *t, int argc, char **argv);
int verb_keygen (tool *t, int argc, char **argv);
int verb_pubkey (tool *t, int argc, char **argv);
int verb_sign (tool *t, int argc, char **argv);
int verb_verify (tool *t, int argc, char **argv);
int verb_csr (tool *t, int argc, char **argv);
int verb_cert_import (tool *t, int argc, char **argv);
int verb_cert_export (tool *t, int argc, char **argv);
int verb_cert_show (tool *t, int argc, char **argv);
int verb_cert_vid (tool *t, int argc, char **argv);
int verb_ca_check (tool *t, int argc, char **argv);
int verb_delete (tool *t, int argc, char **argv);
int verb_pin_status (tool *t, int argc, char **argv);
int verb_pin_change (tool *t, int argc, char **argv);
int verb_pin_unblock (tool *t, int argc, char **argv);
int verb_pin_set (tool *t, int argc, char **argv);
int verb_token_issue (tool *t, int argc, char **argv);
int verb_cms_sign (tool *t, int argc, char **argv);
int verb_evidence_issue (tool *t, int argc, char **argv);
int verb_evidence_verify (tool *t, int argc, char **argv);
int verb_register_sign (tool *t, int argc, char **argv);
int verb_register_verify (tool *t, int argc, char **argv);
int verb_cms_verify (tool *t, int argc, char **argv);
int verb_token_verify (tool *t, int argc, char **argv);
int verb_readers (tool *t, int argc, char **argv);
int verb_validate (tool *t, int argc, char **argv);
int verb_audit_verify (tool *t, int argc, char **argv);
int verb_audit_show (tool *t, int argc, char **argv);
int verb_audit_checkpoint (tool *t, int argc, char **argv);
int verb_cmp_ir (tool *t, int argc, char **argv);
int verb_cmp_cr (tool *t, int argc, char **argv);
int verb_cmp_p10cr (tool *t, int argc, char **argv);
int verb_cmp_kur (tool *t, int argc, char **argv);
int verb_cmp_rr (tool *t, int argc, char **argv);

#endif
