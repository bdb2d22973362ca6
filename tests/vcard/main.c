/* inkan-vcard: init a card state file, or run the card on vpcd. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <inkan/secret.h>
#include "vcard.h"

static void __attribute__((noreturn))
usage (void)
{
	fprintf (stderr,
	         "usage: inkan-vcard init --profile jpki|openpgp --state FILE\n"
	         "         [--sign-key PEM --sign-cert PEM --auth-key PEM --auth-cert PEM --ca-cert PEM]...\n"
	         "         [--pin SRC] [--admin-pin SRC] [--auth-pin SRC] [--ec]\n"
	         "       inkan-vcard run --state FILE [--port N] [--hostile MODE [--hostile-ins HEX]]\n"
	         "         [--pull-on HEX] [--count-delay MS] [--hold-on HEX --hold MS]\n"
	         "         MODE: truncate short garbage bad-length sw-swap; --hostile-ins: only in answers\n"
	         "         to that instruction; --pull-on: removed when that instruction comes;\n"
	         "         --count-delay: the answer to VERIFY without a PIN (the count) held MS ms;\n"
	         "         --hold-on INS or INS P1 P2 (\"DA7F21\": PUT DATA of the certificate):\n"
	         "         that command held MS ms before the card carries it out\n");
	exit (2);
}

static char *
read_pin (const char *src)
{
	inkan_secret *s = NULL;
	char *pin;

	if (inkan_secret_read (src, &s) != INKAN_OK) {
		fprintf (stderr, "inkan-vcard: cannot read a PIN from %s\n", src);
		exit (2);
	}
	pin = strndup (inkan_secret_data (s), inkan_secret_len (s));
	inkan_secret_free (s);
	if (!pin)
		abort ();
	return pin;
}

static void
free_pin (char *pin)
{
	if (pin) {
		memset (pin, 0, strlen (pin));
		free (pin);
	}
}

static int
cmd_init (int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "state", required_argument, NULL, 's' },
		{ "sign-key", required_argument, NULL, 'k' },
		{ "sign-cert", required_argument, NULL, 'c' },
		{ "auth-key", required_argument, NULL, 'K' },
		{ "auth-cert", required_argument, NULL, 'C' },
		{ "ca-cert", required_argument, NULL, 'a' },
		{ "pin", required_argument, NULL, 'P' },
		{ "admin-pin", required_argument, NULL, 'A' },
		{ "auth-pin", required_argument, NULL, 'u' },
		{ "ec", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct vc_init_args args = { 0 };
	const char *profile = NULL, *path = NULL;
	const vc_profile *p;
	vc_state *st;
	int c, rc = 1;

	while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': profile = optarg; break;
		case 's': path = optarg; break;
		case 'k': args.sign_key = optarg; break;
		case 'c': args.sign_cert = optarg; break;
		case 'K': args.auth_key = optarg; break;
		case 'C': args.auth_cert = optarg; break;
		case 'a':
			if (args.n_ca == 4)
				usage ();
			args.ca_certs[args.n_ca++] = optarg;
			break;
		case 'P': free_pin (args.pin); args.pin = read_pin (optarg); break;
		case 'A': free_pin (args.admin_pin); args.admin_pin = read_pin (optarg); break;
		case 'u': free_pin (args.auth_pin); args.auth_pin = read_pin (optarg); break;
		case 'e': args.ec = true; break;
		default: usage ();
		}
	}
	if (!profile || !path || optind != argc || !(p = vc_profile_find (profile)))
		usage ();
	if ((!args.sign_key) != (!args.sign_cert) || (!args.auth_key) != (!args.auth_cert)) {
		fprintf (stderr, "inkan-vcard: a key needs its certificate and the other way round\n");
		usage ();
	}
	st = vc_state_new (path);
	vc_state_set_str (st, "profile", p->name);
	if (p->init (st, &args) && vc_state_save (st))
		rc = 0;
	else
		fprintf (stderr, "inkan-vcard: cannot initialise %s\n", path);
	vc_state_free (st);
	free_pin (args.pin);
	free_pin (args.admin_pin);
	free_pin (args.auth_pin);
	return rc;
}

static vc_hostile
parse_hostile (const char *s)
{
	static const char *const names[] = {
		[VC_HOSTILE_TRUNCATE] = "truncate",
		[VC_HOSTILE_SHORT] = "short",
		[VC_HOSTILE_GARBAGE] = "garbage",
		[VC_HOSTILE_BAD_LENGTH] = "bad-length",
		[VC_HOSTILE_SW_SWAP] = "sw-swap",
	};
	for (size_t i = 1; i < sizeof names / sizeof names[0]; i++)
		if (strcmp (s, names[i]) == 0)
			return (vc_hostile) i;
	usage ();
	return VC_HOSTILE_NONE;
}

/* An instruction byte, in hex ("2A"). */
static int
parse_ins (const char *s)
{
	char *end;
	long v = strtol (s, &end, 16);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 0xFF)
		usage ();
	return (int) v;
}

/* INS ("DA") or INS P1 P2 ("DA7F21"), in hex. */
static void
parse_hold (const char *s, int *ins, int *p1p2)
{
	char ins_hex[3] = { 0 };
	size_t len = strlen (s);

	if ((len != 2 && len != 6) || strspn (s, "0123456789abcdefABCDEF") != len)
		usage ();
	memcpy (ins_hex, s, 2);
	*ins = parse_ins (ins_hex);
	*p1p2 = -1;
	if (len == 6)
		*p1p2 = (int) strtol (s + 2, NULL, 16);
}

/* A delay in milliseconds, at most 10 s: pcscd would give up on the card. */
static int
parse_ms (const char *s)
{
	char *end;
	long v = strtol (s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 10000)
		usage ();
	return (int) v;
}

static int
cmd_run (int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "hostile", required_argument, NULL, 'h' },
		{ "hostile-ins", required_argument, NULL, 'i' },
		{ "pull-on", required_argument, NULL, 'u' },
		{ "count-delay", required_argument, NULL, 'd' },
		{ "hold-on", required_argument, NULL, 'o' },
		{ "hold", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	int hostile_ins = -1, pull_ins = -1, count_delay = 0, hold_ins = -1, hold_p1p2 = -1, hold_ms = 0;
	const char *path = NULL, *profile;
	vc_hostile hostile = VC_HOSTILE_NONE;
	int port = 35963, c, rc;
	const vc_profile *p;
	vc_state *st;
	vc_card *card;

	while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': path = optarg; break;
		case 'p': port = atoi (optarg); break;
		case 'h': hostile = parse_hostile (optarg); break;
		case 'i': hostile_ins = parse_ins (optarg); break;
		case 'u': pull_ins = parse_ins (optarg); break;
		case 'd': count_delay = parse_ms (optarg); break;
		case 'o': parse_hold (optarg, &hold_ins, &hold_p1p2); break;
		case 'H': hold_ms = parse_ms (optarg); break;
		default: usage ();
		}
	}
	if (!path || optind != argc || port <= 0 || port > 65535 || (hold_ins >= 0) != (hold_ms > 0))
		usage ();
	st = vc_state_new (path);
	if (!vc_state_load (st) || !(profile = vc_state_str (st, "profile"))
	    || !(p = vc_profile_find (profile))) {
		fprintf (stderr, "inkan-vcard: %s is not a card state file\n", path);
		vc_state_free (st);
		return 1;
	}
	card = vc_card_new (p, st, hostile);
	card->hostile_ins = hostile_ins;
	card->pull_ins = pull_ins;
	card->count_delay_ms = count_delay;
	card->hold_ins = hold_ins;
	card->hold_p1p2 = hold_p1p2;
	card->hold_ms = hold_ms;
	rc = vc_vpcd_run (card, "127.0.0.1", port);
	vc_card_free (card);
	vc_state_free (st);
	return rc;
}

int
main (int argc, char **argv)
{
	if (argc < 2)
		usage ();
	if (strcmp (argv[1], "init") == 0)
		return cmd_init (argc - 1, argv + 1);
	if (strcmp (argv[1], "run") == 0)
		return cmd_run (argc - 1, argv + 1);
	usage ();
	return 2;
}
