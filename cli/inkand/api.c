/* What the endpoints share: JSON bodies, base64, statuses for failures. */
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <openssl/evp.h>

#include "cli/inkand/inkand.h"

json_t *
inkand_read_json (inkand_call *call)
{
	struct evbuffer *in = evhttp_request_get_input_buffer (call->req);
	size_t len = evbuffer_get_length (in);
	json_error_t jerr;
	json_t *body;

	body = json_loadb ((const char *) evbuffer_pullup (in, -1), len, JSON_REJECT_DUPLICATES, &jerr);
	if (body == NULL || !json_is_object (body)) {
		inkand_reply_error (call, 400, 0, "bad-request",
		                    body == NULL ? jerr.text : _("the request body is not a JSON object"));
		json_decref (body);
		return NULL;
	}
	return body;
}

int
inkand_base64_decode (const char *text, uint8_t **out, size_t *len)
{
	size_t n = strlen (text), pad = 0;
	uint8_t *buf;
	int got;

	if (n == 0 || n % 4 != 0 || n > INT32_MAX)
		return -1;
	while (pad < 2 && text[n - 1 - pad] == '=')
		pad++;
	buf = malloc (n / 4 * 3 + 1);
	if (buf == NULL)
		return -1;
	/* EVP_DecodeBlock counts the padding as zero bytes: taken off here. */
	got = EVP_DecodeBlock (buf, (const unsigned char *) text, (int) n);
	if (got < 0 || (size_t) got < pad) {
		free (buf);
		return -1;
	}
	*out = buf;
	*len = (size_t) got - pad;
	return 0;
}

char *
inkand_base64_encode (const uint8_t *data, size_t len)
{
	char *text = malloc ((len + 2) / 3 * 4 + 1);

	if (text != NULL)
		EVP_EncodeBlock ((unsigned char *) text, data, (int) len);
	return text;
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
