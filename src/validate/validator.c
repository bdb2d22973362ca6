/* The validator: trust anchors, intermediates, time, methods and their
 * order, timeouts, URLs, cache.  Set once, used for many certificates. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/x509v3.h>

#include "src/validate/vint.h"

inkan_err
inkan_validator_new (inkan_validator **out)
{
	inkan_validator *v = calloc (1, sizeof *v);
	size_t i;

	if (v == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	pthread_mutex_init (&v->lock, NULL);
	v->anchors = X509_STORE_new ();
	v->chain = sk_X509_new_null ();
	v->policies = sk_ASN1_OBJECT_new_null ();
	if (inkan_vcache_new (0, &v->own_cache) == INKAN_OK)
		v->cache = v->own_cache;
	if (v->anchors == NULL || v->chain == NULL || v->policies == NULL || v->cache == NULL) {
		inkan_validator_free (v);
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	for (i = 0; i < INKAN_METHOD_LAST; i++)
		v->timeout_ms[i] = 10000;
	v->deadline_ms = 30000;
	*out = v;
	return INKAN_OK;
}

void
inkan_validator_free (inkan_validator *v)
{
	size_t i;

	if (v == NULL)
		return;
	X509_STORE_free (v->anchors);
	sk_X509_pop_free (v->chain, X509_free);
	sk_X509_pop_free (v->extra_chain, X509_free);
	sk_ASN1_OBJECT_pop_free (v->policies, ASN1_OBJECT_free);
	for (i = 0; i < INKAN_METHOD_LAST; i++)
		free (v->url[i]);
	X509_free (v->scvp_cert);
	free (v->cache_dir);
	free (v->set_order.file);
	for (i = 0; i < ORDER_SLOTS; i++)
		free (v->conf_order[i].file);
	inkan_ca_pins_free (v->anchor_pins);
	local_crls_free (v->local_crls);
	inkan_vcache_free (v->own_cache);
	pthread_mutex_destroy (&v->lock);
	free (v);
}

static inkan_err
add_anchor_file (inkan_validator *v, const char *path)
{
	STACK_OF(X509) *certs = NULL;
	inkan_err err = inkan_certs_load (NULL, path, NULL, 0, &certs);
	int i;

	for (i = 0; err == INKAN_OK && i < sk_X509_num (certs); i++)
		if (!X509_STORE_add_cert (v->anchors, sk_X509_value (certs, i)))
			err = inkan_fail_ossl (INKAN_ERR_CRYPTO, _("cannot trust %s"), path);
	sk_X509_pop_free (certs, X509_free);
	return err;
}

inkan_err
inkan_validator_add_anchor (inkan_validator *v, const char *path)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	inkan_err err = INKAN_OK;
	size_t added = 0;

	if (stat (path, &st) != 0)
		return inkan_fail (INKAN_ERR_IO, _("cannot read %s: %m"), path);
	if (!S_ISDIR (st.st_mode))
		return add_anchor_file (v, path);
	d = opendir (path);
	if (d == NULL)
		return inkan_fail (INKAN_ERR_IO, _("cannot read %s: %m"), path);
	/* Every certificate file in the directory; other files are not ours to judge. */
	while (err == INKAN_OK && (e = readdir (d)) != NULL) {
		char *file;

		if (e->d_name[0] == '.')
			continue;
		if (asprintf (&file, "%s/%s", path, e->d_name) < 0) {
			err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
			break;
		}
		if (stat (file, &st) == 0 && S_ISREG (st.st_mode) && add_anchor_file (v, file) == INKAN_OK)
			added++;
		free (file);
	}
	closedir (d);
	if (err == INKAN_OK && added == 0)
		err = inkan_fail (INKAN_ERR_NOT_FOUND, _("no certificate in directory %s"), path);
	return err;
}

inkan_err
inkan_validator_add_chain_cert (inkan_validator *v, X509 *cert)
{
	if (!X509_add_cert (v->chain, cert, X509_ADD_FLAG_UP_REF))
		return inkan_fail_ossl (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	return INKAN_OK;
}

inkan_err
inkan_validator_set_extra_chain (inkan_validator *v, STACK_OF(X509) *certs)
{
	STACK_OF(X509) *copy = NULL;

	if (certs != NULL && (copy = X509_chain_up_ref (certs)) == NULL)
		return inkan_fail_ossl (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	sk_X509_pop_free (v->extra_chain, X509_free);
	v->extra_chain = copy;
	return INKAN_OK;
}

X509_STORE *
inkan_validator_get0_anchors (inkan_validator *v)
{
	return v->anchors;
}

inkan_err
inkan_validator_add_chain (inkan_validator *v, const char *path)
{
	STACK_OF(X509) *certs = NULL;
	inkan_err err = inkan_certs_load (NULL, path, NULL, 0, &certs);
	int i;

	for (i = 0; err == INKAN_OK && i < sk_X509_num (certs); i++)
		err = inkan_validator_add_chain_cert (v, sk_X509_value (certs, i));
	sk_X509_pop_free (certs, X509_free);
	return err;
}

inkan_err
inkan_validator_add_policy (inkan_validator *v, const char *oid)
{
	ASN1_OBJECT *obj = OBJ_txt2obj (oid, 1);

	if (obj == NULL)
		return inkan_fail (INKAN_ERR_USAGE, _("not a policy OID: %s"), oid);
	if (!sk_ASN1_OBJECT_push (v->policies, obj)) {
		ASN1_OBJECT_free (obj);
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	return INKAN_OK;
}

void
inkan_validator_set_time (inkan_validator *v, time_t at)
{
	X509_VERIFY_PARAM *param = X509_STORE_get0_param (v->anchors);

	v->at = at;
	/* what OpenSSL verifies with the anchors (OCSP responders, signed
	 * answers) is judged at AT too */
	if (at != 0)
		X509_VERIFY_PARAM_set_time (param, at);
	else
		X509_VERIFY_PARAM_clear_flags (param, X509_V_FLAG_USE_CHECK_TIME);
}

inkan_err
methods_parse (const char *list, method_order *o)
{
	inkan_method order[INKAN_METHOD_LAST];
	size_t n = 0, i;
	const char *p = list;

	while (*p != '\0') {
		size_t len = strcspn (p, ",");
		inkan_method m;

		for (m = 0; m < INKAN_METHOD_LAST; m++)
			if (strlen (inkan_method_name (m)) == len &&
			    strncmp (p, inkan_method_name (m), len) == 0)
				break;
		if (m == INKAN_METHOD_LAST)
			return inkan_fail (INKAN_ERR_USAGE, _("unknown method \"%.*s\" (crl, ocsp, scvp)"),
			                   (int) len, p);
		for (i = 0; i < n; i++)
			if (order[i] == m)
				return inkan_fail (INKAN_ERR_USAGE, _("method \"%s\" named twice"),
				                   inkan_method_name (m));
		order[n++] = m;
		p += len;
		if (*p == ',')
			p++;
	}
	if (n == 0)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("no validation method named"));
	memcpy (o->methods, order, n * sizeof order[0]);
	o->n = n;
	return INKAN_OK;
}

inkan_err
inkan_validator_set_methods (inkan_validator *v, const char *list)
{
	if (list == NULL) {
		v->set_order.n = 0;
		return INKAN_OK;
	}
	return methods_parse (list, &v->set_order);
}

void
inkan_validator_set_timeout (inkan_validator *v, inkan_method m, long ms)
{
	if ((unsigned) m < INKAN_METHOD_LAST) {
		v->timeout_ms[m] = ms;
		v->given |= 1u << m;
	}
}

void
inkan_validator_set_deadline (inkan_validator *v, long ms)
{
	v->deadline_ms = ms;
	v->given |= GIVEN_DEADLINE;
}

static inkan_err
set_string (char **slot, const char *value)
{
	char *copy = NULL;

	if (value != NULL && (copy = strdup (value)) == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	free (*slot);
	*slot = copy;
	return INKAN_OK;
}

inkan_err
inkan_validator_set_url (inkan_validator *v, inkan_method m, const char *url)
{
	if ((unsigned) m >= INKAN_METHOD_LAST)
		return inkan_fail (INKAN_ERR_USAGE, "%s", _("no such validation method"));
	if (m == INKAN_METHOD_SCVP)
		v->given |= GIVEN_SCVP_URL;
	return set_string (&v->url[m], url);
}

inkan_err
inkan_validator_set_scvp_cert (inkan_validator *v, const char *path)
{
	STACK_OF(X509) *certs = NULL;
	inkan_err err = inkan_certs_load (NULL, path, NULL, 0, &certs);

	if (err != INKAN_OK)
		return err;
	X509_free (v->scvp_cert);
	v->scvp_cert = sk_X509_shift (certs);
	sk_X509_pop_free (certs, X509_free);
	v->given |= GIVEN_SCVP_CERT;
	return INKAN_OK;
}

inkan_err
inkan_validator_add_anchor_pins (inkan_validator *v, const char *path)
{
	inkan_err err;

	if (v->anchor_pins == NULL && (err = inkan_ca_pins_new (&v->anchor_pins)) != INKAN_OK)
		return err;
	return inkan_ca_pins_load (v->anchor_pins, path);
}

void
inkan_validator_set_purpose (inkan_validator *v, inkan_purpose p)
{
	v->purpose = p;
}

void
inkan_validator_set_offline (inkan_validator *v, int offline)
{
	v->offline = offline;
}

void
inkan_validator_set_vcache (inkan_validator *v, inkan_vcache *c)
{
	v->cache = c != NULL ? c : v->own_cache;
}

inkan_err
inkan_validator_set_cache_dir (inkan_validator *v, const char *dir)
{
	return set_string (&v->cache_dir, dir);
}
