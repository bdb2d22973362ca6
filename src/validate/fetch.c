/* Network reads for validation: HTTP GET/POST and LDAP, through libcurl,
 * each bounded by a timeout. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#include "src/validate/vint.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init (void)
{
	curl_global_init (CURL_GLOBAL_DEFAULT);
}

static size_t
collect (char *ptr, size_t size, size_t nmemb, void *user)
{
	fetch_body *b = user;
	size_t n = size * nmemb;
	uint8_t *more;

	if (b->len + n > FETCH_MAX || (more = realloc (b->data, b->len + n + 1)) == NULL)
		return 0;
	memcpy (more + b->len, ptr, n);
	b->data = more;
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

void
fetch_body_clear (fetch_body *b)
{
	free (b->data);
	memset (b, 0, sizeof *b);
}

static int
is_ldap (const char *url)
{
	return strncasecmp (url, "ldap://", 7) == 0 || strncasecmp (url, "ldaps://", 8) == 0;
}

/* GPKI's distribution points hold DNs with plain spaces
 * ("o=Government of Korea"), which libcurl refuses in a URL. */
static char *
escape_spaces (const char *url)
{
	size_t n = strlen (url), spaces = 0, i, j;
	char *out;

	for (i = 0; i < n; i++)
		spaces += url[i] == ' ';
	out = malloc (n + 2 * spaces + 1);
	if (out == NULL)
		return NULL;
	for (i = j = 0; i < n; i++) {
		if (url[i] == ' ') {
			memcpy (out + j, "%20", 3);
			j += 3;
		} else {
			out[j++] = url[i];
		}
	}
	out[j] = '\0';
	return out;
}

inkan_err
fetch_url (const char *url, const char *content_type,
           const uint8_t *post, size_t post_len, long timeout_ms,
           fetch_body *out, char *why, size_t why_size)
{
	char errbuf[CURL_ERROR_SIZE] = "", *escaped;
	struct curl_slist *headers = NULL;
	CURL *curl;
	CURLcode rc;
	inkan_err err = INKAN_OK;

	memset (out, 0, sizeof *out);
	pthread_once (&curl_once, curl_init);
	escaped = escape_spaces (url);
	curl = escaped != NULL ? curl_easy_init () : NULL;
	if (curl == NULL) {
		free (escaped);
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	curl_easy_setopt (curl, CURLOPT_URL, escaped);
	curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https,ldap,ldaps");
	/* CRL distribution points move; a redirect may not leave HTTP(S). */
	curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt (curl, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);
	curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt (curl, CURLOPT_WRITEDATA, out);
	curl_easy_setopt (curl, CURLOPT_USERAGENT, "inkan");
	if (post != NULL) {
		char header[128];

		snprintf (header, sizeof header, "Content-Type: %s", content_type);
		headers = curl_slist_append (headers, header);
		curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt (curl, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) post_len);
	}
	rc = curl_easy_perform (curl);
	if (rc != CURLE_OK) {
		method_say (why, why_size, "%s", errbuf[0] ? errbuf : curl_easy_strerror (rc));
		err = rc == CURLE_OPERATION_TIMEDOUT ? INKAN_ERR_CANCELLED : INKAN_ERR_IO;
		goto out;
	}
	curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &out->status);
	if (!is_ldap (url) && out->status != 200) {
		method_say (why, why_size, _("HTTP status %ld"), out->status);
		err = INKAN_ERR_IO;
		goto out;
	}
	if (out->data == NULL) {
		method_say (why, why_size, "%s", _("empty answer"));
		err = INKAN_ERR_NOT_FOUND;
		goto out;
	}
	if (is_ldap (url))
		err = ldap_text_value (out, why, why_size);
out:
	if (err != INKAN_OK)
		fetch_body_clear (out);
	curl_slist_free_all (headers);
	curl_easy_cleanup (curl);
	free (escaped);
	return err;
}
