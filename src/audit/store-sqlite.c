/* The audit log in an SQLite file: WAL, synchronous=FULL, and BEGIN
 * IMMEDIATE as the chain's lock (SQLite's one writer at a time, across
 * processes). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/statvfs.h>
#include <sqlite3.h>

#include "src/audit/store.h"
#include "src/util/internal.h"

/* Tables of a fresh log (doc/audit-log.md).  The triggers stop accidental
 * edits through SQLite, not an attacker, who can drop them: the chain and
 * the signed checkpoints are what detect those. */
static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"INSERT OR IGNORE INTO meta VALUES ('format', '" AUDIT_FORMAT "');"
	"CREATE TABLE IF NOT EXISTS records ("
	" seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, client TEXT NOT NULL, key_uri TEXT NOT NULL,"
	" operation TEXT NOT NULL, digest BLOB NOT NULL, result TEXT NOT NULL,"
	" prev_hash BLOB NOT NULL, hash BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS checkpoints ("
	" id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, head_hash BLOB NOT NULL, time INTEGER NOT NULL,"
	" scheme TEXT NOT NULL, key_uri TEXT NOT NULL, spki BLOB NOT NULL, signature BLOB NOT NULL);"
	"CREATE TRIGGER IF NOT EXISTS records_append_only_u BEFORE UPDATE ON records"
	" BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS records_append_only_d BEFORE DELETE ON records"
	" BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;";

typedef struct {
	audit_store base;
	sqlite3 *db;
	/* The writer's statements, prepared once: a batch only binds and
	 * steps them. */
	sqlite3_stmt *begin, *last, *insert, *commit;
} sqlite_store;

static inkan_err
fail_db (sqlite_store *s, int rc)
{
	return inkan_fail (INKAN_ERR_IO, "%s", s->db != NULL ? sqlite3_errmsg (s->db) : sqlite3_errstr (rc));
}

static int
exec (sqlite3 *db, const char *sql)
{
	return sqlite3_exec (db, sql, NULL, NULL, NULL);
}

/* Step ST, a statement without rows, and make it ready for the next time. */
static int
run (sqlite3_stmt *st)
{
	int rc = sqlite3_step (st);

	sqlite3_reset (st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* RUN, with the database's message when it failed. */
static inkan_err
run_checked (sqlite_store *s, sqlite3_stmt *st)
{
	int rc = run (st);

	return rc == SQLITE_OK ? INKAN_OK : fail_db (s, rc);
}

static int
bind_text (sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text (st, i, s, -1, SQLITE_STATIC);
}

static int
bind_blob (sqlite3_stmt *st, int i, const void *p, size_t len)
{
	/* A zero-length blob still binds as a blob, not as NULL. */
	return sqlite3_bind_blob (st, i, len > 0 ? p : "", (int) len, SQLITE_TRANSIENT);
}

/* Durability of what the commit acknowledged: fsync the directory once, so
 * that the new database and WAL files' names survive a power cut too. */
static void
sync_dir (const char *path)
{
	char *copy = strdup (path);
	int fd;

	if (copy == NULL)
		return;
	fd = open (dirname (copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void) fsync (fd);
		close (fd);
	}
	free (copy);
}

/* 1 when the format mark says this is an audit log. */
static int
has_format_mark (sqlite3 *db, int *rc_out)
{
	sqlite3_stmt *st = NULL;
	int ours = 0;

	*rc_out = sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE name = 'format'", -1, &st, NULL);
	if (*rc_out == SQLITE_OK && sqlite3_step (st) == SQLITE_ROW && sqlite3_column_type (st, 0) == SQLITE_TEXT)
		ours = strcmp ((const char *) sqlite3_column_text (st, 0), AUDIT_FORMAT) == 0;
	sqlite3_finalize (st);
	return ours;
}

/* 1: the database holds tables but no audit log's format mark (another
 * program's file, which must not get our tables); 0: empty or ours. */
static int
foreign_db (sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int tables = 0, rc;

	if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step (st) == SQLITE_ROW)
		tables = sqlite3_column_int (st, 0);
	sqlite3_finalize (st);
	return tables > 0 && !has_format_mark (db, &rc);
}

static int
prepare (sqlite3 *db, const char *sql, sqlite3_stmt **out)
{
	return sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
}

static inkan_err
open_writer (sqlite_store *s, const char *path, unsigned busy_timeout_ms)
{
	sqlite3_stmt *st = NULL;
	const char *mode;
	inkan_err err = INKAN_OK;
	int rc;

	rc = sqlite3_open_v2 (path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
	if (rc != SQLITE_OK)
		goto out;
	/* A file SQLite could open only for reading would fail every append:
	 * say so now, not at the first signature. */
	if (sqlite3_db_readonly (s->db, "main") == 1) {
		err = inkan_fail (INKAN_ERR_IO, _("the audit log %s is read-only"), s->base.name);
		goto out;
	}
	sqlite3_busy_timeout (s->db, (int) busy_timeout_ms);
	/* WAL: a commit is one sequential append and one fsync, and readers
	 * (verify, show) never block the writer.  synchronous=FULL: in WAL
	 * mode, NORMAL does not fsync at commit, so a power cut could lose
	 * records already acknowledged; FULL syncs the WAL before COMMIT
	 * returns, and group commit pays for it once per batch. */
	rc = sqlite3_prepare_v2 (s->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW) {
		mode = (const char *) sqlite3_column_text (st, 0);
		rc = mode != NULL && strcmp (mode, "wal") == 0 ? SQLITE_OK : SQLITE_CANTOPEN;
	}
	sqlite3_finalize (st);
	if (rc == SQLITE_OK)
		rc = exec (s->db, "PRAGMA synchronous=FULL");
	if (rc == SQLITE_OK)
		rc = exec (s->db, "BEGIN IMMEDIATE");
	if (rc != SQLITE_OK)
		goto out;
	if (foreign_db (s->db)) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("%s is not an inkan audit log (%s)"), s->base.name,
		                  _("another format"));
		goto out;
	}
	rc = exec (s->db, schema);
	if (rc == SQLITE_OK)
		rc = exec (s->db, "COMMIT");
	if (rc == SQLITE_OK)
		sync_dir (path);
	if (rc == SQLITE_OK)
		rc = prepare (s->db, "BEGIN IMMEDIATE", &s->begin);
	if (rc == SQLITE_OK)
		rc = prepare (s->db, "SELECT seq, hash, time FROM records ORDER BY seq DESC LIMIT 1", &s->last);
	if (rc == SQLITE_OK)
		rc = prepare (s->db, "INSERT INTO records (" AUDIT_RECORD_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		              &s->insert);
	if (rc == SQLITE_OK)
		rc = prepare (s->db, "COMMIT", &s->commit);
out:
	if (err == INKAN_OK && rc != SQLITE_OK)
		err = inkan_fail (INKAN_ERR_IO, _("cannot open the audit log %s: %s"), s->base.name,
		                  s->db != NULL ? sqlite3_errmsg (s->db) : sqlite3_errstr (rc));
	return err;
}

static inkan_err
open_reader (sqlite_store *s, const char *path)
{
	int rc;

	rc = sqlite3_open_v2 (path, &s->db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK)
		return inkan_fail (INKAN_ERR_IO, _("cannot open the audit log %s: %s"), s->base.name,
		                   s->db != NULL ? sqlite3_errmsg (s->db) : sqlite3_errstr (rc));
	if (has_format_mark (s->db, &rc))
		return INKAN_OK;
	if (rc == SQLITE_NOTADB || rc == SQLITE_CANTOPEN || rc == SQLITE_IOERR || rc == SQLITE_CORRUPT)
		return inkan_fail (INKAN_ERR_IO, _("cannot read the audit log %s: %s"), s->base.name,
		                   sqlite3_errmsg (s->db));
	return inkan_fail (INKAN_ERR_BAD_INPUT, _("%s is not an inkan audit log (%s)"), s->base.name,
	                   rc != SQLITE_OK ? sqlite3_errmsg (s->db) : _("no format mark"));
}

static void
sqlite_close (audit_store *base)
{
	sqlite_store *s = (sqlite_store *) base;

	sqlite3_finalize (s->begin);
	sqlite3_finalize (s->last);
	sqlite3_finalize (s->insert);
	sqlite3_finalize (s->commit);
	sqlite3_close (s->db);
	free (s);
}

static inkan_err
sqlite_open (const char *path, const char *name, int write, unsigned busy_timeout_ms, audit_store **out)
{
	sqlite_store *s = calloc (1, sizeof *s);
	inkan_err err;

	*out = NULL;
	if (s == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	s->base.ops = &audit_store_sqlite;
	s->base.name = (char *) name;
	err = write ? open_writer (s, path, busy_timeout_ms) : open_reader (s, path);
	if (err != INKAN_OK) {
		sqlite_close (&s->base);
		return err;
	}
	*out = &s->base;
	return INKAN_OK;
}

static inkan_err
sqlite_begin (audit_store *base)
{
	return run_checked ((sqlite_store *) base, ((sqlite_store *) base)->begin);
}

/* Read from the file, not remembered, so that whatever else wrote to it
 * (another process on the same log) is built upon, not overwritten. */
static inkan_err
sqlite_head (audit_store *base, uint64_t *seq, uint8_t hash[AUDIT_HASH_LEN], int64_t *time_ms)
{
	sqlite_store *s = (sqlite_store *) base;
	sqlite3_stmt *st = s->last;
	int rc;

	*seq = 0;
	*time_ms = INT64_MIN;
	memset (hash, 0, AUDIT_HASH_LEN);
	rc = sqlite3_step (st);
	if (rc == SQLITE_ROW) {
		*seq = (uint64_t) sqlite3_column_int64 (st, 0);
		if (sqlite3_column_bytes (st, 1) == AUDIT_HASH_LEN)
			memcpy (hash, sqlite3_column_blob (st, 1), AUDIT_HASH_LEN);
		*time_ms = sqlite3_column_int64 (st, 2);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_reset (st);
	return rc == SQLITE_OK ? INKAN_OK : fail_db (s, rc);
}

static inkan_err
sqlite_insert (audit_store *base, const inkan_audit_record *rec)
{
	sqlite_store *s = (sqlite_store *) base;
	sqlite3_stmt *st = s->insert;
	int rc;

	sqlite3_bind_int64 (st, 1, (sqlite3_int64) rec->seq);
	sqlite3_bind_int64 (st, 2, rec->time_ms);
	bind_text (st, 3, rec->client);
	bind_text (st, 4, rec->key_uri);
	bind_text (st, 5, rec->operation);
	bind_blob (st, 6, rec->digest, rec->digest_len);
	bind_text (st, 7, rec->result);
	bind_blob (st, 8, rec->prev_hash, AUDIT_HASH_LEN);
	bind_blob (st, 9, rec->hash, AUDIT_HASH_LEN);
	rc = run (st);
	/* The bound texts are the appenders', who may go once called back. */
	sqlite3_clear_bindings (st);
	return rc == SQLITE_OK ? INKAN_OK : fail_db (s, rc);
}

static inkan_err
sqlite_insert_checkpoint (audit_store *base, const audit_checkpoint_row *cp)
{
	sqlite_store *s = (sqlite_store *) base;
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2 (s->db, "INSERT INTO checkpoints (seq, head_hash, time, scheme, key_uri, spki, "
	                         "signature) VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64 (st, 1, cp->seq);
		bind_blob (st, 2, cp->head, cp->head_len);
		sqlite3_bind_int64 (st, 3, cp->time_ms);
		bind_text (st, 4, cp->scheme);
		bind_text (st, 5, cp->key_uri);
		bind_blob (st, 6, cp->spki, cp->spki_len);
		bind_blob (st, 7, cp->sig, cp->sig_len);
		rc = run (st);
	}
	sqlite3_finalize (st);
	return rc == SQLITE_OK ? INKAN_OK : fail_db (s, rc);
}

/* With synchronous=FULL, COMMIT returns after the WAL is fsync'd. */
static inkan_err
sqlite_commit (audit_store *base)
{
	return run_checked ((sqlite_store *) base, ((sqlite_store *) base)->commit);
}

static void
sqlite_rollback (audit_store *base)
{
	(void) exec (((sqlite_store *) base)->db, "ROLLBACK");
}

static inkan_err
sqlite_snapshot (audit_store *base)
{
	sqlite_store *s = (sqlite_store *) base;
	int rc = exec (s->db, "BEGIN");

	return rc == SQLITE_OK ? INKAN_OK : fail_db (s, rc);
}

/* Each value must be of its column's storage class: SQLite's columns take
 * anything, so a text where a blob belongs is a row someone wrote by hand.
 * TYPE 0 ends the list. */
static const char *
bad_column (sqlite3_stmt *st, const int *types, const char *const *names)
{
	int i;

	for (i = 0; types[i] != 0; i++) {
		if (sqlite3_column_type (st, i) != types[i])
			return names[i];
		/* Hashed as strlen() bytes: one with a NUL inside would hash as
		 * less than is stored. */
		if (types[i] == SQLITE_TEXT &&
		    strlen ((const char *) sqlite3_column_text (st, i)) != (size_t) sqlite3_column_bytes (st, i))
			return names[i];
	}
	return NULL;
}

static const char *
column_text (sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text (st, i);

	return s != NULL ? (const char *) s : "";
}

static const uint8_t *
column_hash (sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type (st, i) != SQLITE_BLOB || sqlite3_column_bytes (st, i) != AUDIT_HASH_LEN)
		return NULL;
	return sqlite3_column_blob (st, i);
}

static void
row_record (sqlite3_stmt *st, audit_row *row)
{
	static const int types[] = { SQLITE_INTEGER, SQLITE_INTEGER, SQLITE_TEXT, SQLITE_TEXT, SQLITE_TEXT,
	                             SQLITE_BLOB, SQLITE_TEXT, SQLITE_BLOB, SQLITE_BLOB, 0 };
	inkan_audit_record *rec = &row->rec;

	row->bad_column = bad_column (st, types, audit_record_column);
	row->seq = sqlite3_column_int64 (st, 0);
	rec->seq = (uint64_t) row->seq;
	rec->time_ms = sqlite3_column_int64 (st, 1);
	rec->client = column_text (st, 2);
	rec->key_uri = column_text (st, 3);
	rec->operation = column_text (st, 4);
	rec->digest = sqlite3_column_blob (st, 5);
	rec->digest_len = (size_t) sqlite3_column_bytes (st, 5);
	rec->result = column_text (st, 6);
	rec->prev_hash = column_hash (st, 7);
	rec->hash = column_hash (st, 8);
}

static inkan_err
sqlite_walk (audit_store *base, int64_t from, audit_row_fn each, void *user)
{
	sqlite_store *s = (sqlite_store *) base;
	sqlite3_stmt *st = NULL;
	audit_row row;
	inkan_err err = INKAN_OK;
	int rc;

	rc = sqlite3_prepare_v2 (s->db, "SELECT " AUDIT_RECORD_COLUMNS " FROM records WHERE seq >= ? ORDER BY seq",
	                         -1, &st, NULL);
	if (rc != SQLITE_OK) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("cannot read the records of the audit log %s: %s"),
		                  s->base.name, sqlite3_errmsg (s->db));
		goto out;
	}
	sqlite3_bind_int64 (st, 1, from);
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		row_record (st, &row);
		if (each (&row, user) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		err = inkan_fail (INKAN_ERR_IO, _("cannot read the records of the audit log %s: %s"), s->base.name,
		                  sqlite3_errmsg (s->db));
out:
	sqlite3_finalize (st);
	return err;
}

static inkan_err
sqlite_walk_checkpoints (audit_store *base, audit_checkpoint_fn each, void *user)
{
	static const int types[] = { SQLITE_INTEGER, SQLITE_INTEGER, SQLITE_BLOB, SQLITE_INTEGER, SQLITE_TEXT,
	                             SQLITE_TEXT, SQLITE_BLOB, SQLITE_BLOB, 0 };
	static const char *const names[] = { "id", "seq", "head_hash", "time", "scheme", "key_uri", "spki",
	                                     "signature" };
	sqlite_store *s = (sqlite_store *) base;
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2 (s->db, "SELECT id, seq, head_hash, time, scheme, key_uri, spki, signature "
	                         "FROM checkpoints ORDER BY id", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW) {
		/* The types first: reading a blob as text makes it one. */
		const char *bad = bad_column (st, types, names);
		audit_checkpoint_row cp = {
			.bad_column = bad,
			.id = sqlite3_column_int64 (st, 0), .seq = sqlite3_column_int64 (st, 1),
			.head = sqlite3_column_blob (st, 2), .head_len = (size_t) sqlite3_column_bytes (st, 2),
			.time_ms = sqlite3_column_int64 (st, 3), .scheme = column_text (st, 4),
			.key_uri = column_text (st, 5),
			.spki = sqlite3_column_blob (st, 6), .spki_len = (size_t) sqlite3_column_bytes (st, 6),
			.sig = sqlite3_column_blob (st, 7), .sig_len = (size_t) sqlite3_column_bytes (st, 7),
		};

		each (&cp, user);
		rc = SQLITE_OK;
	}
	sqlite3_finalize (st);
	if (rc != SQLITE_DONE)
		return inkan_fail (INKAN_ERR_BAD_INPUT, _("cannot read the checkpoints of the audit log %s: %s"),
		                   s->base.name, sqlite3_errmsg (s->db));
	return INKAN_OK;
}

static int
sqlite_hash_at (audit_store *base, uint64_t seq, uint8_t out[AUDIT_HASH_LEN])
{
	sqlite_store *s = (sqlite_store *) base;
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (sqlite3_prepare_v2 (s->db, "SELECT hash FROM records WHERE seq = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64 (st, 1, seq > INT64_MAX ? INT64_MAX : (sqlite3_int64) seq);
	if (sqlite3_step (st) == SQLITE_ROW && column_hash (st, 0) != NULL) {
		memcpy (out, sqlite3_column_blob (st, 0), AUDIT_HASH_LEN);
		found = 1;
	}
	sqlite3_finalize (st);
	return found;
}

/* Room a log needs to be called writable: a full batch of records with
 * its WAL frames, with some to spare. */
#define PROBE_ROOM (1 << 20)

/* Free space under the log and a write of an unnamed scratch file beside
 * it (quotas, a read-only remount, a full disk that statvfs reports
 * late).  The base's name is the file's path, fixed at open: no use of the
 * connection, which the writer thread holds. */
static inkan_err
sqlite_probe (audit_store *s)
{
	static const char block[4096];
	char *copy = strdup (s->name);
	struct statvfs vfs;
	inkan_err err = INKAN_OK;
	const char *dir;
	int fd, e = 0;

	if (copy == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	dir = dirname (copy);
	if (statvfs (dir, &vfs) != 0) {
		e = errno;
	} else if ((vfs.f_flag & ST_RDONLY) != 0) {
		e = EROFS;
	} else if ((unsigned long long) vfs.f_bavail * vfs.f_frsize < PROBE_ROOM) {
		err = inkan_fail (INKAN_ERR_IO, _("the audit log %s has less than %d KiB free on its file system"),
		                  s->name, PROBE_ROOM / 1024);
	} else if ((fd = open (dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600)) >= 0) {
		size_t done = 0;
		ssize_t n = 0;

		/* A write cut short is tried on, to get the reason. */
		while (done < sizeof block && (n = write (fd, block + done, sizeof block - done)) > 0)
			done += (size_t) n;
		if (done < sizeof block)
			e = n == 0 ? ENOSPC : errno;
		close (fd);
	} else if (errno != EOPNOTSUPP && errno != EISDIR) {
		/* Without O_TMPFILE on this file system, statvfs alone says. */
		e = errno;
	}
	if (e != 0)
		err = inkan_fail (INKAN_ERR_IO, _("the audit log %s cannot be written: %s"), s->name, strerror (e));
	free (copy);
	return err;
}

const audit_store_ops audit_store_sqlite = {
	.open = sqlite_open,
	.begin = sqlite_begin,
	.head = sqlite_head,
	.insert = sqlite_insert,
	.insert_checkpoint = sqlite_insert_checkpoint,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.snapshot = sqlite_snapshot,
	.walk = sqlite_walk,
	.walk_checkpoints = sqlite_walk_checkpoints,
	.hash_at = sqlite_hash_at,
	.probe = sqlite_probe,
	.close = sqlite_close,
};
