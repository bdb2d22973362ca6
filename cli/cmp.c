/* What the cmp verbs share: the CA, the protection of the requests, whom
 * answers are trusted from, and what becomes of an issued certificate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>

#include "cli/tool.h"

int
tool_cmp_option (tool *t, tool_cmp *o, int c, const char *arg, int *exit_code)
{
	long seconds;

	if (tool_pins_option (t, &o->pins, c, arg))
		return 1;
	switch (c) {
	case TOOL_OPT_CMP_SERVER: o->server = arg; return 1;
	case TOOL_OPT_CMP_REF: o->ref = arg; return 1;
	case TOOL_OPT_CMP_SECRET: o->secret = arg; return 1;
	case TOOL_OPT_CMP_SIGNER_CERT: o->signer_cert = arg; return 1;
	case TOOL_OPT_CMP_SIGNER_KEY: o->signer_key = arg; return 1;
	case TOOL_OPT_CMP_SIGNER_PIN: o->signer_pin = arg; return 1;
	case TOOL_OPT_CMP_TRUSTED:
		if (o->n_trusted == (int) (sizeof o->trusted / sizeof o->trusted[0])) {
			*exit_code = tool_usage (t, t->verb, _("at most %d --trusted files"), o->n_trusted);
			return -1;
		}
		o->trusted[o->n_trusted++] = arg;
		return 1;
	case TOOL_OPT_CMP_TIMEOUT:
		seconds = tool_parse_duration (arg);
		if (seconds < 1 || seconds > 3600) {
			*exit_code = tool_usage (t, t->verb, _("--timeout wants 1s to 1h, not \"%s\""), arg);
			return -1;
		}
		o->timeout = (int) seconds;
		return 1;
	default:
		return 0;
	}
}

static inkan_err
add_trusted (tool *t, inkan_enroll *e, const char *arg)
{
	STACK_OF(X509) *certs = NULL;
	inkan_err err = tool_load_certs (t, arg, NULL, &certs);
	int i;

	for (i = 0; err == INKAN_OK && i < sk_X509_num (certs); i++)
		err = inkan_enroll_add_trusted (e, sk_X509_value (certs, i));
	sk_X509_pop_free (certs, X509_free);
	return err;
}

static inkan_err
set_mac (inkan_enroll *e, const tool_cmp *o)
{
	inkan_secret *secret = NULL;
	char prompt[256];
	inkan_err err;

	snprintf (prompt, sizeof prompt, _("CMP secret for reference %s: "), o->ref);
	err = tool_secret (o->secret, prompt, &secret);
	if (err == INKAN_OK)
		err = inkan_enroll_set_mac (e, o->ref, secret);
	inkan_secret_free (secret);
	return err;
}

static inkan_err
set_signer (tool *t, inkan_enroll *e, const tool_cmp *o)
{
	X509 *cert = NULL;
	inkan_key *key = NULL;
	inkan_err err = tool_load_cert_any (t, o->signer_cert, &cert);

	if (err != INKAN_OK)
		return err;
	err = tool_open_key (t, o->signer_key, o->signer_pin ? o->signer_pin : o->pins.pin, 0, &key);
	if (err == INKAN_OK)
		err = inkan_enroll_set_signer (e, cert, key);
	if (err != INKAN_OK)
		tool_fail (t, err);
	inkan_key_free (key);
	X509_free (cert);
	return err;
}

int
tool_cmp_start (tool *t, const tool_cmp *o, int protect, inkan_enroll **out)
{
	inkan_enroll *e = NULL;
	int mac = o->ref != NULL || o->secret != NULL, sig = o->signer_cert != NULL || o->signer_key != NULL, i;
	inkan_err err;

	if (o->server == NULL)
		return tool_usage (t, t->verb, "%s", _("--server URL is needed"));
	if (protect && mac == sig)
		return tool_usage (t, t->verb, "%s",
		                   _("protect the requests with --ref and --secret, or with --signer-cert and --signer-key"));
	if (!protect && (mac || sig))
		return tool_usage (t, t->verb, "%s", _("the request is signed with the old key: no --ref, --secret or --signer-*"));
	if (mac && o->ref == NULL)
		return tool_usage (t, t->verb, "%s", _("--secret goes with --ref"));
	if (sig && (o->signer_cert == NULL || o->signer_key == NULL))
		return tool_usage (t, t->verb, "%s", _("--signer-cert and --signer-key go together"));

	err = inkan_enroll_new (o->server, &e);
	if (err == INKAN_OK && o->timeout > 0)
		err = inkan_enroll_set_timeout (e, o->timeout);
	if (err != INKAN_OK) {
		inkan_enroll_free (e);
		return tool_fail (t, err);
	}
	for (i = 0; err == INKAN_OK && i < o->n_trusted; i++)
		err = add_trusted (t, e, o->trusted[i]);
	if (err == INKAN_OK && mac && (err = set_mac (e, o)) != INKAN_OK)
		tool_fail (t, err);
	if (err == INKAN_OK && sig)
		err = set_signer (t, e, o);
	if (err != INKAN_OK) {
		inkan_enroll_free (e);
		return tool_exit_code (err);
	}
	*out = e;
	return TOOL_EXIT_OK;
}

static json_t *
answer_json (const inkan_enroll_answer *a)
{
	json_t *o = json_object (), *bits = json_array ();
	unsigned bit;

	for (bit = 0; bit < 32; bit++)
		if ((a->fail_info & (1u << bit)) && inkan_enroll_fail_info_name (bit) != NULL)
			json_array_append_new (bits, json_string (inkan_enroll_fail_info_name (bit)));
	json_object_set_new (o, "status", json_string (a->status_name));
	json_object_set_new (o, "fail_info", bits);
	json_object_set_new (o, "text", a->text ? json_string (a->text) : json_null ());
	return o;
}

int
tool_cmp_fail (tool *t, const inkan_enroll *e, inkan_err err)
{
	int json = t->json, ret;
	json_t *o;

	/* One JSON document: the error and what the CA said, together. */
	t->json = 0;
	ret = tool_fail (t, err);
	t->json = json;
	if (json) {
		o = json_pack ("{s:s, s:s, s:s}", "error", inkan_err_name (err), "message", inkan_strerror (err),
		               "detail", inkan_detail ());
		json_object_set_new (o, "answer", answer_json (inkan_enroll_last_answer (e)));
		tool_json_print (o);
	}
	return ret;
}

/* The certificate onto KEY's token with the key's CKA_ID and label, read
 * back and compared: a token that stored something else is a failure. */
static inkan_err
import (inkan_key *key, const uint8_t *der, size_t len, char **uri)
{
	inkan_token *tok = inkan_key_get_token (key);
	inkan_object_info *infos = NULL;
	size_t n = 0, i, back_len = 0;
	uint8_t *back = NULL;
	inkan_err err = inkan_object_list (tok, inkan_key_get_uri (key), &infos, &n);

	for (i = 0; err == INKAN_OK && i < n && infos[i].cls != INKAN_OBJECT_PRIVATE_KEY; i++)
		;
	if (err == INKAN_OK && i == n) {
		tool_set_detail (_("the key %s is not on its token any more"), inkan_key_get_uri (key));
		err = INKAN_ERR_NOT_FOUND;
	}
	if (err == INKAN_OK)
		err = inkan_cert_import (tok, der, len, infos[i].label ? infos[i].label : "certificate", infos[i].id,
		                         infos[i].id_len, uri);
	if (err == INKAN_OK)
		err = inkan_cert_export (tok, *uri, &back, &back_len);
	if (err == INKAN_OK && (back_len != len || memcmp (back, der, len) != 0)) {
		tool_set_detail (_("the certificate read back from %s is not the one written"), *uri);
		err = INKAN_ERR_TOKEN;
	}
	free (back);
	inkan_object_info_free (infos, n);
	return err;
}

int
tool_cmp_issued (tool *t, const inkan_enroll *e, X509 *cert, const char *out, inkan_key *key)
{
	BIO *mem = BIO_new (BIO_s_mem ());
	unsigned char *der = NULL;
	char *pem = NULL, *uri = NULL, *subject = NULL;
	int der_len = 0, ret;
	long pem_len = 0;
	inkan_err err = INKAN_OK;

	if (mem == NULL || !PEM_write_bio_X509 (mem, cert) || (pem_len = BIO_get_mem_data (mem, &pem)) <= 0 ||
	    (der_len = i2d_X509 (cert, &der)) <= 0 ||
	    (subject = X509_NAME_oneline (X509_get_subject_name (cert), NULL, 0)) == NULL) {
		ret = tool_exit_code (tool_nomem ());
		goto out;
	}
	if ((!t->json || out != NULL) && (err = tool_write_file (out, (const uint8_t *) pem, (size_t) pem_len)) != INKAN_OK) {
		ret = tool_exit_code (err);
		goto out;
	}
	if (key != NULL && (err = import (key, der, (size_t) der_len, &uri)) != INKAN_OK) {
		ret = tool_fail (t, err);
		goto out;
	}
	if (uri != NULL && !t->json)
		fprintf (stderr, _("inkan: certificate stored as %s\n"), uri);
	if (t->json) {
		json_t *o = answer_json (inkan_enroll_last_answer (e));

		json_object_set_new (o, "certificate", out ? json_string (out) : json_stringn (pem, (size_t) pem_len));
		json_object_set_new (o, "subject", json_string (subject));
		json_object_set_new (o, "imported", uri ? json_string (uri) : json_null ());
		tool_json_print (o);
	}
	ret = TOOL_EXIT_OK;
out:
	OPENSSL_free (subject);
	OPENSSL_free (der);
	free (uri);
	BIO_free (mem);
	return ret;
}
