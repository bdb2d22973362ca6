/* inkan — PINs and passphrases: read from a source, held in wiped memory. */
#ifndef INKAN_SECRET_H
#define INKAN_SECRET_H

#include <stddef.h>
#include <inkan/export.h>
#include <inkan/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inkan_secret inkan_secret;

/*
 * Read a secret from SOURCE, in OpenSSL's -passin forms:
 *   env:VAR    the value of the environment variable VAR
 *   file:PATH  the first line of the file
 *   fd:N       the first line read from file descriptor N
 *   stdin      the first line of standard input
 * A literal ("pass:...") is refused: it would show in ps and shell history.
 * The secret lives in memory kept out of core dumps, and is wiped on free.
 */
INKAN_API inkan_err inkan_secret_read (const char *source, inkan_secret **out);

/* A secret from bytes the caller has (a GUI entry, a TTY prompt). */
INKAN_API inkan_err inkan_secret_new (const char *data, size_t len, inkan_secret **out);

INKAN_API const char *inkan_secret_data (const inkan_secret *secret);
INKAN_API size_t inkan_secret_len (const inkan_secret *secret);

/* Wipes and frees; NULL is fine. */
INKAN_API void inkan_secret_free (inkan_secret *secret);

#ifdef __cplusplus
}
#endif

#endif
