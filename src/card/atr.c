/* ATR -> card profile: the profiles' patterns, first match wins. */
#include <stddef.h>

#include "src/card/card.h"

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

/* The profile and pattern ATR matches; NULL when none does. */
static const inkan_card_atr *
atr_find (const uint8_t *atr, size_t atr_len, const inkan_card_profile **prof)
{
	size_t i;
	const inkan_card_atr *a;

	for (i = 0; i < inkan_card_profile_count; i++)
		for (a = inkan_card_profiles[i].atrs; a->pattern != NULL; a++)
			if (inkan_atr_match (a->pattern, atr, atr_len) == 1) {
				*prof = &inkan_card_profiles[i];
				return a;
			}
	return NULL;
}

const inkan_card_profile *
inkan_card_profile_for_atr (const uint8_t *atr, size_t atr_len)
{
	const inkan_card_profile *prof = &inkan_card_profiles[inkan_card_profile_count - 1];

	atr_find (atr, atr_len, &prof);
	return prof;
}

const char *
inkan_card_type_guess (const uint8_t *atr, size_t atr_len, const char **description)
{
	const inkan_card_profile *prof = NULL;
	const inkan_card_atr *a = atr_find (atr, atr_len, &prof);

	if (description != NULL)
		*description = a == NULL ? _("unknown card") : _(a->description ? a->description : prof->description);
	return a == NULL ? "unknown" : prof->id;
}
