/*
 * A token key as an EVP_PKEY of inkan's provider, and the way back from an
 * OpenSSL failure to the token's error.
 */
#include <pthread.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/params.h>

#include "src/util/internal.h"
#include "src/crypto/provider.h"

/* The key this thread is handing to the keymgmt's import right now. */
static _Thread_local const inkan_key_handoff *pending;

const inkan_key_handoff *
inkan_handoff_pending (void)
{
	return pending;
}

inkan_err
inkan_key_to_evp_pkey (inkan_key *key, OSSL_LIB_CTX *libctx, EVP_PKEY **out)
{
	inkan_key_handoff handoff = { key, NULL };
	const inkan_key_handoff *ptr = &handoff;
	EVP_PKEY_CTX *pctx = NULL;
	OSSL_PARAM params[2];
	inkan_err err;

	*out = NULL;
	err = inkan_provider_load (libctx);
	if (err != INKAN_OK)
		return err;
	/* Fetched once here, the public half answers every later question
	 * about the key without going back to the token. */
	err = inkan_key_get_public (key, &handoff.pub);
	if (err != INKAN_OK)
		return err;

	pctx = EVP_PKEY_CTX_new_from_name (libctx,
	                                   inkan_key_get_type (key) == INKAN_KEY_RSA ? "RSA" : "EC",
	                                   "provider=" INKAN_PROVIDER_NAME);
	if (pctx == NULL || EVP_PKEY_fromdata_init (pctx) <= 0) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("inkan's OpenSSL provider is not usable"));
		goto out;
	}
	params[0] = OSSL_PARAM_construct_octet_string (INKAN_PARAM_HANDOFF, &ptr, sizeof ptr);
	params[1] = OSSL_PARAM_construct_end ();
	pending = &handoff;
	if (EVP_PKEY_fromdata (pctx, out, EVP_PKEY_KEYPAIR, params) <= 0)
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, _("cannot make an OpenSSL key of %s"),
		                       inkan_key_get_uri (key));
	pending = NULL;
out:
	EVP_PKEY_CTX_free (pctx);
	EVP_PKEY_free (handoff.pub);
	return err;
}

/* Token failures travel through OpenSSL's error queue under a library
 * code of our own, the inkan_err as the reason, the detail as data. */
static int err_lib;
static ERR_STRING_DATA err_strings[INKAN_ERR_LAST + 1];
static pthread_once_t err_once = PTHREAD_ONCE_INIT;

static void
err_init (void)
{
	int i;

	err_lib = ERR_get_next_error_library ();
	err_strings[0].error = ERR_PACK (err_lib, 0, 0);
	err_strings[0].string = "inkan";
	for (i = 1; i < INKAN_ERR_LAST; i++) {
		err_strings[i].error = ERR_PACK (err_lib, 0, i);
		err_strings[i].string = inkan_err_name ((inkan_err) i);
	}
	ERR_load_strings (err_lib, err_strings);
}

void
inkan_provider_raise (inkan_err err)
{
	pthread_once (&err_once, err_init);
	ERR_raise_data (err_lib, (int) err, "%s", inkan_detail ());
}

inkan_err
inkan_key_ossl_error (inkan_err fallback)
{
	char first[256] = "", detail[1024] = "";
	const char *data = NULL;
	inkan_err err = INKAN_OK;
	unsigned long e;
	int flags = 0;

	pthread_once (&err_once, err_init);
	while ((e = ERR_get_error_all (NULL, NULL, NULL, &data, &flags)) != 0) {
		if (err == INKAN_OK && ERR_GET_LIB (e) == err_lib) {
			err = (inkan_err) ERR_GET_REASON (e);
			if (data != NULL && (flags & ERR_TXT_STRING) != 0)
				snprintf (detail, sizeof detail, "%s", data);
		} else if (first[0] == '\0') {
			ERR_error_string_n (e, first, sizeof first);
		}
	}
	if (err != INKAN_OK)
		return inkan_fail (err, "%s", detail);
	return inkan_fail (fallback, "%s", first[0] != '\0' ? first : _("OpenSSL failed without saying why"));
}
