/* The card model: profiles found by ATR and by token, the PIN each token
 * logs in with, the key slots a card takes, and a token tied to its
 * reader by the 64 bytes of its slot description. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "src/card/card.h"

static inkan_token_info
token (const char *label, const char *model)
{
	inkan_token_info info = { .label = (char *) label, .model = (char *) model };

	return info;
}

/* Every key slot names a PIN of its own profile, every PIN a role and a
 * length range, and every profile a description: a table slip fails here. */
static void
test_profiles_consistent (void **state)
{
	size_t i, j, k;

	(void) state;
	assert_string_equal (inkan_card_profiles[inkan_card_profile_count - 1].id, "generic");
	for (i = 0; i < inkan_card_profile_count; i++) {
		const inkan_card_profile *p = &inkan_card_profiles[i];

		assert_true (strlen (inkan_card_profile_description (p)) > 0);
		for (j = 0; j < p->n_pins; j++) {
			const inkan_card_pin_def *pin = &p->pins[j];

			if (pin->min_len < 1 || pin->max_len < pin->min_len)
				fail_msg ("%s: PIN %s has no sensible length", p->id, pin->name);
			/* What inkan sends over PC/SC needs the PIN's place on the card. */
			if ((pin->verify_by_pcsc || pin->change_by_pcsc || pin->reset_by != NULL) && pin->pcsc.aid == NULL)
				fail_msg ("%s: PIN %s is sent over PC/SC with no AID", p->id, pin->name);
			/* A PIN is reset by an SO PIN of its own card, which
			 * shares its application (the reset is sent after its
			 * VERIFY, in the same selection). */
			for (k = 0; pin->reset_by != NULL && k < p->n_pins && strcmp (p->pins[k].name, pin->reset_by); k++)
				;
			if (pin->reset_by != NULL && (k == p->n_pins || p->pins[k].role != INKAN_USER_SO ||
			                              p->pins[k].pcsc.aid != pin->pcsc.aid || !p->pins[k].verify_by_pcsc))
				fail_msg ("%s: PIN %s is reset by %s, no SO PIN of its application", p->id, pin->name,
				          pin->reset_by);
		}
		for (j = 0; j < p->n_keys; j++) {
			for (k = 0; k < p->n_pins && strcmp (p->pins[k].name, p->keys[j].pin) != 0; k++)
				;
			if (k == p->n_pins)
				fail_msg ("%s: key slot %zu names PIN %s, which the profile lacks", p->id, j, p->keys[j].pin);
		}
	}
}

static void
test_profile_for_atr (void **state)
{
	static const uint8_t mynumber[] = { 0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14 };
	static const uint8_t unknown[] = { 0x3B, 0x00 };
	const inkan_card_profile *p;
	inkan_card_pin_info pins[4];

	(void) state;
	p = inkan_card_profile_for_atr (mynumber, sizeof mynumber);
	assert_string_equal (inkan_card_profile_id (p), "jpki");
	assert_false (inkan_card_profile_can_generate (p));
	assert_int_equal (inkan_card_profile_pins (p, pins, 4), 2);
	assert_string_equal (pins[0].name, "jpki-sign");
	assert_int_equal (pins[0].max_tries, 5);
	assert_true (pins[0].upcase);
	assert_string_equal (pins[1].name, "jpki-auth");
	assert_int_equal (pins[1].max_tries, 3);
	assert_int_equal (pins[1].min_len, 4);
	assert_non_null (pins[1].rule);
	/* Asking for none still says how many there are. */
	assert_int_equal (inkan_card_profile_pins (p, NULL, 0), 2);
	assert_string_equal (inkan_card_profile_id (inkan_card_profile_for_atr (unknown, sizeof unknown)), "generic");
	assert_string_equal (inkan_card_type_guess (unknown, sizeof unknown, NULL), "unknown");
}

/* The tokens OpenSC shows for the emulated cards (FACTS.md). */
static void
test_profile_of_token (void **state)
{
	inkan_token_info sign = token ("JPKI (Digital Signature PIN)", "PKCS#15 emulated");
	inkan_token_info sig = token ("OpenPGP card (User PIN (sig))", "PKCS#15 emulated");
	inkan_token_info hsm = token ("signer", "SoftHSM v2");
	inkan_card_pin_info pin;

	(void) state;
	assert_string_equal (inkan_card_profile_id (inkan_card_profile_of_token (&sign)), "jpki");
	assert_string_equal (inkan_card_profile_id (inkan_card_profile_of_token (&sig)), "openpgp");
	assert_string_equal (inkan_card_profile_id (inkan_card_profile_of_token (&hsm)), "generic");

	/* Every JPKI card gives the same serial; an OpenPGP card's is its own. */
	assert_false (inkan_card_serial_identifies (inkan_card_profile_of_token (&sign), "00000000"));
	assert_false (inkan_card_serial_identifies (inkan_card_profile_of_token (&sign), "4a5b6c7d"));
	assert_true (inkan_card_serial_identifies (inkan_card_profile_of_token (&sig), "fffe1a2b3c4d"));
	assert_false (inkan_card_serial_identifies (inkan_card_profile_of_token (&sig), "000000000000"));
	assert_false (inkan_card_serial_identifies (inkan_card_profile_of_token (&hsm), "   "));
	assert_false (inkan_card_serial_identifies (inkan_card_profile_of_token (&hsm), NULL));
	assert_true (inkan_card_serial_identifies (inkan_card_profile_of_token (&hsm), "0f  "));

	inkan_card_pin_for_token (&sign, INKAN_USER_NORMAL, &pin);
	assert_string_equal (pin.name, "jpki-sign");
	assert_int_equal (pin.role, INKAN_USER_NORMAL);
	/* JPKI has no SO PIN: the generic rules stand in. */
	inkan_card_pin_for_token (&sign, INKAN_USER_SO, &pin);
	assert_string_equal (pin.name, "generic");
	assert_int_equal (pin.max_tries, 0);
	inkan_card_pin_for_token (&sig, INKAN_USER_SO, &pin);
	assert_string_equal (pin.name, "openpgp-admin");
	assert_int_equal (pin.max_tries, 3);
	assert_int_equal (pin.min_len, 8);
	/* The user PIN's tries are the card's to set: 0, not a guess. */
	inkan_card_pin_for_token (&sig, INKAN_USER_NORMAL, &pin);
	assert_string_equal (pin.name, "openpgp");
	assert_int_equal (pin.max_tries, 0);
	/* OpenPGP: verified over PC/SC by inkan, the user PIN reset with
	 * RESET RETRY COUNTER 00 2C 02 81 after the admin PIN. */
	{
		const inkan_card_pin_def *user = inkan_card_pin_def_for (sig.label, sig.model, INKAN_USER_NORMAL);
		const inkan_card_pin_def *piv = inkan_card_pin_def_for ("PIV", "", INKAN_USER_NORMAL);

		assert_true (user->verify_by_pcsc);
		assert_string_equal (user->reset_by, "openpgp-admin");
		assert_int_equal (user->reset_p1, 0x02);
		assert_int_equal (user->pcsc.ref, 0x81);
		assert_int_equal (inkan_card_pin_def_for (sig.label, sig.model, INKAN_USER_SO)->pcsc.ref, 0x83);
		/* PIV pads the PIN in VERIFY: OpenSC's to send. */
		assert_string_equal (piv->name, "piv");
		assert_false (piv->verify_by_pcsc);
	}
	inkan_card_pin_for_token (&hsm, INKAN_USER_NORMAL, &pin);
	assert_string_equal (pin.name, "generic");
	assert_null (pin.rule);
}

static void
test_key_slots (void **state)
{
	static const uint8_t id01[] = { 0x01 }, id02[] = { 0x02 }, id09[] = { 0x09 };
	inkan_token_info sig = token ("OpenPGP card (User PIN (sig))", "PKCS#15 emulated");
	inkan_token_info user = token ("OpenPGP card (User PIN)", "PKCS#15 emulated");
	inkan_token_info jpki = token ("JPKI (Digital Signature PIN)", "PKCS#15 emulated");
	inkan_token_info hsm = token ("signer", "SoftHSM v2");
	inkan_card_key_slot keys[3];

	(void) state;
	assert_int_equal (inkan_card_profile_keys (inkan_card_profile_of_token (&sig), keys, 3), 3);
	assert_int_equal (keys[0].purposes, INKAN_KEY_PURPOSE_SIGNATURE);
	assert_memory_equal (keys[0].id, id01, 1);

	assert_int_equal (inkan_card_check_key_id (&sig, id01, 1), INKAN_OK);
	assert_int_equal (inkan_card_check_key_id (&user, id02, 1), INKAN_OK);
	/* The signing key shows on the (sig) token, the decryption key not. */
	assert_int_equal (inkan_card_check_key_id (&user, id01, 1), INKAN_ERR_WRONG_SLOT);
	assert_non_null (strstr (inkan_detail (), "OpenPGP card (User PIN)"));
	assert_int_equal (inkan_card_check_key_id (&sig, id02, 1), INKAN_ERR_WRONG_SLOT);
	assert_int_equal (inkan_card_check_key_id (&sig, id09, 1), INKAN_ERR_WRONG_SLOT);
	assert_non_null (strstr (inkan_detail (), "01, 02, 03"));
	assert_int_equal (inkan_card_check_key_id (&sig, NULL, 0), INKAN_ERR_WRONG_SLOT);
	assert_int_equal (inkan_card_check_key_id (&jpki, id02, 1), INKAN_ERR_UNSUPPORTED);
	assert_int_equal (inkan_card_check_key_id (&hsm, NULL, 0), INKAN_OK);
	assert_int_equal (inkan_card_check_key_id (&hsm, id09, 1), INKAN_OK);
}

/* inkan_card_keygen's choice of slot: by purpose, an ID that must agree,
 * or the ID alone; never a slot the card lacks. */
static void
test_key_slot_pick (void **state)
{
	static const uint8_t id01[] = { 0x01 }, id02[] = { 0x02 }, id09[] = { 0x09 };
	inkan_token_info sig = token ("OpenPGP card (User PIN (sig))", "PKCS#15 emulated");
	inkan_token_info piv = token ("PIV", "PKCS#15 emulated");
	inkan_token_info jpki = token ("JPKI (Digital Signature PIN)", "PKCS#15 emulated");
	inkan_token_info hsm = token ("signer", "SoftHSM v2");
	const inkan_card_profile *pgp = inkan_card_profile_of_token (&sig);
	inkan_keygen_params none = { 0 }, by01 = { .id = id01, .id_len = 1 }, by02 = { .id = id02, .id_len = 1 },
	                    by09 = { .id = id09, .id_len = 1 };
	const inkan_card_key_slot *slot = NULL;

	(void) state;
	assert_int_equal (inkan_card_key_slot_pick (pgp, INKAN_KEY_PURPOSE_SIGNATURE, &none, &slot), INKAN_OK);
	assert_memory_equal (slot->id, id01, 1);
	assert_string_equal (slot->token_has, "User PIN (sig)");
	assert_int_equal (inkan_card_key_slot_pick (pgp, INKAN_KEY_PURPOSE_DECRYPTION, &none, &slot), INKAN_OK);
	assert_memory_equal (slot->id, id02, 1);
	assert_int_equal (inkan_card_key_slot_pick (pgp, INKAN_KEY_PURPOSE_AUTHENTICATION, &by01, &slot),
	                  INKAN_ERR_WRONG_SLOT);
	assert_non_null (strstr (inkan_detail (), "under ID 03, not 01"));
	assert_int_equal (inkan_card_key_slot_pick (pgp, 0, &by02, &slot), INKAN_OK);
	assert_int_equal (slot->purposes, INKAN_KEY_PURPOSE_DECRYPTION);
	assert_int_equal (inkan_card_key_slot_pick (pgp, 0, &by09, &slot), INKAN_ERR_WRONG_SLOT);
	assert_non_null (strstr (inkan_detail (), "01, 02, 03"));
	assert_int_equal (inkan_card_key_slot_pick (pgp, 0, &none, &slot), INKAN_ERR_USAGE);
	assert_int_equal (inkan_card_key_slot_pick (pgp, INKAN_KEY_PURPOSE_SIGNATURE | INKAN_KEY_PURPOSE_DECRYPTION,
	                                            &none, &slot), INKAN_ERR_USAGE);
	/* Cards that make no keys through OpenSC, and tokens of no known slots. */
	assert_int_equal (inkan_card_key_slot_pick (inkan_card_profile_of_token (&piv), INKAN_KEY_PURPOSE_AUTHENTICATION,
	                                            &none, &slot), INKAN_ERR_UNSUPPORTED);
	assert_int_equal (inkan_card_key_slot_pick (inkan_card_profile_of_token (&jpki), INKAN_KEY_PURPOSE_SIGNATURE,
	                                            &none, &slot), INKAN_ERR_UNSUPPORTED);
	assert_int_equal (inkan_card_key_slot_pick (inkan_card_profile_of_token (&hsm), INKAN_KEY_PURPOSE_SIGNATURE,
	                                            &none, &slot), INKAN_ERR_UNSUPPORTED);
}

/* PKCS#11 slot descriptions hold 64 bytes: a longer reader name arrives
 * cut, and only a cut that one reader's name begins with is an answer. */
static void
test_reader_of_slot (void **state)
{
	char *readers[] = {
		"Virtual PCD 00 00",
		"Virtual PCD 00 01",
		"Example Corp. USB Smart Card Reader with a very long name [CCID] 00 00",
		"Example Corp. USB Smart Card Reader with a very long name [CCID] 01 00",
		"Another Corp. USB Smart Card Reader, long enough to be cut here  and more",
	};
	const size_t n = sizeof readers / sizeof readers[0];
	size_t at = 99;

	(void) state;
	assert_int_equal (inkan_reader_of_slot ("Virtual PCD 00 01", readers, n, &at), INKAN_OK);
	assert_int_equal (at, 1);
	/* A prefix of a short name is another reader, not this one. */
	assert_int_equal (inkan_reader_of_slot ("Virtual PCD 00", readers, n, &at), INKAN_ERR_NOT_FOUND);
	/* Two readers share their first 64 bytes: no guess. */
	assert_int_equal (inkan_reader_of_slot ("Example Corp. USB Smart Card Reader with a very long name [CCID]",
	                                        readers, n, &at), INKAN_ERR_AMBIGUOUS);
	/* The cut falls after a blank, which the padding trim takes too. */
	assert_int_equal (inkan_reader_of_slot ("Another Corp. USB Smart Card Reader, long enough to be cut here",
	                                        readers, n, &at), INKAN_OK);
	assert_int_equal (at, 4);
	assert_int_equal (inkan_reader_of_slot ("SoftHSM slot ID 0x1", readers, n, &at), INKAN_ERR_NOT_FOUND);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_profiles_consistent),
		cmocka_unit_test (test_profile_for_atr),
		cmocka_unit_test (test_profile_of_token),
		cmocka_unit_test (test_key_slots),
		cmocka_unit_test (test_key_slot_pick),
		cmocka_unit_test (test_reader_of_slot),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
