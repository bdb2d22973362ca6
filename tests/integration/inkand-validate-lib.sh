# Shared by the tests of inkand as a verification service: the daemon on
# a UNIX socket in $TESTDIR with $TESTDIR/validate.conf, started, asked and
# stopped.  Source after validate-lib.sh, with a SoftHSM2 token holding the
# EC key "ec".
T=$TESTDIR
SOCK=$T/inkand.sock
ME=unix:$(id -un)
# inkand_config FILE [JQ]: the daemon's configuration, JQ's members replacing its own
inkand_config () {
	jq -n --arg sock "$SOCK" --arg mod "$SOFTHSM_MODULE" --arg tok "$TOKEN" --arg t "$T" --arg me "$ME" "{
		listen: [{unix: \$sock}], module: \$mod, token: \$tok, pin: \"file:\(\$t)/user.pin\",
		workers: 2, queue: 64, audit: {path: \"\(\$t)/audit.db\"},
		validate: {config: \"\(\$t)/validate.conf\"},
		keys: {ec: {uri: \"\(\$tok);object=ec\"}},
		clients: {(\$me): {operations: [\"validate\", \"register-verify\", \"token-verify\", \"evidence-verify\"]}}
	} + ${2:-{\}}" >"$1"
}
DPID=
start_inkand () { # CONFIG
	"$INKAND" --config "$1" 2>>"$T/inkand.log" &
	DPID=$!
	local i
	for i in $(seq 100); do
		curl -s --unix-socket "$SOCK" -o /dev/null http://inkand/healthz && return 0
		kill -0 "$DPID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
# stop_inkand: SIGTERM, and its exit status (a sanitizer's report makes it fail), its log shown when not 0
stop_inkand () {
	local rc
	kill -TERM "$DPID"
	wait "$DPID"
	rc=$?
	DPID=
	[ "$rc" = 0 ] || tail -20 "$T/inkand.log"
	return "$rc"
}
cleanup_hooks+=('[ -z "$DPID" ] || kill -9 $DPID 2>/dev/null')

# post PATH JSON: $STATUS and $BODY
post () {
	STATUS=$(curl -s --max-time 30 --unix-socket "$SOCK" -o "$T/body" -w '%{http_code}' \
		-H 'Content-Type: application/json' --data-binary "$2" "http://inkand$1")
	BODY=$(cat "$T/body")
}
der64 () { openssl x509 -in "$1" -outform DER | base64 -w0; }
# vreq CERT [JQ]: a /v1/validate body for CERT with the CA as its chain
vreq () { jq -nc --arg c "$(der64 "$1")" --arg ca "$(der64 "$PKI/ca.pem")" "{cert: \$c, chain: [\$ca]} + ${2:-{\}}"; }
# is DESCRIPTION GOT WANT
is () { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: $2, not $3"; fi; }
# metric NAME: its value in /metrics
metric () { curl -s --unix-socket "$SOCK" http://inkand/metrics | awk -v m="$1" '$1 == m { print $2 }'; }
