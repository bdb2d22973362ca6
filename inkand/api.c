/* What the endpoints share: JSON bodies, base64, statuses for failures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/http.h>

#include "inkand/inkand.h"

/* The first member of BODY not in MEMBERS, or NULL. */
static const char *
unknown_member (json_t *body, const char *const *members)
{
	const char *name, *const *m;
	json_t *value;

	json_object_foreach (body, name, value) {
		for (m = members; *m != NULL && strcmp (*m, name) != 0; m++)
			;
		if (*m == NULL)
			return name;
	}
	return NULL;
}

json_t *
inkand_parse_body (const char *data, size_t len, const char *const *members, char *why, size_t why_len)
{
	const char *unknown = NULL;
	json_error_t jerr;
	json_t *body;

	body = json_loadb (data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (body != NULL && json_is_object (body) && (unknown = unknown_member (body, members)) == NULL)
		return body;
	if (unknown != NULL)
		snprintf (why, why_len, _("the request body has an unknown member \"%.64s\""), unknown);
	else
		snprintf (why, why_len, "%s", body == NULL ? jerr.text : _("the request body is not a JSON object"));
	json_decref (body);
	return NULL;
}

json_t *
inkand_read_json (inkand_call *call, const char *const *members)
{
	struct evbuffer *in = evhttp_request_get_input_buffer (call->req);
	size_t len = evbuffer_get_length (in);
	char why[256];
	json_t *body = inkand_parse_body ((const char *) evbuffer_pullup (in, -1), len, members, why, sizeof why);

	if (body == NULL)
		inkand_reply_error (call, 400, 0, "bad-request", why);
	return body;
}

/* The API's byte values are never empty: nothing to sign or check. */
int
inkand_base64_decode (const char *text, uint8_t **out, size_t *len)
{
	return text != NULL && *text != '\0' &&
	       inkan_base64_decode (text, strlen (text), INKAN_BASE64_STD, out, len) == INKAN_OK ? 0 : -1;
}

int
inkand_status_of (inkan_err err)
{
	switch (err) {
	case INKAN_ERR_USAGE:
	case INKAN_ERR_BAD_INPUT:
	case INKAN_ERR_UNSUPPORTED:
		return 400;
	/* The token is not there, not logged in, or failing: the service is
	 * unavailable, not the request wrong. */
	case INKAN_ERR_NOT_FOUND:
	case INKAN_ERR_AMBIGUOUS:
	case INKAN_ERR_PIN_INCORRECT:
	case INKAN_ERR_PIN_LOCKED:
	case INKAN_ERR_PIN_FINAL_TRY:
	case INKAN_ERR_PIN_INVALID:
	case INKAN_ERR_NOT_LOGGED_IN:
	case INKAN_ERR_MODULE:
	case INKAN_ERR_DEVICE_REMOVED:
	case INKAN_ERR_TOKEN:
	case INKAN_ERR_NO_SERVICE:
		return 503;
	default:
		return 500;
	}
}

const char *
inkand_take_hash (json_t *body, inkan_hash *out)
{
	const char *hash = json_string_value (json_object_get (body, "hash"));

	if (hash == NULL)
		hash = "sha256";
	return inkan_hash_from_name (hash, out) == INKAN_OK ? NULL : _("\"hash\" is sha256, sha384 or sha512");
}

const char *
inkand_take_scheme (json_t *body, inkan_key_type type, inkan_sig_scheme *out)
{
	const char *scheme = json_string_value (json_object_get (body, "scheme"));

	if (scheme == NULL)
		*out = type == INKAN_KEY_EC ? INKAN_SIG_ECDSA : INKAN_SIG_PKCS1;
	else if (inkan_sig_scheme_from_name (scheme, out, NULL) != INKAN_OK ||
	         (*out == INKAN_SIG_ECDSA) != (type == INKAN_KEY_EC))
		return _("\"scheme\" is ecdsa for EC keys, pkcs1 or pss for RSA keys");
	return NULL;
}

const char *
inkand_take_format (json_t *body, unsigned *flags)
{
	const char *format = json_string_value (json_object_get (body, "format"));

	if (format == NULL || strcmp (format, "der") == 0)
		return NULL;
	if (strcmp (format, "raw") != 0)
		return _("\"format\" is der or raw");
	*flags |= INKAN_SIG_RAW;
	return NULL;
}
