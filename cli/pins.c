/* The PIN options every verb that sends a PIN takes: --pin, --so-pin,
 * --allow-final-try. */
#include "cli/tool.h"

int
tool_pins_option (tool *t, tool_pins *p, int c, const char *arg)
{
	switch (c) {
	case 'p':
		p->pin = arg;
		return 1;
	case 'S':
		p->so_pin = arg;
		return 1;
	case 'A':
		t->consent |= INKAN_LOGIN_ALLOW_FINAL_TRY;
		return 1;
	default:
		return 0;
	}
}

inkan_err
tool_open_token_as (tool *t, const char *uri, const tool_pins *p, inkan_token **out)
{
	if (p->so_pin != NULL)
		return tool_open_token (t, uri, p->so_pin, TOOL_LOGIN_SO, out);
	return tool_open_token (t, uri, p->pin, 0, out);
}
