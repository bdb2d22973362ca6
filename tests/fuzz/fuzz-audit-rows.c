/* libFuzzer: audit log rows as an attacker with the file could leave them,
 * read as `inkan audit verify` and `inkan audit show` read them.  The
 * input is a list of rows put into a fresh log:
 *   a header byte: bit 0 a checkpoint (else a record); bit 1 for a record,
 *     prev_hash and hash computed so that the chain holds (else read from
 *     the input), for a checkpoint, seq and head_hash those of the last
 *     record (else read), so that the fuzzer gets past the first check;
 *   then each column: a tag byte, tag % 4 = 0 an integer (tag & 4: one
 *     byte, else eight, big-endian), 1 a text, 2 a blob (a length byte and
 *     the bytes), 3 NULL. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "src/audit/audit-int.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

enum { COL_INT, COL_TEXT, COL_BLOB, COL_NULL };

typedef struct {
	int type;
	int64_t i;
	const uint8_t *p;
	size_t n;
} col;

typedef struct {
	const uint8_t *p, *end;
} reader;

static char path[64];
static uint8_t *empty_log;
static size_t empty_len;

static void
remove_log (void)
{
	char side[80];

	unlink (path);
	snprintf (side, sizeof side, "%s-wal", path);
	unlink (side);
	snprintf (side, sizeof side, "%s-shm", path);
	unlink (side);
}

/* The tables as the writer makes them, kept as bytes, without WAL so that
 * a copy is the whole log. */
int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	char dir[] = "/dev/shm/inkan-fuzz-audit.XXXXXX";
	inkan_audit *log = NULL;
	sqlite3 *db = NULL;
	FILE *f;

	(void) argc;
	(void) argv;
	/* Each connection's lookaside is a fresh allocation, which the
	 * sanitizers make costly: four connections an input. */
	sqlite3_config (SQLITE_CONFIG_LOOKASIDE, 0, 0);
	if (mkdtemp (dir) == NULL)
		abort ();
	snprintf (path, sizeof path, "%s/audit.db", dir);
	if (inkan_audit_open (path, &log) != INKAN_OK)
		abort ();
	inkan_audit_close (log);
	if (sqlite3_open (path, &db) != SQLITE_OK ||
	    sqlite3_exec (db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
		abort ();
	sqlite3_close (db);
	f = fopen (path, "rb");
	empty_log = malloc (1 << 20);
	if (f == NULL || empty_log == NULL)
		abort ();
	empty_len = fread (empty_log, 1, 1 << 20, f);
	fclose (f);
	return 0;
}

static int
byte (reader *r)
{
	return r->p < r->end ? *r->p++ : 0;
}

static void
take (reader *r, col *c)
{
	int tag = byte (r), k;

	c->type = tag % 4;
	c->i = 0;
	c->p = NULL;
	c->n = 0;
	if (c->type == COL_INT) {
		for (k = 0; k < ((tag & 4) ? 1 : 8); k++)
			c->i = (int64_t) ((uint64_t) c->i << 8 | (uint64_t) byte (r));
	} else if (c->type != COL_NULL) {
		c->n = (size_t) byte (r);
		if (c->n > (size_t) (r->end - r->p))
			c->n = (size_t) (r->end - r->p);
		c->p = r->p;
		r->p += c->n;
	}
}

static void
bind (sqlite3_stmt *st, int i, const col *c)
{
	switch (c->type) {
	case COL_INT: sqlite3_bind_int64 (st, i, c->i); break;
	case COL_TEXT: sqlite3_bind_text (st, i, (const char *) c->p, (int) c->n, SQLITE_TRANSIENT); break;
	case COL_BLOB: sqlite3_bind_blob (st, i, c->p, (int) c->n, SQLITE_TRANSIENT); break;
	default: sqlite3_bind_null (st, i); break;
	}
}

static char *
text (const col *c)
{
	return c->type == COL_TEXT ? strndup ((const char *) c->p, c->n) : strdup ("");
}

/* The chain's hashes for a record of COLS (seq, time, client, key_uri,
 * operation, digest, result) after HEAD; HEAD becomes its hash. */
static void
chain (const col *cols, uint8_t head[AUDIT_HASH_LEN], col *prev, col *hash, uint8_t out[AUDIT_HASH_LEN])
{
	char *client = text (&cols[2]), *key_uri = text (&cols[3]), *op = text (&cols[4]), *result = text (&cols[6]);
	inkan_audit_record rec = {
		.seq = (uint64_t) cols[0].i, .time_ms = cols[1].i, .client = client, .key_uri = key_uri,
		.operation = op, .digest = cols[5].p, .digest_len = cols[5].n, .result = result, .prev_hash = head,
	};

	*prev = (col) { .type = COL_BLOB, .p = head, .n = AUDIT_HASH_LEN };
	if (client != NULL && key_uri != NULL && op != NULL && result != NULL && audit_record_hash (&rec, out) == INKAN_OK)
		*hash = (col) { .type = COL_BLOB, .p = out, .n = AUDIT_HASH_LEN };
	free (client);
	free (key_uri);
	free (op);
	free (result);
}

static void
fill (const uint8_t *data, size_t size)
{
	reader r = { data, data + size };
	sqlite3 *db = NULL;
	sqlite3_stmt *rec = NULL, *cp = NULL;
	uint8_t head[AUDIT_HASH_LEN] = { 0 }, next[AUDIT_HASH_LEN];
	int64_t head_seq = 0;
	int rows;

	if (sqlite3_open (path, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2 (db, "INSERT INTO records (" AUDIT_RECORD_COLUMNS ") VALUES (?,?,?,?,?,?,?,?,?)",
	                        -1, &rec, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2 (db, "INSERT INTO checkpoints (seq, head_hash, time, scheme, key_uri, spki, signature)"
	                            " VALUES (?,?,?,?,?,?,?)", -1, &cp, NULL) != SQLITE_OK)
		goto out;
	sqlite3_exec (db, "PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL);
	for (rows = 0; r.p < r.end && rows < 256; rows++) {
		int h = byte (&r), checkpoint = h & 1, fixed = h & 2, i, n = checkpoint ? 7 : 9;
		sqlite3_stmt *st = checkpoint ? cp : rec;
		col cols[9];

		for (i = 0; i < n; i++) {
			/* what is computed is not read */
			if (fixed && (checkpoint ? i < 2 : i >= 7))
				continue;
			take (&r, &cols[i]);
		}
		if (fixed && checkpoint) {
			cols[0] = (col) { .type = COL_INT, .i = head_seq };
			cols[1] = (col) { .type = COL_BLOB, .p = head, .n = AUDIT_HASH_LEN };
		} else if (fixed) {
			cols[8] = (col) { .type = COL_NULL };
			chain (cols, head, &cols[7], &cols[8], next);
		}
		for (i = 0; i < n; i++)
			bind (st, i + 1, &cols[i]);
		if (sqlite3_step (st) == SQLITE_DONE && !checkpoint && cols[8].type == COL_BLOB &&
		    cols[8].n == AUDIT_HASH_LEN && cols[0].type == COL_INT) {
			memcpy (head, cols[8].p, AUDIT_HASH_LEN);
			head_seq = cols[0].i;
		}
		sqlite3_reset (st);
		sqlite3_clear_bindings (st);
	}
	sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
out:
	sqlite3_finalize (rec);
	sqlite3_finalize (cp);
	sqlite3_close (db);
}

static int
each (const inkan_audit_record *rec, void *user)
{
	(void) rec;
	(void) user;
	return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	inkan_audit_verify_report report;
	int fd;

	remove_log ();
	fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write (fd, empty_log, empty_len) != (ssize_t) empty_len)
		abort ();
	close (fd);
	fill (data, size);
	if (inkan_audit_verify (path, NULL, &report) == INKAN_OK)
		inkan_audit_verify_report_clear (&report);
	(void) inkan_audit_read (path, 0, each, NULL);
	return 0;
}
