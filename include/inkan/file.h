/* inkan — whole input files, read with a bound, so that a path naming a
 * FIFO, a device or a huge file cannot hang or exhaust a program. */
#ifndef INKAN_FILE_H
#define INKAN_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <inkan/export.h>
#include <inkan/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limits for the kinds of file the library and its programs read whole. */
#define INKAN_FILE_LIMIT_CERTS (16u << 20)      /* certificates, bundles, CRLs, CMS */
#define INKAN_FILE_LIMIT_SETTINGS (1u << 20)    /* validate.conf, pins files */
/* No limit: for documents, which are as large as their owner made them. */
#define INKAN_FILE_NO_LIMIT ((size_t) 0)

enum {
	/* PATH "-" (or NULL) is standard input, read up to the limit. */
	INKAN_FILE_STDIN = 1 << 0,
	/* Accept a FIFO or a character device too (a document piped in);
	 * without it anything but a regular file is refused. */
	INKAN_FILE_STREAM = 1 << 1,
};

/* All of PATH in *DATA (free()d by the caller; NUL-terminated beyond
 * *LEN, so that text can be used in place).  The file is opened with
 * O_NONBLOCK|O_NOCTTY and refused with INKAN_ERR_IO unless it is a regular
 * file (see FLAGS); one larger than LIMIT bytes (unless INKAN_FILE_NO_LIMIT)
 * is refused with INKAN_ERR_BAD_INPUT.  The detail names the file and the
 * limit or the reason.  INKAN_ERR_IO too when it cannot be opened or read. */
INKAN_API inkan_err inkan_file_read (const char *path, size_t limit, unsigned flags,
                                     uint8_t **data, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
