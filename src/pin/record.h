/* inkan's own count of consecutive wrong PINs, per token and PIN, kept in
 * small files that are replaced whole (write, fsync, rename), so that a
 * crash at any point leaves either the old count or the new one. */
#ifndef INKAN_PIN_RECORD_H
#define INKAN_PIN_RECORD_H

#include <inkan/error.h>

/* DIR NULL: the user's state directory.  *PATH_OUT is malloc'd. */
inkan_err inkan_pin_record_path (const char *dir, const char *name, char **path_out);

/* A missing record is zero failures. */
inkan_err inkan_pin_record_read (const char *path, int *failures);

/* Creates the directory (0700) when needed. */
inkan_err inkan_pin_record_write (const char *path, int failures);

#endif
