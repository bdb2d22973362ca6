/* Helpers shared inside libinkan; nothing here is public API. */
#ifndef INKAN_INTERNAL_H
#define INKAN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <libintl.h>
#include <inkan/inkan.h>

#define _(s) dgettext (GETTEXT_PACKAGE, s)
#define N_(s) (s)

/* Record a detail for inkan_detail() and return ERR, so that failures read
 * `return inkan_fail (INKAN_ERR_NOT_FOUND, _("no token matches %s"), uri);` */
inkan_err inkan_fail (inkan_err err, const char *fmt, ...)
	__attribute__((format (printf, 2, 3)));

/* Like inkan_fail, with OpenSSL's first queued error appended (and the
 * queue cleared). */
inkan_err inkan_fail_ossl (inkan_err err, const char *fmt, ...)
	__attribute__((format (printf, 2, 3)));

void inkan_detail_clear (void);

/* Lower-case hex of LEN bytes into OUT, which has room for LEN * 2 + 1
 * characters (inkan_hex_encode in <inkan/hex.h> allocates instead). */
void inkan_hex_encode_to (const uint8_t *buf, size_t len, char *out);

/* PARSE on all of PATH's text (a settings file, INKAN_FILE_LIMIT_SETTINGS at most). */
typedef inkan_err (*inkan_text_fn) (void *data, const char *path, const char *text, size_t len);
inkan_err inkan_parse_file (const char *path, inkan_text_fn parse, void *data);

/* FN on each line of TEXT that is not blank or a # comment, trimmed of
 * blanks at both ends, with its number (from 1); the first failure ends
 * it.  Text holding a NUL byte is refused. */
typedef inkan_err (*inkan_line_fn) (void *data, char *line, size_t number);
inkan_err inkan_text_lines (const char *text, size_t len, inkan_line_fn fn, void *data);

#endif
