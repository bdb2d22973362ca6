/* inkan-viewer — a card profile's PIN rules, checked as the user types
 * (no card is asked: the rules are the profile's data). */
#pragma once

#include <glib.h>
#include <inkan/inkan.h>

/* NULL when TEXT meets PIN's rules, else what is wrong (g_free it). */
char *viewer_pin_rule_problem (const inkan_card_pin_info *pin, const char *text);
