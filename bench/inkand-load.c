/* bench/inkand-load: inkand end to end, the other side of bench/sign-raw.
 *
 *   inkand-load --socket PATH --key NAME [--clients N] [--seconds S] [--label L] [--batch K]
 *   inkand-load --socket PATH --validate BODY-FILE [--clients N] [--seconds S] [--label L]
 *
 * N keep-alive HTTP/1.1 connections over the UNIX socket, one request in
 * flight on each (no pipelining), each POST /v1/sign with a SHA-256 digest
 * (or with K of them in "digests") again and again for S seconds; every
 * request is timed from send to answer, and each signature of a batch
 * counts with its request's time.  One line comes out, in sign-raw's shape:
 *
 *   inkand ecdsa-p256 clients=4 seconds=3.00 sigs=12000 sigs_per_s=4000 p50_us=900 p99_us=2500 errors=0
 *     load_cpu_us_per_sig=6.0
 *
 * (one line), the last its own CPU time per answer: on a machine shared
 * with inkand, what the load generator takes is not the server's.  Only
 * answers 200 with a signature count; anything else is an error.
 *
 * The HTTP client is a few lines of its own on one epoll thread, not
 * libcurl: on two shared cores, libcurl's ~95 us per request (measured
 * here) were most of what inkand-load cost, and the server paid for it.
 * It reads only what inkand sends: a status line, headers with a
 * Content-Length, a body.
 *
 * With --validate, each request is POST /v1/validate with the JSON of
 * BODY-FILE, and an answer counts when it is 200 with a verdict (good or
 * revoked alike: bench/validate.sh asks about both). */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

struct conn {
	int fd;
	uint64_t started;
	char buf[65536];
	size_t len;
};

static uint32_t *lat_us;
static size_t n_lat, cap_lat;
static struct sockaddr_un addr;
static char request[8192];
static size_t request_len;

static uint64_t
now_ns (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static int
record (uint32_t us)
{
	if (n_lat == cap_lat) {
		uint32_t *grown = realloc (lat_us, (cap_lat = cap_lat ? cap_lat * 2 : 65536) * sizeof *lat_us);

		if (grown == NULL)
			return -1;
		lat_us = grown;
	}
	lat_us[n_lat++] = us;
	return 0;
}

static int
cmp_u32 (const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

	return x < y ? -1 : x > y;
}

/* A fresh connection for C, watched by EP: 0 or -1. */
static int
dial (int ep, struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

	c->fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect (c->fd, (struct sockaddr *) &addr, sizeof addr) != 0 ||
	    epoll_ctl (ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
		return -1;
	return 0;
}

/* The request is far smaller than a socket buffer: one write sends it. */
static int
send_request (struct conn *c)
{
	c->len = 0;
	c->started = now_ns ();
	return write (c->fd, request, request_len) == (ssize_t) request_len ? 0 : -1;
}

/* C's buffer holds a whole answer: its length (headers and body), 0 while
 * incomplete, -1 when it is not one.  *STATUS gets the status code. */
static long
answer_length (struct conn *c, int *status)
{
	char *end, *p;
	long body = -1;

	c->buf[c->len] = '\0';
	end = strstr (c->buf, "\r\n\r\n");
	if (end == NULL)
		return c->len < sizeof c->buf - 1 ? 0 : -1;
	if (sscanf (c->buf, "HTTP/1.1 %d", status) != 1)
		return -1;
	for (p = strstr (c->buf, "\r\n"); p != NULL && p < end; p = strstr (p + 2, "\r\n"))
		if (strncasecmp (p + 2, "Content-Length:", 15) == 0)
			body = strtol (p + 17, NULL, 10);
	if (body < 0 || (size_t) (end + 4 - c->buf) + (size_t) body >= sizeof c->buf)
		return -1;
	return (size_t) (end + 4 - c->buf) + (size_t) body <= c->len ? (long) (end + 4 - c->buf) + body : 0;
}

int
main (int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "clients", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 't' },
		{ "label", required_argument, NULL, 'l' },
		{ "batch", required_argument, NULL, 'b' },
		{ "validate", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL, *key = NULL, *label = "sign", *validate = NULL, *counted;
	int clients = 4, batch = 1, c, i, n, ep, open_conns = 0;
	double seconds = 3, elapsed, cpu;
	unsigned long errors = 0;
	char body[4096];
	size_t off;
	struct conn *conns;
	struct epoll_event evs[64];
	struct rusage ru;
	uint64_t t0, end;

	while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'k': key = optarg; break;
		case 'c': clients = atoi (optarg); break;
		case 't': seconds = atof (optarg); break;
		case 'l': label = optarg; break;
		case 'b': batch = atoi (optarg); break;
		case 'v': validate = optarg; break;
		default: return 2;
		}
	}
	if (sock == NULL || (key == NULL) == (validate == NULL) || clients < 1 || seconds <= 0 || batch < 1 || batch > 64 ||
	    strlen (sock) >= sizeof addr.sun_path) {
		fprintf (stderr, "usage: inkand-load --socket PATH --key NAME|--validate BODY-FILE [--clients N] "
		         "[--seconds S] [--label L] [--batch 1-64]\n");
		return 2;
	}
	addr.sun_family = AF_UNIX;
	strcpy (addr.sun_path, sock);
	/* The SHA-256 of "inkan", which inkand takes as a digest to sign. */
#define DIGEST "\"3vD2nILOsj0JadrWyWdDYDqgP6H3ckeSzbNetY9KBr0=\""
	if (validate != NULL) {
		FILE *f = fopen (validate, "r");

		off = f != NULL ? fread (body, 1, sizeof body - 1, f) : 0;
		if (f == NULL || off == 0 || off == sizeof body - 1) {
			fprintf (stderr, "inkand-load: cannot read a body of at most %zu bytes from %s\n", sizeof body - 2,
			         validate);
			return 2;
		}
		fclose (f);
		body[off] = '\0';
		batch = 1;
	} else if (batch == 1) {
		snprintf (body, sizeof body, "{\"key\":\"%s\",\"digest\":" DIGEST "}", key);
	} else {
		off = (size_t) snprintf (body, sizeof body, "{\"key\":\"%s\",\"digests\":[" DIGEST, key);
		for (i = 1; i < batch && off < sizeof body; i++)
			off += (size_t) snprintf (body + off, sizeof body - off, "," DIGEST);
		if (off < sizeof body)
			snprintf (body + off, sizeof body - off, "]}");
	}
	request_len = (size_t) snprintf (request, sizeof request,
	                                 "POST %s HTTP/1.1\r\nHost: inkand\r\nContent-Type: application/json\r\n"
	                                 "Content-Length: %zu\r\n\r\n%s", validate ? "/v1/validate" : "/v1/sign",
	                                 strlen (body), body);
	counted = validate != NULL ? "\"verdict\"" : batch == 1 ? "\"signature\"" : "\"signatures\"";
	conns = calloc ((size_t) clients, sizeof *conns);
	ep = epoll_create1 (EPOLL_CLOEXEC);
	if (conns == NULL || ep < 0 || request_len >= sizeof request)
		return 3;
	t0 = now_ns ();
	end = t0 + (uint64_t) (seconds * 1e9);
	for (i = 0; i < clients; i++) {
		if (dial (ep, &conns[i]) != 0 || send_request (&conns[i]) != 0) {
			perror (sock);
			return 3;
		}
		open_conns++;
	}
	while (open_conns > 0) {
		n = epoll_wait (ep, evs, sizeof evs / sizeof evs[0], 1000);
		if (n < 0 && errno != EINTR)
			return 3;
		/* Answers that never come are no measurement. */
		if (n <= 0 && now_ns () > end + 10000000000u) {
			fprintf (stderr, "inkand-load: %d answers still missing 10 s after the end\n", open_conns);
			return 1;
		}
		for (i = 0; i < n; i++) {
			struct conn *cn = evs[i].data.ptr;
			ssize_t got = read (cn->fd, cn->buf + cn->len, sizeof cn->buf - 1 - cn->len);
			int status = 0, again, closed = 0;
			long whole;

			if (got < 0 && errno == EINTR)
				continue;
			if (got > 0) {
				cn->len += (size_t) got;
				whole = answer_length (cn, &status);
				if (whole == 0)
					continue;
				if (whole > 0 && status == 200 &&
				    strstr (cn->buf, counted) != NULL) {
					for (c = 0; c < batch; c++)
						if (record ((uint32_t) ((now_ns () - cn->started) / 1000)) != 0)
							return 3;
				} else {
					errors++;
				}
			} else {
				/* Closed by inkand (a drain, an error): a new connection. */
				errors++;
				whole = -1;
			}
			again = now_ns () < end;
			if (whole < 0 || strcasestr (cn->buf, "\r\nConnection: close\r\n") != NULL || !again) {
				close (cn->fd);
				closed = 1;
			}
			if (!again)
				open_conns--;
			else if ((closed && dial (ep, cn) != 0) || send_request (cn) != 0)
				return 3;
		}
	}
	elapsed = (double) (now_ns () - t0) / 1e9;
	getrusage (RUSAGE_SELF, &ru);
	cpu = (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);

	qsort (lat_us, n_lat, sizeof *lat_us, cmp_u32);
	printf ("inkand %s clients=%d seconds=%.2f sigs=%zu sigs_per_s=%.0f p50_us=%u p99_us=%u errors=%lu "
	        "load_cpu_us_per_sig=%.1f\n", label, clients, elapsed, n_lat, (double) n_lat / elapsed,
	        n_lat ? lat_us[n_lat / 2] : 0, n_lat ? lat_us[n_lat * 99 / 100] : 0, errors,
	        n_lat ? cpu / (double) n_lat : 0);
	close (ep);
	free (conns);
	free (lat_us);
	return errors > 0 && n_lat == 0 ? 1 : 0;
}
