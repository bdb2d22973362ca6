/*
 * Authorisation: client identity -> per key, the operations allowed, and
 * the verifications (which use no key of ours) allowed beside them.
 * Default deny: what is not listed is refused.  Only the event loop
 * thread reads a table or swaps one in (SIGHUP arrives there too), so a
 * table needs no lock: it is immutable once parsed.
 */
#include <stdlib.h>
#include <string.h>

#include "inkand/inkand.h"

struct client {
	char *identity;
	unsigned *ops;          /* per key number: INKAND_OP_* bits */
	unsigned checks;        /* INKAND_CHECK_* bits */
};

struct inkand_authz {
	struct client *clients;
	size_t n, n_keys;
};

static const struct {
	const char *name;
	inkand_op op;
} op_names[] = {
	{ "sign", INKAND_OP_SIGN },
	{ "cms-sign", INKAND_OP_CMS_SIGN },
	{ "token-issue", INKAND_OP_TOKEN_ISSUE },
	{ "verify", INKAND_OP_VERIFY },
};

static const struct {
	const char *name;
	inkand_check check;
} check_names[] = {
	{ "validate", INKAND_CHECK_VALIDATE },
	{ "register-verify", INKAND_CHECK_REGISTER },
	{ "token-verify", INKAND_CHECK_TOKEN },
	{ "evidence-verify", INKAND_CHECK_EVIDENCE },
};

const char *
inkand_check_name (inkand_check check)
{
	size_t i;

	for (i = 0; i < sizeof check_names / sizeof check_names[0]; i++)
		if (check_names[i].check == check)
			return check_names[i].name;
	return NULL;
}

/* "operations": ["validate", "token-verify"] into bits. */
static inkan_err
parse_checks (const char *who, json_t *list, unsigned *out)
{
	json_t *v;
	size_t i, j;

	if (!json_is_array (list))
		return inkand_fail (INKAN_ERR_USAGE, _("client \"%s\": \"operations\" is an array"), who);
	json_array_foreach (list, i, v) {
		const char *name = json_string_value (v);

		for (j = 0; name != NULL && j < sizeof check_names / sizeof check_names[0]; j++)
			if (strcmp (check_names[j].name, name) == 0)
				break;
		if (name == NULL || j == sizeof check_names / sizeof check_names[0])
			return inkand_fail (INKAN_ERR_USAGE, _("client \"%s\": unknown operation in \"operations\" "
			                                       "(validate, register-verify, token-verify, evidence-verify)"), who);
		*out |= check_names[j].check;
	}
	return INKAN_OK;
}

const char *
inkand_op_name (inkand_op op)
{
	size_t i;

	for (i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
		if (op_names[i].op == op)
			return op_names[i].name;
	return NULL;
}

static long
key_index (const char *const *keys, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp (keys[i], name) == 0)
			return (long) i;
	return -1;
}

/* ["sign", "cms-sign"] into bits. */
static inkan_err
parse_ops (const char *who, const char *key, json_t *list, unsigned *out)
{
	json_t *v;
	size_t i, j;

	if (!json_is_array (list))
		return inkand_fail (INKAN_ERR_USAGE, _("client \"%s\", key \"%s\": operations are an array"), who, key);
	json_array_foreach (list, i, v) {
		const char *name = json_string_value (v);

		for (j = 0; name != NULL && j < sizeof op_names / sizeof op_names[0]; j++)
			if (strcmp (op_names[j].name, name) == 0)
				break;
		if (name == NULL || j == sizeof op_names / sizeof op_names[0])
			return inkand_fail (INKAN_ERR_USAGE,
			                    _("client \"%s\", key \"%s\": unknown operation (sign, cms-sign, token-issue, verify)"),
			                    who, key);
		*out |= op_names[j].op;
	}
	return INKAN_OK;
}

static inkan_err
parse_client (const char *identity, json_t *item, const char *const *keys, size_t n_keys, struct client *c)
{
	json_t *grants = NULL, *ops, *checks = NULL;
	json_error_t jerr;
	const char *key;
	inkan_err err;

	c->identity = strdup (identity);
	c->ops = calloc (n_keys + 1, sizeof *c->ops);
	if (c->identity == NULL || c->ops == NULL)
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	/* a client that only verifies has no keys */
	if (json_unpack_ex (item, &jerr, 0, "{s?o, s?o !}", "keys", &grants, "operations", &checks) != 0 ||
	    (grants != NULL && !json_is_object (grants)))
		return inkand_fail (INKAN_ERR_USAGE, _("client \"%s\": %s"), identity,
		                    grants == NULL ? jerr.text : _("\"keys\" is an object"));
	if (checks != NULL && (err = parse_checks (identity, checks, &c->checks)) != INKAN_OK)
		return err;
	json_object_foreach (grants, key, ops) {
		long k = key_index (keys, n_keys, key);

		if (k < 0)
			return inkand_fail (INKAN_ERR_USAGE, _("client \"%s\": no key \"%s\" is configured"), identity, key);
		err = parse_ops (identity, key, ops, &c->ops[k]);
		if (err != INKAN_OK)
			return err;
	}
	return INKAN_OK;
}

inkan_err
inkand_authz_parse (json_t *clients, const char *const *keys, size_t n_keys, inkand_authz **out)
{
	inkand_authz *a = calloc (1, sizeof *a);
	const char *identity;
	json_t *item;
	inkan_err err = INKAN_OK;

	if (a == NULL)
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	a->n_keys = n_keys;
	a->clients = calloc (json_object_size (clients) + 1, sizeof *a->clients);
	if (a->clients == NULL)
		err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	json_object_foreach (clients, identity, item) {
		if (err != INKAN_OK)
			break;
		err = parse_client (identity, item, keys, n_keys, &a->clients[a->n++]);
	}
	if (err != INKAN_OK) {
		inkand_authz_free (a);
		return err;
	}
	*out = a;
	return INKAN_OK;
}

void
inkand_authz_free (inkand_authz *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++) {
		free (a->clients[i].identity);
		free (a->clients[i].ops);
	}
	free (a->clients);
	free (a);
}

unsigned
inkand_authz_ops (const inkand_authz *a, const char *client, size_t key)
{
	size_t i;

	if (key >= a->n_keys)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp (a->clients[i].identity, client) == 0)
			return a->clients[i].ops[key];
	return 0;
}

int
inkand_authz_allows_check (const inkand_authz *a, const char *client, inkand_check check)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp (a->clients[i].identity, client) == 0)
			return (a->clients[i].checks & check) != 0;
	return 0;
}

int
inkand_authz_allows (const inkand_authz *a, const char *client, size_t key, inkand_op op)
{
	return (inkand_authz_ops (a, client, key) & op) != 0;
}

size_t
inkand_authz_count (const inkand_authz *a)
{
	return a->n;
}

int
inkand_authz_key_client (const inkand_authz *a, size_t key, const char **client)
{
	size_t i;

	for (i = 0; key < a->n_keys && i < a->n; i++) {
		if (a->clients[i].ops[key] != 0) {
			*client = a->clients[i].identity;
			return 1;
		}
	}
	return 0;
}
