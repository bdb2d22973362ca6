/* The disk cache: CRLs and OCSP answers, one file each, named by the
 * SHA-256 of what identifies them.  Readers re-verify what they load. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "src/validate/vint.h"

static char *
cache_path (const inkan_validator *v, const char *kind, const char *key)
{
	unsigned char md[32];
	char *hex, *path = NULL;

	if (!EVP_Digest (key, strlen (key), md, NULL, EVP_sha256 (), NULL))
		return NULL;
	hex = inkan_hex_encode (md, sizeof md);
	if (hex != NULL && asprintf (&path, "%s/%s-%s.der", v->cache_dir, kind, hex) < 0)
		path = NULL;
	free (hex);
	return path;
}

inkan_err
cache_read (const inkan_validator *v, const char *kind, const char *key,
            uint8_t **data, size_t *len)
{
	char *path;
	inkan_err err;

	if (v->cache_dir == NULL || (path = cache_path (v, kind, key)) == NULL)
		return INKAN_ERR_NOT_FOUND;
	/* whatever keeps it from being used (absent, empty, too large) is a miss */
	err = inkan_file_read (path, FETCH_MAX, 0, data, len);
	if (err == INKAN_OK && *len == 0) {
		free (*data);
		err = INKAN_ERR_NOT_FOUND;
	}
	free (path);
	return err == INKAN_OK ? INKAN_OK : INKAN_ERR_NOT_FOUND;
}

/* Best effort: a cache that cannot be written only costs a refetch. */
void
cache_write (const inkan_validator *v, const char *kind, const char *key,
             const uint8_t *data, size_t len)
{
	char *path, *tmp = NULL;
	FILE *f;
	int ok;

	if (v->cache_dir == NULL || (path = cache_path (v, kind, key)) == NULL)
		return;
	if (mkdir (v->cache_dir, 0700) != 0 && errno != EEXIST)
		goto out;
	if (asprintf (&tmp, "%s.%ld.tmp", path, (long) getpid ()) < 0) {
		tmp = NULL;
		goto out;
	}
	f = fopen (tmp, "wb");
	if (f == NULL)
		goto out;
	ok = fwrite (data, 1, len, f) == len;
	ok = fclose (f) == 0 && ok;
	if (!ok || rename (tmp, path) != 0)
		unlink (tmp);
out:
	free (tmp);
	free (path);
}
