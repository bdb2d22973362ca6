/* inkan-viewer — the PIN rules of <inkan/card.h>, as the user types. */
#include <glib/gi18n.h>

#include "viewer-pin-rules.h"

char *
viewer_pin_rule_problem (const inkan_card_pin_info *pin, const char *text)
{
	int len = (int) strlen (text);
	const char *p;

	if (pin->min_len > 0 && len < pin->min_len)
		return g_strdup_printf (ngettext ("at least %d character", "at least %d characters", pin->min_len),
		                        pin->min_len);
	if (pin->max_len > 0 && len > pin->max_len)
		return g_strdup_printf (ngettext ("at most %d character", "at most %d characters", pin->max_len),
		                        pin->max_len);
	for (p = text; pin->charset != NULL && *p != '\0'; p++) {
		char c = pin->upcase ? g_ascii_toupper (*p) : *p;
		if (strchr (pin->charset, c) == NULL)
			return g_strdup_printf (_("“%c” is not allowed"), g_ascii_isprint (*p) ? *p : '?');
	}
	return NULL;
}
