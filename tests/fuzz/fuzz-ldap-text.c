/* libcurl's text of an LDAP result, as an attacker-controlled server
 * could make it: inkan's own parser, so the first to fuzz. */
#include <stdlib.h>
#include <string.h>

#include "src/validate/vint.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	/* fetch_url hands it a NUL-terminated, non-empty body */
	fetch_body b = { .data = malloc (size + 1), .len = size };
	char why[256];

	if (b.data == NULL || size == 0) {
		free (b.data);
		return 0;
	}
	memcpy (b.data, data, size);
	b.data[size] = '\0';
	if (ldap_text_value (&b, why, sizeof why) == INKAN_OK && b.len > size)
		__builtin_trap ();
	fetch_body_clear (&b);
	return 0;
}
