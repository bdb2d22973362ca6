/* --anchor and --chain: the certificates verbs trust, and carry along. */
#include "cli/tool.h"

void
tool_trust_init (tool_trust *tr)
{
	tr->anchors = X509_STORE_new ();
	tr->chain = sk_X509_new_null ();
	tr->n_anchors = 0;
}

void
tool_trust_clear (tool_trust *tr)
{
	X509_STORE_free (tr->anchors);
	sk_X509_pop_free (tr->chain, X509_free);
	tr->anchors = NULL;
	tr->chain = NULL;
}

/* Every certificate of a bundle counts (a PEM file of several, a Korean
 * SEQUENCE OF, PKCS#7): an intermediate left out of the chain would fail
 * the path for no reason the user could see. */
int
tool_trust_option (tool_trust *tr, int c, const char *arg, int *exit_code)
{
	STACK_OF(X509) *certs = NULL;
	inkan_err err;
	int i;

	if (c != 'a' && c != 'C')
		return 0;
	if (tr->anchors == NULL || tr->chain == NULL) {
		*exit_code = tool_exit_code (tool_nomem ());
		return -1;
	}
	err = tool_load_cert_bundle (arg, &certs);
	if (err != INKAN_OK) {
		*exit_code = tool_exit_code (err);
		return -1;
	}
	for (i = 0; i < sk_X509_num (certs); i++) {
		X509 *x = sk_X509_value (certs, i);

		if (c == 'a' ? !X509_STORE_add_cert (tr->anchors, x) : !X509_add_cert (tr->chain, x, X509_ADD_FLAG_UP_REF)) {
			*exit_code = tool_exit_code (tool_nomem ());
			sk_X509_pop_free (certs, X509_free);
			return -1;
		}
	}
	if (c == 'a')
		tr->n_anchors += sk_X509_num (certs);
	sk_X509_pop_free (certs, X509_free);
	return 1;
}

X509_STORE *
tool_trust_anchors (const tool_trust *tr)
{
	return tr->n_anchors > 0 ? tr->anchors : NULL;
}
