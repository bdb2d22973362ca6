/* libFuzzer: certificates into the view model (and the pins parser).
 * Besides the raw input, the input patches a real JPKI or NPKI certificate
 * byte by byte, so that the SAN and identity-data decoders see near-valid
 * structures, which random bytes would seldom reach. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <inkan/inkan.h>

static uint8_t *seeds[2];
static size_t seed_len[2];

static void
load (int i, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf (path, sizeof path, "%s/tests/fuzz/seeds/cert/%s", SRCDIR, name);
	f = fopen (path, "rb");
	if (f == NULL)
		abort ();
	seeds[i] = malloc (8192);
	seed_len[i] = fread (seeds[i], 1, 8192, f);
	fclose (f);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	load (0, "jpki-sign.der");
	load (1, "npki-vid.der");
	return 0;
}

static void
view_all (const uint8_t *data, size_t size)
{
	STACK_OF(X509) *certs = NULL;
	inkan_ca_result r;
	int i, match;

	if (inkan_certs_parse (data, size, &certs) != INKAN_OK)
		return;
	for (i = 0; i < sk_X509_num (certs); i++) {
		inkan_cert_view *v = NULL;

		if (inkan_cert_view_new (sk_X509_value (certs, i), 1763800000, &v) == INKAN_OK)
			inkan_cert_view_free (v);
		inkan_ca_check (sk_X509_value (certs, i), NULL, &r);
		inkan_cert_vid_check (sk_X509_value (certs, i), "1234561234567", 13, (const uint8_t *) "R", 1, &match);
	}
	sk_X509_pop_free (certs, X509_free);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	inkan_ca_pins *pins = NULL;
	uint8_t patched[8192];
	size_t i, len;
	int which;

	view_all (data, size);
	if (inkan_ca_pins_new (&pins) == INKAN_OK) {
		inkan_ca_pins_parse (pins, (const char *) data, size);
		inkan_ca_pins_free (pins);
	}
	if (size < 3)
		return 0;
	/* byte 0 picks the seed; then (offset high, offset low, value) triples */
	which = data[0] & 1;
	len = seed_len[which];
	memcpy (patched, seeds[which], len);
	for (i = 1; i + 2 < size; i += 3)
		patched[((size_t) data[i] << 8 | data[i + 1]) % len] = data[i + 2];
	view_all (patched, len);
	return 0;
}
