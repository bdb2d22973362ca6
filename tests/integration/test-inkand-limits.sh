#!/usr/bin/env bash
# inkand's limits on connections: at most max_connections open, the rest
# closed at once and counted; each request given request_timeout to arrive
# whole, however steadily it trickles; slots given back as connections close.
. "$(dirname "$0")/lib.sh"
: "${SRCDIR:?SRCDIR must name the source tree}"
softhsm_token
T=$TESTDIR
SOCK=$T/inkand.sock
ME=unix:$(id -un)
pkcs11_keygen EC:prime256v1 01 ec

# config FILE [JSON]: a UNIX listener and one key, JSON's members replacing these
config () {
	jq -n --arg sock "$SOCK" --arg tok "$TOKEN" --arg t "$T" --arg me "$ME" --arg mod "$SOFTHSM_MODULE" "{
		listen: [{unix: \$sock}], module: \$mod, token: \$tok, pin: \"file:\(\$t)/user.pin\",
		pin_record_dir: \"\(\$t)/pin\", workers: 1, max_body: 8192, audit: {path: \"\(\$t)/audit.db\"},
		keys: {ec: {uri: \"\(\$tok);object=ec\"}}, clients: {(\$me): {keys: {ec: [\"sign\"]}}}
	} + ${2:-{\}}" >"$1"
}

. "$(dirname "$0")/inkand-lib.sh"

config "$T/bad.json" '{max_connections: 0}'
expect 2 "max_connections 0 is refused" -- "$INKAND" --config "$T/bad.json" --check
config "$T/bad.json" '{request_timeout: 0}'
expect 2 "request_timeout 0 is refused" -- "$INKAND" --config "$T/bad.json" --check
config "$T/bad.json" '{max_connections: 60000}'
expect 3 "max_connections near LimitNOFILE stops inkand at start" -- \
	bash -c 'ulimit -n 4096 && exec "$0" --config "$1"' "$INKAND" "$T/bad.json"
contains "saying why" "$ERR" "LimitNOFILE"

config "$T/inkand.json" '{max_connections: 5, request_timeout: 2}'
check "inkand starts with max_connections 5, request_timeout 2" -- start "$T/inkand.json"
OUT=$(timeout 60 /usr/bin/python3 "$SRCDIR/tests/integration/inkand-conns.py" "$SOCK" 5 2)
echo "# $OUT"
j () { jq -c ".$1" <<<"$OUT"; }
check "8 idle connections: the last 3 are closed at once ($(j refused))" -- test "$(j refused)" = '[5,6,7]'
check "one closed, a new one is served" -- test "$(j served_after_close)" = 200
check "/metrics counts the 3 refused" -- test "$(j refused_total)" = 3
check "and 5 open: 4 idle and /metrics' own ($(j open_while_held))" -- test "$(j open_while_held)" = 5
check "idle connections are cut at the deadline ($(j idle_cut_after) s)" -- test "$(j idle_cut)" = true
check "then only /metrics' own is open ($(j open_after_close))" -- test "$(j open_after_close)" = 1
check "the cuts are counted ($(j timeouts_total))" -- test "$(j timeouts_total)" -ge 4
check "a client trickling a byte per 0.5 s is cut after ~2 s ($(j trickle_cut_after) s, $(j trickle_sent) bytes)" -- \
	jq -e '.trickle_cut_after >= 1.5 and .trickle_cut_after < 3.5 and .trickle_sent < 100' <<<"$OUT"
check "a normal client is served meanwhile" -- test "$(j normal_during_trickle)" = 200
check "after they closed, as many connections as the cap are taken again" -- \
	test "$(j again_open)/$(j again_served)" = 4/200
check "a burst of 80: all but 5 refused ($(j burst_refused))" -- test "$(j burst_refused)" = 75
check "and accepting resumes after it" -- test "$(j after_burst)" = 200
contains "the cut is logged" "$(cat "$T/inkand.log")" '"event":"request-timeout"'

# A keep-alive client that sends its requests in time is not cut: the
# deadline starts again with each answer.
STATUS=$(curl -s --unix-socket "$SOCK" -o /dev/null -w '%{http_code} ' http://inkand/healthz \
	--next --unix-socket "$SOCK" -o /dev/null -w '%{http_code}' http://inkand/healthz)
check "two requests on one connection: both answered ($STATUS)" -- test "$STATUS" = "200 200"
check "inkand exits 0 on SIGTERM" -- stop

finish
