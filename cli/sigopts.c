/* The options sign and verify share: --hash, --pss, --format. */
#include <string.h>

#include "cli/tool.h"

int
tool_sigopts_parse (tool_sigopts *o, int c, const char *arg)
{
	switch (c) {
	case 'H':
		return inkan_hash_from_name (arg, &o->hash) == INKAN_OK ? 1 : -1;
	case 'P':
		o->pss = 1;
		return 1;
	case 'F':
		if (strcmp (arg, "der") == 0)
			o->flags &= ~(unsigned) INKAN_SIG_RAW;
		else if (strcmp (arg, "raw") == 0)
			o->flags |= INKAN_SIG_RAW;
		else
			return -1;
		return 1;
	default:
		return 0;
	}
}

inkan_err
tool_sigopts_scheme (const tool_sigopts *o, int is_ec, inkan_sig_scheme *out)
{
	if (is_ec && o->pss) {
		fprintf (stderr, "%s", _("inkan: --pss is for RSA keys; this is an EC key\n"));
		return INKAN_ERR_USAGE;
	}
	*out = is_ec ? INKAN_SIG_ECDSA : o->pss ? INKAN_SIG_PSS : INKAN_SIG_PKCS1;
	return INKAN_OK;
}
