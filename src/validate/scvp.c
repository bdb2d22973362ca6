/* Validation by SCVP (RFC 5055). */
#include "src/validate/vint.h"

void
method_scvp (inkan_validator *v, STACK_OF(X509) *chain, method_result *res)
{
	(void) chain;
	if (v->url[INKAN_METHOD_SCVP] == NULL || v->scvp_cert == NULL) {
		method_say (res->why, sizeof res->why, "%s", _("no SCVP server and server certificate configured"));
		return;
	}
	method_say (res->why, sizeof res->why, "%s", _("the SCVP client is not built yet"));
}
