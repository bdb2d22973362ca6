/* What the inkan verbs share: options, output, errors, PINs, files. */
#ifndef INKAN_TOOL_H
#define INKAN_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <libintl.h>
#include <jansson.h>
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
} tool;

typedef struct {
	const char *name;       /* "sign", or "cert import" for two-word verbs */
	int (*run) (tool *t, int argc, char **argv);
	const char *summary;
} tool_verb;

/* Print "inkan: <what went wrong>: <detail>" (and a JSON error with --json);
 * return the exit code for ERR. */
int tool_fail (tool *t, inkan_err err);
int tool_exit_code (inkan_err err);

/* A usage error for VERB: message on stderr, exit code 2. */
int tool_usage (tool *t, const char *verb, const char *fmt, ...)
	__attribute__((format (printf, 3, 4)));

/* A secret from SOURCE, or (SOURCE NULL) from a prompt on the TTY without
 * echo; no TTY and no source is a usage error. */
inkan_err tool_secret (const char *source, const char *prompt, inkan_secret **out);

/* Log in to TOK as the user when it wants one, with the PIN from SOURCE. */
inkan_err tool_login (tool *t, inkan_token *tok, const char *source, unsigned flags);

/* Whole files; PATH NULL or "-" is stdin / stdout. */
inkan_err tool_read_file (const char *path, uint8_t **data, size_t *len);
inkan_err tool_write_file (const char *path, const uint8_t *data, size_t len);

/* One certificate from a PEM or DER file. */
inkan_err tool_load_cert (const char *path, X509 **out);

/* Print and free a JSON value on stdout. */
void tool_json_print (json_t *value);

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
int verb_delete (tool *t, int argc, char **argv);
int verb_validate (tool *t, int argc, char **argv);

#endif
