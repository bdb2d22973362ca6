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

int
tool_trust_option (tool_trust *tr, int c, const char *arg, int *exit_code)
{
	X509 *x = NULL;
	inkan_err err;

	if (c != 'a' && c != 'C')
		return 0;
	if (tr->anchors == NULL || tr->chain == NULL) {
		*exit_code = tool_exit_code (tool_nomem ());
		return -1;
	}
	err = tool_load_cert (arg, &x);
	if (err != INKAN_OK) {
		*exit_code = tool_exit_code (err);
		return -1;
	}
	if (c == 'a') {
		X509_STORE_add_cert (tr->anchors, x);
		X509_free (x);
		tr->n_anchors++;
	} else {
		sk_X509_push (tr->chain, x);
	}
	return 1;
}

X509_STORE *
tool_trust_anchors (const tool_trust *tr)
{
	return tr->n_anchors > 0 ? tr->anchors : NULL;
}
