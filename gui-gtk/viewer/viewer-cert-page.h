/* inkan-viewer — the certificate page: Basic as the JPKI client shows it,
 * Details gcr-style, fingerprints to copy, the CA check, Check validity
 * and export. */
#pragma once

#include <gtk/gtk.h>
#include "viewer-cert.h"

G_BEGIN_DECLS

#define VIEWER_TYPE_CERT_PAGE (viewer_cert_page_get_type ())
G_DECLARE_FINAL_TYPE (ViewerCertPage, viewer_cert_page, VIEWER, CERT_PAGE, GtkBox)

GtkWidget *viewer_cert_page_new (ViewerCert *cert);
ViewerCert *viewer_cert_page_get_cert (ViewerCertPage *self);
/* Say at the top that the certificate's source is gone (a card removed);
 * what was read stays readable. */
void viewer_cert_page_set_gone (ViewerCertPage *self, const char *message);

G_END_DECLS
