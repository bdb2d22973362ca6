/* inkan-viewer — one certificate as the viewer holds it: the X509, the
 * library's view of it, where it came from and the certificates that came
 * with it (its likely chain). */
#pragma once

#include <glib-object.h>
#include <inkan/inkan.h>

G_BEGIN_DECLS

#define VIEWER_TYPE_CERT (viewer_cert_get_type ())
G_DECLARE_FINAL_TYPE (ViewerCert, viewer_cert, VIEWER, CERT, GObject)

/* CERT (referenced, not taken) from SOURCE (a file name, a card's name);
 * COMPANIONS (may be NULL; copied) came with it.  NULL with ERROR set
 * when the view cannot be made. */
ViewerCert *viewer_cert_new (X509 *cert, const char *source, STACK_OF(X509) *companions, GError **error);

X509 *viewer_cert_get_x509 (ViewerCert *self);
const inkan_cert_view *viewer_cert_get_view (ViewerCert *self);
const char *viewer_cert_get_source (ViewerCert *self);
/* The subject's common name, else the whole subject. */
const char *viewer_cert_get_title (ViewerCert *self);
/* A new stack of references: the companions, for path building. */
STACK_OF(X509) *viewer_cert_dup_companions (ViewerCert *self);
/* Whether it is a CA certificate (basicConstraints cA). */
gboolean viewer_cert_is_ca (ViewerCert *self);

/* Write it to PATH as PEM or DER, whole or not at all. */
gboolean viewer_cert_save (ViewerCert *self, const char *path, gboolean pem, GError **error);

/* Every certificate of the file PATH, as ViewerCerts, each the others'
 * companion.  The file is read with inkan's bounds. */
GPtrArray *viewer_cert_load_file (const char *path, GError **error);

G_END_DECLS
