/* Fingerprints as CAs publish them: upper-case hex pairs joined by colons. */
#include "src/cert/certint.h"

int
cert_fingerprint (X509 *cert, const EVP_MD *md, char *buf, size_t size)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (!X509_digest (cert, md, d, &len) || size < (size_t) len * 3) {
		ERR_clear_error ();
		return 0;
	}
	for (i = 0; i < len; i++) {
		buf[3 * i] = "0123456789ABCDEF"[d[i] >> 4];
		buf[3 * i + 1] = "0123456789ABCDEF"[d[i] & 15];
		buf[3 * i + 2] = i + 1 < len ? ':' : '\0';
	}
	return 1;
}
