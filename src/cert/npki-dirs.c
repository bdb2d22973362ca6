/* NPKI certificate folders: Korean users keep their certificates as files,
 * NPKI/<CA>/USER/<name>/signCert.der beside signPri.key, in the home
 * directory or on a USB stick.  Finding them walks folders someone else may
 * have written (a stick), so the walk follows no symbolic link, takes only
 * regular files, and stops at a bound. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/cert/certint.h"

#define MAX_FOUND 256
#define MAX_DIR_ENTRIES 4096

typedef struct {
	inkan_npki_cert *certs;
	size_t n;
} found;

static int
is_kind (int dirfd, const char *name, mode_t kind)
{
	struct stat st;

	return fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & S_IFMT) == kind;
}

/* The child of PATH named NAME in any case ("USER", "User"), or NULL. */
static char *
child_named (const char *path, const char *name)
{
	DIR *d = opendir (path);
	struct dirent *e;
	char *out = NULL;
	int seen = 0;

	if (d == NULL)
		return NULL;
	while (out == NULL && seen++ < MAX_DIR_ENTRIES && (e = readdir (d)) != NULL)
		if (strcasecmp (e->d_name, name) == 0 && is_kind (dirfd (d), e->d_name, S_IFDIR) &&
		    asprintf (&out, "%s/%s", path, e->d_name) < 0)
			out = NULL;
	closedir (d);
	return out;
}

/* DIR/signCert.der (and signPri.key when there) as a certificate of CA. */
static inkan_err
add_if_cert (found *f, const char *ca, const char *dir)
{
	inkan_npki_cert *c;
	int fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int has_cert = fd >= 0 && is_kind (fd, "signCert.der", S_IFREG);
	int has_key = fd >= 0 && is_kind (fd, "signPri.key", S_IFREG);

	if (fd >= 0)
		close (fd);
	if (!has_cert)
		return INKAN_OK;
	if (f->n == MAX_FOUND)
		return inkan_fail (INKAN_ERR_BAD_INPUT, _("more than %d NPKI certificates under one folder"), MAX_FOUND);
	c = realloc (f->certs, (f->n + 1) * sizeof *c);
	if (c == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	f->certs = c;
	c = &f->certs[f->n];
	memset (c, 0, sizeof *c);
	f->n++;
	if ((c->ca = strdup (ca != NULL ? ca : "")) == NULL || (c->dir = strdup (dir)) == NULL ||
	    asprintf (&c->cert, "%s/signCert.der", dir) < 0 || (has_key && asprintf (&c->key, "%s/signPri.key", dir) < 0))
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	return INKAN_OK;
}

/* Each subfolder of PATH, as a path, to FN. */
static inkan_err
each_subdir (found *f, const char *path, const char *ca, inkan_err (*fn) (found *, const char *, const char *))
{
	DIR *d = opendir (path);
	struct dirent *e;
	int seen = 0;
	inkan_err err = INKAN_OK;

	if (d == NULL)
		return INKAN_OK;
	while (err == INKAN_OK && seen++ < MAX_DIR_ENTRIES && (e = readdir (d)) != NULL) {
		char *sub = NULL;

		if (e->d_name[0] == '.' || !is_kind (dirfd (d), e->d_name, S_IFDIR))
			continue;
		if (asprintf (&sub, "%s/%s", path, e->d_name) < 0)
			err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
		else
			err = fn (f, ca != NULL ? ca : e->d_name, sub);
		free (sub);
	}
	closedir (d);
	return err;
}

/* NPKI/<CA>: its USER folder's certificate folders. */
static inkan_err
scan_ca (found *f, const char *ca, const char *path)
{
	char *user = child_named (path, "USER");
	inkan_err err = INKAN_OK;

	if (user != NULL)
		err = each_subdir (f, user, ca, add_if_cert);
	free (user);
	return err;
}

static int
by_cert_path (const void *a, const void *b)
{
	return strcmp (((const inkan_npki_cert *) a)->cert, ((const inkan_npki_cert *) b)->cert);
}

void
inkan_npki_certs_free (inkan_npki_cert *certs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free (certs[i].ca);
		free (certs[i].dir);
		free (certs[i].cert);
		free (certs[i].key);
	}
	free (certs);
}

/* The CA of a certificate folder .../<CA>/USER/<name>, two folders up; ""
 * when the folder is not in such a tree. */
static char *
ca_of_cert_dir (const char *dir)
{
	char *copy = strdup (dir), *slash, *ca = NULL;

	if (copy == NULL)
		return NULL;
	if ((slash = strrchr (copy, '/')) != NULL) {
		*slash = '\0';                  /* .../<CA>/USER */
		slash = strrchr (copy, '/');
		if (slash != NULL && strcasecmp (slash + 1, "USER") == 0) {
			*slash = '\0';          /* .../<CA> */
			slash = strrchr (copy, '/');
			ca = strdup (slash != NULL ? slash + 1 : copy);
		}
	}
	free (copy);
	return ca != NULL ? ca : strdup ("");
}

/* PATH/NPKI, in any case, when PATH holds one (a home directory, a stick). */
static inkan_err
scan_holder (found *f, const char *unused, const char *path)
{
	char *npki = child_named (path, "NPKI");
	inkan_err err = INKAN_OK;

	(void) unused;
	if (npki != NULL)
		err = each_subdir (f, npki, NULL, scan_ca);
	free (npki);
	return err;
}

/* ROOT as an NPKI folder, a folder holding one, a CA's folder or a
 * certificate's folder. */
static inkan_err
scan_root (found *f, const char *root)
{
	const char *base = strrchr (root, '/');
	size_t before = f->n;
	char *ca;
	inkan_err err;

	base = base != NULL && base[1] != '\0' ? base + 1 : root;
	if (strcasecmp (base, "NPKI") == 0)
		return each_subdir (f, root, NULL, scan_ca);
	err = scan_holder (f, NULL, root);
	if (err != INKAN_OK || f->n > before)
		return err;
	if ((ca = ca_of_cert_dir (root)) == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	err = add_if_cert (f, ca, root);
	free (ca);
	if (err == INKAN_OK && f->n == before)
		err = scan_ca (f, base, root);
	return err;
}

/* F to the caller, sorted, or freed when ERR says it failed. */
static inkan_err
hand_over (found *f, inkan_err err, inkan_npki_cert **out, size_t *n_out)
{
	if (err != INKAN_OK) {
		inkan_npki_certs_free (f->certs, f->n);
		return err;
	}
	if (f->n > 1)
		qsort (f->certs, f->n, sizeof *f->certs, by_cert_path);
	*out = f->certs;
	*n_out = f->n;
	return INKAN_OK;
}

inkan_err
inkan_npki_find (const char *root, inkan_npki_cert **out, size_t *n_out)
{
	found f = { 0 };
	struct stat st;
	inkan_err err;

	*out = NULL;
	*n_out = 0;
	if (stat (root, &st) != 0)
		return inkan_fail (INKAN_ERR_IO, _("cannot open %s: %s"), root, strerror (errno));
	if (!S_ISDIR (st.st_mode))
		return inkan_fail (INKAN_ERR_BAD_INPUT, _("%s is not a folder"), root);
	err = scan_root (&f, root);
	if (err == INKAN_OK && f.n == 0)
		err = inkan_fail (INKAN_ERR_NOT_FOUND, _("no NPKI certificate (NPKI/<CA>/USER/<name>/signCert.der) under %s"),
		                  root);
	return hand_over (&f, err, out, n_out);
}

/* Where a Linux user's NPKI folder is: the home directory, and the root of
 * each removable medium mounted for them (udisks: /media/USER/<label> or
 * /run/media/USER/<label>). */
inkan_err
inkan_npki_find_user (inkan_npki_cert **out, size_t *n_out)
{
	found f = { 0 };
	const char *home = getenv ("HOME"), *user = getenv ("USER");
	char *media = NULL;
	inkan_err err = INKAN_OK;

	*out = NULL;
	*n_out = 0;
	if (home != NULL && home[0] == '/')
		err = scan_holder (&f, NULL, home);
	for (int i = 0; err == INKAN_OK && user != NULL && user[0] != '\0' && strchr (user, '/') == NULL && i < 2; i++) {
		if (asprintf (&media, i == 0 ? "/media/%s" : "/run/media/%s", user) < 0) {
			err = inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
			break;
		}
		err = each_subdir (&f, media, "", scan_holder);
		free (media);
	}
	return hand_over (&f, err, out, n_out);
}
