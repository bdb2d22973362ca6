/* The HTTP/1.0 side of one connection, bounded: a header of at most 8 KiB,
 * a body of at most the configured size, each read within the socket's
 * timeout.  POST carries a CMP request (RFC 6712); GET /crl gives the CRL
 * and GET /ca the CA certificate, both DER.  One answer, then the caller
 * closes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "cmp-ca.h"

#define MAX_HEAD 8192

static void
send_all (int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = send (fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ca_log ("the client did not take the answer: %s", n < 0 ? strerror (errno) : "closed");
			return;
		}
		p += n;
		len -= n;
	}
}

static void
reply (int fd, int status, const char *reason, const char *type, const void *body, size_t len)
{
	char head[256];
	int n = snprintf (head, sizeof head,
	                  "HTTP/1.0 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
	                  status, reason, type, len);

	if (status != 200)
		ca_log ("HTTP %d %s", status, reason);
	send_all (fd, head, n);
	if (len > 0)
		send_all (fd, body, len);
}

static void
fail (int fd, int status, const char *reason)
{
	reply (fd, status, reason, "text/plain", reason, strlen (reason));
}

/* LEN bytes into BUF; 0 when the client closes or is too slow. */
static int
read_full (int fd, unsigned char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = recv (fd, buf, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		buf += n;
		len -= n;
	}
	return 1;
}

/* The Content-Length header's value; -1 when absent, -2 when not a number. */
static long
content_length (char *headers)
{
	char *line, *save = NULL, *end;
	long len;

	for (line = strtok_r (headers, "\r\n", &save); line != NULL; line = strtok_r (NULL, "\r\n", &save)) {
		if (strncasecmp (line, "Content-Length:", 15) != 0)
			continue;
		errno = 0;
		len = strtol (line + 15, &end, 10);
		return errno != 0 || end == line + 15 || *end != '\0' || len < 0 ? -2 : len;
	}
	return -1;
}

static void
serve_get (struct ca *ca, int fd, const char *path)
{
	unsigned char *der = NULL;
	int len;

	if (strcmp (path, "/crl") == 0) {
		len = i2d_X509_CRL (ca->crl, &der);
		ca_log ("GET /crl: CRL number %ld", ca->crl_number);
		if (len > 0)
			reply (fd, 200, "OK", "application/pkix-crl", der, len);
	} else if (strcmp (path, "/ca") == 0) {
		len = i2d_X509 (ca->cert, &der);
		if (len > 0)
			reply (fd, 200, "OK", "application/pkix-cert", der, len);
	} else {
		fail (fd, 404, "Not Found");
		return;
	}
	if (der == NULL)
		fail (fd, 500, "Internal Server Error");
	OPENSSL_free (der);
}

static void
serve_post (struct ca *ca, OSSL_CMP_SRV_CTX *srv, int fd, long len, const unsigned char *got, size_t have)
{
	unsigned char *body = malloc (len > 0 ? len : 1), *der = NULL;
	const unsigned char *p = body;
	OSSL_CMP_MSG *req = NULL, *rsp = NULL;
	int vanish = 0, der_len;

	if (body == NULL) {
		fail (fd, 500, "Internal Server Error");
		return;
	}
	memcpy (body, got, have);
	if (!read_full (fd, body + have, len - have)) {
		ca_log ("the request's body did not come whole within the timeout");
		goto out;
	}
	req = d2i_OSSL_CMP_MSG (NULL, &p, len);
	if (req == NULL || p != body + len) {
		ca_log_ssl ("the body is not a CMP message");
		fail (fd, 400, "Bad Request");
		goto out;
	}
	rsp = server_answer (ca, srv, req, &vanish);
	if (vanish)
		goto out;
	if (rsp == NULL || (der_len = i2d_OSSL_CMP_MSG (rsp, &der)) <= 0) {
		fail (fd, 500, "Internal Server Error");
		goto out;
	}
	reply (fd, 200, "OK", "application/pkixcmp", der, der_len);
out:
	OPENSSL_free (der);
	OSSL_CMP_MSG_free (rsp);
	OSSL_CMP_MSG_free (req);
	free (body);
}

void
http_serve (struct ca *ca, OSSL_CMP_SRV_CTX *srv, int fd, size_t max_request)
{
	char head[MAX_HEAD + 1], method[8], path[256], version[16], *end;
	size_t have = 0, body_have;
	long len;

	for (;;) {
		ssize_t n;

		head[have] = '\0';
		if ((end = strstr (head, "\r\n\r\n")) != NULL)
			break;
		if (have == MAX_HEAD) {
			fail (fd, 431, "Request Header Fields Too Large");
			return;
		}
		n = recv (fd, head + have, MAX_HEAD - have, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ca_log ("the client closed or was silent past the timeout before its request was whole");
			return;
		}
		have += n;
	}
	*end = '\0';
	body_have = have - (end + 4 - head);
	if (sscanf (head, "%7s %255s %15s", method, path, version) != 3 || strncmp (version, "HTTP/1.", 7) != 0) {
		fail (fd, 400, "Bad Request");
		return;
	}
	if (strcmp (method, "GET") == 0) {
		serve_get (ca, fd, path);
		return;
	}
	if (strcmp (method, "POST") != 0) {
		fail (fd, 405, "Method Not Allowed");
		return;
	}
	len = content_length (strchr (head, '\n') ? strchr (head, '\n') + 1 : head + strlen (head));
	if (len == -1)
		fail (fd, 411, "Length Required");
	else if (len < 0 || (size_t) len < body_have)
		fail (fd, 400, "Bad Request");
	else if ((size_t) len > max_request)
		fail (fd, 413, "Payload Too Large");
	else
		serve_post (ca, srv, fd, len, (unsigned char *) end + 4, body_have);
}
