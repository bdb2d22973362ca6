/* The configuration file: JSON, as doc/inkand.md describes.  Unknown
 * members are errors, so that a misspelt setting is never silently left
 * at its default. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inkand/inkand.h"

static char *
dup_or_null (const char *s)
{
	return s != NULL ? strdup (s) : NULL;
}

/* "host:port", "[v6]:port" or ":port" (all addresses). */
static inkan_err
parse_endpoint (const char *text, inkand_listen_conf *l)
{
	const char *colon = strrchr (text, ':');
	const char *host = text, *host_end = colon;
	char *end;
	unsigned long port;

	if (colon == NULL)
		return inkand_fail (INKAN_ERR_USAGE, _("listen address \"%s\" has no port"), text);
	if (*host == '[' && host_end > host && host_end[-1] == ']') {
		host++;
		host_end--;
	}
	errno = 0;
	port = strtoul (colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || port == 0 || port > 65535)
		return inkand_fail (INKAN_ERR_USAGE, _("listen address \"%s\" has no valid port"), text);
	l->host = host_end > host ? strndup (host, (size_t) (host_end - host)) : strdup ("::");
	l->port = (unsigned) port;
	return l->host != NULL ? INKAN_OK : inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
}

static inkan_err
parse_listener (json_t *item, inkand_listen_conf *l)
{
	const char *unix_path = NULL, *tcp = NULL, *cert = NULL, *key = NULL, *ca = NULL;
	const char *mode = "0660", *identity = "cn";
	json_error_t jerr;
	char *end;

	if (json_unpack_ex (item, &jerr, 0, "{s?s, s?s, s?s, s?s, s?s, s?s, s?s !}", "unix", &unix_path,
	                    "mode", &mode, "tcp", &tcp, "cert", &cert, "key", &key, "client_ca", &ca,
	                    "identity", &identity) != 0)
		return inkand_fail (INKAN_ERR_USAGE, _("listener: %s"), jerr.text);
	if ((unix_path == NULL) == (tcp == NULL))
		return inkand_fail (INKAN_ERR_USAGE, "%s", _("a listener has either \"unix\" or \"tcp\""));
	if (unix_path != NULL) {
		l->unix_path = strdup (unix_path);
		l->mode = (unsigned) strtoul (mode, &end, 8);
		if (*end != '\0' || l->mode > 0777)
			return inkand_fail (INKAN_ERR_USAGE, _("socket mode \"%s\" is not octal"), mode);
		return l->unix_path != NULL ? INKAN_OK : inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	/* TCP is TLS with client certificates, always: an unauthenticated
	 * client must get nothing, not even an HTTP answer. */
	if (cert == NULL || key == NULL || ca == NULL)
		return inkand_fail (INKAN_ERR_USAGE, _("TCP listener %s needs \"cert\", \"key\" and \"client_ca\""), tcp);
	if (strcmp (identity, "cn") != 0 && strcmp (identity, "dn") != 0)
		return inkand_fail (INKAN_ERR_USAGE, _("\"identity\" is \"cn\" or \"dn\", not \"%s\""), identity);
	l->identity_dn = strcmp (identity, "dn") == 0;
	l->tls_cert = strdup (cert);
	l->tls_key = strdup (key);
	l->client_ca = strdup (ca);
	if (l->tls_cert == NULL || l->tls_key == NULL || l->client_ca == NULL)
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	return parse_endpoint (tcp, l);
}

static inkan_err
parse_keys (json_t *keys, inkand_config *cfg)
{
	const char *name;
	json_t *item;
	size_t i = 0;

	cfg->n_keys = json_object_size (keys);
	cfg->keys = calloc (cfg->n_keys + 1, sizeof *cfg->keys);
	cfg->key_names = calloc (cfg->n_keys + 1, sizeof *cfg->key_names);
	cfg->checkpoint_same = calloc (cfg->n_keys + 1, sizeof *cfg->checkpoint_same);
	if (cfg->keys == NULL || cfg->key_names == NULL || cfg->checkpoint_same == NULL)
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	json_object_foreach (keys, name, item) {
		const char *uri = NULL, *cert = NULL;
		json_error_t jerr;

		if (json_unpack_ex (item, &jerr, 0, "{s:s, s?s !}", "uri", &uri, "cert", &cert) != 0)
			return inkand_fail (INKAN_ERR_USAGE, _("key \"%s\": %s"), name, jerr.text);
		if (strncmp (uri, "pkcs11:", 7) != 0)
			return inkand_fail (INKAN_ERR_USAGE, _("key \"%s\": \"%s\" is not a pkcs11: URI"), name, uri);
		cfg->keys[i].name = strdup (name);
		cfg->keys[i].uri = strdup (uri);
		cfg->keys[i].cert = dup_or_null (cert);
		if (cfg->keys[i].name == NULL || cfg->keys[i].uri == NULL || (cert != NULL && cfg->keys[i].cert == NULL))
			return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		cfg->key_names[i] = cfg->keys[i].name;
		i++;
	}
	return INKAN_OK;
}

/* The PIN's source names where it is, never what it is. */
static int
pin_source_ok (const char *src)
{
	return strncmp (src, "file:", 5) == 0 || strncmp (src, "env:", 4) == 0 || strncmp (src, "cred:", 5) == 0;
}

static inkan_err
load_json (const char *path, json_t **out)
{
	json_error_t jerr;

	*out = json_load_file (path, JSON_REJECT_DUPLICATES, &jerr);
	if (*out == NULL)
		return inkand_fail (INKAN_ERR_BAD_INPUT, _("%s, line %d: %s"), path, jerr.line, jerr.text);
	return INKAN_OK;
}

/*
 * The checkpoint key signs the head of the audit chain: a client that may
 * sign with it, under its own name or another for the same key, could sign
 * a forged checkpoint.  So no client is granted it, not even "verify".
 * Which names are the same key only the token can say (keys.c).
 */
inkan_err
inkand_config_check_grants (const inkand_config *cfg, const inkand_authz *authz)
{
	const char *client;
	size_t i;

	if (cfg->checkpoint_key == NULL)
		return INKAN_OK;
	for (i = 0; i < cfg->n_keys; i++) {
		if (cfg->checkpoint_same[i] && inkand_authz_key_client (authz, i, &client))
			return inkand_fail (INKAN_ERR_USAGE,
			                    _("client \"%s\" is granted key \"%s\", which is the audit checkpoint key "
			                      "\"%s\": no client may use that key"),
			                    client, cfg->keys[i].name, cfg->checkpoint_key);
	}
	return INKAN_OK;
}

static inkan_err
parse (json_t *root, inkand_config *cfg)
{
	const char *module = NULL, *token = NULL, *pin = NULL, *record_dir = NULL;
	const char *audit_path = NULL, *ck_key = NULL;
	json_int_t workers = 4, queue = 64, max_body = 1 << 20, ck_interval = 300, audit_max_batch = 1024,
	           audit_linger_us = 2000;
	json_int_t max_connections = 1024, ck_every = 0, cache_mb = 1024, refresh_percent = 10;
	const char *validate_conf = NULL;
	int audit_verifications = 0;
	double rate = 100, burst = 200, request_timeout = 30;
	json_t *listen = NULL, *keys = NULL, *clients = NULL, *rl = NULL, *audit = NULL, *validate = NULL, *item;
	json_error_t jerr;
	inkan_err err;
	size_t i;

	if (json_unpack_ex (root, &jerr, 0, "{s:o, s?s, s:s, s:s, s?s, s?I, s?I, s?I, s?I, s?F, s?o, s:o, s?o, s:o, s:o !}",
	                    "listen", &listen, "module", &module, "token", &token, "pin", &pin,
	                    "pin_record_dir", &record_dir, "workers", &workers, "queue", &queue,
	                    "max_body", &max_body, "max_connections", &max_connections,
	                    "request_timeout", &request_timeout, "rate_limit", &rl, "audit", &audit, "validate", &validate, "keys", &keys,
	                    "clients", &clients) != 0)
		return inkand_fail (INKAN_ERR_USAGE, "%s", jerr.text);
	if (rl != NULL && json_unpack_ex (rl, &jerr, 0, "{s:F, s:F !}", "rate", &rate, "burst", &burst) != 0)
		return inkand_fail (INKAN_ERR_USAGE, _("rate_limit: %s"), jerr.text);
	if (json_unpack_ex (audit, &jerr, 0, "{s:s, s?I, s?I, s?s, s?I, s?I, s?b !}", "path", &audit_path, "max_batch",
	                    &audit_max_batch, "linger_us", &audit_linger_us, "checkpoint_key", &ck_key,
	                    "checkpoint_interval", &ck_interval, "checkpoint_every", &ck_every,
	                    "verifications", &audit_verifications) != 0)
		return inkand_fail (INKAN_ERR_USAGE, _("audit: %s"), jerr.text);
	if (validate != NULL && json_unpack_ex (validate, &jerr, 0, "{s:s, s?I, s?I !}", "config", &validate_conf,
	                                        "cache_mb", &cache_mb, "refresh_percent", &refresh_percent) != 0)
		return inkand_fail (INKAN_ERR_USAGE, _("validate: %s"), jerr.text);
	if (cache_mb < 1 || cache_mb > 1024 * 1024 || refresh_percent < 0 || refresh_percent > 99)
		return inkand_fail (INKAN_ERR_USAGE, "%s", _("validate cache_mb 1-1048576, refresh_percent 0-99"));
	if (!pin_source_ok (pin))
		return inkand_fail (INKAN_ERR_USAGE, "%s",
		                    _("\"pin\" names where the PIN is (file:PATH, env:VAR or cred:NAME), never the PIN"));
	if (workers < 1 || workers > 256 || queue < 1 || queue > 65536 || max_body < 64 ||
	    rate <= 0 || burst < 1 || ck_interval < 1 || audit_max_batch < 1 ||
	    audit_max_batch > 65536 || audit_linger_us < 1 || audit_linger_us > 100000)
		return inkand_fail (INKAN_ERR_USAGE, "%s",
		                    _("workers 1-256, queue 1-65536, max_body >= 64, rate > 0, burst >= 1, "
		                      "checkpoint_interval >= 1, audit max_batch 1-65536 and audit linger_us 1-100000"));
	if (max_connections < 1 || max_connections > 65536 || !(request_timeout >= 0.1 && request_timeout <= 3600))
		return inkand_fail (INKAN_ERR_USAGE, "%s", _("max_connections 1-65536, request_timeout 0.1-3600 seconds"));
	if (ck_every < 0 || ck_every > 1000000000)
		return inkand_fail (INKAN_ERR_USAGE, "%s", _("audit checkpoint_every 0-1000000000 records (0: by time only)"));
	if (ck_every > 0 && ck_key == NULL)
		return inkand_fail (INKAN_ERR_USAGE, "%s", _("audit checkpoint_every needs a checkpoint_key"));
	if (!json_is_array (listen) || json_array_size (listen) == 0)
		return inkand_fail (INKAN_ERR_USAGE, "%s", _("\"listen\" is a non-empty array"));
	if (!json_is_object (keys) || !json_is_object (clients))
		return inkand_fail (INKAN_ERR_USAGE, "%s", _("\"keys\" and \"clients\" are objects"));

	cfg->module = dup_or_null (module);
	cfg->token = strdup (token);
	cfg->pin = strdup (pin);
	cfg->pin_record_dir = dup_or_null (record_dir);
	cfg->audit_path = strdup (audit_path);
	cfg->audit_verifications = audit_verifications;
	cfg->validate_config = dup_or_null (validate_conf);
	cfg->validate_cache_max = (size_t) cache_mb << 20;
	cfg->validate_refresh_pct = (unsigned) refresh_percent;
	cfg->checkpoint_key = dup_or_null (ck_key);
	cfg->workers = (unsigned) workers;
	cfg->queue = (unsigned) queue;
	cfg->max_body = (size_t) max_body;
	cfg->max_connections = (unsigned) max_connections;
	cfg->request_timeout = request_timeout;
	cfg->rate = rate;
	cfg->burst = burst;
	cfg->checkpoint_interval = (unsigned) ck_interval;
	cfg->checkpoint_every = (unsigned) ck_every;
	cfg->audit_max_batch = (unsigned) audit_max_batch;
	cfg->audit_linger_us = (unsigned) audit_linger_us;
	cfg->n_listen = json_array_size (listen);
	cfg->listen = calloc (cfg->n_listen, sizeof *cfg->listen);
	if (cfg->token == NULL || cfg->pin == NULL || cfg->audit_path == NULL || cfg->listen == NULL ||
	    (validate_conf != NULL && cfg->validate_config == NULL))
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	json_array_foreach (listen, i, item) {
		err = parse_listener (item, &cfg->listen[i]);
		if (err != INKAN_OK)
			return err;
	}
	err = parse_keys (keys, cfg);
	if (err == INKAN_OK && cfg->checkpoint_key != NULL) {
		long ck = inkand_config_key (cfg, cfg->checkpoint_key);

		if (ck < 0)
			err = inkand_fail (INKAN_ERR_USAGE, _("checkpoint_key \"%s\" is not among the keys"),
			                   cfg->checkpoint_key);
		else
			cfg->checkpoint_same[ck] = 1;
	}
	if (err == INKAN_OK)
		err = inkand_authz_parse (clients, cfg->key_names, cfg->n_keys, &cfg->authz);
	if (err == INKAN_OK)
		err = inkand_config_check_grants (cfg, cfg->authz);
	return err;
}

inkan_err
inkand_config_parse (json_t *root, inkand_config **out)
{
	inkand_config *cfg = calloc (1, sizeof *cfg);
	inkan_err err;

	if (cfg == NULL)
		return inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	err = parse (root, cfg);
	if (err != INKAN_OK) {
		inkand_config_free (cfg);
		return err;
	}
	*out = cfg;
	return INKAN_OK;
}

inkan_err
inkand_config_load (const char *path, inkand_config **out)
{
	json_t *root = NULL;
	inkan_err err = load_json (path, &root);

	if (err == INKAN_OK)
		err = inkand_config_parse (root, out);
	json_decref (root);
	if (err == INKAN_OK && ((*out)->path = strdup (path)) == NULL) {
		inkand_config_free (*out);
		err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	return err;
}

inkan_err
inkand_config_reload_authz (const inkand_config *cfg, inkand_authz **out)
{
	json_t *root = NULL;
	inkan_err err;

	err = load_json (cfg->path, &root);
	if (err == INKAN_OK && !json_is_object (json_object_get (root, "clients")))
		err = inkand_fail (INKAN_ERR_USAGE, "%s", _("\"keys\" and \"clients\" are objects"));
	if (err == INKAN_OK)
		err = inkand_authz_parse (json_object_get (root, "clients"), cfg->key_names, cfg->n_keys, out);
	if (err == INKAN_OK && (err = inkand_config_check_grants (cfg, *out)) != INKAN_OK) {
		inkand_authz_free (*out);
		*out = NULL;
	}
	json_decref (root);
	return err;
}

inkan_err
inkand_config_file (const char *source, char **out)
{
	const char *dir = getenv ("CREDENTIALS_DIRECTORY");

	if (strncmp (source, "cred:", 5) != 0)
		*out = strdup (source);
	else if (dir == NULL || strchr (source + 5, '/') != NULL || source[5] == '\0')
		return inkand_fail (INKAN_ERR_USAGE, _("%s: no $CREDENTIALS_DIRECTORY, or not a credential name"), source);
	else if (asprintf (out, "%s/%s", dir, source + 5) < 0)
		*out = NULL;
	return *out != NULL ? INKAN_OK : inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
}

long
inkand_config_key (const inkand_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_keys; i++)
		if (strcmp (cfg->keys[i].name, name) == 0)
			return (long) i;
	return -1;
}

void
inkand_config_free (inkand_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; cfg->listen != NULL && i < cfg->n_listen; i++) {
		free (cfg->listen[i].unix_path);
		free (cfg->listen[i].host);
		free (cfg->listen[i].tls_cert);
		free (cfg->listen[i].tls_key);
		free (cfg->listen[i].client_ca);
	}
	for (i = 0; cfg->keys != NULL && i < cfg->n_keys; i++) {
		free (cfg->keys[i].name);
		free (cfg->keys[i].uri);
		free (cfg->keys[i].cert);
	}
	inkand_authz_free (cfg->authz);
	free (cfg->listen);
	free (cfg->keys);
	free (cfg->key_names);
	free (cfg->checkpoint_same);
	free (cfg->path);
	free (cfg->module);
	free (cfg->token);
	free (cfg->pin);
	free (cfg->pin_record_dir);
	free (cfg->audit_path);
	free (cfg->validate_config);
	free (cfg->checkpoint_key);
	free (cfg);
}
