/* inkand: the signing daemon.  Reads its configuration and the PIN, logs
 * in once, and serves until SIGTERM/SIGINT, when it drains and exits 0. */
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <systemd/sd-daemon.h>

#include "inkand/inkand.h"

enum {
	EXIT_NEGATIVE = 1,      /* wrong or locked PIN */
	EXIT_USAGE = 2,         /* bad options or configuration */
	EXIT_ENV = 3,           /* token, files, sockets */
};

/* The PIN passes through this process: no core file may hold it. */
static void
harden (void)
{
	struct rlimit no_core = { 0, 0 };

	(void) setrlimit (RLIMIT_CORE, &no_core);
	(void) prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* file:PATH, env:VAR, or cred:NAME, a systemd credential (LoadCredential=),
 * which is the file $CREDENTIALS_DIRECTORY/NAME. */
static inkan_err
read_pin (const char *source, inkan_secret **out)
{
	char *path = NULL, *source_file = NULL;
	inkan_err err;

	if (strncmp (source, "env:", 4) == 0) {
		char *value = getenv (source + 4);

		err = inkand_from_lib (inkan_secret_read (source, out));
		/* Read once: it need not stay where /proc/PID/environ shows it.
		 * unsetenv only drops the pointer; the bytes stay on the stack
		 * (where /proc reads them) unless wiped. */
		if (err == INKAN_OK) {
			if (value != NULL)
				explicit_bzero (value, strlen (value));
			unsetenv (source + 4);
		}
		return err;
	}
	if (strncmp (source, "cred:", 5) != 0)
		return inkand_from_lib (inkan_secret_read (source, out));
	err = inkand_config_file (source, &source_file);
	if (err == INKAN_OK && asprintf (&path, "file:%s", source_file) < 0)
		err = inkand_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	if (err == INKAN_OK)
		err = inkand_from_lib (inkan_secret_read (path, out));
	free (path);
	free (source_file);
	return err;
}

static int
fail (int code, const char *event, const char *message)
{
	inkand_log (INKAND_ERROR, event, message, "{s:s}", "detail", inkand_detail ());
	return code;
}

static void
usage (FILE *f)
{
	fprintf (f, "%s", _("usage: inkand --config FILE [--check]\n"
	                    "  --config FILE  the configuration (doc/inkand.md)\n"
	                    "  --check        check the configuration, and the keys on the token\n"
	                    "                 (this logs in), and exit\n"));
}

/* evhttp turns a connection's read and write interest off and on around
 * every request: with the changelist, the changes made in one turn of the
 * loop reach epoll as one call instead of one each (inkand dups no
 * descriptor, the case the changelist gets wrong). */
static struct event_base *
loop_base (void)
{
	struct event_config *ec = event_config_new ();
	struct event_base *base = NULL;

	if (ec == NULL)
		return NULL;
	if (event_config_set_flag (ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) == 0)
		base = event_base_new_with_config (ec);
	event_config_free (ec);
	return base;
}

int
main (int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *localedir = secure_getenv ("INKAN_LOCALEDIR");
	const char *config = NULL;
	inkand_config *cfg = NULL;
	inkan_secret *pin = NULL;
	inkan_ctx *ctx = NULL;
	inkan_audit *audit = NULL;
	inkand_verifier *verifier = NULL;
	struct event_base *base = NULL;
	inkand_pool *pool = NULL;
	inkand_server *srv = NULL;
	int c, check = 0, ret = EXIT_ENV;
	inkan_err err;

	harden ();
	setlocale (LC_ALL, "");
	bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
	textdomain (GETTEXT_PACKAGE);
	while ((c = getopt_long (argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'k': check = 1; break;
		case 'h': usage (stdout); return 0;
		default: usage (stderr); return EXIT_USAGE;
		}
	}
	if (config == NULL || optind != argc) {
		usage (stderr);
		return EXIT_USAGE;
	}
	/* A client that goes away mid-answer is no reason to die. */
	signal (SIGPIPE, SIG_IGN);

	if (inkand_config_load (config, &cfg) != INKAN_OK) {
		ret = fail (EXIT_USAGE, "config-invalid", _("the configuration is not valid"));
		goto out;
	}
	/* --check resolves the keys too, on one session: which names are the
	 * same key, and on which token, only the token can say. */
	if (check)
		cfg->workers = 1;
	/* Workers hand replies to the loop thread with event_active(). */
	if (evthread_use_pthreads () != 0 || (base = loop_base ()) == NULL) {
		inkand_fail (INKAN_ERR_NOMEM, "%s", _("cannot set up libevent"));
		ret = fail (EXIT_ENV, "startup-failed", _("inkand cannot start"));
		goto out;
	}
	err = read_pin (cfg->pin, &pin);
	if (err == INKAN_OK)
		err = inkand_from_lib (inkan_ctx_new (&ctx));
	if (err == INKAN_OK && cfg->module != NULL)
		err = inkand_from_lib (inkan_ctx_set_module (ctx, cfg->module));
	if (err == INKAN_OK && cfg->pin_record_dir != NULL)
		err = inkand_from_lib (inkan_ctx_set_pin_record_dir (ctx, cfg->pin_record_dir));
	if (err == INKAN_OK && !check) {
		inkan_audit_options ao = { .max_batch = cfg->audit_max_batch, .max_linger_us = cfg->audit_linger_us };

		err = inkand_from_lib (inkan_audit_open_with (cfg->audit_path, &ao, &audit));
	}
	if (err != INKAN_OK) {
		ret = fail (EXIT_ENV, "startup-failed", _("inkand cannot start"));
		goto out;
	}
	/* before the pool: a validate.conf that does not load is the configuration's fault */
	if (cfg->validate_config != NULL && (err = inkand_verifier_new (cfg, &verifier)) != INKAN_OK) {
		ret = fail (EXIT_USAGE, "config-invalid", _("the configuration is not valid"));
		goto out;
	}
	err = inkand_pool_new (cfg, ctx, pin, audit, base, &pool);
	pin = NULL;
	if (err == INKAN_ERR_PIN_INCORRECT || err == INKAN_ERR_PIN_INVALID) {
		ret = fail (EXIT_NEGATIVE, "pin-refused",
		            _("the token refused the PIN; inkand tried it once and stops (fix the PIN source, then start again)"));
		goto out;
	}
	if (err == INKAN_ERR_PIN_LOCKED || err == INKAN_ERR_PIN_FINAL_TRY) {
		ret = fail (EXIT_NEGATIVE, "pin-not-sent",
		            _("the PIN is locked or on its last try: inkand sent nothing and stops"));
		goto out;
	}
	if (err == INKAN_OK && (err = inkand_keys_check (cfg, pool)) != INKAN_OK) {
		ret = fail (EXIT_USAGE, "config-invalid", _("the configuration is not valid"));
		goto out;
	}
	if (err == INKAN_OK && check) {
		ret = 0;
		goto out;
	}
	if (err == INKAN_OK)
		err = inkand_server_new (base, cfg, pool, verifier, audit, &srv);
	if (err != INKAN_OK) {
		ret = fail (EXIT_ENV, "startup-failed", _("inkand cannot start"));
		goto out;
	}
	inkand_log (INKAND_INFO, "started", _("inkand is serving"), "{s:s, s:i, s:i, s:I}", "token", cfg->token,
	            "workers", (int) cfg->workers, "queue", (int) cfg->queue, "keys", (json_int_t) cfg->n_keys);
	/* Type=notify: listening and logged in.  Without NOTIFY_SOCKET a no-op. */
	(void) sd_notify (0, "READY=1\nSTATUS=serving");
	event_base_dispatch (base);
	inkand_log (INKAND_INFO, "stopped", _("inkand stopped"), NULL);
	ret = 0;
out:
	inkand_server_free (srv);
	inkand_pool_free (pool);
	inkand_verifier_free (verifier);
	inkan_audit_close (audit);
	inkan_secret_free (pin);
	inkan_ctx_free (ctx);
	if (base != NULL)
		event_base_free (base);
	inkand_config_free (cfg);
	return ret;
}
