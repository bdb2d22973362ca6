/* What the verify verbs share to judge a signer: --anchor and --chain,
 * and the validation options that check its revocation status. */
#include <getopt.h>

#include "cli/tool.h"

int
tool_signer_init (tool *t, tool_signer *s)
{
	int ret;

	tool_trust_init (&s->tr);
	ret = tool_valopts_init (t, &s->vo);
	/* what a verifier expects of a signer's key (--purpose may say otherwise) */
	if (ret == TOOL_EXIT_OK)
		inkan_validator_set_purpose (s->vo.v, INKAN_PURPOSE_SIGN);
	return ret;
}

void
tool_signer_clear (tool_signer *s)
{
	tool_trust_clear (&s->tr);
	tool_valopts_clear (&s->vo);
}

static int
signer_option (tool *t, tool_signer *s, int c, const char *arg, int *exit_code)
{
	int taken = tool_valopts_option (t, &s->vo, c, arg, exit_code);

	/* --anchor and --chain feed both the validator and the signature check */
	return taken == 0 || taken == 2 ? tool_trust_option (&s->tr, c, arg, exit_code) : taken;
}

int
tool_signer_getopt (tool *t, tool_signer *s, int argc, char **argv, const struct option *opts, int *exit_code)
{
	int c;

	while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1) {
		switch (signer_option (t, s, c, optarg, exit_code)) {
		case 0: return c;
		case -1: return -1;
		}
	}
	return -1;
}

int
tool_signer_finish (tool *t, tool_signer *s, tool_signer_check *out)
{
	inkan_err err;

	out->anchors = tool_trust_anchors (&s->tr);
	out->untrusted = s->tr.chain;
	out->validator = NULL;
	if (!s->vo.enabled)
		return TOOL_EXIT_OK;
	if ((err = tool_valopts_finish (&s->vo)) != INKAN_OK)
		return tool_fail (t, err);
	out->validator = s->vo.v;
	return TOOL_EXIT_OK;
}

int
tool_signer_cms_check (tool *t, tool_signer *s, inkan_cms_check *out)
{
	tool_signer_check sc;
	int ret = tool_signer_finish (t, s, &sc);

	out->anchors = sc.anchors;
	out->untrusted = sc.untrusted;
	out->validator = sc.validator;
	return ret;
}
