/*
 * Loading inkan's provider once into each library context, with OpenSSL's
 * default provider beside it, and keeping plain fetches by key type on the
 * default provider's key management.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "src/util/internal.h"
#include "src/crypto/provider.h"

/* OSSL_PROVIDER_load hands out a reference that only OSSL_PROVIDER_unload
 * gives back; we keep ours here until inkan_provider_unload. */
typedef struct loaded {
	struct loaded *next;
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *inkan;
	OSSL_PROVIDER *deflt;           /* NULL: not loaded by us */
} loaded;

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static loaded *loaded_list;
static int unload_at_exit;

static int
keymgmt_is_ours (OSSL_LIB_CTX *libctx, const char *name)
{
	EVP_KEYMGMT *km = EVP_KEYMGMT_fetch (libctx, name, NULL);
	int ours = km != NULL && strcmp (OSSL_PROVIDER_get0_name (EVP_KEYMGMT_get0_provider (km)),
	                                 INKAN_PROVIDER_NAME) == 0;

	EVP_KEYMGMT_free (km);
	return ours;
}

static void
prime (OSSL_LIB_CTX *libctx)
{
	(void) keymgmt_is_ours (libctx, "RSA");
	(void) keymgmt_is_ours (libctx, "EC");
}

/*
 * Our keymgmts share the names "RSA" and "EC" with the default provider's,
 * and OpenSSL's fetch cache lets a lookup that names no provider find an
 * entry made for a lookup inside one provider: once OpenSSL has fetched our
 * keymgmt from our provider to sign (with no property query), a plain
 * fetch of "EC" could get ours, which cannot generate or import keys.  An
 * entry for the default provider's, made first, is found first; so make it
 * when loading, and remake it whenever the cache has lost it (a provider
 * loaded later empties the cache).
 */
void
inkan_provider_guard (OSSL_LIB_CTX *libctx, inkan_key_type type)
{
	ERR_set_mark ();
	if (keymgmt_is_ours (libctx, type == INKAN_KEY_RSA ? "RSA" : "EC")) {
		/* Setting the default properties to what they are empties the cache. */
		EVP_default_properties_enable_fips (libctx, EVP_default_properties_is_fips_enabled (libctx));
		prime (libctx);
	}
	ERR_pop_to_mark ();
}

static void
unload_default_context (void)
{
	inkan_provider_unload (NULL);
}

inkan_err
inkan_provider_load (OSSL_LIB_CTX *libctx)
{
	loaded *l = NULL, **pp;
	inkan_err err = INKAN_OK;

	pthread_mutex_lock (&load_lock);
	if (OSSL_PROVIDER_available (libctx, INKAN_PROVIDER_NAME))
		goto out;
	/* What we hold for a context of that address is from one since freed:
	 * its references went with it, and must not be given back. */
	for (pp = &loaded_list; *pp != NULL;) {
		if ((*pp)->libctx == libctx) {
			l = *pp;
			*pp = l->next;
			free (l);
		} else {
			pp = &(*pp)->next;
		}
	}
	l = calloc (1, sizeof *l);
	if (l == NULL) {
		err = INKAN_ERR_NOMEM;
		goto out;
	}
	l->libctx = libctx;
	/* Added once, a built-in provider stays known to the context. */
	ERR_set_mark ();
	(void) OSSL_PROVIDER_add_builtin (libctx, INKAN_PROVIDER_NAME, inkan_provider_init);
	ERR_pop_to_mark ();
	/* Keeping the fallbacks lets OpenSSL still load "default" by itself
	 * where nothing else was loaded... */
	l->inkan = OSSL_PROVIDER_try_load (libctx, INKAN_PROVIDER_NAME, 1);
	if (l->inkan == NULL) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot load inkan's OpenSSL provider"));
		goto out;
	}
	/* ...and where the application chose its providers, we add "default":
	 * digests, encoders and verification come from there. */
	if (!OSSL_PROVIDER_available (libctx, "default") &&
	    (l->deflt = OSSL_PROVIDER_load (libctx, "default")) == NULL) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot load OpenSSL's default provider"));
		OSSL_PROVIDER_unload (l->inkan);
		goto out;
	}
	ERR_set_mark ();
	prime (libctx);
	ERR_pop_to_mark ();
	if (libctx == NULL && !unload_at_exit)
		unload_at_exit = atexit (unload_default_context) == 0;
	l->next = loaded_list;
	loaded_list = l;
	l = NULL;
out:
	free (l);
	pthread_mutex_unlock (&load_lock);
	return err;
}

void
inkan_provider_unload (OSSL_LIB_CTX *libctx)
{
	loaded *l = NULL, **pp;

	pthread_mutex_lock (&load_lock);
	for (pp = &loaded_list; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->libctx == libctx) {
			l = *pp;
			*pp = l->next;
			break;
		}
	}
	pthread_mutex_unlock (&load_lock);
	if (l == NULL)
		return;
	OSSL_PROVIDER_unload (l->inkan);
	if (l->deflt != NULL)
		OSSL_PROVIDER_unload (l->deflt);
	free (l);
}
