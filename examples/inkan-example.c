/* A front end in miniature, built on <inkan/inkan.h> alone: what the
 * viewer and the kiosk do first.  It shows that the public API suffices to
 *
 *   inkan-example certs FILE|URI   show the basic view of every certificate
 *                                  in a file or on a token;
 *   inkan-example readers          list the card readers, the tokens that are
 *                                  the card in each, and their PINs' tries;
 *                                  then the tokens in no reader (HSMs).
 *
 * INKAN_MODULE names one PKCS#11 module, as for the inkan command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <inkan/inkan.h>

static int
fail (const char *what, inkan_err err)
{
	fprintf (stderr, "inkan-example: %s: %s (%s)\n", what, inkan_strerror (err), inkan_detail ());
	return 1;
}

static int
show_certs (inkan_ctx *ctx, const char *file_or_uri)
{
	STACK_OF(X509) *certs = NULL;
	inkan_err err;
	int i, status = 0;

	err = inkan_certs_load (ctx, file_or_uri, NULL, 0, &certs);
	if (err != INKAN_OK)
		return fail (file_or_uri, err);
	for (i = 0; i < sk_X509_num (certs); i++) {
		inkan_cert_view *view = NULL;
		size_t f;

		err = inkan_cert_view_new (sk_X509_value (certs, i), time (NULL), &view);
		if (err != INKAN_OK) {
			status = fail ("certificate view", err);
			break;
		}
		printf ("certificate %d: %s\n", i + 1, inkan_cert_profile_name (inkan_cert_view_profile (view)));
		for (f = 0; f < inkan_cert_view_count (view); f++) {
			const inkan_cert_field *field = inkan_cert_view_field (view, f);

			if (field->section == INKAN_SECTION_BASIC)
				printf ("  %s: %s\n", field->label, field->value);
		}
		inkan_cert_view_free (view);
	}
	sk_X509_pop_free (certs, X509_free);
	return status;
}

/* Each user PIN of the token: its state and tries, asked before any PIN
 * is sent, as a PIN dialog would show them. */
static int
show_token (inkan_ctx *ctx, const inkan_token_info *info)
{
	const inkan_card_profile *profile = inkan_card_profile_of_token (info);
	inkan_card_pin_info pin;
	inkan_pin_status st;
	inkan_token *tok = NULL;
	inkan_err err;

	printf ("  token \"%s\" (%s) %s\n", info->label, inkan_card_profile_id (profile), info->uri);
	err = inkan_token_open (ctx, info->uri, &tok);
	if (err != INKAN_OK)
		return fail (info->uri, err);
	inkan_card_pin_for_token (info, INKAN_USER_NORMAL, &pin);
	err = inkan_pin_status_get (tok, INKAN_USER_NORMAL, &st);
	if (err == INKAN_OK)
		printf ("    PIN %s: %s, %d of %d tries left (from %s)\n", pin.name,
		        inkan_pin_state_name (st.state), st.tries_left, st.max_tries,
		        st.tries_source != NULL ? st.tries_source : "-");
	inkan_token_free (tok);
	return err == INKAN_OK ? 0 : fail ("PIN status", err);
}

/* An HSM's free slot holds a token no one has initialised: nothing to show. */
static int
initialized (const inkan_token_info *info)
{
	const char *names[32];
	size_t i, n = inkan_token_flag_names (info->flags, names, sizeof names / sizeof names[0]);

	for (i = 0; i < n; i++)
		if (strcmp (names[i], "token-initialized") == 0)
			return 1;
	return 0;
}

static int
list_readers (inkan_ctx *ctx)
{
	inkan_reader_info *readers = NULL;
	inkan_token_info *tokens = NULL;
	size_t n_readers = 0, n_tokens = 0, i, j;
	inkan_err err;
	int status = 0;

	err = inkan_reader_list (&readers, &n_readers);
	if (err != INKAN_OK && err != INKAN_ERR_NO_SERVICE)
		return fail ("card readers", err);
	for (i = 0; i < n_readers; i++) {
		inkan_token_info *in_reader = NULL;
		size_t n_in = 0;

		printf ("reader \"%s\": %s", readers[i].name, inkan_reader_state_name (readers[i].state));
		if (readers[i].atr_len > 0)
			printf (", %s", inkan_card_profile_description (
			                inkan_card_profile_for_atr (readers[i].atr, readers[i].atr_len)));
		printf ("\n");
		err = inkan_reader_tokens (ctx, readers[i].name, &in_reader, &n_in);
		if (err != INKAN_OK) {
			status = fail (readers[i].name, err);
			continue;
		}
		for (j = 0; j < n_in; j++)
			status |= show_token (ctx, &in_reader[j]);
		inkan_token_info_free (in_reader, n_in);
	}
	inkan_reader_info_free (readers, n_readers);

	err = inkan_token_list (ctx, NULL, &tokens, &n_tokens);
	if (err != INKAN_OK)
		return fail ("tokens", err);
	for (i = 0; i < n_tokens; i++) {
		char *reader = NULL;

		/* No PC/SC service: no reader holds it either. */
		if (!initialized (&tokens[i]))
			continue;
		err = inkan_token_reader (&tokens[i], &reader);
		free (reader);
		if (err == INKAN_ERR_NOT_FOUND || err == INKAN_ERR_NO_SERVICE) {
			printf ("no reader:\n");
			status |= show_token (ctx, &tokens[i]);
		}
	}
	inkan_token_info_free (tokens, n_tokens);
	return status;
}

int
main (int argc, char **argv)
{
	inkan_ctx *ctx = NULL;
	const char *module = getenv ("INKAN_MODULE");
	inkan_err err;
	int status = 2;

	if (argc < 2 || (strcmp (argv[1], "certs") == 0) != (argc == 3) ||
	    (strcmp (argv[1], "certs") != 0 && strcmp (argv[1], "readers") != 0)) {
		fprintf (stderr, "usage: inkan-example certs FILE|URI\n       inkan-example readers\n");
		return 2;
	}
	err = inkan_ctx_new (&ctx);
	if (err == INKAN_OK && module != NULL)
		err = inkan_ctx_set_module (ctx, module);
	if (err != INKAN_OK)
		status = fail ("context", err);
	else if (strcmp (argv[1], "certs") == 0)
		status = show_certs (ctx, argv[2]);
	else
		status = list_readers (ctx);
	inkan_ctx_free (ctx);
	return status;
}
