/* libFuzzer: what inkand reads of a request itself (libevent parses the
 * HTTP): the headers' Content-Length check, then the JSON body as each
 * endpoint takes it, and the members the endpoints share.  The input is
 * header lines ("Name: value"), an empty line, and the body. */
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "inkand/inkand.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The members of POST /v1/sign, /v1/cms/sign, /v1/token/issue, /v1/verify. */
static const char *const endpoints[][8] = {
	{ "key", "data", "digest", "digests", "hash", "scheme", "format", NULL },
	{ "key", "data", "hash", "scheme", "detached", NULL },
	{ "key", "data", "digest", "recipient", "ci", "ttl", NULL },
	{ "key", "data", "signature", "hash", "scheme", "format", NULL },
};

static void
headers (const char *text, size_t len)
{
	struct evkeyvalq h;
	char *copy = strndup (text, len), *line, *save = NULL;

	TAILQ_INIT (&h);
	for (line = copy ? strtok_r (copy, "\r\n", &save) : NULL; line != NULL; line = strtok_r (NULL, "\r\n", &save)) {
		char *colon = strchr (line, ':');

		if (colon == NULL)
			continue;
		*colon = '\0';
		evhttp_add_header (&h, line, colon + 1 + strspn (colon + 1, " \t"));
	}
	(void) inkand_lengths_differ (&h);
	evhttp_clear_headers (&h);
	free (copy);
}

static void
members (json_t *body)
{
	static const char *const b64[] = { "data", "digest", "signature" };
	inkan_sig_scheme scheme;
	unsigned flags = 0;
	inkan_hash hash;
	size_t i, len;
	uint8_t *bytes;

	(void) inkand_take_hash (body, &hash);
	(void) inkand_take_scheme (body, INKAN_KEY_EC, &scheme);
	(void) inkand_take_scheme (body, INKAN_KEY_RSA, &scheme);
	(void) inkand_take_format (body, &flags);
	for (i = 0; i < sizeof b64 / sizeof b64[0]; i++) {
		const char *text = json_string_value (json_object_get (body, b64[i]));

		if (text != NULL && inkand_base64_decode (text, &bytes, &len) == 0)
			free (bytes);
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	const char *text = (const char *) data, *end = memmem (data, size, "\r\n\r\n", 4);
	size_t head = end != NULL ? (size_t) (end - text) : 0, i;
	const char *body = end != NULL ? end + 4 : text;
	size_t body_len = size - (size_t) (body - text);
	char why[256];

	headers (text, head);
	for (i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++) {
		json_t *j = inkand_parse_body (body, body_len, endpoints[i], why, sizeof why);

		if (j != NULL)
			members (j);
		json_decref (j);
	}
	return 0;
}
