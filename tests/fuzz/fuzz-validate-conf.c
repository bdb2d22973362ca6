/* libFuzzer: validate.conf (doc/validate-conf.md), line by line into a
 * validator. */
#include <string.h>

#include "src/validate/vint.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static const char *const devices[] = { "/dev", "/proc", "/sys" };
	inkan_validator *v = NULL;
	size_t i;

	/* "anchor = /dev/stdin" would wait on the terminal; such files are
	 * the bounded readers' concern, not this parser's. */
	for (i = 0; i < sizeof devices / sizeof devices[0]; i++)
		if (memmem (data, size, devices[i], strlen (devices[i])) != NULL)
			return 0;
	if (inkan_validator_new (&v) != INKAN_OK)
		return 0;
	(void) vconf_parse (v, "/nonexistent/inkan-fuzz/validate.conf", (const char *) data, size);
	inkan_validator_free (v);
	return 0;
}
