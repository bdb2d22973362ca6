/* The audit log in a PostgreSQL database, for several hosts appending to
 * one chain.  Each batch is one READ COMMITTED transaction that first
 * takes a transaction-scoped advisory lock, so writers on any host take
 * turns and each reads the head the one before committed; the lock goes
 * with the commit or with a dead connection, never left behind by a
 * killed writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "src/audit/store.h"
#include "src/util/internal.h"

/* The built-in types' OIDs (catalog/pg_type.h, a server header), fixed
 * since PostgreSQL 7. */
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_TEXT 25

/* The advisory lock key of the chain: "inkanaud" as a big-endian int64.
 * The schema is created under it too, so that two hosts starting together
 * do not race in CREATE TABLE IF NOT EXISTS. */
#define CHAIN_LOCK "SELECT pg_advisory_xact_lock (7597127687628485988)"

/* Tables of a fresh log (doc/audit-log.md): the SQLite columns with
 * PostgreSQL's types.  As there, the trigger stops accidents, not an
 * attacker. */
static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta (name text PRIMARY KEY, value text NOT NULL);"
	"INSERT INTO meta VALUES ('format', '" AUDIT_FORMAT "') ON CONFLICT DO NOTHING;"
	"CREATE TABLE IF NOT EXISTS records ("
	" seq bigint PRIMARY KEY, time bigint NOT NULL, client text NOT NULL, key_uri text NOT NULL,"
	" operation text NOT NULL, digest bytea NOT NULL, result text NOT NULL,"
	" prev_hash bytea NOT NULL, hash bytea NOT NULL);"
	"CREATE TABLE IF NOT EXISTS checkpoints ("
	" id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, seq bigint NOT NULL, head_hash bytea NOT NULL,"
	" time bigint NOT NULL, scheme text NOT NULL, key_uri text NOT NULL, spki bytea NOT NULL,"
	" signature bytea NOT NULL);"
	"CREATE OR REPLACE FUNCTION inkan_audit_append_only () RETURNS trigger LANGUAGE plpgsql AS"
	" $$BEGIN RAISE EXCEPTION 'the audit log is append-only'; END$$;"
	"CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON records"
	" FOR EACH STATEMENT EXECUTE FUNCTION inkan_audit_append_only ();";

typedef struct {
	audit_store base;
	PGconn *conn;
} pg_store;

/* The one parameter of the queries by seq: a binary int8. */
static const Oid int8_type[] = { OID_INT8 };
static const int int8_length[] = { 8 };
static const int binary[] = { 1 };

/* The database's message for RES (or the connection's) in one line. */
static void
one_line (pg_store *s, const PGresult *res, char line[512])
{
	const char *msg = res != NULL ? PQresultErrorMessage (res) : "";
	size_t i;

	if (*msg == '\0')
		msg = PQerrorMessage (s->conn);
	snprintf (line, 512, "%s", *msg != '\0' ? msg : _("unexpected answer"));
	for (i = strlen (line); i > 0 && (line[i - 1] == '\n' || line[i - 1] == ' '); i--)
		line[i - 1] = '\0';
	for (i = 0; line[i] != '\0'; i++)
		if (line[i] == '\n' || line[i] == '\t')
			line[i] = ' ';
}

static inkan_err
fail_pg (pg_store *s, const PGresult *res)
{
	char line[512];

	one_line (s, res, line);
	return inkan_fail (INKAN_ERR_IO, "%s", line);
}

/* Run SQL (no parameters) and check it ended as WANT. */
static inkan_err
exec_want (pg_store *s, const char *sql, ExecStatusType want)
{
	PGresult *res = PQexec (s->conn, sql);
	inkan_err err = PQresultStatus (res) == want ? INKAN_OK : fail_pg (s, res);

	PQclear (res);
	return err;
}

static void
put_be64 (char out[8], int64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v = (int64_t) ((uint64_t) v >> 8))
		out[i] = (char) (v & 0xff);
}

static int64_t
get_be64 (const char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | (uint8_t) p[i];
	return (int64_t) v;
}

/* A value of a binary result: NULL, or not of the column's type, makes
 * the row malformed. */
static int
value_ok (const PGresult *res, int row, int col, Oid type)
{
	if (PQgetisnull (res, row, col) || PQftype (res, col) != type)
		return 0;
	if (type == OID_INT8)
		return PQgetlength (res, row, col) == 8;
	/* libpq ends every value with a NUL: a text with one inside would be
	 * hashed shorter than it is stored. */
	if (type == OID_TEXT)
		return strlen (PQgetvalue (res, row, col)) == (size_t) PQgetlength (res, row, col);
	return 1;
}

static int64_t
int_at (const PGresult *res, int row, int col)
{
	return value_ok (res, row, col, OID_INT8) ? get_be64 (PQgetvalue (res, row, col)) : 0;
}

static const uint8_t *
bytes_at (const PGresult *res, int row, int col, size_t *len)
{
	*len = (size_t) PQgetlength (res, row, col);
	return (const uint8_t *) PQgetvalue (res, row, col);
}

static const uint8_t *
hash_value (const PGresult *res, int row, int col)
{
	size_t len;
	const uint8_t *p = bytes_at (res, row, col, &len);

	return value_ok (res, row, col, OID_BYTEA) && len == AUDIT_HASH_LEN ? p : NULL;
}

/* The first column of ROW not of its type in TYPES, named by NAMES. */
static const char *
bad_column (const PGresult *res, int row, const Oid *types, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!value_ok (res, row, i, types[i]))
			return names[i];
	return NULL;
}

/* 1 when the format mark says this database holds an audit log; a
 * database without a meta table fails the query, so this runs outside
 * any transaction that must go on. */
static int
has_format_mark (pg_store *s)
{
	PGresult *res = PQexec (s->conn, "SELECT value FROM meta WHERE name = 'format'");
	int ours = PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1 &&
	           strcmp (PQgetvalue (res, 0, 0), AUDIT_FORMAT) == 0;

	PQclear (res);
	return ours;
}

/* None of the log's tables yet: a fresh database, or a schema of ours
 * being created by another host (which the caller's lock waits out). */
static inkan_err
is_fresh (pg_store *s, int *fresh)
{
	PGresult *res = PQexec (s->conn, "SELECT to_regclass ('meta') IS NULL AND to_regclass ('records') IS NULL"
	                                 " AND to_regclass ('checkpoints') IS NULL");
	inkan_err err = INKAN_OK;

	if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1)
		*fresh = strcmp (PQgetvalue (res, 0, 0), "t") == 0;
	else
		err = fail_pg (s, res);
	PQclear (res);
	return err;
}

static inkan_err
prepare (pg_store *s, const char *name, const char *sql, int n, const Oid *types)
{
	PGresult *res = PQprepare (s->conn, name, sql, n, types);
	inkan_err err = PQresultStatus (res) == PGRES_COMMAND_OK ? INKAN_OK : fail_pg (s, res);

	PQclear (res);
	return err;
}

/* The session: synchronous_commit on, whatever the server's default, for
 * a COMMIT must return only once the WAL is flushed (and on synchronous
 * standbys, when there are any); lock_timeout bounds the wait for another
 * writer as SQLite's busy timeout does; UTF-8, so that the text read back
 * is the bytes hashed; no NOTICE for a table that exists already. */
static inkan_err
set_session (pg_store *s, unsigned busy_timeout_ms)
{
	char sql[256];

	snprintf (sql, sizeof sql, "SET synchronous_commit = on; SET lock_timeout = %u; SET client_encoding = 'UTF8';"
	          " SET client_min_messages = warning", busy_timeout_ms);
	return exec_want (s, sql, PGRES_COMMAND_OK);
}

static inkan_err
create_schema (pg_store *s)
{
	inkan_err err;
	int fresh = 0;

	err = exec_want (s, "BEGIN", PGRES_COMMAND_OK);
	if (err == INKAN_OK)
		err = exec_want (s, CHAIN_LOCK, PGRES_TUPLES_OK);
	if (err == INKAN_OK)
		err = is_fresh (s, &fresh);
	if (err == INKAN_OK && !fresh && !has_format_mark (s))
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("%s is not an inkan audit log (%s)"), s->base.name,
		                  _("another format"));
	/* Only into a fresh database: a log's tables are left as they are, so
	 * that a writer's role needs no more than SELECT and INSERT on them. */
	if (err == INKAN_OK && fresh)
		err = exec_want (s, schema, PGRES_COMMAND_OK);
	if (err == INKAN_OK)
		err = exec_want (s, "COMMIT", PGRES_COMMAND_OK);
	return err;
}

static inkan_err
open_writer (pg_store *s, unsigned busy_timeout_ms)
{
	static const Oid record_types[] = { OID_INT8, OID_INT8, OID_TEXT, OID_TEXT, OID_TEXT, OID_BYTEA, OID_TEXT,
	                                    OID_BYTEA, OID_BYTEA };
	static const Oid checkpoint_types[] = { OID_INT8, OID_BYTEA, OID_INT8, OID_TEXT, OID_TEXT, OID_BYTEA,
	                                        OID_BYTEA };
	inkan_err err;

	err = set_session (s, busy_timeout_ms);
	if (err == INKAN_OK)
		err = create_schema (s);
	if (err == INKAN_OK)
		err = prepare (s, "head", "SELECT seq, hash, time FROM records ORDER BY seq DESC LIMIT 1", 0, NULL);
	if (err == INKAN_OK)
		err = prepare (s, "insert", "INSERT INTO records (" AUDIT_RECORD_COLUMNS ") VALUES ($1, $2, $3, $4, $5,"
		               " $6, $7, $8, $9)", 9, record_types);
	if (err == INKAN_OK)
		err = prepare (s, "checkpoint", "INSERT INTO checkpoints (seq, head_hash, time, scheme, key_uri, spki,"
		               " signature) VALUES ($1, $2, $3, $4, $5, $6, $7)", 7, checkpoint_types);
	return err;
}

/* PATH, with timeouts of our own where it names none: a server that went
 * away without a word (a host powered off, a network cut) must fail the
 * log, not hang the writer while signing goes on.  The defaults come
 * before the URI, which libpq expands in place and whose values win;
 * over a UNIX socket the TCP ones do nothing. */
static PGconn *
connect_with_timeouts (const char *path)
{
	static const char *const keywords[] = { "connect_timeout", "keepalives_idle", "keepalives_interval",
	                                        "keepalives_count", "tcp_user_timeout", "dbname", NULL };
	const char *values[] = { "10", "10", "5", "3", "20000", path, NULL };

	return PQconnectdbParams (keywords, values, 1);
}

static void
pg_close (audit_store *base)
{
	pg_store *s = (pg_store *) base;

	PQfinish (s->conn);
	free (s);
}

static inkan_err
pg_open (const char *path, const char *name, int write, unsigned busy_timeout_ms, audit_store **out)
{
	pg_store *s = calloc (1, sizeof *s);
	inkan_err err = INKAN_OK;
	char why[512];

	*out = NULL;
	if (s == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	s->base.ops = &audit_store_pgsql;
	s->base.name = (char *) name;
	s->conn = connect_with_timeouts (path);
	if (PQstatus (s->conn) != CONNECTION_OK) {
		one_line (s, NULL, why);
		err = inkan_fail (INKAN_ERR_IO, _("cannot open the audit log %s: %s"), name, why);
		goto out;
	}
	if (!write && !has_format_mark (s)) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("%s is not an inkan audit log (%s)"), name, _("no format mark"));
		goto out;
	}
	err = write ? open_writer (s, busy_timeout_ms) : INKAN_OK;
	if (err != INKAN_OK && err != INKAN_ERR_BAD_INPUT) {
		snprintf (why, sizeof why, "%s", inkan_detail ());
		err = inkan_fail (err, _("cannot open the audit log %s: %s"), name, why);
	}
out:
	if (err != INKAN_OK)
		pg_close (&s->base);
	else
		*out = &s->base;
	return err;
}

/* READ COMMITTED, not stricter: each statement after the lock sees what
 * the writer before committed; a snapshot taken before the wait would
 * not. */
static inkan_err
pg_begin (audit_store *base)
{
	pg_store *s = (pg_store *) base;
	inkan_err err = exec_want (s, "BEGIN ISOLATION LEVEL READ COMMITTED", PGRES_COMMAND_OK);

	return err == INKAN_OK ? exec_want (s, CHAIN_LOCK, PGRES_TUPLES_OK) : err;
}

static inkan_err
pg_head (audit_store *base, uint64_t *seq, uint8_t hash[AUDIT_HASH_LEN], int64_t *time_ms)
{
	pg_store *s = (pg_store *) base;
	PGresult *res = PQexecPrepared (s->conn, "head", 0, NULL, NULL, NULL, 1);
	const uint8_t *h;
	inkan_err err = INKAN_OK;

	*seq = 0;
	*time_ms = INT64_MIN;
	memset (hash, 0, AUDIT_HASH_LEN);
	if (PQresultStatus (res) != PGRES_TUPLES_OK) {
		err = fail_pg (s, res);
	} else if (PQntuples (res) == 1) {
		*seq = (uint64_t) int_at (res, 0, 0);
		h = hash_value (res, 0, 1);
		if (h != NULL)
			memcpy (hash, h, AUDIT_HASH_LEN);
		*time_ms = int_at (res, 0, 2);
	}
	PQclear (res);
	return err;
}

/* Run the prepared statement NAME with N parameters: VALUES[i] of
 * LENGTHS[i] bytes, binary where FORMATS[i] is 1. */
static inkan_err
exec_prepared (pg_store *s, const char *name, int n, const char *const *values, const int *lengths,
               const int *formats)
{
	PGresult *res = PQexecPrepared (s->conn, name, n, values, lengths, formats, 1);
	inkan_err err = PQresultStatus (res) == PGRES_COMMAND_OK ? INKAN_OK : fail_pg (s, res);

	PQclear (res);
	return err;
}

static inkan_err
pg_insert (audit_store *base, const inkan_audit_record *rec)
{
	static const int formats[] = { 1, 1, 0, 0, 0, 1, 0, 1, 1 };
	char seq[8], t[8];
	const char *values[] = { seq, t, rec->client, rec->key_uri, rec->operation, (const char *) rec->digest,
	                         rec->result, (const char *) rec->prev_hash, (const char *) rec->hash };
	const int lengths[] = { 8, 8, 0, 0, 0, (int) rec->digest_len, 0, AUDIT_HASH_LEN, AUDIT_HASH_LEN };

	put_be64 (seq, (int64_t) rec->seq);
	put_be64 (t, rec->time_ms);
	/* A NULL pointer would be SQL NULL: an empty digest is zero bytes. */
	if (values[5] == NULL)
		values[5] = "";
	return exec_prepared ((pg_store *) base, "insert", 9, values, lengths, formats);
}

static inkan_err
pg_insert_checkpoint (audit_store *base, const audit_checkpoint_row *cp)
{
	static const int formats[] = { 1, 1, 1, 0, 0, 1, 1 };
	char seq[8], t[8];
	const char *values[] = { seq, (const char *) cp->head, t, cp->scheme, cp->key_uri, (const char *) cp->spki,
	                         (const char *) cp->sig };
	const int lengths[] = { 8, (int) cp->head_len, 8, 0, 0, (int) cp->spki_len, (int) cp->sig_len };

	put_be64 (seq, cp->seq);
	put_be64 (t, cp->time_ms);
	return exec_prepared ((pg_store *) base, "checkpoint", 7, values, lengths, formats);
}

/* COMMIT answers "ROLLBACK" when the transaction had failed: only the tag
 * COMMIT means the records are durable. */
static inkan_err
pg_commit (audit_store *base)
{
	pg_store *s = (pg_store *) base;
	PGresult *res = PQexec (s->conn, "COMMIT");
	inkan_err err = INKAN_OK;

	if (PQresultStatus (res) != PGRES_COMMAND_OK)
		err = fail_pg (s, res);
	else if (strcmp (PQcmdStatus (res), "COMMIT") != 0)
		err = inkan_fail (INKAN_ERR_IO, "%s", _("the transaction was rolled back"));
	PQclear (res);
	return err;
}

static void
pg_rollback (audit_store *base)
{
	PQclear (PQexec (((pg_store *) base)->conn, "ROLLBACK"));
}

static inkan_err
pg_snapshot (audit_store *base)
{
	return exec_want ((pg_store *) base, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", PGRES_COMMAND_OK);
}

static void
row_record (const PGresult *res, audit_row *row)
{
	static const Oid types[] = { OID_INT8, OID_INT8, OID_TEXT, OID_TEXT, OID_TEXT, OID_BYTEA, OID_TEXT, OID_BYTEA,
	                             OID_BYTEA };
	inkan_audit_record *rec = &row->rec;

	row->bad_column = bad_column (res, 0, types, audit_record_column, 9);
	row->seq = int_at (res, 0, 0);
	rec->seq = (uint64_t) row->seq;
	rec->time_ms = int_at (res, 0, 1);
	rec->client = PQgetvalue (res, 0, 2);
	rec->key_uri = PQgetvalue (res, 0, 3);
	rec->operation = PQgetvalue (res, 0, 4);
	rec->digest = bytes_at (res, 0, 5, &rec->digest_len);
	rec->result = PQgetvalue (res, 0, 6);
	rec->prev_hash = hash_value (res, 0, 7);
	rec->hash = hash_value (res, 0, 8);
}

/* One row at a time (single-row mode): a log of millions of records is
 * never all in memory. */
static inkan_err
pg_walk (audit_store *base, int64_t from, audit_row_fn each, void *user)
{
	pg_store *s = (pg_store *) base;
	char from_be[8];
	const char *values[] = { from_be };
	PGresult *res;
	audit_row row;
	inkan_err err = INKAN_OK;
	char why[512];
	int stopped = 0;

	put_be64 (from_be, from);
	if (!PQsendQueryParams (s->conn, "SELECT " AUDIT_RECORD_COLUMNS " FROM records WHERE seq >= $1 ORDER BY seq",
	                        1, int8_type, values, int8_length, binary, 1) || !PQsetSingleRowMode (s->conn))
		err = fail_pg (s, NULL);
	/* Every result is read, even after EACH stopped or an error: the
	 * connection is ready for the next query only then. */
	while ((res = PQgetResult (s->conn)) != NULL) {
		if (PQresultStatus (res) == PGRES_SINGLE_TUPLE && !stopped && err == INKAN_OK) {
			row_record (res, &row);
			stopped = each (&row, user) != 0;
		} else if (PQresultStatus (res) != PGRES_SINGLE_TUPLE && PQresultStatus (res) != PGRES_TUPLES_OK &&
		           err == INKAN_OK) {
			one_line (s, res, why);
			err = inkan_fail (INKAN_ERR_IO, _("cannot read the records of the audit log %s: %s"), s->base.name,
			                  why);
		}
		PQclear (res);
	}
	return err;
}

/* All at once: checkpoints are few (one every few minutes), and the
 * caller looks up records while it goes through them. */
static inkan_err
pg_walk_checkpoints (audit_store *base, audit_checkpoint_fn each, void *user)
{
	static const Oid types[] = { OID_INT8, OID_INT8, OID_BYTEA, OID_INT8, OID_TEXT, OID_TEXT, OID_BYTEA, OID_BYTEA };
	static const char *const names[] = { "id", "seq", "head_hash", "time", "scheme", "key_uri", "spki",
	                                     "signature" };
	pg_store *s = (pg_store *) base;
	PGresult *res;
	inkan_err err = INKAN_OK;
	char why[512];
	int i;

	res = PQexecParams (s->conn, "SELECT id, seq, head_hash, time, scheme, key_uri, spki, signature "
	                    "FROM checkpoints ORDER BY id", 0, NULL, NULL, NULL, NULL, 1);
	if (PQresultStatus (res) != PGRES_TUPLES_OK) {
		one_line (s, res, why);
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("cannot read the checkpoints of the audit log %s: %s"),
		                  s->base.name, why);
		goto out;
	}
	for (i = 0; i < PQntuples (res); i++) {
		audit_checkpoint_row cp = {
			.bad_column = bad_column (res, i, types, names, 8),
			.id = int_at (res, i, 0), .seq = int_at (res, i, 1), .time_ms = int_at (res, i, 3),
			.scheme = PQgetvalue (res, i, 4), .key_uri = PQgetvalue (res, i, 5),
		};

		cp.head = bytes_at (res, i, 2, &cp.head_len);
		cp.spki = bytes_at (res, i, 6, &cp.spki_len);
		cp.sig = bytes_at (res, i, 7, &cp.sig_len);
		each (&cp, user);
	}
out:
	PQclear (res);
	return err;
}

static int
pg_hash_at (audit_store *base, uint64_t seq, uint8_t out[AUDIT_HASH_LEN])
{
	pg_store *s = (pg_store *) base;
	char seq_be[8];
	const char *values[] = { seq_be };
	const uint8_t *h = NULL;
	PGresult *res;

	put_be64 (seq_be, seq > INT64_MAX ? INT64_MAX : (int64_t) seq);
	res = PQexecParams (s->conn, "SELECT hash FROM records WHERE seq = $1", 1, int8_type, values, int8_length, binary,
	                    1);
	if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1)
		h = hash_value (res, 0, 0);
	if (h != NULL)
		memcpy (out, h, AUDIT_HASH_LEN);
	PQclear (res);
	return h != NULL;
}

/* Quoted as libpq's conninfo wants: 'value' with \ and ' escaped. */
static void
put_value (FILE *f, const char *v)
{
	fputc ('\'', f);
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '\'')
			fputc ('\\', f);
		fputc (*v, f);
	}
	fputc ('\'', f);
}

char *
audit_pgsql_name (const char *path)
{
	PQconninfoOption *opts, *o;
	char *errmsg = NULL, *name = NULL;
	size_t len = 0;
	FILE *f;

	opts = PQconninfoParse (path, &errmsg);
	PQfreemem (errmsg);
	/* Not even libpq can read it: nothing of it is shown, for the
	 * password could be anywhere in it. */
	if (opts == NULL)
		return strdup (_("postgresql:// (an unreadable URI)"));
	f = open_memstream (&name, &len);
	if (f != NULL) {
		fputs ("postgresql:", f);
		for (o = opts; o->keyword != NULL; o++) {
			if (o->val == NULL || strcmp (o->keyword, "password") == 0)
				continue;
			fprintf (f, " %s=", o->keyword);
			put_value (f, o->val);
		}
		if (fclose (f) != 0) {
			free (name);
			name = NULL;
		}
	}
	PQconninfoFree (opts);
	return name;
}

const audit_store_ops audit_store_pgsql = {
	.open = pg_open,
	.begin = pg_begin,
	.head = pg_head,
	.insert = pg_insert,
	.insert_checkpoint = pg_insert_checkpoint,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.snapshot = pg_snapshot,
	.walk = pg_walk,
	.walk_checkpoints = pg_walk_checkpoints,
	.hash_at = pg_hash_at,
	.close = pg_close,
};
