/* What inkan knows of each kind of card, in one place: the ATRs that name
 * it, its PINs (rules, tries, where the card keeps them), its key slots
 * and the token OpenSC shows each on.  A new kind of card is a new entry
 * here and nowhere else. */
#include "src/card/card.h"

#define N(a) (sizeof (a) / sizeof (a)[0])

static const unsigned char jpki_aid[] = { 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01 };
static const unsigned char openpgp_aid[] = { 0xD2, 0x76, 0x00, 0x01, 0x24, 0x01 };
static const unsigned char piv_aid[] = { 0xA0, 0x00, 0x00, 0x03, 0x08 };
static const uint8_t id01[] = { 0x01 }, id02[] = { 0x02 }, id03[] = { 0x03 }, id04[] = { 0x04 };

#define DIGITS "0123456789"

/*
 * Patterns are hex bytes separated by spaces; a '.' digit matches any
 * nibble, so one row covers a family whose ATRs differ in a version or a
 * checksum.  Sources: "pcsc-tools" is Ludovic Rousseau's
 * smartcard_list.txt (shipped by Debian's pcsc-tools), read 2026-11.
 */
static const inkan_card_atr jpki_atrs[] = {
	/* OpenSC's jpki driver binds to this ATR, and FACTS.md records it for
	 * the My Number card; pcsc-tools lists it as a Juki card used to sign
	 * tax returns -- the Juki card carried the JPKI certificates before the
	 * My Number card (2016), so both are JPKI cards. */
	{ "3B E0 00 FF 81 31 FE 45 14", NULL },
	/* pcsc-tools: My Number card, other chip makers and contactless. */
	{ "3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F", NULL },
	{ "3B 88 80 01 00 00 41 E0 B3 81 A1 00 3B", NULL },
	{ "3B 88 80 01 00 4B 51 FF B3 81 D1 00 0F", NULL },
	{ "3B C5 FF 81 31 FB 45 80 73 C6 01 00 00", NULL },
	{ "3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B", NULL },
	/* pcsc-tools lists ...00 01 00 D1 D6 and ...00 01 B3 A1 15. */
	{ "3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 .. .. ..", NULL },
	{ NULL, NULL },
};

/* pcsc-tools: "JUKICARD", the Basic Resident Registration Card. */
static const inkan_card_atr juki_atrs[] = { { "3B 88 80 01 00 00 14 E0 B3 81 91 00 5E", NULL }, { NULL, NULL } };

static const inkan_card_atr openpgp_atrs[] = {
	/* pcsc-tools: OpenPGP Card V2 (C5 .. 40) and V3 (F5 .. 60), Gnuk and
	 * Nitrokey Start (84 .. 80 0x): historical bytes 00 31 x5 73 x0 01 x0
	 * 0x 90 00 after the same interface bytes. */
	{ "3B DA 1. FF 81 B1 FE .5 1F 03 00 31 .. 73 .0 01 .0 0. 90 00 ..", NULL },
	/* pcsc-tools: "OpenPGP"; SIGILANCE NFC OpenPGP card; COTECH OpenPGP card. */
	{ "3B FA 13 00 FF 81 31 80 45 00 31 C1 73 C0 01 00 00 90 00 B1", NULL },
	{ "3B FF 18 00 FF 81 31 FE 45 00 31 C5 73 C0 01 80 54 76 15 02 01 05 90 00 74", NULL },
	{ "3B FB 18 00 00 81 31 FE 45 4A 33 48 31 34 35 43 37 58 33 30 C6", NULL },
	{ NULL, NULL },
};

static const inkan_card_atr piv_atrs[] = {
	/* pcsc-tools: YubiKey 4, YubiKey 5 NFC, YubiKey NEO (PIV and OpenPGP
	 * applications; PIV is what they are mostly bought for). */
	{ "3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4", N_("YubiKey (PIV)") },
	{ "3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40", N_("YubiKey (PIV)") },
	{ "3B FC 13 00 00 81 31 FE .5 59 75 62 69 6B 65 79 4E 45 4F 72 33 ..", N_("YubiKey (PIV)") },
	{ "3B FA 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 4E 45 4F A6", N_("YubiKey (PIV)") },
	/* pcsc-tools: IDEMIA/Oberthur Cosmo V8 with the PIV applet (US federal
	 * PIV cards, NASA, DOS), Gemalto IDPrime PIV 2.0, NIST test PIV cards
	 * (historical bytes carry the PIV AID A0 00 00 03 08). */
	{ "3B D6 9. 00 81 B1 FE 45 1F .7 80 31 C1 52 .. .. ..", NULL },
	{ "3B 7D 96 00 00 80 31 80 65 B0 83 11 17 E5 83 00 90 00", NULL },
	{ "3B DF 9. 00 81 B1 FE 45 1F 83 80 73 CC 91 CB F9 A0 00 00 03 08 00 00 10 00 ..", NULL },
	{ NULL, NULL },
};

/* pcsc-tools: "KEBTechnology KONA USB SmartCard", a Korean USB token
 * (KEB Technology, now KONA I) sold for NPKI certificates. */
static const inkan_card_atr kr_token_atrs[] = { { "3B E8 00 00 40 FA 00 73 C8 40 11 00 90 00", NULL }, { NULL, NULL } };

static const inkan_card_atr no_atrs[] = { { NULL, NULL } };

/* FACTS.md: OpenSC's jpki emulation shows one token per PIN; the password
 * is 6-16 of A-Z and 0-9 (lower case taken as upper) with 5 tries, the
 * authentication PIN 4 digits with 3.  The signing key and certificate
 * have ID 02, the authentication ones 01.  OpenSC cannot change either
 * PIN: inkan does, over PC/SC.  Both go to VERIFY as typed (upper-cased). */
static const inkan_card_pin_def jpki_pins[] = {
	{ "jpki-sign", N_("signing password"), INKAN_USER_NORMAL, "Digital Signature PIN", 6, 16,
	  "ABCDEFGHIJKLMNOPQRSTUVWXYZ" DIGITS, 1, N_("the JPKI signing password is 6 to 16 letters A-Z and digits"),
	  5, { jpki_aid, sizeof jpki_aid, 0x001B, 0x80 }, 1, 1, NULL, 0 },
	{ "jpki-auth", N_("authentication PIN"), INKAN_USER_NORMAL, "User Authentication PIN", 4, 4, DIGITS, 0,
	  N_("the JPKI authentication PIN is 4 digits"), 3, { jpki_aid, sizeof jpki_aid, 0x0018, 0x80 }, 1, 1, NULL, 0 },
};
static const inkan_card_key_slot jpki_keys[] = {
	{ INKAN_KEY_PURPOSE_AUTHENTICATION, id01, 1, "User Authentication PIN", "jpki-auth" },
	{ INKAN_KEY_PURPOSE_SIGNATURE, id02, 1, "Digital Signature PIN", "jpki-sign" },
};

/* OpenPGP card 3.4: PW1 (VERIFY 81 for signing, 82 for the rest: one PIN)
 * at least 6 characters, PW3 (admin) at least 8 with 3 tries.  PW1's tries
 * are the card's to set (3 by default; the emulator has 5), so the card's
 * counter is read rather than assumed.  OpenSC shows the signing key on
 * "OpenPGP card (User PIN (sig))" and the others on "OpenPGP card (User
 * PIN)"; it generates keys with IDs 1-3 only (FACTS.md).  PINs go to
 * VERIFY as typed; after VERIFY 83 (admin), RESET RETRY COUNTER 00 2C 02 81
 * sets a new PW1, which OpenSC does only when configured to. */
static const inkan_card_pin_def openpgp_pins[] = {
	{ "openpgp", N_("user PIN"), INKAN_USER_NORMAL, "OpenPGP", 6, 127, NULL, 0,
	  N_("an OpenPGP card user PIN is at least 6 characters"), 0, { openpgp_aid, sizeof openpgp_aid, 0, 0x81 },
	  0, 1, "openpgp-admin", 0x02 },
	{ "openpgp-admin", N_("admin PIN"), INKAN_USER_SO, "OpenPGP", 8, 127, NULL, 0,
	  N_("an OpenPGP card admin PIN is at least 8 characters"), 3, { openpgp_aid, sizeof openpgp_aid, 0, 0x83 },
	  0, 1, NULL, 0 },
};
static const inkan_card_key_slot openpgp_keys[] = {
	{ INKAN_KEY_PURPOSE_SIGNATURE, id01, 1, "User PIN (sig)", "openpgp" },
	{ INKAN_KEY_PURPOSE_DECRYPTION, id02, 1, "User PIN)", "openpgp" },
	{ INKAN_KEY_PURPOSE_AUTHENTICATION, id03, 1, "User PIN)", "openpgp" },
};

/* NIST SP 800-73-4: the PIV application PIN (reference 80) is 6 to 8
 * bytes, its tries set per card, padded with FF to 8 in VERIFY: OpenSC's
 * to send, not inkan's.  OpenSC's piv driver gives the keys in
 * slots 9A, 9C, 9D and 9E the IDs 01 to 04, all on one token. */
static const inkan_card_pin_def piv_pins[] = {
	{ "piv", N_("PIV PIN"), INKAN_USER_NORMAL, "PIV", 6, 8, NULL, 0, N_("a PIV PIN is 6 to 8 characters"), 0,
	  { piv_aid, sizeof piv_aid, 0, 0x80 }, 0, 0, NULL, 0 },
};
static const inkan_card_key_slot piv_keys[] = {
	{ INKAN_KEY_PURPOSE_AUTHENTICATION, id01, 1, "PIV", "piv" },
	{ INKAN_KEY_PURPOSE_SIGNATURE, id02, 1, "PIV", "piv" },
	{ INKAN_KEY_PURPOSE_DECRYPTION, id03, 1, "PIV", "piv" },
	{ INKAN_KEY_PURPOSE_AUTHENTICATION, id04, 1, "PIV", "piv" },
};

/* Any token: HSMs, SoftHSM, cards inkan has no knowledge of. */
static const inkan_card_pin_def generic_pins[] = {
	{ "generic", N_("user PIN"), INKAN_USER_NORMAL, "", 1, 255, NULL, 0, NULL, 0, { NULL, 0, 0, 0 }, 0, 0, NULL, 0 },
	{ "generic", N_("SO PIN"), INKAN_USER_SO, "", 1, 255, NULL, 0, NULL, 0, { NULL, 0, 0, 0 }, 0, 0, NULL, 0 },
};

const inkan_card_profile inkan_card_profiles[] = {
	{ "jpki", N_("My Number card (JPKI)"), jpki_atrs, jpki_pins, N (jpki_pins), jpki_keys, N (jpki_keys), 0,
	  INKAN_USER_NORMAL, 1 },
	{ "juki", N_("Juki card (Basic Resident Registration card)"), juki_atrs, NULL, 0, NULL, 0, 0, INKAN_USER_NORMAL, 0 },
	/* OpenSC 0.23 generates OpenPGP keys in an SO session (FACTS.md). */
	{ "openpgp", N_("OpenPGP card"), openpgp_atrs, openpgp_pins, N (openpgp_pins), openpgp_keys,
	  N (openpgp_keys), 1, INKAN_USER_SO, 0 },
	{ "piv", N_("PIV card"), piv_atrs, piv_pins, N (piv_pins), piv_keys, N (piv_keys), 0, INKAN_USER_NORMAL, 0 },
	/* Korean tokens come with their makers' PKCS#11 modules; their PINs
	 * and key slots are the module's to tell. */
	{ "kr-token", N_("Korean security token (KONA USB)"), kr_token_atrs, NULL, 0, NULL, 0, 0,
	  INKAN_USER_NORMAL, 0 },
	{ "generic", N_("token"), no_atrs, generic_pins, N (generic_pins), NULL, 0, 1, INKAN_USER_NORMAL, 0 },
};

const size_t inkan_card_profile_count = N (inkan_card_profiles);
