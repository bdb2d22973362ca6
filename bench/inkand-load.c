/* bench/inkand-load: inkand end to end, the other side of bench/sign-raw.
 *
 *   inkand-load --socket PATH --key NAME [--clients N] [--seconds S] [--label L]
 *
 * N keep-alive connections (libcurl multi, one thread) each send POST
 * /v1/sign with a SHA-256 digest again and again for S seconds; every
 * request is timed from send to answer.  One line comes out, in
 * sign-raw's shape:
 *
 *   inkand ecdsa-p256 clients=4 seconds=3.00 sigs=12000 sigs_per_s=4000 p50_us=900 p99_us=2500 errors=0
 *
 * Only answers 200 with a signature count; anything else is an error. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>

struct conn {
	CURL *easy;
	uint64_t started;
	char reply[4096];
	size_t reply_len;
};

static uint32_t *lat_us;
static size_t n_lat, cap_lat;

static uint64_t
now_ns (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static size_t
on_data (char *p, size_t size, size_t n, void *arg)
{
	struct conn *c = arg;
	size_t len = size * n, room = sizeof c->reply - 1 - c->reply_len;

	memcpy (c->reply + c->reply_len, p, len < room ? len : room);
	c->reply_len += len < room ? len : room;
	return len;
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

static void
start (CURLM *multi, struct conn *c)
{
	c->reply_len = 0;
	c->started = now_ns ();
	curl_multi_add_handle (multi, c->easy);
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
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL, *key = NULL, *label = "sign";
	int clients = 4, c, running, i, msgs;
	double seconds = 3;
	unsigned long errors = 0;
	char body[256];
	struct curl_slist *headers = NULL;
	struct conn *conns;
	CURLM *multi;
	CURLMsg *msg;
	uint64_t t0, end;
	double elapsed;

	while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'k': key = optarg; break;
		case 'c': clients = atoi (optarg); break;
		case 't': seconds = atof (optarg); break;
		case 'l': label = optarg; break;
		default: return 2;
		}
	}
	if (sock == NULL || key == NULL || clients < 1 || seconds <= 0) {
		fprintf (stderr, "usage: inkand-load --socket PATH --key NAME [--clients N] [--seconds S] [--label L]\n");
		return 2;
	}
	/* The SHA-256 of "inkan", which inkand takes as a digest to sign. */
	snprintf (body, sizeof body, "{\"key\":\"%s\",\"digest\":\"%s\"}", key,
	          "3vD2nILOsj0JadrWyWdDYDqgP6H3ckeSzbNetY9KBr0=");
	curl_global_init (CURL_GLOBAL_DEFAULT);
	multi = curl_multi_init ();
	conns = calloc ((size_t) clients, sizeof *conns);
	headers = curl_slist_append (headers, "Content-Type: application/json");
	if (multi == NULL || conns == NULL || headers == NULL)
		return 3;
	for (i = 0; i < clients; i++) {
		CURL *e = curl_easy_init ();

		if (e == NULL)
			return 3;
		curl_easy_setopt (e, CURLOPT_UNIX_SOCKET_PATH, sock);
		curl_easy_setopt (e, CURLOPT_URL, "http://inkand/v1/sign");
		curl_easy_setopt (e, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt (e, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt (e, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt (e, CURLOPT_WRITEDATA, &conns[i]);
		curl_easy_setopt (e, CURLOPT_PRIVATE, &conns[i]);
		conns[i].easy = e;
	}
	t0 = now_ns ();
	end = t0 + (uint64_t) (seconds * 1e9);
	for (i = 0; i < clients; i++)
		start (multi, &conns[i]);
	do {
		curl_multi_perform (multi, &running);
		while ((msg = curl_multi_info_read (multi, &msgs)) != NULL) {
			struct conn *cn;
			long status = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &cn);
			curl_easy_getinfo (msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
			cn->reply[cn->reply_len] = '\0';
			if (msg->data.result == CURLE_OK && status == 200 && strstr (cn->reply, "\"signature\"") != NULL) {
				if (record ((uint32_t) ((now_ns () - cn->started) / 1000)) != 0)
					return 3;
			} else {
				errors++;
			}
			curl_multi_remove_handle (multi, msg->easy_handle);
			if (now_ns () < end)
				start (multi, cn);
		}
		if (running > 0)
			curl_multi_poll (multi, NULL, 0, 100, NULL);
	} while (running > 0 || now_ns () < end);
	elapsed = (double) (now_ns () - t0) / 1e9;

	qsort (lat_us, n_lat, sizeof *lat_us, cmp_u32);
	printf ("inkand %s clients=%d seconds=%.2f sigs=%zu sigs_per_s=%.0f p50_us=%u p99_us=%u errors=%lu\n", label,
	        clients, elapsed, n_lat, (double) n_lat / elapsed, n_lat ? lat_us[n_lat / 2] : 0,
	        n_lat ? lat_us[n_lat * 99 / 100] : 0, errors);
	for (i = 0; i < clients; i++)
		curl_easy_cleanup (conns[i].easy);
	curl_slist_free_all (headers);
	curl_multi_cleanup (multi);
	curl_global_cleanup ();
	free (conns);
	free (lat_us);
	return errors > 0 && n_lat == 0 ? 1 : 0;
}
