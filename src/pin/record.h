/* inkan's own count of consecutive wrong PINs, per token and PIN, kept in
 * small files that are replaced whole (write, fsync, rename), so that a
 * crash at any point leaves either the old count or the new one. */
#ifndef INKAN_PIN_RECORD_H
#define INKAN_PIN_RECORD_H

#include <inkan/error.h>

/* DIR NULL: the user's state directory.  *PATH_OUT is malloc'd. */
inkan_err inkan_pin_record_path (const char *dir, const char *name, char **path_out);

/* The contents of a record, LEN bytes of DATA: 1 and *FAILURES set when
 * well-formed, else 0. */
int inkan_pin_record_parse (const char *data, size_t len, int *failures);

/* A missing record is zero failures. */
inkan_err inkan_pin_record_read (const char *path, int *failures);

/* Creates the directory (0700) when needed. */
inkan_err inkan_pin_record_write (const char *path, int failures);

/* Take the record's lock (a file beside it, PATH.lock: the record itself
 * is replaced whole), waiting for whoever holds it; *FD is for
 * inkan_pin_record_unlock.  Held from reading the record to writing it
 * back, across the PIN's trip to the token, it makes the decision of
 * every program using libinkan on this record one at a time. */
inkan_err inkan_pin_record_lock (const char *path, int *fd);
void inkan_pin_record_unlock (int fd);

#endif
