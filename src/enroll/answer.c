/* PKIStatus and PKIFailureInfo (RFC 4210 section 5.2.3) by name, and the
 * CA's answer as inkan_enroll_last_answer gives it. */
#include <stdio.h>
#include <string.h>

#include "src/enroll/enroll-int.h"

static const char *const status_names[] = {
	"accepted", "grantedWithMods", "rejection", "waiting",
	"revocationWarning", "revocationNotification", "keyUpdateWarning",
};

/* Indexed by bit, as OSSL_CMP_PKIFAILUREINFO_* number them. */
static const char *const fail_names[] = {
	"badAlg", "badMessageCheck", "badRequest", "badTime", "badCertId", "badDataFormat",
	"wrongAuthority", "incorrectData", "missingTimeStamp", "badPOP", "certRevoked",
	"certConfirmed", "wrongIntegrity", "badRecipientNonce", "timeNotAvailable",
	"unacceptedPolicy", "unacceptedExtension", "addInfoNotAvailable", "badSenderNonce",
	"badCertTemplate", "signerNotTrusted", "transactionIdInUse", "unsupportedVersion",
	"notAuthorized", "systemUnavail", "systemFailure", "duplicateCertReq",
};

_Static_assert (sizeof fail_names / sizeof fail_names[0] == OSSL_CMP_PKIFAILUREINFO_MAX + 1,
                "a name for every PKIFailureInfo bit");

const char *
inkan_enroll_fail_info_name (unsigned bit)
{
	return bit < sizeof fail_names / sizeof fail_names[0] ? fail_names[bit] : NULL;
}

const char *
enroll_status_name (int status)
{
	if (status < 0 || (size_t) status >= sizeof status_names / sizeof status_names[0])
		return "none";
	return status_names[status];
}

void
enroll_answer_reset (enroll_answer *a)
{
	a->text[0] = '\0';
	a->pub.status = -1;
	a->pub.status_name = enroll_status_name (-1);
	a->pub.fail_info = 0;
	a->pub.text = NULL;
}

/* The length of the well-formed UTF-8 character at S (N bytes left), or 0. */
static size_t
utf8_char (const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and past U+10FFFF are not text. */
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* Append N bytes of S to A's text, made printable; 0 once it is full. */
static int
append (enroll_answer *a, size_t *used, const unsigned char *s, size_t n)
{
	size_t i = 0, len;

	while (i < n) {
		len = utf8_char (s + i, n - i);
		if (*used + (len ? len : 1) >= sizeof a->text)
			return 0;
		if (len == 0 || (len == 1 && (s[i] < 0x20 || s[i] == 0x7f))) {
			a->text[(*used)++] = '?';
			i += len ? len : 1;
		} else {
			memcpy (a->text + *used, s + i, len);
			*used += len;
			i += len;
		}
	}
	return 1;
}

void
enroll_answer_set (enroll_answer *a, int status, int fail_info, const OSSL_CMP_PKIFREETEXT *texts)
{
	size_t used = 0;
	int i;

	enroll_answer_reset (a);
	if (status >= 0) {
		a->pub.status = status;
		a->pub.status_name = enroll_status_name (status);
	}
	if (fail_info > 0)
		a->pub.fail_info = (uint32_t) fail_info & OSSL_CMP_PKIFAILUREINFO_MAX_BIT_PATTERN;
	for (i = 0; i < sk_ASN1_UTF8STRING_num (texts); i++) {
		const ASN1_UTF8STRING *s = sk_ASN1_UTF8STRING_value (texts, i);

		if ((used > 0 && !append (a, &used, (const unsigned char *) "; ", 2)) ||
		    !append (a, &used, ASN1_STRING_get0_data (s), (size_t) ASN1_STRING_length (s)))
			break;
	}
	a->text[used] = '\0';
	if (used > 0)
		a->pub.text = a->text;
}

void
enroll_answer_describe (const inkan_enroll_answer *a, char *buf, size_t size)
{
	size_t used;
	unsigned bit;
	const char *sep = " (";

	snprintf (buf, size, "%s", a->status_name);
	for (bit = 0; bit <= OSSL_CMP_PKIFAILUREINFO_MAX; bit++) {
		if (!(a->fail_info & (1u << bit)))
			continue;
		used = strlen (buf);
		snprintf (buf + used, size - used, "%s%s", sep, inkan_enroll_fail_info_name (bit));
		sep = ", ";
	}
	used = strlen (buf);
	if (a->fail_info != 0)
		snprintf (buf + used, size - used, ")");
	used = strlen (buf);
	if (a->text != NULL)
		snprintf (buf + used, size - used, ": %s", a->text);
}
