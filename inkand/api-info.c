/* The endpoints that sign nothing: the client's keys, health, readiness,
 * metrics.  Answered on the loop thread from what it already knows. */
#include <stdlib.h>

#include "inkand/inkand.h"

void
inkand_api_keys (inkand_call *call)
{
	inkand_server *srv = call->srv;
	static const inkand_op ops[] = { INKAND_OP_SIGN, INKAND_OP_CMS_SIGN, INKAND_OP_TOKEN_ISSUE, INKAND_OP_VERIFY };
	json_t *list = json_array ();
	inkan_key_type type;
	size_t i, o;

	for (i = 0; list != NULL && i < srv->cfg->n_keys; i++) {
		unsigned allowed = inkand_authz_ops (srv->cfg->authz, call->client, i);
		const char *uri = inkand_pool_key_info (srv->pool, i, &type);
		json_t *names = json_array ();

		if (allowed == 0 || names == NULL) {
			json_decref (names);
			continue;
		}
		for (o = 0; o < sizeof ops / sizeof ops[0]; o++)
			if (allowed & ops[o])
				json_array_append_new (names, json_string (inkand_op_name (ops[o])));
		json_array_append_new (list, json_pack ("{s:s, s:s, s:s, s:o, s:b}", "name", srv->cfg->keys[i].name,
		                                        "uri", uri, "type", type == INKAN_KEY_EC ? "ec" : "rsa",
		                                        "operations", names, "certificate",
		                                        inkand_pool_cert (srv->pool, i) != NULL));
	}
	inkand_reply_json (call, 200, json_pack ("{s:o}", "keys", list));
}

void
inkand_api_healthz (inkand_call *call)
{
	const char *why = inkan_audit_failure (call->srv->audit);

	if (why != NULL)
		inkand_reply_json (call, 503, json_pack ("{s:s, s:s}", "status", "failing", "audit", why));
	else
		inkand_reply_json (call, 200, json_pack ("{s:s}", "status", "ok"));
}

void
inkand_api_readyz (inkand_call *call)
{
	/* Not only a log that has failed: one that would fail the next
	 * append (a full disk) makes inkand not ready before any request
	 * finds out. */
	const char *audit = inkan_audit_probe (call->srv->audit) != INKAN_OK ? inkan_detail () : NULL;
	inkand_pool_stats st;
	int ready;

	inkand_pool_stats_get (call->srv->pool, &st);
	ready = audit == NULL && st.sessions > 0 && !st.pin_failed && !call->srv->draining;
	inkand_reply_json (call, ready ? 200 : 503,
	                   json_pack ("{s:b, s:i, s:i, s:b, s:s?, s:b}", "ready", ready, "sessions", (int) st.sessions,
	                              "workers", (int) st.workers, "pin_failed", st.pin_failed, "audit", audit,
	                              "draining", call->srv->draining));
}

void
inkand_api_metrics (inkand_call *call)
{
	inkand_pool_stats st;
	inkand_conns_stats cs;
	inkan_vcache_stats vs;
	char *text;

	inkand_pool_stats_get (call->srv->pool, &st);
	inkand_conns_stats_get (call->srv->conns, &cs);
	if (call->srv->verifier != NULL)
		inkand_verifier_stats (call->srv->verifier, &vs);
	text = inkand_metrics_render (call->srv->metrics, &st, &cs, call->srv->verifier != NULL ? &vs : NULL);
	if (text == NULL) {
		inkand_reply_error (call, 500, 0, "nomem", _("out of memory"));
		return;
	}
	inkand_reply_text (call, 200, "text/plain; version=0.0.4", text);
	free (text);
}
