/* inkan-viewer — the CA check: a CA certificate against the pins the
 * system and inkan ship (and any the user gave with --pins). */
#pragma once

#include <glib.h>
#include <inkan/inkan.h>

typedef struct {
	inkan_ca_result result;     /* its pin_name is not valid after the check: see pin_name */
	char *pin_name;             /* the matching pin's name, or NULL */
} ViewerCaCheck;

/* Check CERT against the system pins file, every *.pins file inkan
 * ships, and EXTRA (NULL-terminated files, may be NULL).  FALSE with
 * ERROR when there was nothing to check against or a pins file is bad. */
gboolean viewer_ca_check (X509 *cert, const char *const *extra, ViewerCaCheck *out, GError **error);
void viewer_ca_check_clear (ViewerCaCheck *check);
