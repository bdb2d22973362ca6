/* Faults a real token rarely shows on demand, injected through a fake
 * CK_FUNCTION_LIST: the mapping to inkan errors, and the PIN rules (never
 * send a PIN to a locked token, nor the last try without consent). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pkcs11/p11.h"
#include "src/pin/record.h"
#include "src/util/internal.h"

static CK_FLAGS fake_flags;
static CK_RV fake_login_rv, fake_sign_rv;
static CK_ULONG fake_sig_len;
static int login_calls, sign_calls;

static CK_RV
fake_get_token_info (CK_SLOT_ID slot, CK_TOKEN_INFO *info)
{
	(void) slot;
	memset (info, ' ', sizeof *info);
	info->flags = fake_flags;
	return CKR_OK;
}

static CK_RV
fake_login (CK_SESSION_HANDLE s, CK_USER_TYPE u, CK_UTF8CHAR *pin, CK_ULONG len)
{
	(void) s; (void) u; (void) pin; (void) len;
	login_calls++;
	return fake_login_rv;
}

static CK_RV
fake_sign_init (CK_SESSION_HANDLE s, CK_MECHANISM *m, CK_OBJECT_HANDLE k)
{
	(void) s; (void) m; (void) k;
	return CKR_OK;
}

static CK_RV
fake_sign (CK_SESSION_HANDLE s, CK_BYTE *data, CK_ULONG len, CK_BYTE *sig, CK_ULONG *sig_len)
{
	(void) s; (void) data; (void) len;
	sign_calls++;
	/* As PKCS#11 says: the length for no buffer or too small a one. */
	if (fake_sign_rv == CKR_OK && (sig == NULL || *sig_len < fake_sig_len)) {
		CK_RV rv = sig == NULL ? CKR_OK : CKR_BUFFER_TOO_SMALL;

		*sig_len = fake_sig_len;
		return rv;
	}
	if (fake_sign_rv == CKR_OK)
		memset (sig, 0x5a, fake_sig_len);
	*sig_len = fake_sig_len;
	return fake_sign_rv;
}

static CK_FUNCTION_LIST fake = {
	.version = { 2, 40 },
	.C_GetTokenInfo = fake_get_token_info,
	.C_Login = fake_login,
	.C_SignInit = fake_sign_init,
	.C_Sign = fake_sign,
};

static struct inkan_token tok;
static struct inkan_key key;
static inkan_secret *pin;
static inkan_ctx *ctx;
static char record_dir[] = "/tmp/inkan-record-XXXXXX";

/* The one record file the fake token gets. */
static int
recorded_failures (void)
{
	char cmd[128];
	FILE *p;
	int n = -1;

	snprintf (cmd, sizeof cmd, "cat %s/*.user 2>/dev/null | sed 's/.* //'", record_dir);
	p = popen (cmd, "r");
	if (p == NULL || fscanf (p, "%d", &n) != 1)
		n = 0;
	if (p != NULL)
		pclose (p);
	return n;
}

static int
setup (void **state)
{
	(void) state;
	memset (&tok, 0, sizeof tok);
	tok.module = &fake;
	tok.info.label = (char *) "fake";
	tok.info.manufacturer = (char *) "inkan tests";
	tok.info.model = (char *) "fake";
	tok.info.serial = (char *) "0001";
	if (mkdtemp (record_dir) == NULL || inkan_ctx_new (&ctx) != INKAN_OK ||
	    inkan_ctx_set_pin_record_dir (ctx, record_dir) != INKAN_OK)
		return -1;
	tok.ctx = ctx;
	pthread_mutex_init (&tok.lock, NULL);
	memset (&key, 0, sizeof key);
	key.tok = &tok;
	key.type = INKAN_KEY_EC;
	key.uri = (char *) "pkcs11:object=fake";
	fake_flags = CKF_LOGIN_REQUIRED;
	fake_login_rv = fake_sign_rv = CKR_OK;
	fake_sig_len = 64;
	login_calls = sign_calls = 0;
	return inkan_secret_new ("123456", 6, &pin) == INKAN_OK ? 0 : -1;
}

static int
teardown (void **state)
{
	char cmd[64];

	(void) state;
	inkan_secret_free (pin);
	inkan_ctx_free (ctx);
	pthread_mutex_destroy (&tok.lock);
	snprintf (cmd, sizeof cmd, "rm -rf %s", record_dir);
	memcpy (record_dir + strlen (record_dir) - 6, "XXXXXX", 6);
	return system (cmd) == 0 ? 0 : -1;
}

static void
test_locked_pin_is_never_sent (void **state)
{
	(void) state;
	fake_flags |= CKF_USER_PIN_LOCKED;
	assert_int_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, INKAN_LOGIN_ALLOW_FINAL_TRY),
	                  INKAN_ERR_PIN_LOCKED);
	assert_int_equal (login_calls, 0);
}

static void
test_final_try_needs_consent (void **state)
{
	(void) state;
	fake_flags |= CKF_USER_PIN_FINAL_TRY;
	assert_int_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, 0), INKAN_ERR_PIN_FINAL_TRY);
	assert_int_equal (login_calls, 0);
	/* The library says what would allow it, in words any front end can
	 * show; naming a flag is the CLI's business. */
	assert_non_null (strstr (inkan_detail (), "consent"));
	assert_null (strstr (inkan_detail (), "--"));
	assert_int_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, INKAN_LOGIN_ALLOW_FINAL_TRY), INKAN_OK);
	assert_int_equal (login_calls, 1);
}

/* The SO PIN has flags of its own; the user's final try does not stop it. */
static void
test_so_flags_are_separate (void **state)
{
	(void) state;
	fake_flags |= CKF_USER_PIN_FINAL_TRY;
	assert_int_equal (inkan_token_login (&tok, INKAN_USER_SO, pin, 0), INKAN_OK);
	fake_flags = CKF_SO_PIN_LOCKED;
	assert_int_equal (inkan_token_login (&tok, INKAN_USER_SO, pin, 0), INKAN_ERR_PIN_LOCKED);
	assert_int_equal (login_calls, 1);
}

static void
test_login_answers (void **state)
{
	static const struct { CK_RV rv; inkan_err want; } cases[] = {
		/* In this order: each failure but the removal stays in the record. */
		{ CKR_USER_ALREADY_LOGGED_IN, INKAN_OK },
		{ CKR_DEVICE_REMOVED, INKAN_ERR_DEVICE_REMOVED },
		{ CKR_DEVICE_ERROR, INKAN_ERR_TOKEN },
		{ CKR_PIN_INCORRECT, INKAN_ERR_PIN_INCORRECT },
		{ CKR_PIN_LOCKED, INKAN_ERR_PIN_LOCKED },
	};
	size_t i;

	(void) state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fake_login_rv = cases[i].rv;
		assert_int_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, 0), cases[i].want);
	}
	/* The token said locked: so does the record now. */
	assert_int_equal (recorded_failures (), 5);
}

/* A token that reports nothing (SoftHSM2) still locks by the record; the
 * count is written before the PIN is sent, and cleared by a success. */
static void
test_record_drives_lockout (void **state)
{
	int i;

	(void) state;
	fake_login_rv = CKR_PIN_INCORRECT;
	for (i = 1; i <= 4; i++) {
		assert_int_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, 0), INKAN_ERR_PIN_INCORRECT);
		assert_int_equal (recorded_failures (), i);
	}
	assert_non_null (strstr (inkan_detail (), "1 tries left"));
	/* The fifth would lock: refused, not sent, not counted. */
	assert_int_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, 0), INKAN_ERR_PIN_FINAL_TRY);
	assert_int_equal (login_calls, 4);
	assert_int_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, INKAN_LOGIN_ALLOW_FINAL_TRY),
	                  INKAN_ERR_PIN_INCORRECT);
	assert_non_null (strstr (inkan_detail (), "now locked"));
	/* Locked by the record: even the right PIN is not sent. */
	fake_login_rv = CKR_OK;
	assert_int_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, INKAN_LOGIN_ALLOW_FINAL_TRY),
	                  INKAN_ERR_PIN_LOCKED);
	assert_int_equal (login_calls, 5);
}

static void
test_success_resets_record (void **state)
{
	inkan_pin_status st;

	(void) state;
	fake_login_rv = CKR_PIN_INCORRECT;
	assert_int_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, 0), INKAN_ERR_PIN_INCORRECT);
	assert_int_equal (inkan_pin_status_get (&tok, INKAN_USER_NORMAL, &st), INKAN_OK);
	assert_int_equal (st.state, INKAN_PIN_COUNT_LOW);
	assert_int_equal (st.tries_left, 4);
	assert_string_equal (st.tries_source, "record");
	fake_login_rv = CKR_OK;
	assert_int_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, 0), INKAN_OK);
	assert_int_equal (recorded_failures (), 0);
	assert_int_equal (inkan_pin_status_get (&tok, INKAN_USER_NORMAL, &st), INKAN_OK);
	assert_int_equal (st.state, INKAN_PIN_OK);
	assert_int_equal (st.tries_left, 5);
}

/* A code that says the PIN never reached the token gives the try back;
 * an ambiguous one (the card may have counted it) keeps the count. */
static void
test_login_fault_rollback (void **state)
{
	static const CK_RV not_sent[] = { CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT, CKR_SESSION_HANDLE_INVALID,
		                          CKR_SESSION_CLOSED, CKR_CRYPTOKI_NOT_INITIALIZED, CKR_HOST_MEMORY };
	static const CK_RV ambiguous[] = { CKR_DEVICE_ERROR, CKR_GENERAL_ERROR, CKR_FUNCTION_FAILED };
	size_t i;
	int n;

	(void) state;
	fake_login_rv = CKR_PIN_INCORRECT;
	assert_int_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, 0), INKAN_ERR_PIN_INCORRECT);
	assert_int_equal (recorded_failures (), 1);
	/* Many more than the tries there are: none of them is spent. */
	for (n = 0; n < 3; n++) {
		for (i = 0; i < sizeof not_sent / sizeof not_sent[0]; i++) {
			fake_login_rv = not_sent[i];
			assert_int_not_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, 0), INKAN_OK);
			assert_int_equal (recorded_failures (), 1);
		}
	}
	for (i = 0; i < sizeof ambiguous / sizeof ambiguous[0]; i++) {
		fake_login_rv = ambiguous[i];
		assert_int_not_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, 0), INKAN_OK);
		assert_int_equal (recorded_failures (), 2 + (int) i);
	}
	/* Four counted: the right PIN now needs consent to the last try. */
	fake_login_rv = CKR_OK;
	assert_int_equal (inkan_token_login (&tok, INKAN_USER_NORMAL, pin, INKAN_LOGIN_ALLOW_FINAL_TRY), INKAN_OK);
	assert_int_equal (login_calls, 1 + 3 * 6 + 3 + 1);
}

static void
test_sign_faults (void **state)
{
	uint8_t digest[32] = { 0 }, *sig = NULL;
	size_t sig_len = 0;

	(void) state;
	fake_sign_rv = CKR_DEVICE_REMOVED;
	assert_int_equal (inkan_key_sign_digest (&key, INKAN_SIG_ECDSA, INKAN_HASH_SHA256, digest, 32,
	                                         &sig, &sig_len), INKAN_ERR_DEVICE_REMOVED);
	assert_null (sig);
	assert_non_null (strstr (inkan_detail (), "pkcs11:object=fake"));
	fake_sign_rv = CKR_USER_NOT_LOGGED_IN;
	assert_int_equal (inkan_key_sign_digest (&key, INKAN_SIG_ECDSA, INKAN_HASH_SHA256, digest, 32,
	                                         &sig, &sig_len), INKAN_ERR_NOT_LOGGED_IN);
	/* A digest of the wrong size never reaches the token. */
	sign_calls = 0;
	assert_int_equal (inkan_key_sign_digest (&key, INKAN_SIG_ECDSA, INKAN_HASH_SHA384, digest, 32,
	                                         &sig, &sig_len), INKAN_ERR_USAGE);
	/* Nor does a scheme the key cannot do. */
	assert_int_equal (inkan_key_sign_digest (&key, INKAN_SIG_PSS, INKAN_HASH_SHA256, digest, 32,
	                                         &sig, &sig_len), INKAN_ERR_USAGE);
	assert_int_equal (sign_calls, 0);
}

/* One C_Sign for a signature that fits the first buffer; a larger one is
 * asked again with the length CKR_BUFFER_TOO_SMALL gave. */
static void
test_sign_buffer (void **state)
{
	uint8_t digest[32] = { 0 }, *sig = NULL;
	size_t sig_len = 0;

	(void) state;
	assert_int_equal (inkan_key_sign_digest (&key, INKAN_SIG_ECDSA, INKAN_HASH_SHA256, digest, 32,
	                                         &sig, &sig_len), INKAN_OK);
	assert_int_equal (sign_calls, 1);
	assert_int_equal (sig_len, 64);
	free (sig);
	sig = NULL;
	sign_calls = 0;
	fake_sig_len = 1024;
	assert_int_equal (inkan_key_sign_digest (&key, INKAN_SIG_ECDSA, INKAN_HASH_SHA256, digest, 32,
	                                         &sig, &sig_len), INKAN_OK);
	assert_int_equal (sign_calls, 2);
	assert_int_equal (sig_len, 1024);
	assert_int_equal (sig[0], 0x5a);
	assert_int_equal (sig[1023], 0x5a);
	free (sig);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown (test_locked_pin_is_never_sent, setup, teardown),
		cmocka_unit_test_setup_teardown (test_final_try_needs_consent, setup, teardown),
		cmocka_unit_test_setup_teardown (test_so_flags_are_separate, setup, teardown),
		cmocka_unit_test_setup_teardown (test_login_answers, setup, teardown),
		cmocka_unit_test_setup_teardown (test_sign_faults, setup, teardown),
		cmocka_unit_test_setup_teardown (test_sign_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown (test_record_drives_lockout, setup, teardown),
		cmocka_unit_test_setup_teardown (test_success_resets_record, setup, teardown),
		cmocka_unit_test_setup_teardown (test_login_fault_rollback, setup, teardown),
	};
	return cmocka_run_group_tests (tests, NULL, NULL);
}
