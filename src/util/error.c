/* Error codes, their words, and the per-thread detail of the last failure. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>

#include "src/util/internal.h"

static const struct {
	const char *name;
	const char *text;
} codes[INKAN_ERR_LAST] = {
	[INKAN_OK] = { "ok", N_("Success") },
	[INKAN_ERR_USAGE] = { "usage", N_("Invalid request") },
	[INKAN_ERR_NOT_FOUND] = { "not-found", N_("Nothing matches") },
	[INKAN_ERR_AMBIGUOUS] = { "ambiguous", N_("More than one thing matches") },
	[INKAN_ERR_BAD_INPUT] = { "bad-input", N_("Malformed input") },
	[INKAN_ERR_UNSUPPORTED] = { "unsupported", N_("Not supported") },
	[INKAN_ERR_PIN_INCORRECT] = { "pin-incorrect", N_("Wrong PIN") },
	[INKAN_ERR_PIN_LOCKED] = { "pin-locked", N_("PIN is locked") },
	[INKAN_ERR_PIN_FINAL_TRY] = { "pin-final-try", N_("Refused to use the last PIN try") },
	[INKAN_ERR_PIN_INVALID] = { "pin-invalid", N_("PIN does not meet the token's rules") },
	[INKAN_ERR_NOT_LOGGED_IN] = { "not-logged-in", N_("Login required") },
	[INKAN_ERR_BAD_SIGNATURE] = { "bad-signature", N_("Signature does not verify") },
	[INKAN_ERR_MODULE] = { "module", N_("PKCS#11 module failed") },
	[INKAN_ERR_DEVICE_REMOVED] = { "device-removed", N_("Token or card was removed") },
	[INKAN_ERR_TOKEN] = { "token", N_("Token error") },
	[INKAN_ERR_READ_ONLY] = { "read-only", N_("Token is read-only") },
	[INKAN_ERR_IO] = { "io", N_("Input/output error") },
	[INKAN_ERR_CRYPTO] = { "crypto", N_("Cryptographic operation failed") },
	[INKAN_ERR_NOMEM] = { "nomem", N_("Out of memory") },
	[INKAN_ERR_CANCELLED] = { "cancelled", N_("Cancelled") },
	[INKAN_ERR_REJECTED] = { "rejected", N_("Refused") },
	[INKAN_ERR_NO_SERVICE] = { "no-service", N_("Service not running") },
	[INKAN_ERR_WRONG_SLOT] = { "wrong-slot", N_("Not a slot of the card for this") },
};

const char *
inkan_strerror (inkan_err err)
{
	if ((unsigned) err >= INKAN_ERR_LAST)
		return _("Unknown error");
	return _(codes[err].text);
}

const char *
inkan_err_name (inkan_err err)
{
	if ((unsigned) err >= INKAN_ERR_LAST)
		return "unknown";
	return codes[err].name;
}

/* Per thread, so that one context can serve many worker threads. */
static _Thread_local char detail[1024];

const char *
inkan_detail (void)
{
	return detail;
}

void
inkan_detail_clear (void)
{
	detail[0] = '\0';
}

static void
set_detail (const char *fmt, va_list ap)
{
	vsnprintf (detail, sizeof detail, fmt, ap);
}

inkan_err
inkan_fail (inkan_err err, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	set_detail (fmt, ap);
	va_end (ap);
	return err;
}

inkan_err
inkan_fail_ossl (inkan_err err, const char *fmt, ...)
{
	va_list ap;
	unsigned long e;
	const char *data = NULL;
	int eflags = 0;
	size_t used;

	va_start (ap, fmt);
	set_detail (fmt, ap);
	va_end (ap);

	e = ERR_peek_error_data (&data, &eflags);
	used = strlen (detail);
	if (e != 0 && used + 3 < sizeof detail) {
		memcpy (detail + used, ": ", 3);
		ERR_error_string_n (e, detail + used + 2, sizeof detail - used - 2);
		/* OpenSSL's own words for the case ("Verify error:unable to get
		 * local issuer certificate") are worth more than the code. */
		used = strlen (detail);
		if ((eflags & ERR_TXT_STRING) && data != NULL && *data != '\0' && used + 3 < sizeof detail)
			snprintf (detail + used, sizeof detail - used, " (%s)", data);
	}
	ERR_clear_error ();
	return err;
}
