/* ATR -> card type: a table of known ATRs, first match wins. */
#include <stddef.h>

#include "src/reader/reader-internal.h"

/*
 * Patterns are hex bytes separated by spaces; a '.' digit matches any
 * nibble, so one row covers a family whose ATRs differ in a version or a
 * checksum.  The ATR must have exactly as many bytes as the pattern.
 * Sources: "pcsc-tools" is Ludovic Rousseau's smartcard_list.txt (shipped
 * by Debian's pcsc-tools), read 2026-11.
 */
static const struct {
	const char *pattern;
	const char *type;
	const char *description;
} table[] = {
	/* OpenSC's jpki driver binds to this ATR, and FACTS.md records it for
	 * the My Number card; pcsc-tools lists it as a Juki card used to sign
	 * tax returns -- the Juki card carried the JPKI certificates before the
	 * My Number card (2016), so both are JPKI cards. */
	{ "3B E0 00 FF 81 31 FE 45 14", "jpki", N_("My Number card (JPKI)") },
	/* pcsc-tools: My Number card, other chip makers and contactless. */
	{ "3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F", "jpki", N_("My Number card (JPKI)") },
	{ "3B 88 80 01 00 00 41 E0 B3 81 A1 00 3B", "jpki", N_("My Number card (JPKI)") },
	{ "3B 88 80 01 00 4B 51 FF B3 81 D1 00 0F", "jpki", N_("My Number card (JPKI)") },
	{ "3B C5 FF 81 31 FB 45 80 73 C6 01 00 00", "jpki", N_("My Number card (JPKI)") },
	{ "3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B", "jpki", N_("My Number card (JPKI)") },
	/* pcsc-tools lists ...00 01 00 D1 D6 and ...00 01 B3 A1 15. */
	{ "3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 .. .. ..", "jpki", N_("My Number card (JPKI)") },
	/* pcsc-tools: "JUKICARD", the Basic Resident Registration Card. */
	{ "3B 88 80 01 00 00 14 E0 B3 81 91 00 5E", "juki", N_("Juki card (Basic Resident Registration card)") },
	/* pcsc-tools: OpenPGP Card V2 (C5 .. 40) and V3 (F5 .. 60), Gnuk and
	 * Nitrokey Start (84 .. 80 0x): historical bytes 00 31 x5 73 x0 01 x0
	 * 0x 90 00 after the same interface bytes. */
	{ "3B DA 1. FF 81 B1 FE .5 1F 03 00 31 .. 73 .0 01 .0 0. 90 00 ..", "openpgp", N_("OpenPGP card") },
	/* pcsc-tools: "OpenPGP"; SIGILANCE NFC OpenPGP card; COTECH OpenPGP card. */
	{ "3B FA 13 00 FF 81 31 80 45 00 31 C1 73 C0 01 00 00 90 00 B1", "openpgp", N_("OpenPGP card") },
	{ "3B FF 18 00 FF 81 31 FE 45 00 31 C5 73 C0 01 80 54 76 15 02 01 05 90 00 74", "openpgp", N_("OpenPGP card") },
	{ "3B FB 18 00 00 81 31 FE 45 4A 33 48 31 34 35 43 37 58 33 30 C6", "openpgp", N_("OpenPGP card") },
	/* pcsc-tools: YubiKey 4, YubiKey 5 NFC, YubiKey NEO (PIV and OpenPGP
	 * applications; PIV is what they are mostly bought for). */
	{ "3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4", "piv", N_("YubiKey (PIV)") },
	{ "3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40", "piv", N_("YubiKey (PIV)") },
	{ "3B FC 13 00 00 81 31 FE .5 59 75 62 69 6B 65 79 4E 45 4F 72 33 ..", "piv", N_("YubiKey (PIV)") },
	{ "3B FA 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 4E 45 4F A6", "piv", N_("YubiKey (PIV)") },
	/* pcsc-tools: IDEMIA/Oberthur Cosmo V8 with the PIV applet (US federal
	 * PIV cards, NASA, DOS), Gemalto IDPrime PIV 2.0, NIST test PIV cards
	 * (historical bytes carry the PIV AID A0 00 00 03 08). */
	{ "3B D6 9. 00 81 B1 FE 45 1F .7 80 31 C1 52 .. .. ..", "piv", N_("PIV card") },
	{ "3B 7D 96 00 00 80 31 80 65 B0 83 11 17 E5 83 00 90 00", "piv", N_("PIV card") },
	{ "3B DF 9. 00 81 B1 FE 45 1F 83 80 73 CC 91 CB F9 A0 00 00 03 08 00 00 10 00 ..", "piv", N_("PIV card") },
	/* pcsc-tools: "KEBTechnology KONA USB SmartCard", a Korean USB token
	 * (KEB Technology, now KONA I) sold for NPKI certificates. */
	{ "3B E8 00 00 40 FA 00 73 C8 40 11 00 90 00", "kr-token", N_("Korean security token (KONA USB)") },
};

static int
nibble (char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c == '.' ? 16 : -1;
}

int
inkan_atr_match (const char *pattern, const uint8_t *atr, size_t atr_len)
{
	const char *p = pattern;
	size_t i = 0;
	int match = 1;

	while (*p != '\0') {
		int hi, lo;

		if (i > 0 && *p++ != ' ')
			return -1;
		hi = nibble (p[0]);
		lo = hi < 0 ? -1 : nibble (p[1]);
		if (hi < 0 || lo < 0)
			return -1;
		/* Keep parsing after a mismatch, so a malformed row is always
		 * reported rather than hidden behind the first differing byte. */
		if (i >= atr_len ||
		    (hi < 16 && atr[i] >> 4 != hi) || (lo < 16 && (atr[i] & 0x0f) != lo))
			match = 0;
		p += 2;
		i++;
	}
	if (i == 0)
		return -1;
	return match && i == atr_len;
}

const char *
inkan_atr_table_pattern (size_t i)
{
	return i < sizeof table / sizeof table[0] ? table[i].pattern : NULL;
}

const char *
inkan_card_type_guess (const uint8_t *atr, size_t atr_len, const char **description)
{
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (inkan_atr_match (table[i].pattern, atr, atr_len) == 1) {
			if (description != NULL)
				*description = _(table[i].description);
			return table[i].type;
		}
	}
	if (description != NULL)
		*description = _("unknown card");
	return "unknown";
}
