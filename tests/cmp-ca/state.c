/* What the CA has issued and revoked, in STATE_DIR/index (one line per
 * certificate: "SERIAL REVOKED_AT SUBJECT", REVOKED_AT 0 while valid),
 * every issued certificate as STATE_DIR/SERIAL.pem, and the CRL as
 * STATE_DIR/crl.pem.  Each file is replaced whole, by rename: a CA killed
 * at any moment leaves the old state or the new, never half of one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/pem.h>
#include "cmp-ca.h"

/* Far more than a test issues; a bound on what a state file can make us read. */
#define MAX_ISSUED 100000

int
write_atomic (const char *path, const void *data, size_t len)
{
	char tmp[4096];
	const char *p = data;
	int fd, ok = 0;

	if ((size_t) snprintf (tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		return 0;
	fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ca_log ("cannot write %s: %s", tmp, strerror (errno));
		return 0;
	}
	while (len > 0) {
		ssize_t n = write (fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		p += n;
		len -= n;
	}
	ok = fsync (fd) == 0;
out:
	if (close (fd) != 0)
		ok = 0;
	if (ok && rename (tmp, path) != 0)
		ok = 0;
	if (!ok) {
		ca_log ("cannot write %s: %s", path, strerror (errno));
		unlink (tmp);
	}
	return ok;
}

static int
path_of (const struct ca *ca, const char *name, char *buf, size_t size)
{
	return (size_t) snprintf (buf, size, "%s/%s", ca->state_dir, name) < size;
}

static int
write_index (struct ca *ca)
{
	char path[4096], *text = NULL;
	size_t size = 0, i;
	FILE *f = open_memstream (&text, &size);
	int ok;

	if (f == NULL)
		return 0;
	fprintf (f, "%ld\n", ca->crl_number);
	for (i = 0; i < ca->n_issued; i++)
		fprintf (f, "%s %lld %s\n", ca->issued[i].serial, (long long) ca->issued[i].revoked_at,
		         ca->issued[i].subject);
	ok = fclose (f) == 0 && path_of (ca, "index", path, sizeof path) && write_atomic (path, text, size);
	free (text);
	return ok;
}

static char *
serial_hex (const ASN1_INTEGER *serial)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN (serial, NULL);
	char *hex = bn ? BN_bn2hex (bn) : NULL;

	BN_free (bn);
	return hex;
}

struct issued *
state_find (struct ca *ca, const ASN1_INTEGER *serial)
{
	char *hex = serial_hex (serial);
	struct issued *found = NULL;
	size_t i;

	for (i = 0; hex != NULL && found == NULL && i < ca->n_issued; i++)
		if (strcmp (ca->issued[i].serial, hex) == 0)
			found = &ca->issued[i];
	OPENSSL_free (hex);
	return found;
}

static int
append (struct ca *ca, const char *serial, time_t revoked_at, const char *subject)
{
	struct issued *more;

	if (ca->n_issued >= MAX_ISSUED || strlen (serial) >= sizeof more->serial)
		return 0;
	more = realloc (ca->issued, (ca->n_issued + 1) * sizeof *more);
	if (more == NULL)
		return 0;
	ca->issued = more;
	more = &ca->issued[ca->n_issued];
	strcpy (more->serial, serial);
	more->revoked_at = revoked_at;
	if ((more->subject = strdup (subject)) == NULL)
		return 0;
	ca->n_issued++;
	return 1;
}

int
state_load (struct ca *ca)
{
	char path[4096], line[2048], serial[64];
	long long revoked_at;
	int n, ok = 1;
	FILE *f;

	if (!path_of (ca, "index", path, sizeof path))
		return 0;
	f = fopen (path, "re");
	if (f == NULL)
		return errno == ENOENT ? state_crl (ca) : 0;
	if (fgets (line, sizeof line, f) == NULL || sscanf (line, "%ld", &ca->crl_number) != 1)
		ok = 0;
	while (ok && fgets (line, sizeof line, f) != NULL) {
		line[strcspn (line, "\n")] = '\0';
		ok = sscanf (line, "%63s %lld %n", serial, &revoked_at, &n) == 2 &&
		     append (ca, serial, (time_t) revoked_at, line + n);
	}
	fclose (f);
	if (!ok)
		ca_log ("%s: not an index this CA wrote", path);
	return ok && state_crl (ca);
}

int
state_add (struct ca *ca, X509 *cert)
{
	char *hex = serial_hex (X509_get0_serialNumber (cert));
	char *subject = X509_NAME_oneline (X509_get_subject_name (cert), NULL, 0);
	char name[64], path[4096], *pem = NULL;
	BIO *b = BIO_new (BIO_s_mem ());
	long len;
	int ok = 0;

	if (hex == NULL || subject == NULL || b == NULL || !PEM_write_bio_X509 (b, cert))
		goto out;
	len = BIO_get_mem_data (b, &pem);
	snprintf (name, sizeof name, "%s.pem", hex);
	if (!path_of (ca, name, path, sizeof path) || !write_atomic (path, pem, len))
		goto out;
	ok = append (ca, hex, 0, subject) && write_index (ca);
out:
	BIO_free (b);
	OPENSSL_free (subject);
	OPENSSL_free (hex);
	return ok;
}

int
state_revoke (struct ca *ca, struct issued *entry)
{
	entry->revoked_at = time (NULL);
	return write_index (ca) && state_crl (ca);
}

static int
add_revoked (X509_CRL *crl, const struct issued *entry)
{
	X509_REVOKED *r = X509_REVOKED_new ();
	ASN1_TIME *when = ASN1_TIME_set (NULL, entry->revoked_at);
	BIGNUM *bn = NULL;
	ASN1_INTEGER *serial = NULL;
	int ok = 0;

	if (r == NULL || when == NULL || !BN_hex2bn (&bn, entry->serial) ||
	    (serial = BN_to_ASN1_INTEGER (bn, NULL)) == NULL)
		goto out;
	if (!X509_REVOKED_set_serialNumber (r, serial) || !X509_REVOKED_set_revocationDate (r, when) ||
	    !X509_CRL_add0_revoked (crl, r))
		goto out;
	r = NULL;
	ok = 1;
out:
	X509_REVOKED_free (r);
	ASN1_TIME_free (when);
	ASN1_INTEGER_free (serial);
	BN_free (bn);
	return ok;
}

int
state_crl (struct ca *ca)
{
	X509_CRL *crl = X509_CRL_new ();
	ASN1_TIME *now = ASN1_TIME_set (NULL, time (NULL));
	ASN1_TIME *next = ASN1_TIME_adj (NULL, time (NULL), 1, 0);
	ASN1_INTEGER *number = ASN1_INTEGER_new ();
	X509V3_CTX v3;
	X509_EXTENSION *aki = NULL;
	char path[4096], *pem;
	BIO *b = NULL;
	size_t i;
	long len;
	int ok = 0;

	if (crl == NULL || now == NULL || next == NULL || number == NULL)
		goto out;
	ca->crl_number++;
	if (!X509_CRL_set_version (crl, 1) || !X509_CRL_set_issuer_name (crl, X509_get_subject_name (ca->cert)) ||
	    !X509_CRL_set1_lastUpdate (crl, now) || !X509_CRL_set1_nextUpdate (crl, next))
		goto out;
	for (i = 0; i < ca->n_issued; i++)
		if (ca->issued[i].revoked_at != 0 && !add_revoked (crl, &ca->issued[i]))
			goto out;
	X509_CRL_sort (crl);
	X509V3_set_ctx (&v3, ca->cert, NULL, NULL, crl, 0);
	if (!ASN1_INTEGER_set (number, ca->crl_number) ||
	    !X509_CRL_add1_ext_i2d (crl, NID_crl_number, number, 0, 0) ||
	    (aki = X509V3_EXT_conf_nid (NULL, &v3, NID_authority_key_identifier, "keyid:always")) == NULL ||
	    !X509_CRL_add_ext (crl, aki, -1) || !X509_CRL_sign (crl, ca->key, EVP_sha256 ()))
		goto out;
	if ((b = BIO_new (BIO_s_mem ())) == NULL || !PEM_write_bio_X509_CRL (b, crl))
		goto out;
	len = BIO_get_mem_data (b, &pem);
	if (!path_of (ca, "crl.pem", path, sizeof path) || !write_atomic (path, pem, len) || !write_index (ca))
		goto out;
	X509_CRL_free (ca->crl);
	ca->crl = crl;
	crl = NULL;
	ok = 1;
out:
	if (!ok)
		ca_log_ssl ("cannot make the CRL");
	BIO_free (b);
	X509_EXTENSION_free (aki);
	ASN1_INTEGER_free (number);
	ASN1_TIME_free (now);
	ASN1_TIME_free (next);
	X509_CRL_free (crl);
	return ok;
}
