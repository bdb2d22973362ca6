/* The PIN record: a file in the user's directory that decides whether a
 * PIN may be sent, so whatever it holds must parse to a count in range or
 * be refused. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "src/pin/record.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	int failures = -1, n;
	char again[64];

	if (!inkan_pin_record_parse ((const char *) data, size, &failures))
		return 0;
	if (failures < 0 || failures > 255)
		__builtin_trap ();
	/* what parses is what a write of that count would have made */
	n = snprintf (again, sizeof again, "inkan-pin-record 1 failures %d\n", failures);
	if ((size_t) n != size || memcmp (again, data, size) != 0)
		__builtin_trap ();
	return 0;
}
