/* The validation configuration parser: orders per profile with their
 * lines, timeouts and their precedence, what the caller set left alone,
 * and every refusal naming FILE:LINE. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "src/validate/vint.h"

static inkan_err
parse (inkan_validator *v, const char *text)
{
	return vconf_parse (v, "/etc/inkan/validate.conf", text, strlen (text));
}

static inkan_validator *
parsed (const char *text, inkan_err *err)
{
	inkan_validator *v = NULL;

	assert_int_equal (inkan_validator_new (&v), INKAN_OK);
	*err = parse (v, text);
	return v;
}

static void
test_orders (void **state)
{
	inkan_err err;
	inkan_validator *v = parsed ("# comment\n\nmethods = crl,ocsp\n  methods.gpki=crl,scvp,ocsp  \r\n"
	                             "methods.jpki = crl\n", &err);
	const method_order *gpki = &v->conf_order[ORDER_GPKI];

	(void) state;
	assert_int_equal (err, INKAN_OK);
	assert_int_equal (v->conf_order[ORDER_ALL].n, 2);
	assert_int_equal (v->conf_order[ORDER_ALL].line, 3);
	assert_int_equal (gpki->n, 3);
	assert_int_equal (gpki->methods[0], INKAN_METHOD_CRL);
	assert_int_equal (gpki->methods[1], INKAN_METHOD_SCVP);
	assert_int_equal (gpki->methods[2], INKAN_METHOD_OCSP);
	assert_int_equal (gpki->line, 4);
	assert_string_equal (gpki->file, "/etc/inkan/validate.conf");
	assert_int_equal (v->conf_order[ORDER_NPKI].n, 0);
	assert_int_equal (v->conf_order[ORDER_JPKI].n, 1);
	/* the file's order is not the caller's */
	assert_int_equal (v->set_order.n, 0);
	inkan_validator_free (v);
}

static void
test_timeouts (void **state)
{
	inkan_err err;
	inkan_validator *v;

	(void) state;
	/* timeout.METHOD wins over timeout, before or after it */
	v = parsed ("timeout.ocsp = 3000\ntimeout = 5000\ntimeout.scvp = 7000\ndeadline = 9000\n", &err);
	assert_int_equal (err, INKAN_OK);
	assert_int_equal (v->timeout_ms[INKAN_METHOD_CRL], 5000);
	assert_int_equal (v->timeout_ms[INKAN_METHOD_OCSP], 3000);
	assert_int_equal (v->timeout_ms[INKAN_METHOD_SCVP], 7000);
	assert_int_equal (v->deadline_ms, 9000);
	/* and still counts as the file's: a caller's later setting is not refused */
	assert_int_equal (v->given, 0);
	inkan_validator_free (v);

	/* what the caller set before stays */
	assert_int_equal (inkan_validator_new (&v), INKAN_OK);
	inkan_validator_set_timeout (v, INKAN_METHOD_OCSP, 100);
	inkan_validator_set_deadline (v, 200);
	assert_int_equal (parse (v, "timeout = 5000\ndeadline = 9000\n"), INKAN_OK);
	assert_int_equal (v->timeout_ms[INKAN_METHOD_OCSP], 100);
	assert_int_equal (v->timeout_ms[INKAN_METHOD_CRL], 5000);
	assert_int_equal (v->deadline_ms, 200);
	inkan_validator_free (v);
}

static void
test_scvp_url (void **state)
{
	inkan_err err;
	inkan_validator *v = parsed ("scvp-url = http://ivs.example/scvp\n", &err);

	(void) state;
	assert_int_equal (err, INKAN_OK);
	assert_string_equal (v->url[INKAN_METHOD_SCVP], "http://ivs.example/scvp");
	inkan_validator_free (v);
	assert_int_equal (inkan_validator_new (&v), INKAN_OK);
	assert_int_equal (inkan_validator_set_url (v, INKAN_METHOD_SCVP, "http://given/"), INKAN_OK);
	assert_int_equal (parse (v, "scvp-url = http://file/\n"), INKAN_OK);
	assert_string_equal (v->url[INKAN_METHOD_SCVP], "http://given/");
	inkan_validator_free (v);
}

static void
refused (const char *text, inkan_err want, const char *why)
{
	inkan_err err;
	inkan_validator *v = parsed (text, &err);

	assert_int_equal (err, want);
	if (strstr (inkan_detail (), why) == NULL)
		fail_msg ("\"%s\" not in \"%s\"", why, inkan_detail ());
	inkan_validator_free (v);
}

static void
test_refusals (void **state)
{
	static const char nul[] = "methods = crl\n\0methods.gpki = ocsp";
	inkan_validator *v = NULL;

	(void) state;
	refused ("methods = crl\nmethods.gpki = crl,dns\n", INKAN_ERR_USAGE,
	         "/etc/inkan/validate.conf:2: unknown method \"dns\"");
	refused ("methods = crl,crl\n", INKAN_ERR_USAGE, "validate.conf:1: method \"crl\" named twice");
	refused ("# x\nmethods =\n", INKAN_ERR_USAGE, ":2: \"methods\" has no value");
	refused ("methods crl\n", INKAN_ERR_USAGE, ":1: wants KEY = VALUE");
	refused ("methods.pgp = crl\n", INKAN_ERR_USAGE, ":1: unknown setting \"methods.pgp\"");
	refused ("deadline = 10s\n", INKAN_ERR_USAGE, ":1: not a number of milliseconds: 10s");
	refused ("timeout.ocsp = -5\n", INKAN_ERR_USAGE, "not a number of milliseconds");
	refused ("\n\n\nmethods = crl\nmethods = ocsp\n", INKAN_ERR_USAGE,
	         ":5: \"methods\" was already set on line 4");
	/* a file that is named but missing is the environment's fault, not a usage error */
	refused ("anchor = /nonexistent/anchor.pem\n", INKAN_ERR_IO, "validate.conf:1: cannot read /nonexistent");
	refused ("anchor-pins = none.pins\n", INKAN_ERR_IO, "cannot open /etc/inkan/none.pins");
	assert_int_equal (inkan_validator_new (&v), INKAN_OK);
	assert_int_equal (vconf_parse (v, "f", nul, sizeof nul - 1), INKAN_ERR_USAGE);
	assert_non_null (strstr (inkan_detail (), "NUL"));
	inkan_validator_free (v);
}

int
main (void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test (test_orders),
		cmocka_unit_test (test_timeouts),
		cmocka_unit_test (test_scvp_url),
		cmocka_unit_test (test_refusals),
	};

	return cmocka_run_group_tests (tests, NULL, NULL);
}
