/*
 * The HTTP side, on libevent's evhttp: one evhttp per listener (a UNIX
 * socket, or TCP with TLS and required client certificates), so that each
 * knows how its clients are identified.  The loop thread never calls
 * PKCS#11 nor waits on the audit log: signing goes to the pool.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <systemd/sd-daemon.h>

#include "inkand/inkand.h"

struct listener {
	inkand_server *srv;
	const inkand_listen_conf *conf;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	SSL_CTX *tls;
};

static const struct route {
	enum evhttp_cmd_type method;
	const char *path;
	inkand_endpoint ep;
	void (*handler) (inkand_call *call);
	int limited;            /* counts against the client's rate */
} routes[] = {
	{ EVHTTP_REQ_POST, "/v1/sign", INKAND_EP_SIGN, inkand_api_sign, 1 },
	{ EVHTTP_REQ_POST, "/v1/cms/sign", INKAND_EP_CMS_SIGN, inkand_api_cms_sign, 1 },
	{ EVHTTP_REQ_POST, "/v1/token/issue", INKAND_EP_TOKEN_ISSUE, inkand_api_token_issue, 1 },
	{ EVHTTP_REQ_POST, "/v1/verify", INKAND_EP_VERIFY, inkand_api_verify, 1 },
	{ EVHTTP_REQ_POST, "/v1/validate", INKAND_EP_VALIDATE, inkand_api_validate, 1 },
	{ EVHTTP_REQ_POST, "/v1/register/verify", INKAND_EP_REGISTER_VERIFY, inkand_api_register_verify, 1 },
	{ EVHTTP_REQ_POST, "/v1/token/verify", INKAND_EP_TOKEN_VERIFY, inkand_api_token_verify, 1 },
	{ EVHTTP_REQ_POST, "/v1/evidence/verify", INKAND_EP_EVIDENCE_VERIFY, inkand_api_evidence_verify, 1 },
	{ EVHTTP_REQ_GET, "/v1/keys", INKAND_EP_KEYS, inkand_api_keys, 1 },
	{ EVHTTP_REQ_GET, "/healthz", INKAND_EP_HEALTHZ, inkand_api_healthz, 0 },
	{ EVHTTP_REQ_GET, "/readyz", INKAND_EP_READYZ, inkand_api_readyz, 0 },
	{ EVHTTP_REQ_GET, "/metrics", INKAND_EP_METRICS, inkand_api_metrics, 0 },
};

double
inkand_now (void)
{
	return (double) inkan_monotonic_ns () / 1e9;
}

/* ---- answers ---- */

static int checkpoint_submit (inkand_server *srv);

static void
maybe_exit (inkand_server *srv)
{
	/* The last answers still sit in socket buffers: a moment to flush
	 * them before the loop ends and the connections are closed. */
	static const struct timeval flush = { 0, 200 * 1000 };

	if (!srv->draining || srv->inflight != 0)
		return;
	/* Nothing is in flight, so every record is in: one last checkpoint
	 * covers them all, and this is called again when it is done. */
	if (srv->cfg->checkpoint_key != NULL && !srv->final_checkpoint) {
		srv->final_checkpoint = 1;
		if (checkpoint_submit (srv) == 0)
			return;
	}
	event_base_loopexit (srv->base, &flush);
}

/* After a turn's requests: their jobs to the workers and their log lines
 * to stderr, each in one go.  Activated by the first of them, it runs
 * after the callbacks already active in this turn of the loop. */
static void
end_turn (evutil_socket_t fd, short what, void *arg)
{
	inkand_server *srv = arg;

	(void) fd;
	(void) what;
	/* Answers (which count the records) end their turn here: the tail
	 * past the last checkpoint stays under checkpoint_every records. */
	if (srv->cfg->checkpoint_every > 0 && !srv->draining &&
	    inkand_pool_records (srv->pool) - srv->records_checkpointed >= srv->cfg->checkpoint_every)
		(void) checkpoint_submit (srv);
	inkand_pool_flush (srv->pool);
	inkand_log_flush ();
}

static void
at_turn_end (inkand_server *srv)
{
	event_active (srv->turn_end, 0, 0);
}

/* The request line's URI is the client's: at most LOGGED_URI_MAX bytes of it. */
#define LOGGED_URI_MAX 256

static void
log_request (inkand_call *call, int status, double elapsed)
{
	const char *uri = evhttp_request_get_uri (call->req);
	size_t len = uri != NULL ? strnlen (uri, LOGGED_URI_MAX) : 0;

	inkand_log_deferred (status >= 500 ? INKAND_WARN : INKAND_INFO, "request", NULL, "{s:s, s:s%, s:i, s:f}",
	                     "client", call->client, "path", uri != NULL ? uri : "", len, "status", status,
	                     "seconds", elapsed);
	at_turn_end (call->srv);
}

static void
send_reply (inkand_call *call, int status, const char *type, const char *body, size_t len)
{
	inkand_server *srv = call->srv;
	struct evkeyvalq *headers = evhttp_request_get_output_headers (call->req);
	double elapsed = inkand_now () - call->start;

	evhttp_add_header (headers, "Content-Type", type);
	if (srv->draining)
		evhttp_add_header (headers, "Connection", "close");
	/* Straight into the request's own buffer: no buffer of ours to make,
	 * fill, copy and free for every answer. */
	evbuffer_add (evhttp_request_get_output_buffer (call->req), body, len);
	/* Before the reply: evhttp_send_reply may free the request. */
	inkand_metrics_request (srv->metrics, call->ep, status, elapsed);
	log_request (call, status, elapsed);
	evhttp_send_reply (call->req, status, NULL, NULL);
	if (call->queued) {
		srv->inflight--;
		maybe_exit (srv);
	}
}

void
inkand_reply_text (inkand_call *call, int status, const char *type, const char *text)
{
	send_reply (call, status, type, text, strlen (text));
}

void
inkand_reply_json (inkand_call *call, int status, json_t *body)
{
	char *text = body != NULL ? json_dumps (body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref (body);
	if (text == NULL) {
		static const char nomem[] = "{\"error\":\"nomem\",\"message\":\"out of memory\"}";

		send_reply (call, 500, "application/json", nomem, sizeof nomem - 1);
		return;
	}
	send_reply (call, status, "application/json", text, strlen (text));
	free (text);
}

void
inkand_reply_error (inkand_call *call, int status, unsigned retry_after, const char *code, const char *message)
{
	if (retry_after > 0) {
		char secs[16];

		snprintf (secs, sizeof secs, "%u", retry_after);
		evhttp_add_header (evhttp_request_get_output_headers (call->req), "Retry-After", secs);
	}
	inkand_reply_json (call, status, json_pack ("{s:s, s:s}", "error", code, "message", message));
}

int
inkand_submit (inkand_call *call, inkand_job *job)
{
	if (inkand_pool_submit (call->srv->pool, job) != 0) {
		inkand_reply_error (call, 503, 1, "busy", _("all workers are busy and the queue is full; try again"));
		return -1;
	}
	call->queued = 1;
	call->srv->inflight++;
	at_turn_end (call->srv);
	return 0;
}

int
inkand_submit_more (inkand_call *call, inkand_job *job)
{
	return inkand_pool_submit (call->srv->pool, job);
}

/* ---- who is asking ---- */

/* uid -> "unix:NAME" (or "uid:N"), looked up once per uid: a name service
 * behind NSS (LDAP, sssd) must not stall the loop on every request. */
static struct {
	uid_t uid;
	char identity[sizeof ((inkand_call *) 0)->client];
} uid_cache[64];
static size_t uid_cached, uid_next;

static int
unix_identity (evutil_socket_t fd, char *out, size_t len)
{
	struct ucred cred;
	socklen_t cl = sizeof cred;
	struct passwd pw, *res = NULL;
	char buf[2048];
	size_t i;

	if (getsockopt (fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0)
		return -1;
	for (i = 0; i < uid_cached; i++) {
		if (uid_cache[i].uid == cred.uid) {
			snprintf (out, len, "%s", uid_cache[i].identity);
			return 0;
		}
	}
	if (getpwuid_r (cred.uid, &pw, buf, sizeof buf, &res) == 0 && res != NULL)
		snprintf (out, len, "unix:%s", pw.pw_name);
	else
		snprintf (out, len, "uid:%u", (unsigned) cred.uid);
	i = uid_next++ % (sizeof uid_cache / sizeof uid_cache[0]);
	uid_cache[i].uid = cred.uid;
	snprintf (uid_cache[i].identity, sizeof uid_cache[i].identity, "%s", out);
	if (uid_cached <= i)
		uid_cached = i + 1;
	return 0;
}

/* "cn:<subject CN>" or "dn:<subject DN, RFC 2253>" of the verified client
 * certificate. */
static int
tls_identity (SSL *ssl, int use_dn, char *out, size_t len)
{
	X509 *peer = ssl ? SSL_get0_peer_certificate (ssl) : NULL;
	X509_NAME *name = peer ? X509_get_subject_name (peer) : NULL;
	int ret = -1;
	BIO *bio;

	if (name == NULL || SSL_get_verify_result (ssl) != X509_V_OK)
		return -1;
	if (use_dn) {
		char *p;
		long n;

		bio = BIO_new (BIO_s_mem ());
		if (bio != NULL && X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253) >= 0 &&
		    (n = BIO_get_mem_data (bio, &p)) > 0) {
			/* Cut short, it could be another client's. */
			if ((size_t) snprintf (out, len, "dn:%.*s", (int) n, p) < len)
				ret = 0;
		}
		BIO_free (bio);
		return ret;
	}
	return inkand_cert_cn (name, out, len);
}

/* NOTE is the connection's note of its client (see inkand_conns_request).
 * A UNIX socket's peer cannot change, so its identity is looked up on the
 * first request alone: the system call is a few percent of a signature's
 * cost here.  A TLS client's is read from the session each time, which
 * costs no call, and stays right should TLS 1.2 renegotiate another
 * certificate. */
static int
identify (struct listener *l, struct evhttp_request *req, char *note, char *out)
{
	struct evhttp_connection *conn = evhttp_request_get_connection (req);
	struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent (conn) : NULL;

	if (bev == NULL)
		return -1;
	if (l->tls != NULL)
		return tls_identity (bufferevent_openssl_get_ssl (bev), l->conf->identity_dn, out, INKAND_CLIENT_MAX);
	if (note != NULL && note[0] != '\0') {
		memcpy (out, note, INKAND_CLIENT_MAX);
		return 0;
	}
	if (unix_identity (bufferevent_getfd (bev), out, INKAND_CLIENT_MAX) != 0)
		return -1;
	if (note != NULL)
		memcpy (note, out, INKAND_CLIENT_MAX);
	return 0;
}

/* ---- routing ---- */

/* Two Content-Length headers that differ leave the body's end in doubt:
 * libevent reads by the first, a proxy in front may have read by the
 * other, and what one takes for the next request the other took for
 * body (RFC 9112, 6.3). */
int
inkand_lengths_differ (const struct evkeyvalq *headers)
{
	const struct evkeyval *h;
	const char *first = NULL;

	TAILQ_FOREACH (h, headers, next) {
		if (strcasecmp (h->key, "Content-Length") != 0)
			continue;
		if (first == NULL)
			first = h->value;
		else if (strcmp (first, h->value) != 0)
			return 1;
	}
	return 0;
}

static void
on_request (struct evhttp_request *req, void *arg)
{
	struct listener *l = arg;
	inkand_server *srv = l->srv;
	inkand_call call = { .srv = srv, .req = req, .ep = INKAND_EP_OTHER, .start = inkand_now () };
	const char *path = evhttp_uri_get_path (evhttp_request_get_evhttp_uri (req));
	const struct route *r = NULL;
	int path_known = 0;
	char *note = inkand_conns_request (srv->conns, req);
	unsigned wait;
	size_t i;

	if (identify (l, req, note, call.client) != 0) {
		snprintf (call.client, sizeof call.client, "unknown");
		inkand_reply_error (&call, 401, 0, "unauthenticated", _("the client could not be identified"));
		return;
	}
	if (inkand_lengths_differ (evhttp_request_get_input_headers (req))) {
		/* Whatever follows on this connection is in doubt too. */
		evhttp_add_header (evhttp_request_get_output_headers (req), "Connection", "close");
		inkand_reply_error (&call, 400, 0, "bad-request", _("the request has Content-Length headers that differ"));
		return;
	}
	for (i = 0; path != NULL && i < sizeof routes / sizeof routes[0]; i++) {
		if (strcmp (routes[i].path, path) != 0)
			continue;
		path_known = 1;
		if (routes[i].method == evhttp_request_get_command (req))
			r = &routes[i];
	}
	if (r == NULL) {
		inkand_reply_error (&call, path_known ? 405 : 404, 0, path_known ? "bad-method" : "not-found",
		                    path_known ? _("this endpoint takes another method") : _("no such endpoint"));
		return;
	}
	call.ep = r->ep;
	if (srv->draining) {
		inkand_reply_error (&call, 503, 1, "shutting-down", _("inkand is shutting down"));
		return;
	}
	if (r->limited && inkand_ratelimit_take (srv->ratelimit, call.client, 1, call.start, &wait) != INKAN_OK) {
		/* No bucket for this client: refused, not served unlimited. */
		inkand_reply_error (&call, 503, 1, "nomem", _("out of memory"));
		return;
	}
	if (r->limited && wait > 0) {
		inkand_reply_error (&call, 429, wait, "rate-limited", _("too many requests from this client"));
		return;
	}
	r->handler (&call);
}

/* ---- listeners ---- */

/* Stop (PAUSE) or take up again accepting on every listener still open.
 * All of them: conns.c notes so many connections a turn, whichever
 * listener they came from. */
static void
listeners_pause (inkand_server *srv, int pause)
{
	size_t i;

	for (i = 0; i < srv->n_listeners; i++) {
		struct evconnlistener *lev;

		if (srv->listeners[i].bound == NULL)
			continue;
		lev = evhttp_bound_socket_get_listener (srv->listeners[i].bound);
		if (pause)
			evconnlistener_disable (lev);
		else
			evconnlistener_enable (lev);
	}
}

/* Every accepted connection's bufferevent, made here so that conns.c
 * counts it.  NULL would have evhttp make an uncounted one of its own: when
 * SSL_new fails, a plain one stands in, counted, and identify() refuses
 * it, as it has no TLS. */
static struct bufferevent *
make_bev (struct event_base *base, void *arg)
{
	struct listener *l = arg;
	struct bufferevent *bev = NULL;
	SSL *ssl = l->tls != NULL ? SSL_new (l->tls) : NULL;

	if (ssl != NULL)
		bev = bufferevent_openssl_socket_new (base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	else
		bev = bufferevent_socket_new (base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev != NULL && inkand_conns_accepted (l->srv->conns, bev))
		listeners_pause (l->srv, 1);
	return bev;
}

/* conns.c has sorted out what was accepted: accept again. */
static void
listeners_resume (void *arg)
{
	listeners_pause (arg, 0);
}

/* The files may be systemd credentials ("cred:NAME"), so that the unit
 * keeps DynamicUser and the key stays readable by root alone. */
static inkan_err
tls_context (const inkand_listen_conf *c, SSL_CTX **out)
{
	SSL_CTX *ctx = NULL;
	STACK_OF (X509_NAME) *names = NULL;
	char *cert = NULL, *key = NULL, *ca = NULL;
	unsigned long e;
	inkan_err err;

	err = inkand_config_file (c->tls_cert, &cert);
	if (err == INKAN_OK)
		err = inkand_config_file (c->tls_key, &key);
	if (err == INKAN_OK)
		err = inkand_config_file (c->client_ca, &ca);
	if (err != INKAN_OK)
		goto out;
	ctx = SSL_CTX_new (TLS_server_method ());
	if (ctx == NULL || !SSL_CTX_set_min_proto_version (ctx, TLS1_2_VERSION) ||
	    SSL_CTX_use_certificate_chain_file (ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file (ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key (ctx) != 1 || SSL_CTX_load_verify_locations (ctx, ca, NULL) != 1 ||
	    (names = SSL_load_client_CA_file (ca)) == NULL) {
		e = ERR_get_error ();
		SSL_CTX_free (ctx);
		ERR_clear_error ();
		err = inkand_fail (INKAN_ERR_CRYPTO, _("TLS for %s:%u (%s, %s, %s): %s"), c->host, c->port, cert, key, ca,
		                   ERR_reason_error_string (e) ? ERR_reason_error_string (e) : "?");
		goto out;
	}
	SSL_CTX_set_client_CA_list (ctx, names);
	/* TLS 1.2 resumption with a client certificate needs a context, or
	 * OpenSSL refuses to resume and fails the handshake. */
	SSL_CTX_set_session_id_context (ctx, (const unsigned char *) "inkand", 6);
	/* No certificate, or one the CA did not issue: the handshake fails
	 * and the client never reaches HTTP. */
	SSL_CTX_set_verify (ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	*out = ctx;
out:
	free (cert);
	free (key);
	free (ca);
	return err;
}

static inkan_err
unix_socket (const inkand_listen_conf *c, evutil_socket_t *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen (c->unix_path) >= sizeof sa.sun_path)
		return inkand_fail (INKAN_ERR_USAGE, _("socket path %s is too long"), c->unix_path);
	strcpy (sa.sun_path, c->unix_path);
	fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return inkand_fail (INKAN_ERR_IO, _("cannot listen on %s: %s"), c->unix_path, strerror (errno));
	/* A socket file left by a daemon that died: ours to take over. */
	(void) unlink (c->unix_path);
	if (bind (fd, (struct sockaddr *) &sa, sizeof sa) != 0 || chmod (c->unix_path, c->mode) != 0 ||
	    listen (fd, 128) != 0) {
		int e = errno;

		close (fd);
		return inkand_fail (INKAN_ERR_IO, _("cannot listen on %s: %s"), c->unix_path, strerror (e));
	}
	*out = fd;
	return INKAN_OK;
}

static inkan_err
listener_start (inkand_server *srv, const inkand_listen_conf *c, struct listener *l)
{
	evutil_socket_t fd = -1;
	inkan_err err;

	l->srv = srv;
	l->conf = c;
	l->http = evhttp_new (srv->base);
	if (l->http == NULL)
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	evhttp_set_gencb (l->http, on_request, l);
	evhttp_set_bevcb (l->http, make_bev, l);
	evhttp_set_allowed_methods (l->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	/* Larger bodies get libevent's own 413 before any of it is kept. */
	evhttp_set_max_body_size (l->http, (ev_ssize_t) srv->cfg->max_body);
	evhttp_set_max_headers_size (l->http, 16384);
	evhttp_set_timeout (l->http, 30);
	if (c->unix_path != NULL) {
		err = unix_socket (c, &fd);
		if (err != INKAN_OK)
			return err;
		l->bound = evhttp_accept_socket_with_handle (l->http, fd);
		if (l->bound == NULL)
			close (fd);
	} else {
		err = tls_context (c, &l->tls);
		if (err != INKAN_OK)
			return err;
		l->bound = evhttp_bind_socket_with_handle (l->http, c->host, (ev_uint16_t) c->port);
	}
	if (l->bound == NULL)
		return inkand_fail (INKAN_ERR_IO, _("cannot listen on %s: %s"),
		                    c->unix_path ? c->unix_path : c->host, strerror (errno));
	inkand_log (INKAND_INFO, "listening", NULL, "{s:s, s:i, s:b}", "address", c->unix_path ? c->unix_path : c->host,
	            "port", (int) c->port, "tls", c->unix_path == NULL);
	return INKAN_OK;
}

/* Stop taking connections; those open are answered, then closed. */
static void
listeners_close (inkand_server *srv)
{
	size_t i;

	for (i = 0; i < srv->n_listeners; i++) {
		struct listener *l = &srv->listeners[i];

		if (l->bound == NULL)
			continue;
		evhttp_del_accept_socket (l->http, l->bound);
		l->bound = NULL;
		if (l->conf->unix_path != NULL)
			(void) unlink (l->conf->unix_path);
	}
}

/* ---- signals and timers ---- */

static void
on_stop (evutil_socket_t sig, short what, void *arg)
{
	inkand_server *srv = arg;

	(void) what;
	if (srv->draining)
		return;
	srv->draining = 1;
	(void) sd_notify (0, "STOPPING=1\nSTATUS=draining");
	inkand_log (INKAND_INFO, "draining", _("stopping: no new requests, finishing those in flight"),
	            "{s:i, s:I}", "signal", (int) sig, "in_flight", (json_int_t) srv->inflight);
	listeners_close (srv);
	maybe_exit (srv);
}

/* validate.conf again, when verifications are served: whole, or not at all. */
static void
reload_validate (inkand_server *srv)
{
	if (srv->verifier == NULL)
		return;
	inkand_from_lib (INKAN_OK);
	if (inkand_verifier_reload (srv->verifier) != INKAN_OK) {
		inkand_log (INKAND_WARN, "reload-failed", _("the new validate.conf is refused; the old one stays"),
		            "{s:s, s:s}", "file", inkand_verifier_path (srv->verifier), "detail", inkand_detail ());
		return;
	}
	/* Requests already queued finish under the old one (they hold it). */
	inkand_log (INKAND_INFO, "reloaded", _("validate.conf reloaded"), "{s:s}", "file",
	            inkand_verifier_path (srv->verifier));
}

/* The authorisation and validate.conf, each checked whole before it
 * replaces the one in use, each refused on its own. */
static void
on_reload (evutil_socket_t sig, short what, void *arg)
{
	inkand_server *srv = arg;
	inkand_authz *next = NULL;
	inkan_err err;

	(void) sig;
	(void) what;
	(void) sd_notify (0, "RELOADING=1");
	inkand_from_lib (INKAN_OK);
	err = inkand_config_reload_authz (srv->cfg, &next);
	if (err != INKAN_OK) {
		inkand_log (INKAND_WARN, "reload-failed", _("the new authorisation is refused; the old one stays"),
		            "{s:s, s:s}", "file", srv->cfg->path, "detail", inkand_detail ());
	} else {
		/* Requests already queued were checked under the old table; new
		 * ones see the new one.  The loop thread is the only reader. */
		inkand_authz_free (srv->cfg->authz);
		srv->cfg->authz = next;
		inkand_log (INKAND_INFO, "reloaded", _("authorisation reloaded"), "{s:s, s:I}", "file", srv->cfg->path,
		            "clients", (json_int_t) inkand_authz_count (next));
	}
	reload_validate (srv);
	/* Refused or not, inkand serves on (with the old settings or the new). */
	(void) sd_notify (0, "READY=1\nSTATUS=serving");
}

typedef struct {
	inkand_job job;
	inkand_server *srv;
	size_t key;
} checkpoint_job;

static inkan_err
checkpoint_work (inkand_job *job, inkand_worker *w)
{
	checkpoint_job *c = (checkpoint_job *) job;

	return inkan_audit_checkpoint (c->srv->audit, inkand_worker_key (w, c->key), NULL);
}

static void
checkpoint_done (inkand_job *job)
{
	checkpoint_job *c = (checkpoint_job *) job;

	if (job->err != INKAN_OK)
		inkand_log (INKAND_ERROR, "checkpoint-failed", _("the audit checkpoint could not be signed"),
		            "{s:s, s:s}", "error", inkan_err_name (job->err), "detail", job->detail);
	c->srv->inflight--;
	maybe_exit (c->srv);
	free (c);
}

/* A checkpoint job on the pool: 0, or -1 when none could be queued. */
static int
checkpoint_submit (inkand_server *srv)
{
	checkpoint_job *c = calloc (1, sizeof *c);

	if (c == NULL) {
		inkand_log (INKAND_WARN, "checkpoint-skipped", _("out of memory"), NULL);
		return -1;
	}
	c->srv = srv;
	c->key = (size_t) inkand_config_key (srv->cfg, srv->cfg->checkpoint_key);
	c->job.work = checkpoint_work;
	c->job.reply = checkpoint_done;
	if (inkand_pool_submit (srv->pool, &c->job) != 0) {
		inkand_log (INKAND_WARN, "checkpoint-skipped", _("the queue is full: the checkpoint waits for the next turn"),
		            NULL);
		free (c);
		return -1;
	}
	srv->inflight++;
	srv->records_checkpointed = inkand_pool_records (srv->pool);
	at_turn_end (srv);
	return 0;
}

static void
on_checkpoint (evutil_socket_t fd, short what, void *arg)
{
	inkand_server *srv = arg;

	(void) fd;
	(void) what;
	/* The drain makes its own, once the last request is answered. */
	if (!srv->draining)
		(void) checkpoint_submit (srv);
}

inkan_err
inkand_server_new (struct event_base *base, inkand_config *cfg, inkand_pool *pool, inkand_verifier *verifier,
                   inkan_audit *audit, inkand_server **out)
{
	static const int sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	inkand_server *srv = calloc (1, sizeof *srv);
	inkan_err err = INKAN_OK;
	size_t i;

	if (srv == NULL)
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	srv->base = base;
	srv->cfg = cfg;
	srv->pool = pool;
	srv->verifier = verifier;
	srv->audit = audit;
	srv->listeners = calloc (cfg->n_listen, sizeof *srv->listeners);
	if (srv->listeners == NULL)
		err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	if (err == INKAN_OK)
		err = inkand_metrics_new (cfg, &srv->metrics);
	if (err == INKAN_OK)
		err = inkand_ratelimit_new (cfg->rate, cfg->burst, &srv->ratelimit);
	if (err == INKAN_OK)
		err = inkand_certcache_new (&srv->certs);
	if (err == INKAN_OK)
		err = inkand_conns_new (base, cfg->max_connections, cfg->request_timeout, listeners_resume, srv,
		                        &srv->conns);
	for (i = 0; err == INKAN_OK && i < 3; i++) {
		srv->signals[i] = evsignal_new (base, sigs[i], sigs[i] == SIGHUP ? on_reload : on_stop, srv);
		if (srv->signals[i] == NULL || evsignal_add (srv->signals[i], NULL) != 0)
			err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("cannot handle signals"));
	}
	if (err == INKAN_OK && (srv->turn_end = event_new (base, -1, 0, end_turn, srv)) == NULL)
		err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	if (err == INKAN_OK && cfg->checkpoint_key != NULL) {
		struct timeval every = { (time_t) cfg->checkpoint_interval, 0 };

		srv->checkpoint = event_new (base, -1, EV_PERSIST, on_checkpoint, srv);
		if (srv->checkpoint == NULL || event_add (srv->checkpoint, &every) != 0)
			err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	for (; err == INKAN_OK && srv->n_listeners < cfg->n_listen; srv->n_listeners++)
		err = listener_start (srv, &cfg->listen[srv->n_listeners], &srv->listeners[srv->n_listeners]);
	if (err != INKAN_OK) {
		/* N_LISTENERS counts the one that failed half-way: freed too. */
		inkand_server_free (srv);
		return err;
	}
	*out = srv;
	return INKAN_OK;
}

void
inkand_server_free (inkand_server *srv)
{
	size_t i;

	if (srv == NULL)
		return;
	listeners_close (srv);
	for (i = 0; i < srv->n_listeners; i++) {
		if (srv->listeners[i].http != NULL)
			evhttp_free (srv->listeners[i].http);
		SSL_CTX_free (srv->listeners[i].tls);
	}
	for (i = 0; i < 3; i++)
		if (srv->signals[i] != NULL)
			event_free (srv->signals[i]);
	if (srv->checkpoint != NULL)
		event_free (srv->checkpoint);
	if (srv->turn_end != NULL) {
		/* What the last turn left, the drain's answers among it. */
		end_turn (-1, 0, srv);
		event_free (srv->turn_end);
	}
	/* After evhttp_free: its connections call back into it as they close. */
	inkand_conns_free (srv->conns);
	inkand_metrics_free (srv->metrics);
	inkand_ratelimit_free (srv->ratelimit);
	inkand_certcache_free (srv->certs);
	free (srv->listeners);
	free (srv);
}
