/* Stands in for store-pgsql.c in a build without PostgreSQL
 * (-Dpostgresql=disabled): a postgresql:// log is refused by name, never
 * taken for an SQLite file of that name. */
#include <stdlib.h>

#include "src/audit/store.h"
#include "src/util/internal.h"

static inkan_err
nopg_open (const char *path, const char *name, int write, unsigned busy_timeout_ms, audit_store **out)
{
	(void) path;
	(void) write;
	(void) busy_timeout_ms;
	*out = NULL;
	return inkan_fail (INKAN_ERR_UNSUPPORTED, _("cannot open the audit log %s: %s"), name,
	                   _("this inkan was built without PostgreSQL support"));
}

/* Without libpq to parse the URI, where its password lies is unknown:
 * none of it is shown. */
char *
audit_pgsql_name (const char *path)
{
	(void) path;
	return strdup (_("postgresql:// (not read: no PostgreSQL support)"));
}

/* Only open is ever called: it never yields a store. */
const audit_store_ops audit_store_pgsql = {
	.open = nopg_open,
};
