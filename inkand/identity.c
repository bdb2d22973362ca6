/* The client's identity from its certificate's subject. */
#include <stdio.h>
#include <string.h>
#include <openssl/x509.h>

#include "inkand/inkand.h"

int
inkand_cert_cn (X509_NAME *name, char *out, size_t len)
{
	unsigned char *utf8 = NULL;
	int idx, n, ret = -1;

	/* One CN, or which names the client is a guess: authorisation would
	 * see the first, a proxy or a log the last. */
	idx = X509_NAME_get_index_by_NID (name, NID_commonName, -1);
	if (idx < 0 || X509_NAME_get_index_by_NID (name, NID_commonName, idx) >= 0)
		return -1;
	n = ASN1_STRING_to_UTF8 (&utf8, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, idx)));
	/* A NUL inside would cut the name short ("relay1\0.evil" as "relay1"),
	 * and a name cut to fit OUT could be another client's. */
	if (n > 0 && strlen ((char *) utf8) == (size_t) n && (size_t) snprintf (out, len, "cn:%s", utf8) < len)
		ret = 0;
	OPENSSL_free (utf8);
	return ret;
}
