/* The audit log's format: its tables, the bytes hashed and signed, and
 * reading it back. */
#include <string.h>
#include <openssl/evp.h>

#include "src/audit/audit-int.h"
#include "src/util/internal.h"

const char audit_schema[] =
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

static void
put_u32 (uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t) (v >> 24);
	p[1] = (uint8_t) (v >> 16);
	p[2] = (uint8_t) (v >> 8);
	p[3] = (uint8_t) v;
}

static void
put_u64 (uint8_t *p, uint64_t v)
{
	put_u32 (p, (uint32_t) (v >> 32));
	put_u32 (p + 4, (uint32_t) v);
}

/* Every variable field goes in as a 4-byte big-endian length and its
 * bytes, so no two different records encode alike ("ab","c" vs "a","bc"). */
static int
field (EVP_MD_CTX *md, const void *data, size_t len)
{
	uint8_t n[4];

	if (len > UINT32_MAX)
		return 0;
	put_u32 (n, (uint32_t) len);
	return EVP_DigestUpdate (md, n, 4) && (len == 0 || EVP_DigestUpdate (md, data, len));
}

static int
text (EVP_MD_CTX *md, const char *s)
{
	return field (md, s, strlen (s));
}

inkan_err
audit_record_hash (const inkan_audit_record *rec, uint8_t out[AUDIT_HASH_LEN])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new ();
	uint8_t num[16];
	unsigned len = 0;
	int ok;

	put_u64 (num, rec->seq);
	put_u64 (num + 8, (uint64_t) rec->time_ms);
	ok = md != NULL && EVP_DigestInit_ex (md, EVP_sha256 (), NULL) &&
	     text (md, "inkan-audit-record-v1") && EVP_DigestUpdate (md, num, sizeof num) &&
	     text (md, rec->client) && text (md, rec->key_uri) && text (md, rec->operation) &&
	     field (md, rec->digest, rec->digest_len) && text (md, rec->result) &&
	     field (md, rec->prev_hash, AUDIT_HASH_LEN) && EVP_DigestFinal_ex (md, out, &len) &&
	     len == AUDIT_HASH_LEN;
	EVP_MD_CTX_free (md);
	if (!ok)
		return inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot hash an audit record"));
	return INKAN_OK;
}

void
audit_checkpoint_message (uint64_t seq, const uint8_t head[AUDIT_HASH_LEN], int64_t time_ms,
                          uint8_t buf[AUDIT_CHECKPOINT_MSG_MAX], size_t *len_out)
{
	static const char tag[] = "inkan-audit-checkpoint-v1";
	size_t n = 0;

	put_u32 (buf, sizeof tag - 1);
	memcpy (buf + 4, tag, sizeof tag - 1);
	n = 4 + sizeof tag - 1;
	put_u64 (buf + n, seq);
	n += 8;
	put_u32 (buf + n, AUDIT_HASH_LEN);
	memcpy (buf + n + 4, head, AUDIT_HASH_LEN);
	n += 4 + AUDIT_HASH_LEN;
	put_u64 (buf + n, (uint64_t) time_ms);
	*len_out = n + 8;
}

const char *
audit_scheme_name (inkan_sig_scheme scheme)
{
	switch (scheme) {
	case INKAN_SIG_ECDSA: return "ecdsa-sha256";
	case INKAN_SIG_PSS: return "rsa-pss-sha256";
	case INKAN_SIG_PKCS1: return "rsa-pkcs1-sha256";
	}
	return "unknown";
}

int
audit_scheme_from_name (const char *name, inkan_sig_scheme *out)
{
	static const inkan_sig_scheme all[] = { INKAN_SIG_ECDSA, INKAN_SIG_PSS, INKAN_SIG_PKCS1 };
	size_t i;

	for (i = 0; name != NULL && i < sizeof all / sizeof all[0]; i++) {
		if (strcmp (name, audit_scheme_name (all[i])) == 0) {
			*out = all[i];
			return 1;
		}
	}
	return 0;
}

inkan_err
audit_open_readonly (const char *path, sqlite3 **out)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	inkan_err err = INKAN_OK;
	int rc;

	*out = NULL;
	rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		err = inkan_fail (INKAN_ERR_IO, _("cannot open the audit log %s: %s"), path,
		                  db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
		goto out;
	}
	rc = sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE name = 'format'", -1, &st, NULL);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CANTOPEN || rc == SQLITE_IOERR || rc == SQLITE_CORRUPT) {
		err = inkan_fail (INKAN_ERR_IO, _("cannot read the audit log %s: %s"), path, sqlite3_errmsg (db));
		goto out;
	}
	if (rc != SQLITE_OK || sqlite3_step (st) != SQLITE_ROW ||
	    sqlite3_column_type (st, 0) != SQLITE_TEXT ||
	    strcmp ((const char *) sqlite3_column_text (st, 0), AUDIT_FORMAT) != 0) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("%s is not an inkan audit log (%s)"), path,
		                  rc != SQLITE_OK ? sqlite3_errmsg (db) : _("no format mark"));
		goto out;
	}
out:
	sqlite3_finalize (st);
	if (err != INKAN_OK)
		sqlite3_close (db);
	else
		*out = db;
	return err;
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

void
audit_row_record (sqlite3_stmt *st, inkan_audit_record *rec)
{
	rec->seq = (uint64_t) sqlite3_column_int64 (st, 0);
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

inkan_err
audit_walk (sqlite3 *db, const char *path, uint64_t from_seq,
            int (*each) (const inkan_audit_record *rec, void *user), void *user)
{
	sqlite3_stmt *st = NULL;
	inkan_audit_record rec;
	inkan_err err = INKAN_OK;
	int rc;

	rc = sqlite3_prepare_v2 (db, "SELECT " AUDIT_RECORD_COLUMNS " FROM records WHERE seq >= ? ORDER BY seq",
	                         -1, &st, NULL);
	if (rc != SQLITE_OK) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT, _("cannot read the records of the audit log %s: %s"), path,
		                  sqlite3_errmsg (db));
		goto out;
	}
	sqlite3_bind_int64 (st, 1, from_seq > INT64_MAX ? INT64_MAX : (sqlite3_int64) from_seq);
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		audit_row_record (st, &rec);
		if (each (&rec, user) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		err = inkan_fail (INKAN_ERR_IO, _("cannot read the records of the audit log %s: %s"), path,
		                  sqlite3_errmsg (db));
out:
	sqlite3_finalize (st);
	return err;
}

inkan_err
inkan_audit_read (const char *path, uint64_t from_seq,
                  int (*each) (const inkan_audit_record *rec, void *user), void *user)
{
	sqlite3 *db = NULL;
	inkan_err err;

	err = audit_open_readonly (path, &db);
	if (err == INKAN_OK)
		err = audit_walk (db, path, from_seq, each, user);
	sqlite3_close (db);
	return err;
}
