/*
 * The configured keys as the token resolved them.  A key's URI is only a
 * pattern: "id=%03", the attributes in another order, ";type=private", a
 * %-encoded label or no token attribute at all name the same object as
 * the checkpoint key's URI while differing from it as strings.  So
 * identity is decided on what the pool opened: the object's own URI as the
 * token states it (token, class, label, ID), or its public key, which also
 * catches a second object holding the same key.
 */
#include <string.h>
#include <openssl/evp.h>
#include <p11-kit/uri.h>

#include "inkand/inkand.h"

/* INKAN_ERR_USAGE unless the token attributes of KEY's URI (none: any
 * token) match TOKEN, the one the pool opened (configured as TOKEN_URI):
 * the key found there by label or ID would be another token's key's
 * namesake, signed with and recorded under the wrong name. */
static inkan_err
on_token (const inkand_key_conf *key, const inkan_token_info *token, const char *token_uri)
{
	P11KitUri *want = p11_kit_uri_new (), *have = p11_kit_uri_new ();
	inkan_err err = INKAN_OK;

	if (want == NULL || have == NULL)
		err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	else if (p11_kit_uri_parse (key->uri, P11_KIT_URI_FOR_ANY, want) != P11_KIT_URI_OK ||
	         p11_kit_uri_parse (token->uri, P11_KIT_URI_FOR_TOKEN, have) != P11_KIT_URI_OK)
		err = inkand_fail (INKAN_ERR_USAGE, _("key \"%s\": \"%s\" is not a pkcs11: URI"), key->name,
		                   key->uri);
	else if (!p11_kit_uri_match_token_info (want, p11_kit_uri_get_token_info (have)))
		err = inkand_fail (INKAN_ERR_USAGE,
		                   _("key \"%s\": \"%s\" names another token than \"token\" (%s): every key must be on it"),
		                   key->name, key->uri, token_uri);
	p11_kit_uri_free (want);
	p11_kit_uri_free (have);
	return err;
}

static int
same_key (inkand_pool *pool, size_t a, size_t b)
{
	inkan_key_type type;
	const char *uri_a = inkand_pool_key_info (pool, a, &type), *uri_b = inkand_pool_key_info (pool, b, &type);
	EVP_PKEY *pub_a = inkand_pool_pubkey (pool, a), *pub_b = inkand_pool_pubkey (pool, b);

	return strcmp (uri_a, uri_b) == 0 || (pub_a != NULL && pub_b != NULL && EVP_PKEY_eq (pub_a, pub_b) == 1);
}

inkan_err
inkand_keys_check (inkand_config *cfg, inkand_pool *pool)
{
	const inkan_token_info *token = inkand_pool_token_info (pool);
	long ck = cfg->checkpoint_key != NULL ? inkand_config_key (cfg, cfg->checkpoint_key) : -1;
	inkan_err err = INKAN_OK;
	size_t i;

	for (i = 0; err == INKAN_OK && i < cfg->n_keys; i++) {
		err = on_token (&cfg->keys[i], token, cfg->token);
		if (ck >= 0)
			cfg->checkpoint_same[i] = same_key (pool, i, (size_t) ck);
	}
	return err == INKAN_OK ? inkand_config_check_grants (cfg, cfg->authz) : err;
}
