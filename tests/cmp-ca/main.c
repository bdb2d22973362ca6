/* inkan-test-cmp-ca: a CMP CA on 127.0.0.1 for the tests, one connection
 * at a time.  tests/cmp-ca/README.md says how to run it. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include "cmp-ca.h"

#define MAX_SECRET 1024

static volatile sig_atomic_t stopping;

void
ca_log (const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	fputs ("cmp-ca: ", stderr);
	vfprintf (stderr, fmt, ap);
	fputc ('\n', stderr);
	va_end (ap);
}

static int
log_one (const char *str, size_t len, void *u)
{
	(void) u;
	fprintf (stderr, "cmp-ca:   openssl: %.*s", (int) len, str);
	return 1;
}

void
ca_log_ssl (const char *what)
{
	ca_log ("%s", what ? what : "OpenSSL failed");
	ERR_print_errors_cb (log_one, NULL);
}

static void __attribute__((noreturn))
usage (void)
{
	fprintf (stderr,
	         "usage: inkan-test-cmp-ca --ca-cert PEM --ca-key PEM --state DIR [--port N] [--port-file FILE]\n"
	         "         [--profile plain|jpki-sign|npki] [--days N]\n"
	         "         [--ref REF --secret-file FILE] [--trust PEM]...\n"
	         "         [--reject FAILINFO[,FAILINFO...]] [--reject-text TEXT]\n"
	         "         [--poll N] [--check-after S] [--vanish BODYTYPE]\n"
	         "         [--timeout S] [--max-request BYTES]\n");
	exit (2);
}

static int
positive (const char *text, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol (text, &end, 10);
	if (errno != 0 || *text == '\0' || *end != '\0' || v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

/* The secret, without a final newline; never from the command line. */
static int
read_secret (struct ca *ca, const char *path)
{
	FILE *f = fopen (path, "re");
	unsigned char buf[MAX_SECRET + 1];
	size_t n;

	if (f == NULL)
		return 0;
	n = fread (buf, 1, sizeof buf, f);
	fclose (f);
	if (n > MAX_SECRET)
		n = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n > 0 && (ca->secret = malloc (n)) != NULL) {
		memcpy (ca->secret, buf, n);
		ca->secret_len = n;
	}
	OPENSSL_cleanse (buf, sizeof buf);
	return ca->secret != NULL;
}

static int
load_identity (struct ca *ca, const char *cert_path, const char *key_path)
{
	FILE *f = fopen (cert_path, "re");

	if (f != NULL) {
		ca->cert = PEM_read_X509 (f, NULL, NULL, NULL);
		fclose (f);
	}
	if ((f = fopen (key_path, "re")) != NULL) {
		ca->key = PEM_read_PrivateKey (f, NULL, NULL, NULL);
		fclose (f);
	}
	if (ca->cert == NULL || ca->key == NULL || X509_check_private_key (ca->cert, ca->key) != 1) {
		ca_log_ssl ("the CA certificate and key cannot be read, or do not belong together");
		return 0;
	}
	ca->trust = X509_STORE_new ();
	/* A trusted RA certificate need not be a root. */
	return ca->trust != NULL && X509_STORE_add_cert (ca->trust, ca->cert) &&
	       X509_STORE_set_flags (ca->trust, X509_V_FLAG_PARTIAL_CHAIN);
}

/* Bound to 127.0.0.1 only; *PORT becomes the port the kernel chose for 0. */
static int
listen_local (int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (*port) };
	socklen_t len = sizeof sa;
	int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
	if (fd < 0 || setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind (fd, (struct sockaddr *) &sa, sizeof sa) != 0 || listen (fd, 16) != 0 ||
	    getsockname (fd, (struct sockaddr *) &sa, &len) != 0) {
		ca_log ("cannot listen on 127.0.0.1:%d: %s", *port, strerror (errno));
		if (fd >= 0)
			close (fd);
		return -1;
	}
	*port = ntohs (sa.sin_port);
	return fd;
}

static void
on_signal (int sig)
{
	(void) sig;
	stopping = 1;
}

static void
serve (struct ca *ca, OSSL_CMP_SRV_CTX *srv, int listener, int timeout, size_t max_request)
{
	struct timeval tv = { .tv_sec = timeout };

	while (!stopping) {
		int fd = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EINTR)
				ca_log ("accept: %s", strerror (errno));
			continue;
		}
		if (setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0 &&
		    setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0)
			http_serve (ca, srv, fd, max_request);
		close (fd);
	}
}

static void
ca_free (struct ca *ca)
{
	size_t i;

	X509_free (ca->cert);
	EVP_PKEY_free (ca->key);
	X509_STORE_free (ca->trust);
	if (ca->secret != NULL)
		OPENSSL_cleanse (ca->secret, ca->secret_len);
	free (ca->secret);
	for (i = 0; i < ca->n_issued; i++)
		free (ca->issued[i].subject);
	free (ca->issued);
	X509_CRL_free (ca->crl);
	OSSL_CMP_MSG_free (ca->pending);
	X509_free (ca->signer);
	X509_free (ca->last_cert);
}

int
main (int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ca-cert", required_argument, NULL, 'c' },
		{ "ca-key", required_argument, NULL, 'k' },
		{ "state", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "profile", required_argument, NULL, 'f' },
		{ "days", required_argument, NULL, 'd' },
		{ "ref", required_argument, NULL, 'r' },
		{ "secret-file", required_argument, NULL, 'S' },
		{ "trust", required_argument, NULL, 't' },
		{ "reject", required_argument, NULL, 'R' },
		{ "reject-text", required_argument, NULL, 'T' },
		{ "poll", required_argument, NULL, 'o' },
		{ "check-after", required_argument, NULL, 'a' },
		{ "vanish", required_argument, NULL, 'v' },
		{ "timeout", required_argument, NULL, 'w' },
		{ "max-request", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct ca ca = { .days = 365, .vanish = -1, .check_after = 1 };
	const char *cert_path = NULL, *key_path = NULL, *secret_path = NULL, *port_file = NULL;
	const char *trust[16];
	size_t n_trust = 0, i;
	int c, port = 0, timeout = 10, max_request = 65536, listener = -1, ret = 3;
	OSSL_CMP_SRV_CTX *srv = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	char line[32];

	while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cert_path = optarg; break;
		case 'k': key_path = optarg; break;
		case 's': ca.state_dir = optarg; break;
		case 'p': if (!positive (optarg, 0, 65535, &port)) usage (); break;
		case 'P': port_file = optarg; break;
		case 'f': if (!profile_parse (optarg, &ca.profile)) usage (); break;
		case 'd': if (!positive (optarg, 1, 36500, &ca.days)) usage (); break;
		case 'r': ca.ref = optarg; break;
		case 'S': secret_path = optarg; break;
		case 't': if (n_trust == sizeof trust / sizeof trust[0]) usage (); trust[n_trust++] = optarg; break;
		case 'R': if (!failinfo_parse (optarg, &ca.reject_bits)) usage (); ca.reject = 1; break;
		case 'T': ca.reject_text = optarg; break;
		case 'o': if (!positive (optarg, 1, 1000, &ca.poll)) usage (); break;
		case 'a': if (!positive (optarg, 0, 3600, &ca.check_after)) usage (); break;
		case 'v': if ((ca.vanish = bodytype_parse (optarg)) < 0) usage (); break;
		case 'w': if (!positive (optarg, 1, 3600, &timeout)) usage (); break;
		case 'm': if (!positive (optarg, 256, 16 << 20, &max_request)) usage (); break;
		default: usage ();
		}
	}
	if (optind != argc || cert_path == NULL || key_path == NULL || ca.state_dir == NULL ||
	    (ca.ref == NULL) != (secret_path == NULL))
		usage ();
	signal (SIGPIPE, SIG_IGN);
	sigaction (SIGTERM, &sa, NULL);
	sigaction (SIGINT, &sa, NULL);

	if (!load_identity (&ca, cert_path, key_path))
		goto out;
	for (i = 0; i < n_trust; i++)
		if (X509_STORE_load_file (ca.trust, trust[i]) != 1) {
			ca_log_ssl ("cannot read the trusted certificates");
			goto out;
		}
	if (secret_path != NULL && !read_secret (&ca, secret_path)) {
		ca_log ("cannot read a secret from %s", secret_path);
		goto out;
	}
	if ((listener = listen_local (&port)) < 0)
		goto out;
	snprintf (ca.crl_url, sizeof ca.crl_url, "http://127.0.0.1:%d/crl", port);
	if (!state_load (&ca) || (srv = server_new (&ca)) == NULL)
		goto out;
	snprintf (line, sizeof line, "%d\n", port);
	if (port_file != NULL && !write_atomic (port_file, line, strlen (line)))
		goto out;
	ca_log ("listening on 127.0.0.1:%d, profile %s, %zu certificates issued so far", port,
	        profile_name (ca.profile), ca.n_issued);
	serve (&ca, srv, listener, timeout, max_request);
	ca_log ("stopping");
	ret = 0;
out:
	if (listener >= 0)
		close (listener);
	OSSL_CMP_SRV_CTX_free (srv);
	ca_free (&ca);
	return ret;
}
