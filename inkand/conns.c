/*
 * Open connections: counted, capped, and each request given an absolute
 * deadline to arrive whole.
 *
 * libevent 2.1's evhttp accepts by itself and tells nothing until a
 * request has arrived whole (evhttp_set_newreqcb is 2.2).  What it does
 * give: the bufferevent callback, called for every accepted connection
 * before evhttp sets it up, and evhttp_connection_set_closecb, called
 * once when a connection it set up is freed.  So the bufferevent is
 * noted when made, and on the next turn of the loop -- evhttp has then
 * set it up, its callbacks' argument is the evhttp_connection -- the
 * connection either gets a slot (its close callback gives the slot back)
 * or, all slots taken, is closed at once.  An extra reference keeps the
 * bufferevent readable until then, even if evhttp gave up on it.
 */
#include <stdlib.h>
#include <sys/resource.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/http.h>

#include "inkand/inkand.h"

/* Connections noted in one turn of the loop, at most; when there are this
 * many, accepting pauses until they are sorted out. */
#define PENDING_MAX 64
/* A bound on the descriptor table, should RLIMIT_NOFILE be unlimited. */
#define FD_TABLE_MAX (1 << 20)

struct conn {
	inkand_conns *set;
	struct evhttp_connection *evcon;
	struct event deadline;
	int fd;
	int next_free;                  /* a free slot's successor, or -1 */
	char client[INKAND_CLIENT_MAX]; /* see inkand_conns_request */
};

struct inkand_conns {
	struct event_base *base;
	struct timeval timeout;
	struct conn *slots;
	unsigned n_slots;
	int free_head;
	int *by_fd;                     /* fd -> slot, or -1 */
	size_t n_fds;
	struct bufferevent *pending[PENDING_MAX];
	size_t n_pending;
	struct event *sort_ev;
	void (*resume) (void *arg);
	void *resume_arg;
	inkand_conns_stats st;
};

static void
on_deadline (evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void) fd;
	(void) what;
	c->set->st.timed_out++;
	inkand_log (INKAND_INFO, "request-timeout", NULL, "{s:f}", "seconds",
	            (double) c->set->timeout.tv_sec + (double) c->set->timeout.tv_usec / 1e6);
	/* Calls on_close, which gives the slot back. */
	evhttp_connection_free (c->evcon);
}

static void
on_close (struct evhttp_connection *evcon, void *arg)
{
	struct conn *c = arg;
	inkand_conns *set = c->set;

	(void) evcon;
	event_del (&c->deadline);
	set->by_fd[c->fd] = -1;
	c->evcon = NULL;
	c->next_free = set->free_head;
	set->free_head = (int) (c - set->slots);
	set->st.open--;
}

/* One connection evhttp has set up (or given up on, then EVCON is NULL). */
static void
sort_one (inkand_conns *set, struct bufferevent *bev)
{
	struct evhttp_connection *evcon;
	void *arg = NULL;
	struct conn *c;
	int fd = (int) bufferevent_getfd (bev);

	bufferevent_getcb (bev, NULL, NULL, NULL, &arg);
	evcon = arg;
	if (evcon == NULL)
		return;
	if (set->free_head < 0 || fd < 0 || (size_t) fd >= set->n_fds) {
		set->st.refused++;
		evhttp_connection_free (evcon);
		return;
	}
	c = &set->slots[set->free_head];
	set->free_head = c->next_free;
	c->evcon = evcon;
	c->fd = fd;
	c->client[0] = '\0';
	set->by_fd[fd] = (int) (c - set->slots);
	set->st.open++;
	evhttp_connection_set_closecb (evcon, on_close, c);
	event_add (&c->deadline, &set->timeout);
}

static void
on_sort (evutil_socket_t fd, short what, void *arg)
{
	inkand_conns *set = arg;
	size_t i, n = set->n_pending;

	(void) fd;
	(void) what;
	set->n_pending = 0;
	for (i = 0; i < n; i++) {
		sort_one (set, set->pending[i]);
		bufferevent_decref (set->pending[i]);
	}
	if (n == PENDING_MAX)
		set->resume (set->resume_arg);
}

int
inkand_conns_accepted (inkand_conns *set, struct bufferevent *bev)
{
	/* The caller pauses every listener when this says 1: no more come
	 * before on_sort has run. */
	bufferevent_incref (bev);
	set->pending[set->n_pending++] = bev;
	if (set->n_pending == 1)
		event_active (set->sort_ev, EV_READ, 0);
	return set->n_pending == PENDING_MAX;
}

static struct conn *
conn_of (inkand_conns *set, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection (req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent (evcon) : NULL;
	int fd = bev ? (int) bufferevent_getfd (bev) : -1;

	if (fd < 0 || (size_t) fd >= set->n_fds || set->by_fd[fd] < 0)
		return NULL;
	return &set->slots[set->by_fd[fd]];
}

/* The answer is out: the connection's next request has its own time. */
static void
on_answered (struct evhttp_request *req, void *arg)
{
	struct conn *c = arg;

	(void) req;
	event_add (&c->deadline, &c->set->timeout);
}

char *
inkand_conns_request (inkand_conns *set, struct evhttp_request *req)
{
	struct conn *c = conn_of (set, req);

	/* The request is ours until answered: its connection must not be
	 * freed under it, however long the queue. */
	if (c == NULL)
		return NULL;
	event_del (&c->deadline);
	evhttp_request_set_on_complete_cb (req, on_answered, c);
	return c->client;
}

void
inkand_conns_stats_get (const inkand_conns *set, inkand_conns_stats *st)
{
	*st = set->st;
	st->max = set->n_slots;
}

inkan_err
inkand_conns_new (struct event_base *base, unsigned max, double timeout, void (*resume) (void *arg),
                  void *resume_arg, inkand_conns **out)
{
	inkand_conns *set = calloc (1, sizeof *set);
	struct rlimit nofile;
	inkan_err err = INKAN_OK;
	size_t i;

	if (set == NULL)
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	set->base = base;
	set->timeout.tv_sec = (time_t) timeout;
	set->timeout.tv_usec = (suseconds_t) ((timeout - (double) set->timeout.tv_sec) * 1e6);
	set->resume = resume;
	set->resume_arg = resume_arg;
	set->n_slots = max;
	if (getrlimit (RLIMIT_NOFILE, &nofile) != 0 || nofile.rlim_cur == RLIM_INFINITY ||
	    nofile.rlim_cur > FD_TABLE_MAX)
		nofile.rlim_cur = FD_TABLE_MAX;
	set->n_fds = (size_t) nofile.rlim_cur;
	/* The token, the log, the listeners and libevent need descriptors of
	 * their own; past the limit accept() fails and clients hang in the
	 * backlog instead of being refused. */
	if ((size_t) max + 64 > set->n_fds)
		err = inkand_fail (INKAN_ERR_USAGE, _("max_connections is %u, but only %zu descriptors may be open "
		                                      "(LimitNOFILE): keep it at least 64 below"),
		                   max, set->n_fds);
	if (err == INKAN_OK) {
		set->slots = calloc (max, sizeof *set->slots);
		set->by_fd = malloc (set->n_fds * sizeof *set->by_fd);
		set->sort_ev = event_new (base, -1, 0, on_sort, set);
		if (set->slots == NULL || set->by_fd == NULL || set->sort_ev == NULL)
			err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	if (err != INKAN_OK) {
		inkand_conns_free (set);
		return err;
	}
	for (i = 0; i < set->n_fds; i++)
		set->by_fd[i] = -1;
	for (i = 0; i < max; i++) {
		set->slots[i].set = set;
		set->slots[i].next_free = i + 1 < max ? (int) i + 1 : -1;
		event_assign (&set->slots[i].deadline, base, -1, 0, on_deadline, &set->slots[i]);
	}
	set->free_head = max > 0 ? 0 : -1;
	*out = set;
	return INKAN_OK;
}

void
inkand_conns_free (inkand_conns *set)
{
	size_t i;

	if (set == NULL)
		return;
	/* The connections are gone (evhttp_free closed them, each through
	 * on_close); only the references to those not yet sorted remain. */
	for (i = 0; i < set->n_pending; i++)
		bufferevent_decref (set->pending[i]);
	if (set->sort_ev != NULL)
		event_free (set->sort_ev);
	free (set->slots);
	free (set->by_fd);
	free (set);
}
