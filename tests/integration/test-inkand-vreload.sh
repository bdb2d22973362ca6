#!/usr/bin/env bash
# SIGHUP reloads inkand's validate.conf whole, or not at all: a new anchor
# turns a good leaf invalid and the other PKI's leaf good; a broken file
# keeps the old settings serving and the log says why; requests answered
# while reloads come and go all get a whole answer; the CRLs stay cached;
# `inkand --check` refuses a broken validate.conf.
CRL_OVER_HTTP=1
. "$(dirname "$0")/validate-lib.sh"
: "${INKAND:?INKAND must name the inkand binary}"
softhsm_token
pkcs11_keygen EC:prime256v1 01 ec
. "$(dirname "$0")/inkand-validate-lib.sh"
start_http
cp "$PKI/crl.der" "$T/www/ca.crl"
# Another PKI, as a relay's second federation: its own root, CA and CRL.
PKI2=$T/pki2
OCSP_URL=$OCSP_URL CRL_DP=$CRL_HTTP/ca2.crl "$SRCDIR/tests/pki/validate-pki.sh" "$PKI2" >"$T/pki2.log" 2>&1 ||
	{ cat "$T/pki2.log"; echo "Bail out! cannot make the second PKI"; exit 1; }
cp "$PKI2/crl.der" "$T/www/ca2.crl"

# conf ANCHOR [LINE]: validate.conf trusting ANCHOR, CRLs only
conf () { printf 'anchor = %s\nmethods = crl\ntimeout = 3000\n%s' "$1" "${2:-}" >"$T/validate.conf"; }
conf "$PKI/root.pem"
inkand_config "$T/inkand.json" '{queue: 256, rate_limit: {rate: 100000, burst: 100000}}'

# events NAME: how many lines of the log are that event about validate.conf
events () { grep -c "\"event\":\"$1\".*validate.conf" "$T/inkand.log"; }
# hup EVENT: SIGHUP, then wait until the log has one EVENT more
hup () {
	local before i
	before=$(events "$1")
	kill -HUP "$DPID"
	for i in $(seq 100); do [ "$(events "$1")" -gt "$before" ] && return 0; sleep 0.05; done
	return 1
}
# verdict PKI-DIR: inkand's verdict on that PKI's good.pem, its CA as the chain
verdict () {
	curl -s --max-time 30 --unix-socket "$SOCK" -H 'Content-Type: application/json' --data-binary \
		"$(jq -nc --arg c "$(der64 "$1/good.pem")" --arg ca "$(der64 "$1/ca.pem")" '{cert: $c, chain: [$ca]}')" \
		http://inkand/v1/validate | jq -r .verdict
}

check "inkand starts" -- start_inkand "$T/inkand.json"
is "the first PKI's leaf is good" "$(verdict "$PKI")" good
is "the second PKI's leaf is invalid (not its anchor)" "$(verdict "$PKI2")" invalid

conf "$PKI2/root.pem"
check "SIGHUP with the second PKI's root as the anchor: reloaded" -- hup reloaded
is "the first PKI's leaf is now invalid" "$(verdict "$PKI")" invalid
is "the second PKI's leaf is now good" "$(verdict "$PKI2")" good

F0=$(metric 'inkand_vcache_fetches_total{kind="crl"}')
conf "$PKI/root.pem"
check "SIGHUP back to the first root" -- hup reloaded
is "the first PKI's leaf is good again" "$(verdict "$PKI")" good
is "its CRL was kept across the reloads: not fetched again" "$(metric 'inkand_vcache_fetches_total{kind="crl"}')" "$F0"

# ---- refused: the old settings serve on ----
conf "$PKI2/root.pem" 'methods = ocsp
'
check "SIGHUP with a key given twice: refused" -- hup reload-failed
contains "the log names the file, the line and the reason" "$(grep '"event":"reload-failed"' "$T/inkand.log" | tail -n1)" \
	"$T/validate.conf:4: \\\"methods\\\" was already set on line 2"
is "the old anchor still serves" "$(verdict "$PKI")" good
conf "$T/nowhere.pem"
check "SIGHUP with an anchor that cannot be read: refused" -- hup reload-failed
contains "the log names the anchor" "$(grep '"event":"reload-failed"' "$T/inkand.log" | tail -n1)" "nowhere.pem"
is "and the old anchor still serves" "$(verdict "$PKI")" good
is "the second PKI's leaf is still invalid" "$(verdict "$PKI2")" invalid

# ---- reloads under load: every request gets a whole answer ----
for p in "$PKI" "$PKI2"; do
	jq -nc --arg c "$(der64 "$p/good.pem")" --arg ca "$(der64 "$p/ca.pem")" '{cert: $c, chain: [$ca]}' \
		>"$T/req.$(basename "$p")"
done
urls=()
for i in $(seq 150); do urls+=(http://inkand/v1/validate); done
load=()
for i in 1 2 3 4; do
	f=$T/req.pki; [ $((i % 2)) = 0 ] && f=$T/req.pki2
	curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' --data-binary "@$f" \
		-w ' %{http_code}\n' "${urls[@]}" >"$T/load.$i" &
	load+=($!)
done
# reloads, alternating the anchors, for as long as the requests last
reloads=0
while kill -0 "${load[@]}" 2>/dev/null; do
	if [ $((reloads % 2)) = 0 ]; then conf "$PKI2/root.pem"; else conf "$PKI/root.pem"; fi
	hup reloaded || break
	reloads=$((reloads + 1))
done
wait "${load[@]}"
check "reloads while 600 requests were served ($reloads)" -- test "$reloads" -ge 2
is "600 answers, each a whole report (200, good or invalid)" \
	"$(cat "$T"/load.* | grep -cE '^\{.*"verdict":"(good|invalid)".*\} 200$')" 600
check "the first PKI's leaf was judged under both anchors" -- \
	test "$(grep -c '"verdict":"good"' "$T/load.1")" -gt 0 -a "$(grep -c '"verdict":"invalid"' "$T/load.1")" -gt 0
check "no CRL fetch failed" -- test "$(metric 'inkand_vcache_failures_total{kind="crl"}')" = 0

check "inkand exits 0 on SIGTERM" -- stop_inkand

# ---- --check ----
conf "$PKI/root.pem" 'scvp-url = 
'
expect 2 "inkand --check refuses a broken validate.conf" -- "$INKAND" --config "$T/inkand.json" --check
contains "naming the file and the line" "$ERR" "validate.conf:4: \\\"scvp-url\\\" has no value"
conf "$PKI/root.pem"
expect 0 "and accepts it fixed" -- "$INKAND" --config "$T/inkand.json" --check
finish
