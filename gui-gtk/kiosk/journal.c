/* inkan-kiosk — the journal on the audit log.
 *
 * A step is one audit record: client = the staff member, key_uri = the
 * card's key (or ""), operation = "kiosk-OP STEP card=ID [serial=HEX]",
 * digest = the issued certificate's DER when the step has one (so the
 * chain covers it and a restart can write it), result = "ok" or the
 * error's name.  The layout is in doc/kiosk.md. */
#include "journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <inkan/audit.h>
#include <inkan/hex.h>

struct kiosk_journal {
	inkan_audit *log;
	char *path;
};

static const char *const op_names[KIOSK_OP_COUNT] = {
	[KIOSK_OP_SIGNIN] = "kiosk-signin",
	[KIOSK_OP_ISSUE] = "kiosk-issue",
	[KIOSK_OP_RENEW] = "kiosk-renew",
	[KIOSK_OP_RESET_PIN] = "kiosk-reset-pin",
	[KIOSK_OP_REVOKE] = "kiosk-revoke",
};

static const char *const step_names[KIOSK_STEP_COUNT] = {
	[KIOSK_STEP_BEGIN] = "begin",
	[KIOSK_STEP_HOLDER] = "holder",
	[KIOSK_STEP_PINS] = "pins",
	[KIOSK_STEP_KEYGEN] = "keygen",
	[KIOSK_STEP_REQUEST] = "request",
	[KIOSK_STEP_ISSUED] = "issued",
	[KIOSK_STEP_WRITTEN] = "written",
	[KIOSK_STEP_REUSED] = "reused",
	[KIOSK_STEP_REVOKED] = "revoked",
	[KIOSK_STEP_DONE] = "done",
	[KIOSK_STEP_CANCELLED] = "cancelled",
};

const char *
kiosk_op_name (kiosk_op op)
{
	return op < KIOSK_OP_COUNT ? op_names[op] : "?";
}

const char *
kiosk_step_name (kiosk_step step)
{
	return step < KIOSK_STEP_COUNT ? step_names[step] : "?";
}

/* Card IDs and serials go into a space-separated record unquoted. */
static int
word_valid (const char *s, const char *extra)
{
	if (s == NULL || *s == '\0' || strlen (s) > 200)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      strchr (extra, *s) != NULL))
			return 0;
	return 1;
}

int
kiosk_card_id_valid (const char *s)
{
	return word_valid (s, ":._-");
}

char *
kiosk_card_id (const char *profile, const char *serial, int serial_identifies, const inkan_token_cert *certs,
               size_t n)
{
	unsigned char best[32], d[32];
	char *hex = NULL, *id = NULL;
	size_t len, i, found = 0;

	if (serial_identifies) {
		/* OpenSC pads serials with spaces. */
		while (*serial == ' ')
			serial++;
		len = strlen (serial);
		while (len > 0 && serial[len - 1] == ' ')
			len--;
		if (asprintf (&id, "%s:%.*s", profile, (int) len, serial) < 0)
			return NULL;
	} else {
		for (i = 0; i < n; i++)
			if (EVP_Digest (certs[i].der, certs[i].der_len, d, NULL, EVP_sha256 (), NULL) &&
			    (found++ == 0 || memcmp (d, best, sizeof d) < 0))
				memcpy (best, d, sizeof d);
		if (found == 0 || (hex = inkan_hex_encode (best, sizeof best)) == NULL ||
		    asprintf (&id, "%s:sha256-%s", profile, hex) < 0)
			id = NULL;
		free (hex);
	}
	if (id != NULL && !kiosk_card_id_valid (id)) {
		free (id);
		id = NULL;
	}
	return id;
}

inkan_err
kiosk_journal_open (const char *path, kiosk_journal **out)
{
	kiosk_journal *j = calloc (1, sizeof *j);
	inkan_err err = INKAN_ERR_NOMEM;

	if (j == NULL || (j->path = strdup (path)) == NULL)
		goto out;
	err = inkan_audit_open (path, &j->log);
	if (err != INKAN_OK)
		goto out;
	*out = j;
	j = NULL;
out:
	kiosk_journal_close (j);
	return err;
}

void
kiosk_journal_close (kiosk_journal *j)
{
	if (j == NULL)
		return;
	inkan_audit_close (j->log);
	free (j->path);
	free (j);
}

const char *
kiosk_journal_path (const kiosk_journal *j)
{
	return j->path;
}

inkan_err
kiosk_journal_record (kiosk_journal *j, const kiosk_journal_entry *e)
{
	char op[400];
	int n;

	if (e->op >= KIOSK_OP_COUNT || e->step >= KIOSK_STEP_COUNT || e->staff == NULL ||
	    !(kiosk_card_id_valid (e->card) || strcmp (e->card, "-") == 0) ||
	    (e->cert_serial != NULL && !word_valid (e->cert_serial, "")) ||
	    (e->cert_der == NULL) != (e->cert_len == 0))
		return INKAN_ERR_USAGE;
	n = snprintf (op, sizeof op, "%s %s card=%s%s%s", op_names[e->op], step_names[e->step], e->card,
	              e->cert_serial != NULL ? " serial=" : "", e->cert_serial != NULL ? e->cert_serial : "");
	if (n < 0 || (size_t) n >= sizeof op)
		return INKAN_ERR_USAGE;
	inkan_audit_entry entry = {
		.client = e->staff,
		.key_uri = e->key_uri != NULL ? e->key_uri : "",
		.operation = op,
		.digest = e->cert_der,
		.digest_len = e->cert_len,
		.result = inkan_err_name (e->result),
	};
	return inkan_audit_append (j->log, &entry, NULL);
}

/* A record's operation taken apart; pointers into BUF. */
typedef struct {
	kiosk_op op;
	kiosk_step step;
	const char *card;
	const char *serial;
} parsed_op;

static int
lookup (const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp (names[i], s) == 0)
			return (int) i;
	return -1;
}

/* Records of other programs, or not of this layout, are not ours: 0. */
static int
parse_op (const char *operation, char *buf, size_t size, parsed_op *p)
{
	char *save = NULL, *tok;
	int op, step;

	if (strncmp (operation, "kiosk-", 6) != 0 || strlen (operation) >= size)
		return 0;
	strcpy (buf, operation);
	memset (p, 0, sizeof *p);
	if ((tok = strtok_r (buf, " ", &save)) == NULL || (op = lookup (op_names, KIOSK_OP_COUNT, tok)) < 0)
		return 0;
	if ((tok = strtok_r (NULL, " ", &save)) == NULL || (step = lookup (step_names, KIOSK_STEP_COUNT, tok)) < 0)
		return 0;
	p->op = (kiosk_op) op;
	p->step = (kiosk_step) step;
	while ((tok = strtok_r (NULL, " ", &save)) != NULL) {
		if (strncmp (tok, "card=", 5) == 0)
			p->card = tok + 5;
		else if (strncmp (tok, "serial=", 7) == 0)
			p->serial = tok + 7;
	}
	return p->card != NULL;
}

typedef struct {
	const char *card;
	kiosk_resume *r;
	inkan_err err;
} walk_state;

static int
set_str (char **dst, const char *src)
{
	free (*dst);
	*dst = NULL;
	if (src == NULL || *src == '\0')
		return 1;
	return (*dst = strdup (src)) != NULL;
}

static int
set_cert (kiosk_resume *r, const uint8_t *der, size_t len)
{
	free (r->cert_der);
	r->cert_der = NULL;
	r->cert_len = 0;
	if (len == 0)
		return 1;
	if ((r->cert_der = malloc (len)) == NULL)
		return 0;
	memcpy (r->cert_der, der, len);
	r->cert_len = len;
	return 1;
}

/* Only successful steps move a card on: a failed ir leaves it where the
 * key was made, which is where the retry starts. */
static int
walk_one (const inkan_audit_record *rec, void *user)
{
	walk_state *w = user;
	kiosk_resume *r = w->r;
	char buf[400];
	parsed_op p;
	int ok = 1;

	if (!parse_op (rec->operation, buf, sizeof buf, &p) || strcmp (p.card, w->card) != 0 ||
	    strcmp (rec->result, "ok") != 0)
		return 0;
	if (p.op != KIOSK_OP_ISSUE && p.op != KIOSK_OP_RENEW) {
		/* A revocation of the card's certificate ends whatever was open. */
		if (p.op == KIOSK_OP_REVOKE && p.step == KIOSK_STEP_REVOKED)
			r->kind = KIOSK_RESUME_NONE;
		return 0;
	}
	switch (p.step) {
	case KIOSK_STEP_BEGIN:
		r->kind = KIOSK_RESUME_RESTART;
		r->op = p.op;
		ok = set_str (&r->key_uri, NULL) && set_str (&r->cert_serial, NULL) && set_cert (r, NULL, 0);
		break;
	case KIOSK_STEP_KEYGEN:
		if (r->kind == KIOSK_RESUME_NONE)
			return 0;
		r->kind = KIOSK_RESUME_ENROL;
		ok = set_str (&r->key_uri, rec->key_uri);
		break;
	case KIOSK_STEP_ISSUED:
	case KIOSK_STEP_WRITTEN:
	case KIOSK_STEP_REUSED:
		if (r->kind == KIOSK_RESUME_NONE)
			return 0;
		r->kind = p.step == KIOSK_STEP_ISSUED ? KIOSK_RESUME_WRITE : KIOSK_RESUME_ACKNOWLEDGE;
		ok = set_str (&r->cert_serial, p.serial) && set_cert (r, rec->digest, rec->digest_len);
		if (ok && *rec->key_uri != '\0')
			ok = set_str (&r->key_uri, rec->key_uri);
		break;
	case KIOSK_STEP_DONE:
	case KIOSK_STEP_CANCELLED:
		r->kind = KIOSK_RESUME_NONE;
		break;
	default:
		return 0;
	}
	if (ok)
		ok = set_str (&r->staff, rec->client);
	if (!ok) {
		w->err = INKAN_ERR_NOMEM;
		return 1;
	}
	r->seq = rec->seq;
	return 0;
}

inkan_err
kiosk_journal_resume (const char *path, const char *card, kiosk_resume *out)
{
	walk_state w = { .card = card, .r = out, .err = INKAN_OK };
	inkan_err err;

	memset (out, 0, sizeof *out);
	if (!kiosk_card_id_valid (card))
		return INKAN_ERR_USAGE;
	/* A counter's first start has no log yet: nothing to resume. */
	if (access (path, F_OK) != 0 && strstr (path, "://") == NULL)
		return INKAN_OK;
	err = inkan_audit_read (path, 1, walk_one, &w);
	if (err == INKAN_OK)
		err = w.err;
	/* A closed operation leaves nothing to resume, and carries nothing. */
	if (err != INKAN_OK || out->kind == KIOSK_RESUME_NONE)
		kiosk_resume_clear (out);
	return err;
}

typedef struct {
	const char *serial;
	char *card;
} card_of_state;

static int
card_of_one (const inkan_audit_record *rec, void *user)
{
	card_of_state *c = user;
	char buf[400];
	parsed_op p;

	if (!parse_op (rec->operation, buf, sizeof buf, &p) || p.step != KIOSK_STEP_ISSUED || p.serial == NULL ||
	    strcmp (p.serial, c->serial) != 0 || strcmp (rec->result, "ok") != 0)
		return 0;
	free (c->card);
	c->card = strdup (p.card);
	return c->card == NULL;
}

inkan_err
kiosk_journal_card_of (const char *path, const char *serial, char **card)
{
	card_of_state c = { .serial = serial };
	inkan_err err = INKAN_OK;

	*card = NULL;
	if (access (path, F_OK) == 0 || strstr (path, "://") != NULL)
		err = inkan_audit_read (path, 1, card_of_one, &c);
	if (err == INKAN_OK && c.card == NULL)
		err = INKAN_ERR_NOT_FOUND;
	if (err != INKAN_OK)
		free (c.card);
	else
		*card = c.card;
	return err;
}

typedef struct {
	kiosk_issued *list;
	size_t n, cap;
	inkan_err err;
} issued_state;

static void
issued_drop (issued_state *st, const char *serial)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp (st->list[i].serial, serial) == 0) {
			free (st->list[i].card);
			free (st->list[i].serial);
			free (st->list[i].cert_der);
			st->list[i] = st->list[--st->n];
			return;
		}
}

static int
issued_one (const inkan_audit_record *rec, void *user)
{
	issued_state *st = user;
	kiosk_issued *it;
	char buf[400];
	parsed_op p;

	if (!parse_op (rec->operation, buf, sizeof buf, &p) || p.serial == NULL || strcmp (rec->result, "ok") != 0)
		return 0;
	if (p.op == KIOSK_OP_REVOKE && p.step == KIOSK_STEP_REVOKED) {
		issued_drop (st, p.serial);
		return 0;
	}
	if (p.step != KIOSK_STEP_ISSUED || rec->digest_len == 0)
		return 0;
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 16;
		kiosk_issued *l = realloc (st->list, cap * sizeof *l);
		if (l == NULL)
			goto nomem;
		st->list = l;
		st->cap = cap;
	}
	it = &st->list[st->n];
	memset (it, 0, sizeof *it);
	it->time_ms = rec->time_ms;
	it->cert_len = rec->digest_len;
	if ((it->card = strdup (p.card)) == NULL || (it->serial = strdup (p.serial)) == NULL ||
	    (it->cert_der = malloc (rec->digest_len)) == NULL) {
		free (it->card);
		free (it->serial);
		goto nomem;
	}
	memcpy (it->cert_der, rec->digest, rec->digest_len);
	st->n++;
	return 0;
nomem:
	st->err = INKAN_ERR_NOMEM;
	return 1;
}

static int
newest_first (const void *a, const void *b)
{
	const kiosk_issued *x = a, *y = b;

	return (x->time_ms < y->time_ms) - (x->time_ms > y->time_ms);
}

inkan_err
kiosk_journal_issued (const char *path, kiosk_issued **out, size_t *n)
{
	issued_state st = { 0 };
	inkan_err err = INKAN_OK;

	*out = NULL;
	*n = 0;
	if (access (path, F_OK) == 0 || strstr (path, "://") != NULL)
		err = inkan_audit_read (path, 1, issued_one, &st);
	if (err == INKAN_OK)
		err = st.err;
	if (err != INKAN_OK) {
		kiosk_issued_free (st.list, st.n);
		return err;
	}
	/* Dropping a revoked one reorders the list: order by time again. */
	if (st.n > 1)
		qsort (st.list, st.n, sizeof *st.list, newest_first);
	*out = st.list;
	*n = st.n;
	return INKAN_OK;
}

void
kiosk_issued_free (kiosk_issued *list, size_t n)
{
	for (size_t i = 0; list != NULL && i < n; i++) {
		free (list[i].card);
		free (list[i].serial);
		free (list[i].cert_der);
	}
	free (list);
}

void
kiosk_resume_clear (kiosk_resume *r)
{
	free (r->staff);
	free (r->key_uri);
	free (r->cert_serial);
	free (r->cert_der);
	memset (r, 0, sizeof *r);
}

kiosk_ack_action
kiosk_resume_decide (const kiosk_resume *r, const uint8_t *card_cert, size_t card_cert_len,
                     int certifies_key)
{
	if (card_cert == NULL || card_cert_len == 0)
		return KIOSK_ACK_WRITE;
	if (card_cert_len == r->cert_len && memcmp (card_cert, r->cert_der, card_cert_len) == 0 && certifies_key)
		return KIOSK_ACK_REUSE;
	return KIOSK_ACK_REVOKE;
}
