/* POST /v1/verify: does a signature over some data verify with a key's
 * public half?  In software, on the loop thread: it needs no token and
 * signs nothing, so only a refusal makes an audit record. */
#include <stdlib.h>
#include <openssl/evp.h>

#include "inkand/inkand.h"

/* A refusal, recorded (through the pool, as the signing endpoints' are)
 * before the 403 leaves. */
typedef struct {
	inkand_job job;                 /* first: the pool hands this back */
	inkand_call call;
} denial_job;

static void
denial_reply (inkand_job *job)
{
	denial_job *d = (denial_job *) job;

	if (job->audit_err != INKAN_OK)
		inkand_reply_error (&d->call, 503, 0, "audit-failed", job->audit_detail);
	else
		inkand_reply_error (&d->call, 403, 0, "forbidden", _("this client may not use this key for this operation"));
	free (d);
}

static void
deny (inkand_call *call, size_t key, const uint8_t *data, size_t len)
{
	denial_job *d = calloc (1, sizeof *d);

	if (d == NULL) {
		inkand_reply_error (call, 500, 0, "nomem", _("out of memory"));
		return;
	}
	d->call = *call;
	d->job.reply = denial_reply;
	d->job.client = d->call.client;
	d->job.key_uri = call->srv->cfg->keys[key].uri;
	d->job.operation = inkand_op_name (INKAND_OP_VERIFY);
	d->job.denied = "denied";
	EVP_Digest (data, len, d->job.digest, NULL, EVP_sha256 (), NULL);
	if (inkand_submit (&d->call, &d->job) != 0)
		free (d);
}

void
inkand_api_verify (inkand_call *call)
{
	inkand_server *srv = call->srv;
	static const char *const members[] = { "key", "data", "signature", "hash", "scheme", "format", NULL };
	json_t *body = inkand_read_json (call, members);
	const char *name, *data, *sig, *why = NULL;
	uint8_t *data_bin = NULL, *sig_bin = NULL;
	size_t data_len = 0, sig_len = 0;
	inkan_sig_scheme scheme = INKAN_SIG_ECDSA;
	inkan_hash hash = INKAN_HASH_SHA256;
	unsigned flags = 0;
	EVP_PKEY *pub = NULL;
	inkan_err err;
	long k = -1;

	if (body == NULL)
		return;
	name = json_string_value (json_object_get (body, "key"));
	data = json_string_value (json_object_get (body, "data"));
	sig = json_string_value (json_object_get (body, "signature"));
	if (name == NULL || data == NULL || sig == NULL)
		why = _("give \"key\", and \"data\" and \"signature\" in base64");
	/* Decoded first: a refusal's record holds the data's digest. */
	else if (inkand_base64_decode (data, &data_bin, &data_len) != 0 ||
	         inkand_base64_decode (sig, &sig_bin, &sig_len) != 0)
		why = _("\"data\" or \"signature\" is not base64");
	else if ((k = inkand_config_key (srv->cfg, name)) < 0) {
		inkand_reply_error (call, 404, 0, "no-such-key", _("no key of that name is configured"));
		goto out;
	} else if (!inkand_authz_allows (srv->cfg->authz, call->client, (size_t) k, INKAND_OP_VERIFY)) {
		deny (call, (size_t) k, data_bin, data_len);
		goto out;
	} else if ((pub = inkand_pool_pubkey (srv->pool, (size_t) k)) == NULL)
		why = _("the token has no public key or certificate for this key");
	if (why == NULL)
		why = inkand_take_hash (body, &hash);
	if (why == NULL)
		why = inkand_take_scheme (body, EVP_PKEY_get_base_id (pub) == EVP_PKEY_EC ? INKAN_KEY_EC : INKAN_KEY_RSA,
		                          &scheme);
	if (why == NULL)
		why = inkand_take_format (body, &flags);
	if (why != NULL) {
		inkand_reply_error (call, 400, 0, "bad-request", why);
		goto out;
	}
	err = inkan_signature_verify (pub, scheme, hash, data_bin, data_len, flags, sig_bin, sig_len);
	if (err == INKAN_OK || err == INKAN_ERR_BAD_SIGNATURE)
		inkand_reply_json (call, 200, json_pack ("{s:b, s:s}", "valid", err == INKAN_OK, "key", name));
	else
		inkand_reply_error (call, inkand_status_of (err), 0, inkan_err_name (err), inkan_detail ());
out:
	free (data_bin);
	free (sig_bin);
	json_decref (body);
}
