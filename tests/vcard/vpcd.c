/* The card side of vpcd's socket protocol: every message is a 2-byte
 * big-endian length and a payload; one byte is a control code (power off,
 * on, reset, get ATR), anything longer a C-APDU to answer. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "vcard.h"

static volatile sig_atomic_t stop;

static void
on_signal (int sig)
{
	(void) sig;
	stop = 1;
}

/* Waits for SIZE bytes; false on EOF, error or a stop request. */
static bool
read_full (int fd, uint8_t *buf, size_t size)
{
	while (size > 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		if (stop)
			return false;
		if (poll (&p, 1, 200) <= 0)
			continue;
		n = read (fd, buf, size);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return false;
		}
		buf += n;
		size -= (size_t) n;
	}
	return true;
}

static bool
send_msg (int fd, const uint8_t *buf, size_t len)
{
	uint8_t hdr[2] = { (uint8_t) (len >> 8), (uint8_t) len };
	struct iovec v[2] = { { hdr, 2 }, { (void *) buf, len } };
	struct msghdr m = { .msg_iov = v, .msg_iovlen = 2 };
	return sendmsg (fd, &m, MSG_NOSIGNAL) == (ssize_t) (len + 2);
}

static int
connect_vpcd (const char *host, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
	int fd, one = 1;

	if (inet_pton (AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect (fd, (struct sockaddr *) &sa, sizeof sa) != 0) {
		close (fd);
		return -1;
	}
	setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* Serves one connection until vpcd closes it or we are told to stop. */
static void
serve (vc_card *card, int fd)
{
	uint8_t hdr[2], *msg = NULL;

	while (!stop && read_full (fd, hdr, 2)) {
		size_t len = (size_t) hdr[0] << 8 | hdr[1];
		uint8_t *out = NULL;
		size_t outlen = 0;
		bool ok = true;

		free (msg);
		msg = malloc (len + 1);
		if (!msg || !read_full (fd, msg, len))
			break;
		if (len == 1) {
			switch (msg[0]) {
			case 0x00: /* power off */
			case 0x01: /* power on */
			case 0x02: /* reset */
				vc_card_reset (card);
				break;
			case 0x04:
				ok = send_msg (fd, card->profile->atr, card->profile->atr_len);
				break;
			}
		} else if (card->pull_ins >= 0 && msg[1] == card->pull_ins) {
			/* Pulled out mid-command: no answer, and gone for good. */
			fprintf (stderr, "inkan-vcard: pulled out on INS %02X\n", msg[1]);
			stop = 1;
			break;
		} else if (len > 1) {
			vc_card_transmit (card, msg, len, &out, &outlen);
			/* Pulled out while it was at it (a held command): no answer. */
			ok = !stop && send_msg (fd, out, outlen);
			free (out);
		}
		if (!ok)
			break;
	}
	free (msg);
}

int
vc_vpcd_run (vc_card *card, const char *host, int port)
{
	struct sigaction sa = { .sa_handler = on_signal };
	bool said = false;

	sigaction (SIGTERM, &sa, NULL);
	sigaction (SIGINT, &sa, NULL);
	while (!stop) {
		int fd = connect_vpcd (host, port);
		if (fd < 0) {
			if (!said)
				fprintf (stderr, "inkan-vcard: waiting for vpcd on %s:%d\n", host, port);
			said = true;
			usleep (200 * 1000);
			continue;
		}
		fprintf (stderr, "inkan-vcard: inserted (%s:%d)\n", host, port);
		said = false;
		vc_card_reset (card);
		serve (card, fd);
		/* Closing the socket is what removes the card. */
		close (fd);
		fprintf (stderr, "inkan-vcard: removed\n");
	}
	return 0;
}
