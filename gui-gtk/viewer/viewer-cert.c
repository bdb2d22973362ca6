/* inkan-viewer — one certificate and the library's view of it. */
#include <glib/gi18n.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "viewer-cert.h"
#include "viewer-error.h"

struct _ViewerCert {
	GObject parent_instance;
	X509 *x509;
	inkan_cert_view *view;
	char *source;
	char *title;
	STACK_OF(X509) *companions;
};

G_DEFINE_FINAL_TYPE (ViewerCert, viewer_cert, G_TYPE_OBJECT)

static void
viewer_cert_finalize (GObject *object)
{
	ViewerCert *self = VIEWER_CERT (object);

	inkan_cert_view_free (self->view);
	X509_free (self->x509);
	sk_X509_pop_free (self->companions, X509_free);
	g_free (self->source);
	g_free (self->title);
	G_OBJECT_CLASS (viewer_cert_parent_class)->finalize (object);
}

static void
viewer_cert_class_init (ViewerCertClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = viewer_cert_finalize;
}

static void
viewer_cert_init (ViewerCert *self)
{
	(void) self;
}

static char *
common_name (X509 *cert)
{
	X509_NAME *name = X509_get_subject_name (cert);
	int i = X509_NAME_get_index_by_NID (name, NID_commonName, -1);
	unsigned char *utf8 = NULL;
	char *out;
	int len;

	if (i < 0 || (len = ASN1_STRING_to_UTF8 (&utf8, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, i)))) < 0)
		return NULL;
	out = g_utf8_make_valid ((const char *) utf8, len);
	OPENSSL_free (utf8);
	return out;
}

ViewerCert *
viewer_cert_new (X509 *cert, const char *source, STACK_OF(X509) *companions, GError **error)
{
	ViewerCert *self = g_object_new (VIEWER_TYPE_CERT, NULL);
	const inkan_cert_field *name;
	inkan_err err;
	int i;

	if ((err = inkan_cert_view_new (cert, time (NULL), &self->view)) != INKAN_OK) {
		viewer_set_error (error, err);
		g_object_unref (self);
		return NULL;
	}
	X509_up_ref (cert);
	self->x509 = cert;
	self->source = g_strdup (source);
	/* A JPKI signing certificate's CN is a serial: its holder's name says more. */
	name = inkan_cert_view_find (self->view, "name");
	self->title = name != NULL && !name->undecodable ? g_strdup (name->value) : common_name (cert);
	if (self->title == NULL) {
		char *subject = inkan_name_text (X509_get_subject_name (cert));
		self->title = g_strdup (subject != NULL && *subject != '\0' ? subject : _("(no subject)"));
		free (subject);
	}
	self->companions = sk_X509_new_null ();
	for (i = 0; companions != NULL && i < sk_X509_num (companions); i++) {
		X509 *c = sk_X509_value (companions, i);
		if (c != cert && X509_up_ref (c))
			sk_X509_push (self->companions, c);
	}
	return self;
}

X509 *viewer_cert_get_x509 (ViewerCert *self) { return self->x509; }
const inkan_cert_view *viewer_cert_get_view (ViewerCert *self) { return self->view; }
const char *viewer_cert_get_source (ViewerCert *self) { return self->source; }
const char *viewer_cert_get_title (ViewerCert *self) { return self->title; }

STACK_OF(X509) *
viewer_cert_dup_companions (ViewerCert *self)
{
	return X509_chain_up_ref (self->companions);
}

gboolean
viewer_cert_is_ca (ViewerCert *self)
{
	return X509_check_ca (self->x509) == 1;
}

gboolean
viewer_cert_save (ViewerCert *self, const char *path, gboolean pem, GError **error)
{
	BIO *bio = BIO_new (BIO_s_mem ());
	gboolean ok = FALSE;
	char *data;
	long len;

	if (bio == NULL || !(pem ? PEM_write_bio_X509 (bio, self->x509) : i2d_X509_bio (bio, self->x509))) {
		g_set_error (error, VIEWER_INKAN_ERROR, INKAN_ERR_CRYPTO, _("cannot encode the certificate"));
		goto out;
	}
	len = BIO_get_mem_data (bio, &data);
	/* g_file_set_contents writes a temporary file and renames it. */
	ok = g_file_set_contents (path, data, len, error);
out:
	BIO_free (bio);
	return ok;
}

GPtrArray *
viewer_cert_load_file (const char *path, GError **error)
{
	STACK_OF(X509) *certs = NULL;
	GPtrArray *out = NULL;
	inkan_err err;
	int i;

	if ((err = inkan_certs_load (NULL, path, NULL, 0, &certs)) != INKAN_OK) {
		viewer_set_error (error, err);
		return NULL;
	}
	out = g_ptr_array_new_with_free_func (g_object_unref);
	for (i = 0; i < sk_X509_num (certs); i++) {
		ViewerCert *c = viewer_cert_new (sk_X509_value (certs, i), path, certs, error);
		if (c == NULL) {
			g_clear_pointer (&out, g_ptr_array_unref);
			break;
		}
		g_ptr_array_add (out, c);
	}
	sk_X509_pop_free (certs, X509_free);
	return out;
}
