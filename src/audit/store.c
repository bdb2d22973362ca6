/* Which store a log's name means, and the read-only walk over it. */
#include <stdlib.h>
#include <string.h>

#include "src/audit/store.h"
#include "src/util/internal.h"

const char *const audit_record_column[9] = {
	"seq", "time", "client", "key_uri", "operation", "digest", "result", "prev_hash", "hash",
};

/* libpq's two URI schemes; what follows them is libpq's to parse. */
static int
is_pgsql (const char *path)
{
	return strncmp (path, "postgresql://", 13) == 0 || strncmp (path, "postgres://", 11) == 0;
}

char *
audit_store_name (const char *path)
{
	return is_pgsql (path) ? audit_pgsql_name (path) : strdup (path);
}

char *
inkan_audit_display_name (const char *path)
{
	return path != NULL ? audit_store_name (path) : NULL;
}

inkan_err
audit_store_open (const char *path, int write, unsigned busy_timeout_ms, audit_store **out)
{
	const audit_store_ops *ops = is_pgsql (path) ? &audit_store_pgsql : &audit_store_sqlite;
	char *name = audit_store_name (path);
	inkan_err err;

	*out = NULL;
	if (name == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	err = ops->open (path, name, write, busy_timeout_ms, out);
	if (err != INKAN_OK)
		free (name);
	return err;
}

void
audit_store_close (audit_store *s)
{
	char *name;

	if (s == NULL)
		return;
	name = s->name;
	s->ops->close (s);
	free (name);
}

typedef struct {
	int (*each) (const inkan_audit_record *rec, void *user);
	void *user;
} read_state;

static int
read_one (const audit_row *row, void *user)
{
	read_state *rs = user;

	return rs->each (&row->rec, rs->user);
}

inkan_err
inkan_audit_read (const char *path, uint64_t from_seq,
                  int (*each) (const inkan_audit_record *rec, void *user), void *user)
{
	read_state rs = { each, user };
	audit_store *s = NULL;
	inkan_err err;

	err = audit_store_open (path, 0, 0, &s);
	if (err == INKAN_OK)
		err = s->ops->walk (s, from_seq > INT64_MAX ? INT64_MAX : (int64_t) from_seq, read_one, &rs);
	audit_store_close (s);
	return err;
}
