/*
 * card-api: what a front end gets from <inkan/...> alone, printed one fact a
 * line for the scripts to check (module from $INKAN_MODULE):
 *
 *   card-api reader NAME       the tokens that are the card in reader NAME:
 *                              "token LABEL profile ID pin NAME tries MAX",
 *                              and "reader NAME" as each token names it back
 *   card-api certs URI [PIN]   the certificates on the token URI (after a
 *                              login with PIN): "cert ID-HEX DER-SHA256 LABEL"
 *   card-api keygen URI PIN ID-HEX   a P-256 key with ID, after an SO login
 *                              with PIN: "keygen ok", or "error NAME"
 *   card-api card-keygen URI PIN PURPOSE TYPE   a key of TYPE in the card's
 *                              slot for PURPOSE (signature, decryption,
 *                              authentication), PIN as the card wants it:
 *                              "private URI", "public URI", "id HEX"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <inkan/inkan.h>

static int
fail (inkan_err err)
{
	printf ("error %s: %s\n", inkan_err_name (err), inkan_detail ());
	return 1;
}

static int
reader (inkan_ctx *ctx, const char *name)
{
	inkan_token_info *toks = NULL;
	inkan_card_pin_info pin;
	size_t n = 0, i;
	inkan_err err = inkan_reader_tokens (ctx, name, &toks, &n);

	for (i = 0; err == INKAN_OK && i < n; i++) {
		char *back = NULL;

		inkan_card_pin_for_token (&toks[i], INKAN_USER_NORMAL, &pin);
		printf ("token %s profile %s pin %s tries %d\n", toks[i].label,
		        inkan_card_profile_id (inkan_card_profile_of_token (&toks[i])), pin.name, pin.max_tries);
		err = inkan_token_reader (&toks[i], &back);
		if (err == INKAN_OK)
			printf ("reader %s\n", back);
		free (back);
	}
	inkan_token_info_free (toks, n);
	return err == INKAN_OK ? 0 : fail (err);
}

static int
certs (inkan_ctx *ctx, const char *uri, const char *pin_text)
{
	inkan_token *tok = NULL;
	inkan_token_cert *list = NULL;
	inkan_secret *pin = NULL;
	size_t n = 0, i;
	inkan_err err = inkan_token_open (ctx, uri, &tok);

	if (err == INKAN_OK && pin_text != NULL)
		err = inkan_secret_new (pin_text, strlen (pin_text), &pin);
	if (err == INKAN_OK && pin != NULL)
		err = inkan_token_login (tok, INKAN_USER_NORMAL, pin, 0);
	if (err == INKAN_OK)
		err = inkan_token_certs (tok, &list, &n);
	for (i = 0; err == INKAN_OK && i < n; i++) {
		unsigned char d[32];
		char *id = inkan_hex_encode (list[i].object.id, list[i].object.id_len);
		char *hex;

		EVP_Digest (list[i].der, list[i].der_len, d, NULL, EVP_sha256 (), NULL);
		hex = inkan_hex_encode (d, sizeof d);
		printf ("cert %s %s %s\n", id ? id : "?", hex ? hex : "?", list[i].object.label);
		free (id);
		free (hex);
	}
	inkan_token_certs_free (list, n);
	inkan_secret_free (pin);
	inkan_token_free (tok);
	return err == INKAN_OK ? 0 : fail (err);
}

static int
keygen (inkan_ctx *ctx, const char *uri, const char *pin_text, const char *id_hex)
{
	inkan_keygen_params params = { .label = "api" };
	inkan_keygen_result result = { 0 };
	inkan_token *tok = NULL;
	inkan_secret *pin = NULL;
	uint8_t *id = NULL;
	inkan_err err = inkan_token_open (ctx, uri, &tok);

	if (err == INKAN_OK)
		err = inkan_hex_decode (id_hex, &id, &params.id_len);
	params.id = id;
	if (err == INKAN_OK)
		err = inkan_keygen_parse_type ("ec:P-256", &params);
	if (err == INKAN_OK)
		err = inkan_secret_new (pin_text, strlen (pin_text), &pin);
	if (err == INKAN_OK)
		err = inkan_token_login (tok, INKAN_USER_SO, pin, 0);
	if (err == INKAN_OK)
		err = inkan_keygen (tok, &params, &result);
	if (err == INKAN_OK)
		printf ("keygen ok\n");
	inkan_keygen_result_clear (&result);
	free (id);
	inkan_secret_free (pin);
	inkan_token_free (tok);
	return err == INKAN_OK ? 0 : fail (err);
}

static int
card_keygen (inkan_ctx *ctx, const char *uri, const char *pin_text, const char *purpose_name, const char *type)
{
	static const char *const names[] = { "signature", "decryption", "authentication" };
	inkan_keygen_params params = { 0 };
	inkan_keygen_result result = { 0 };
	inkan_token *tok = NULL;
	inkan_secret *pin = NULL;
	unsigned purpose = 0, i;
	inkan_err err = inkan_token_open (ctx, uri, &tok);

	for (i = 0; i < 3; i++)
		if (strcmp (purpose_name, names[i]) == 0)
			purpose = 1u << i;
	if (err == INKAN_OK)
		err = inkan_keygen_parse_type (type, &params);
	if (err == INKAN_OK)
		err = inkan_secret_new (pin_text, strlen (pin_text), &pin);
	if (err == INKAN_OK)
		err = inkan_card_keygen (tok, pin, 0, purpose, &params, &result);
	if (err == INKAN_OK) {
		char *id = inkan_hex_encode (result.id, result.id_len);

		printf ("private %s\npublic %s\nid %s\n", result.private_uri, result.public_uri, id ? id : "?");
		free (id);
	}
	inkan_keygen_result_clear (&result);
	inkan_secret_free (pin);
	inkan_token_free (tok);
	return err == INKAN_OK ? 0 : fail (err);
}

int
main (int argc, char **argv)
{
	inkan_ctx *ctx = NULL;
	inkan_err err = inkan_ctx_new (&ctx);
	int ret = 2;

	if (err == INKAN_OK)
		err = inkan_ctx_set_module (ctx, getenv ("INKAN_MODULE"));
	if (err != INKAN_OK)
		ret = fail (err);
	else if (argc == 3 && strcmp (argv[1], "reader") == 0)
		ret = reader (ctx, argv[2]);
	else if ((argc == 3 || argc == 4) && strcmp (argv[1], "certs") == 0)
		ret = certs (ctx, argv[2], argc == 4 ? argv[3] : NULL);
	else if (argc == 5 && strcmp (argv[1], "keygen") == 0)
		ret = keygen (ctx, argv[2], argv[3], argv[4]);
	else if (argc == 6 && strcmp (argv[1], "card-keygen") == 0)
		ret = card_keygen (ctx, argv[2], argv[3], argv[4], argv[5]);
	else
		fprintf (stderr, "usage: card-api reader NAME | certs URI [PIN] | keygen URI SO-PIN ID-HEX | "
		         "card-keygen URI PIN PURPOSE TYPE\n");
	inkan_ctx_free (ctx);
	return ret;
}
