/* libFuzzer: inkand's configuration, as inkand --check reads it (the file's
 * JSON, then every setting checked; nothing opened on a token). */
#include "inkand/inkand.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	json_t *root = json_loadb ((const char *) data, size, JSON_REJECT_DUPLICATES, NULL);
	inkand_config *cfg = NULL;

	if (root != NULL && inkand_config_parse (root, &cfg) == INKAN_OK)
		inkand_config_free (cfg);
	json_decref (root);
	return 0;
}
