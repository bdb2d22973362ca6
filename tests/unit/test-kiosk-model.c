/* The kiosk's models without GTK: the journal on a real audit log (where
 * each card stopped, as a restart reads it back, and the log still
 * verifies), the rule for unacknowledged certificates, and kiosk.conf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <inkan/audit.h>
#include <inkan/hex.h>

#include "gui-gtk/kiosk/holder.h"
#include "gui-gtk/kiosk/journal.h"
#include "gui-gtk/kiosk/settings.h"

typedef struct {
	char dir[64];
	char path[96];
	kiosk_journal *j;
} fixture;

static int
setup (void **state)
{
	fixture *f = calloc (1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy (f->dir, "/tmp/inkan-kiosk-test.XXXXXX");
	if (mkdtemp (f->dir) == NULL)
		return -1;
	snprintf (f->path, sizeof f->path, "%s/journal.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown (void **state)
{
	fixture *f = *state;
	char cmd[128];

	kiosk_journal_close (f->j);
	snprintf (cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	free (f);
	return system (cmd) == 0 ? 0 : -1;
}

static const uint8_t cert_a[] = { 0x30, 0x03, 0x02, 0x01, 0x0a };
static const uint8_t cert_b[] = { 0x30, 0x03, 0x02, 0x01, 0x0b };
static const char key_uri[] = "pkcs11:token=OpenPGP%20card%20(User%20PIN%20(sig));id=%01;type=private";

static void
step (fixture *f, const char *card, kiosk_op op, kiosk_step st, inkan_err result, const char *key,
      const char *serial, const uint8_t *der, size_t len)
{
	kiosk_journal_entry e = {
		.staff = "CN=Sato Hanako,O=Minato City", .card = card, .op = op, .step = st, .result = result,
		.key_uri = key, .cert_serial = serial, .cert_der = der, .cert_len = len,
	};
	assert_int_equal (kiosk_journal_record (f->j, &e), INKAN_OK);
}

static kiosk_resume_kind
where (fixture *f, const char *card, kiosk_resume *r)
{
	assert_int_equal (kiosk_journal_resume (f->path, card, r), INKAN_OK);
	return r->kind;
}

static void
test_issue_resume (void **state)
{
	fixture *f = *state;
	const char *card = "openpgp:000500001234";
	kiosk_resume r;

	/* Before anything was written, and before the log exists. */
	assert_int_equal (where (f, card, &r), KIOSK_RESUME_NONE);
	assert_int_equal (kiosk_journal_open (f->path, &f->j), INKAN_OK);
	assert_int_equal (where (f, card, &r), KIOSK_RESUME_NONE);

	step (f, "-", KIOSK_OP_SIGNIN, KIOSK_STEP_DONE, INKAN_OK, NULL, NULL, NULL, 0);
	step (f, card, KIOSK_OP_ISSUE, KIOSK_STEP_BEGIN, INKAN_OK, NULL, NULL, NULL, 0);
	step (f, card, KIOSK_OP_ISSUE, KIOSK_STEP_PINS, INKAN_OK, NULL, NULL, NULL, 0);
	assert_int_equal (where (f, card, &r), KIOSK_RESUME_RESTART);
	assert_int_equal (r.op, KIOSK_OP_ISSUE);
	kiosk_resume_clear (&r);

	/* Card pulled after keygen, or the CA down at ir: the same key again. */
	step (f, card, KIOSK_OP_ISSUE, KIOSK_STEP_KEYGEN, INKAN_OK, key_uri, NULL, NULL, 0);
	step (f, card, KIOSK_OP_ISSUE, KIOSK_STEP_REQUEST, INKAN_OK, key_uri, NULL, NULL, 0);
	step (f, card, KIOSK_OP_ISSUE, KIOSK_STEP_ISSUED, INKAN_ERR_IO, key_uri, NULL, NULL, 0);
	assert_int_equal (where (f, card, &r), KIOSK_RESUME_ENROL);
	assert_string_equal (r.key_uri, key_uri);
	assert_string_equal (r.staff, "CN=Sato Hanako,O=Minato City");
	assert_null (r.cert_der);
	kiosk_resume_clear (&r);

	/* Another card's steps do not move this one. */
	step (f, "openpgp:000500009999", KIOSK_OP_ISSUE, KIOSK_STEP_BEGIN, INKAN_OK, NULL, NULL, NULL, 0);

	/* Killed after issuance, before the write: the certificate is in the journal. */
	step (f, card, KIOSK_OP_ISSUE, KIOSK_STEP_ISSUED, INKAN_OK, key_uri, "0a1b", cert_a, sizeof cert_a);
	assert_int_equal (where (f, card, &r), KIOSK_RESUME_WRITE);
	assert_memory_equal (r.cert_der, cert_a, sizeof cert_a);
	assert_int_equal (r.cert_len, sizeof cert_a);
	assert_string_equal (r.cert_serial, "0a1b");
	assert_string_equal (r.key_uri, key_uri);
	kiosk_resume_clear (&r);

	/* A failed write leaves it to be written. */
	step (f, card, KIOSK_OP_ISSUE, KIOSK_STEP_WRITTEN, INKAN_ERR_DEVICE_REMOVED, key_uri, "0a1b", NULL, 0);
	assert_int_equal (where (f, card, &r), KIOSK_RESUME_WRITE);
	kiosk_resume_clear (&r);

	step (f, card, KIOSK_OP_ISSUE, KIOSK_STEP_WRITTEN, INKAN_OK, key_uri, "0a1b", cert_a, sizeof cert_a);
	assert_int_equal (where (f, card, &r), KIOSK_RESUME_ACKNOWLEDGE);
	assert_int_equal (kiosk_resume_decide (&r, cert_a, sizeof cert_a, 1), KIOSK_ACK_REUSE);
	assert_int_equal (kiosk_resume_decide (&r, cert_a, sizeof cert_a, 0), KIOSK_ACK_REVOKE);
	assert_int_equal (kiosk_resume_decide (&r, cert_b, sizeof cert_b, 1), KIOSK_ACK_REVOKE);
	assert_int_equal (kiosk_resume_decide (&r, NULL, 0, 0), KIOSK_ACK_WRITE);
	kiosk_resume_clear (&r);
	/* Re-used but the receipt still not acknowledged: the same again. */
	step (f, card, KIOSK_OP_ISSUE, KIOSK_STEP_REUSED, INKAN_OK, key_uri, "0a1b", cert_a, sizeof cert_a);
	assert_int_equal (where (f, card, &r), KIOSK_RESUME_ACKNOWLEDGE);
	assert_int_equal (r.cert_len, sizeof cert_a);
	assert_int_equal (kiosk_resume_decide (&r, cert_a, sizeof cert_a, 1), KIOSK_ACK_REUSE);
	kiosk_resume_clear (&r);

	step (f, card, KIOSK_OP_ISSUE, KIOSK_STEP_DONE, INKAN_OK, key_uri, "0a1b", NULL, 0);
	assert_int_equal (where (f, card, &r), KIOSK_RESUME_NONE);
	assert_int_equal (where (f, "openpgp:000500009999", &r), KIOSK_RESUME_RESTART);
	kiosk_resume_clear (&r);

	/* Renewal after issuance resumes as its own operation. */
	step (f, card, KIOSK_OP_RENEW, KIOSK_STEP_BEGIN, INKAN_OK, key_uri, "0a1b", NULL, 0);
	step (f, card, KIOSK_OP_RENEW, KIOSK_STEP_ISSUED, INKAN_OK, key_uri, "0c", cert_b, sizeof cert_b);
	assert_int_equal (where (f, card, &r), KIOSK_RESUME_WRITE);
	assert_int_equal (r.op, KIOSK_OP_RENEW);
	kiosk_resume_clear (&r);
	/* A revocation closes what was open. */
	step (f, card, KIOSK_OP_REVOKE, KIOSK_STEP_REVOKED, INKAN_OK, NULL, "0c", NULL, 0);
	assert_int_equal (where (f, card, &r), KIOSK_RESUME_NONE);

	/* A certificate to revoke is traced to its card by the successful
	 * issued step only (the failed ir above named no serial). */
	char *of = NULL;
	assert_int_equal (kiosk_journal_card_of (f->path, "0c", &of), INKAN_OK);
	assert_string_equal (of, card);
	free (of);
	assert_int_equal (kiosk_journal_card_of (f->path, "0a1b", &of), INKAN_OK);
	assert_string_equal (of, card);
	free (of);
	assert_int_equal (kiosk_journal_card_of (f->path, "0a", &of), INKAN_ERR_NOT_FOUND);
	assert_null (of);

	kiosk_journal_close (f->j);
	f->j = NULL;
	inkan_audit_verify_report rep;
	assert_int_equal (inkan_audit_verify (f->path, NULL, &rep), INKAN_OK);
	assert_true (rep.intact);
	assert_int_equal (rep.records, 15);
	inkan_audit_verify_report_clear (&rep);
}

static int
find_cert (const inkan_audit_record *rec, void *user)
{
	int *found = user;

	if (strstr (rec->operation, "issued") != NULL && strcmp (rec->result, "ok") == 0) {
		assert_string_equal (rec->operation, "kiosk-issue issued card=openpgp:1 serial=0a1b");
		assert_int_equal (rec->digest_len, sizeof cert_a);
		assert_memory_equal (rec->digest, cert_a, sizeof cert_a);
		*found = 1;
	}
	return 0;
}

static void
test_layout (void **state)
{
	fixture *f = *state;
	int found = 0;
	kiosk_journal_entry bad = { .staff = "s", .card = "openpgp:1 serial=ff", .op = KIOSK_OP_ISSUE };

	assert_int_equal (kiosk_journal_open (f->path, &f->j), INKAN_OK);
	step (f, "openpgp:1", KIOSK_OP_ISSUE, KIOSK_STEP_ISSUED, INKAN_OK, key_uri, "0a1b", cert_a, sizeof cert_a);
	/* A card ID that would forge a field is refused, not written. */
	assert_int_equal (kiosk_journal_record (f->j, &bad), INKAN_ERR_USAGE);
	bad.card = "openpgp:1";
	bad.cert_serial = "0a 1b";
	assert_int_equal (kiosk_journal_record (f->j, &bad), INKAN_ERR_USAGE);
	assert_int_equal (inkan_audit_read (f->path, 1, find_cert, &found), INKAN_OK);
	assert_true (found);
	assert_false (kiosk_card_id_valid (""));
	assert_true (kiosk_card_id_valid ("jpki:sha256.0a1b"));
}

/* What the Revoke screen offers: the journal's issued certificates, less
 * those revoked since and failed requests. */
static void
test_issued_list (void **state)
{
	fixture *f = *state;
	kiosk_issued *list = NULL;
	size_t n = 9;

	assert_int_equal (kiosk_journal_issued (f->path, &list, &n), INKAN_OK);
	assert_int_equal (n, 0);
	assert_int_equal (kiosk_journal_open (f->path, &f->j), INKAN_OK);
	step (f, "openpgp:1", KIOSK_OP_ISSUE, KIOSK_STEP_ISSUED, INKAN_OK, NULL, "0a", cert_a, sizeof cert_a);
	step (f, "openpgp:2", KIOSK_OP_ISSUE, KIOSK_STEP_ISSUED, INKAN_ERR_IO, NULL, NULL, NULL, 0);
	step (f, "openpgp:2", KIOSK_OP_ISSUE, KIOSK_STEP_ISSUED, INKAN_OK, NULL, "0b", cert_b, sizeof cert_b);
	step (f, "openpgp:2", KIOSK_OP_ISSUE, KIOSK_STEP_WRITTEN, INKAN_OK, NULL, "0b", cert_b, sizeof cert_b);
	assert_int_equal (kiosk_journal_issued (f->path, &list, &n), INKAN_OK);
	assert_int_equal (n, 2);
	kiosk_issued_free (list, n);
	/* A refused revocation leaves it on the list, a done one takes it off. */
	step (f, "openpgp:1", KIOSK_OP_REVOKE, KIOSK_STEP_REVOKED, INKAN_ERR_REJECTED, NULL, "0a", cert_a, sizeof cert_a);
	assert_int_equal (kiosk_journal_issued (f->path, &list, &n), INKAN_OK);
	assert_int_equal (n, 2);
	kiosk_issued_free (list, n);
	step (f, "openpgp:1", KIOSK_OP_REVOKE, KIOSK_STEP_REVOKED, INKAN_OK, NULL, "0a", cert_a, sizeof cert_a);
	assert_int_equal (kiosk_journal_issued (f->path, &list, &n), INKAN_OK);
	assert_int_equal (n, 1);
	assert_string_equal (list[0].serial, "0b");
	assert_string_equal (list[0].card, "openpgp:2");
	assert_int_equal (list[0].cert_len, sizeof cert_b);
	assert_memory_equal (list[0].cert_der, cert_b, sizeof cert_b);
	assert_true (list[0].time_ms > 0);
	kiosk_issued_free (list, n);
}

/* A card is journalled by its serial where that tells it apart, else by
 * the hash of its certificates' smallest SHA-256, whatever their order. */
static void
test_card_id (void **state)
{
	inkan_token_cert ab[2] = { { .der = (uint8_t *) cert_a, .der_len = sizeof cert_a },
	                           { .der = (uint8_t *) cert_b, .der_len = sizeof cert_b } };
	inkan_token_cert ba[2] = { ab[1], ab[0] };
	unsigned char da[32], db[32];
	char *id, *id2, *want;

	(void) state;
	id = kiosk_card_id ("openpgp", " fffe1a2b3c4d ", 1, NULL, 0);
	assert_string_equal (id, "openpgp:fffe1a2b3c4d");
	free (id);
	assert_null (kiosk_card_id ("openpgp", "ff fe", 1, NULL, 0));
	/* Two JPKI cards: the same serial, different certificates. */
	assert_null (kiosk_card_id ("jpki", "00000000", 0, NULL, 0));
	id = kiosk_card_id ("jpki", "00000000", 0, ab, 2);
	id2 = kiosk_card_id ("jpki", "00000000", 0, ba, 2);
	assert_non_null (id);
	assert_string_equal (id, id2);
	assert_true (kiosk_card_id_valid (id));
	assert_true (EVP_Digest (cert_a, sizeof cert_a, da, NULL, EVP_sha256 (), NULL));
	assert_true (EVP_Digest (cert_b, sizeof cert_b, db, NULL, EVP_sha256 (), NULL));
	want = inkan_hex_encode (memcmp (da, db, 32) < 0 ? da : db, 32);
	assert_int_equal (strncmp (id, "jpki:sha256-", 12), 0);
	assert_string_equal (id + 12, want);
	free (id2);
	/* Another card, holding only the other certificate. */
	id2 = kiosk_card_id ("jpki", "00000000", 0, memcmp (da, db, 32) < 0 ? ab + 1 : ab, 1);
	assert_string_not_equal (id, id2);
	free (want);
	free (id2);
	free (id);
}

static const char good_conf[] = "# counter 3\n"
	"[kiosk]\n"
	"ca-url = http://127.0.0.1:8080/pkix/\n"
	"protection = signer\n"
	"trusted = /etc/inkan/ca.pem; /etc/inkan/ra-ca.pem\n"
	"card-profile = openpgp\n"
	"audit-log = /var/lib/inkan/kiosk.db\n"
	"office-pin = file:/etc/inkan/office.pin\n"
	"timeout = 20\n";

static void
expect_bad (const char *text, const char *part)
{
	kiosk_settings *s = NULL;
	char *why = NULL;

	assert_int_equal (kiosk_settings_parse ("k.conf", text, strlen (text), &s, &why), INKAN_ERR_BAD_INPUT);
	assert_null (s);
	assert_non_null (why);
	if (strstr (why, part) == NULL)
		fail_msg ("\"%s\" does not mention \"%s\"", why, part);
	g_free (why);
}

static void
test_settings (void **state)
{
	fixture *f = *state;
	kiosk_settings *s = NULL;
	char *why = NULL, conf[128];
	FILE *fp;

	assert_int_equal (kiosk_settings_parse ("k.conf", good_conf, strlen (good_conf), &s, &why), INKAN_OK);
	assert_string_equal (s->ca_url, "http://127.0.0.1:8080/pkix/");
	assert_int_equal (s->protection, KIOSK_PROTECT_SIGNER);
	assert_string_equal (s->trusted[0], "/etc/inkan/ca.pem");
	assert_string_equal (s->trusted[1], "/etc/inkan/ra-ca.pem");
	assert_null (s->trusted[2]);
	assert_string_equal (s->holder_data, "jpki");
	assert_int_equal (s->timeout, 20);
	assert_string_equal (s->office_pin, "file:/etc/inkan/office.pin");
	kiosk_settings_free (s);

	expect_bad ("[kiosk]\nca-url=http://x/\naudit-log=/a\ntrusted=/c\ncolour=red\n", "colour");
	expect_bad ("[kiosk]\naudit-log=/a\ntrusted=/c\n", "ca-url");
	expect_bad ("[kiosk]\nca-url=ftp://x/\naudit-log=/a\ntrusted=/c\n", "ftp://x/");
	expect_bad ("[kiosk]\nca-url=http://x/\naudit-log=/a\n", "trusted");
	expect_bad ("[kiosk]\nca-url=http://x/\naudit-log=/a\ntrusted=/c\nprotection=none\n", "none");
	expect_bad ("[kiosk]\nca-url=http://x/\naudit-log=/a\ntrusted=/c\nprotection=mac\n", "mac-secret");
	expect_bad ("[kiosk]\nca-url=http://x/\naudit-log=/a\ntrusted=/c\nprotection=mac\nmac-reference=r\n"
	            "mac-secret=pass:hunter2\n", "not hold it");
	expect_bad ("[kiosk]\nca-url=http://x/\naudit-log=/a\ntrusted=/c\noffice-pin=12345678\n", "not hold it");
	expect_bad ("[kiosk]\nca-url=http://x/\naudit-log=/a\ntrusted=/c\noffice-pin=pass:12345678\n", "office-pin");
	expect_bad ("[kiosk]\nca-url=http://x/\naudit-log=/a\ntrusted=/c\ntimeout=0\n", "timeout");
	expect_bad ("[kiosk]\nca-url=http://x/\naudit-log=/a\ntrusted=/c\ncard-profile=floppy\n", "floppy");
	expect_bad ("[other]\n", "[kiosk]");
	expect_bad ("ca-url = x\n", "k.conf");

	/* From a file: bounded, regular files only. */
	snprintf (conf, sizeof conf, "%s/kiosk.conf", f->dir);
	assert_non_null (fp = fopen (conf, "w"));
	fputs (good_conf, fp);
	fclose (fp);
	assert_int_equal (kiosk_settings_load (conf, &s, &why), INKAN_OK);
	kiosk_settings_free (s);
	s = NULL;
	assert_int_not_equal (kiosk_settings_load (f->dir, &s, &why), INKAN_OK);
	assert_null (s);
	assert_non_null (why);
	g_free (why);
	snprintf (conf, sizeof conf, "%s/fifo", f->dir);
	assert_int_equal (mkfifo (conf, 0600), 0);
	assert_int_not_equal (kiosk_settings_load (conf, &s, &why), INKAN_OK);
	assert_non_null (strstr (why, "fifo"));
	g_free (why);
	snprintf (conf, sizeof conf, "%s/big.conf", f->dir);
	assert_non_null (fp = fopen (conf, "w"));
	assert_int_equal (fseek (fp, 2 << 20, SEEK_SET), 0);
	fputc ('\n', fp);
	fclose (fp);
	assert_int_equal (kiosk_settings_load (conf, &s, &why), INKAN_ERR_BAD_INPUT);
	g_free (why);
}

static void
birth_is (const char *date, const char *want)
{
	kiosk_holder h = { 0 };
	char *why = NULL, *got;

	assert_int_equal (kiosk_holder_set (&h, "山田\u3000花子", date, "2", "東京都港区芝公園1-5-25", &why), INKAN_OK);
	got = kiosk_holder_jpki_birth (&h);
	assert_string_equal (got, want);
	g_free (got);
	kiosk_holder_clear (&h);
}

static void
test_holder (void **state)
{
	kiosk_holder h = { 0 };
	X509_NAME *subject = NULL;
	char **sans = NULL, *why = NULL, *dn;

	(void) state;
	/* The era by its first day; the digits stay Gregorian (FACTS: JPKI). */
	birth_is ("1977-11-07", "319771107");
	birth_is ("1989-01-07", "319890107");
	birth_is ("1989-01-08", "419890108");
	birth_is ("2019-04-30", "420190430");
	birth_is ("2019-05-01", "520190501");
	birth_is ("1926-12-24", "219261224");

	assert_int_equal (kiosk_holder_set (&h, "a", "1977-02-30", "1", "x", &why), INKAN_ERR_BAD_INPUT);
	assert_non_null (strstr (why, "date of birth"));
	g_free (why);
	assert_int_equal (kiosk_holder_set (&h, "a", "2999-01-01", "1", "x", &why), INKAN_ERR_BAD_INPUT);
	g_free (why);
	assert_int_equal (kiosk_holder_set (&h, "a", "1977-11-07", "3", "x", &why), INKAN_ERR_BAD_INPUT);
	g_free (why);
	/* ";" would end the value in the otherName syntax: refused. */
	assert_int_equal (kiosk_holder_set (&h, "a;UTF8:b", "1977-11-07", "1", "x", &why), INKAN_ERR_BAD_INPUT);
	assert_non_null (strstr (why, "name"));
	g_free (why);
	assert_null (h.name);

	assert_int_equal (kiosk_holder_set (&h, "山田\u3000花子", "1977-11-07", "2", "東京都港区", &why), INKAN_OK);
	assert_int_equal (kiosk_holder_request (&h, 1, "openpgp:fffe1a2b3c4d", &subject, &sans), INKAN_OK);
	dn = X509_NAME_oneline (subject, NULL, 0);
	assert_string_equal (dn, "/C=JP/CN=openpgp:fffe1a2b3c4d");
	OPENSSL_free (dn);
	assert_string_equal (sans[0], "otherName:1.2.392.200149.8.5.5.1;UTF8:山田\u3000花子");
	assert_string_equal (sans[1], "otherName:1.2.392.200149.8.5.5.4;UTF8:319771107");
	assert_string_equal (sans[2], "otherName:1.2.392.200149.8.5.5.3;UTF8:2");
	assert_string_equal (sans[3], "otherName:1.2.392.200149.8.5.5.5;UTF8:東京都港区");
	assert_null (sans[4]);
	g_strfreev (sans);
	X509_NAME_free (subject);
	kiosk_holder_clear (&h);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown (test_issue_resume, setup, teardown),
		cmocka_unit_test_setup_teardown (test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown (test_settings, setup, teardown),
		cmocka_unit_test (test_holder),
		cmocka_unit_test (test_card_id),
		cmocka_unit_test_setup_teardown (test_issued_list, setup, teardown),
	};
	return cmocka_run_group_tests (tests, NULL, NULL);
}
