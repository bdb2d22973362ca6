/* Runs fuzz targets over files, for builds without libFuzzer: the seeds
 * run in the ordinary test suite (plain and under ASan). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
main (int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen (argv[i], "rb");
		uint8_t *buf;
		long len;

		if (f == NULL || fseek (f, 0, SEEK_END) != 0 || (len = ftell (f)) < 0) {
			fprintf (stderr, "cannot read %s\n", argv[i]);
			return 1;
		}
		rewind (f);
		buf = malloc ((size_t) len + 1);
		if (buf == NULL || fread (buf, 1, (size_t) len, f) != (size_t) len)
			return 1;
		fclose (f);
		/* each seed whole, and every prefix of it, as a cut connection gives */
		for (long cut = len; cut >= 0; cut -= (len / 64) + 1)
			LLVMFuzzerTestOneInput (buf, (size_t) cut);
		free (buf);
	}
	return 0;
}
