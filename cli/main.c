/* inkan: the command line over libinkan.  Global options, then a verb. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "cli/tool.h"

static const tool_verb verbs[] = {
	{ "tokens", verb_tokens, N_("list slots and tokens") },
	{ "objects", verb_objects, N_("list the objects on a token") },
	{ "token init", verb_token_init, N_("initialise a token (erases it)") },
	{ "keygen", verb_keygen, N_("generate a key pair on a token") },
	{ "pubkey", verb_pubkey, N_("export a public key as PEM") },
	{ "sign", verb_sign, N_("sign data with a token key") },
	{ "verify", verb_verify, N_("verify a signature") },
	{ "csr", verb_csr, N_("make a certificate request signed by a token key") },
	{ "cert import", verb_cert_import, N_("store a certificate on a token") },
	{ "cert export", verb_cert_export, N_("read a certificate from a token") },
	{ "cert vid", verb_cert_vid, N_("check a resident number against an NPKI certificate's VID") },
	{ "cert show", verb_cert_show, N_("show what a certificate says: holder, validity, policies, fingerprints") },
	{ "delete", verb_delete, N_("delete an object from a token") },
	{ "cms sign", verb_cms_sign, N_("make CMS SignedData on a token key") },
	{ "cms verify", verb_cms_verify, N_("check CMS SignedData and its signer") },
	{ "register sign", verb_register_sign, N_("sign a registration record for a document") },
	{ "register verify", verb_register_verify, N_("check a registration record (and its document)") },
	{ "evidence issue", verb_evidence_issue, N_("make an original or distribution certificate") },
	{ "evidence verify", verb_evidence_verify, N_("check a document against its original and distribution certificates") },
	{ "token issue", verb_token_issue, N_("issue a view-auth token for a document") },
	{ "token verify", verb_token_verify, N_("check a view-auth token") },
	{ "pin status", verb_pin_status, N_("PIN tries left per token, and whence") },
	{ "pin change", verb_pin_change, N_("change a PIN") },
	{ "pin unblock", verb_pin_unblock, N_("set a new user PIN with the SO PIN (PUK)") },
	{ "pin set", verb_pin_set, N_("give a card the holder's own PINs, with the SO PIN (issuance)") },
	{ "readers", verb_readers, N_("list smart card readers and cards, or watch them") },
	{ "cmp ir", verb_cmp_ir, N_("enrol a token key with a CA over CMP (initial request)") },
	{ "cmp cr", verb_cmp_cr, N_("enrol a token key with a CA over CMP (certification request)") },
	{ "cmp p10cr", verb_cmp_p10cr, N_("have a CA certify a PKCS#10 request over CMP") },
	{ "cmp kur", verb_cmp_kur, N_("renew a certificate over CMP (key update)") },
	{ "cmp rr", verb_cmp_rr, N_("revoke a certificate over CMP") },
	{ "ca check", verb_ca_check, N_("check a CA certificate against its published fingerprint") },
	{ "validate", verb_validate, N_("check a certificate's path and revocation status") },
	{ "audit verify", verb_audit_verify, N_("check an audit log: chain, sequence, checkpoints; say where it was touched") },
	{ "audit show", verb_audit_show, N_("list the records of an audit log") },
	{ "audit checkpoint", verb_audit_checkpoint, N_("sign the head of an audit log with a token key") },
};

static void
usage (FILE *f)
{
	size_t i;

	fprintf (f, "%s", _("usage: inkan [--module PATH] [--json] [-v] [--pin-record-dir DIR] [--pin-max-tries N] VERB [ARGS...]\n\nverbs:\n"));
	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		fprintf (f, "  %-16s  %s\n", verbs[i].name, _(verbs[i].summary));
	fprintf (f, "%s", _("\nA PIN is read from --pin env:VAR|file:PATH|fd:N|stdin, or asked on the terminal.\n"));
	fprintf (f, "%s", _("\"inkan VERB --help\" or \"inkan help VERB\" shows a verb's options.\n"));
}

/* "cert import" takes two words of argv; "sign" one. Returns words used. */
static int
verb_matches (const char *name, int argc, char **argv)
{
	const char *space = strchr (name, ' ');

	if (space == NULL)
		return strcmp (name, argv[0]) == 0 ? 1 : 0;
	if (argc < 2 || strncmp (name, argv[0], (size_t) (space - name)) != 0 ||
	    argv[0][space - name] != '\0')
		return 0;
	return strcmp (space + 1, argv[1]) == 0 ? 2 : 0;
}

/* PINs pass through this process: no core file may hold them. */
static void
harden (void)
{
	struct rlimit no_core = { 0, 0 };

	(void) setrlimit (RLIMIT_CORE, &no_core);
	(void) prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int
main (int argc, char **argv)
{
	static const struct option opts[] = {
		{ "module", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "pin-record-dir", required_argument, NULL, 'R' },
		{ "pin-max-tries", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	tool t = { .prog = "inkan" };
	const char *module = getenv ("INKAN_MODULE");
	const char *record_dir = getenv ("INKAN_PIN_RECORD_DIR"), *max_tries = NULL;
	const char *localedir = secure_getenv ("INKAN_LOCALEDIR");
	inkan_err err;
	size_t i;
	int c, asked_help = 0, ret = TOOL_EXIT_USAGE;

	harden ();
	setlocale (LC_ALL, "");
	/* INKAN_LOCALEDIR names catalogs that are not installed yet (the build
	 * tree's po/ directory), so the tests see what users will see. */
	bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
	textdomain (GETTEXT_PACKAGE);

	/* '+': stop at the verb, whose options are its own. */
	while ((c = getopt_long (argc, argv, "+m:jvhV", opts, NULL)) != -1) {
		switch (c) {
		case 'm': module = optarg; break;
		case 'j': t.json = 1; break;
		case 'v': t.verbose++; break;
		case 'h': usage (stdout); return TOOL_EXIT_OK;
		case 'V': printf ("inkan %s\n", INKAN_VERSION); return TOOL_EXIT_OK;
		case 'R': record_dir = optarg; break;
		case 'T': max_tries = optarg; break;
		default: usage (stderr); return TOOL_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage (stderr);
		return TOOL_EXIT_USAGE;
	}

	err = inkan_ctx_new (&t.ctx);
	if (err == INKAN_OK && module != NULL && *module != '\0')
		err = inkan_ctx_set_module (t.ctx, module);
	if (err == INKAN_OK && record_dir != NULL && *record_dir != '\0')
		err = inkan_ctx_set_pin_record_dir (t.ctx, record_dir);
	if (err == INKAN_OK && max_tries != NULL)
		err = inkan_ctx_set_pin_max_tries (t.ctx, atoi (max_tries));
	if (err != INKAN_OK) {
		ret = tool_fail (&t, err);
		goto out;
	}

	/* "help VERB" is "VERB --help"; "help" alone, the list of verbs. */
	if (strcmp (argv[0], "help") == 0) {
		if (argc == 1) {
			usage (stdout);
			ret = TOOL_EXIT_OK;
			goto out;
		}
		argc--;
		argv++;
		asked_help = 1;
	}
	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		int used = verb_matches (verbs[i].name, argc, argv);
		char *help_argv[] = { NULL, (char *) "--help", NULL };

		if (used == 0)
			continue;
		/* The verb sees itself as argv[0], as getopt expects; optind 0
		 * makes glibc's getopt start afresh. */
		argc -= used - 1;
		argv += used - 1;
		if (asked_help) {
			help_argv[0] = argv[0];
			argc = 2;
			argv = help_argv;
		}
		t.verb = verbs[i].name;
		optind = 0;
		ret = verbs[i].run (&t, argc, argv);
		goto out;
	}
	fprintf (stderr, _("inkan: unknown verb \"%s\"\n"), argv[0]);
	usage (stderr);
out:
	inkan_ctx_free (t.ctx);
	return ret;
}
