/* The names of signature schemes, alone and with their hash: one table. */
#include <string.h>

#include <inkan/key.h>
#include "src/util/internal.h"

#define NO_HASH ((inkan_hash) -1)

static const struct {
	const char *name;
	inkan_sig_scheme scheme;
	inkan_hash hash;        /* NO_HASH: the scheme alone */
} names[] = {
	/* first the name each writes, then what is only read */
	{ "rsa-pkcs1", INKAN_SIG_PKCS1, NO_HASH },
	{ "rsa-pss", INKAN_SIG_PSS, NO_HASH },
	{ "ecdsa", INKAN_SIG_ECDSA, NO_HASH },
	{ "rsa-pkcs1-sha256", INKAN_SIG_PKCS1, INKAN_HASH_SHA256 },
	{ "rsa-pkcs1-sha384", INKAN_SIG_PKCS1, INKAN_HASH_SHA384 },
	{ "rsa-pkcs1-sha512", INKAN_SIG_PKCS1, INKAN_HASH_SHA512 },
	{ "rsa-pss-sha256", INKAN_SIG_PSS, INKAN_HASH_SHA256 },
	{ "rsa-pss-sha384", INKAN_SIG_PSS, INKAN_HASH_SHA384 },
	{ "rsa-pss-sha512", INKAN_SIG_PSS, INKAN_HASH_SHA512 },
	{ "ecdsa-sha256", INKAN_SIG_ECDSA, INKAN_HASH_SHA256 },
	{ "ecdsa-sha384", INKAN_SIG_ECDSA, INKAN_HASH_SHA384 },
	{ "ecdsa-sha512", INKAN_SIG_ECDSA, INKAN_HASH_SHA512 },
	/* inkand's API took these before the table existed */
	{ "pkcs1", INKAN_SIG_PKCS1, NO_HASH },
	{ "pss", INKAN_SIG_PSS, NO_HASH },
};

const char *
inkan_sig_scheme_hash_name (inkan_sig_scheme scheme, inkan_hash hash)
{
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].scheme == scheme && names[i].hash == hash)
			return names[i].name;
	return "unknown";
}

const char *
inkan_sig_scheme_name (inkan_sig_scheme scheme)
{
	return inkan_sig_scheme_hash_name (scheme, NO_HASH);
}

inkan_err
inkan_sig_scheme_from_name (const char *name, inkan_sig_scheme *scheme, inkan_hash *hash)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++) {
		if (strcmp (name, names[i].name) != 0 || (names[i].hash == NO_HASH) != (hash == NULL))
			continue;
		*scheme = names[i].scheme;
		if (hash != NULL)
			*hash = names[i].hash;
		return INKAN_OK;
	}
	return inkan_fail (INKAN_ERR_BAD_INPUT, _("unknown signature scheme \"%s\""), name != NULL ? name : "");
}
