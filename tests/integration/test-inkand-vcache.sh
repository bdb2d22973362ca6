#!/usr/bin/env bash
# inkand's verification cache: a CRL of a million entries fetched and
# indexed once for 10,000 requests; a CRL refreshed ahead of its
# nextUpdate under concurrent requests, once, none of them failing, and a
# refresh that fails leaving the CRL held in place; SCVP answers kept
# until their nextUpdate; intermediates fetched by AIA kept.  The servers'
# own logs count what was asked of them.
CRL_OVER_HTTP=1
. "$(dirname "$0")/validate-lib.sh"
: "${INKAND:?INKAND must name the inkand binary}"
: "${VALIDATE_OPENSSL:?VALIDATE_OPENSSL must name bench/validate-openssl}"
softhsm_token
pkcs11_keygen EC:prime256v1 01 ec
. "$(dirname "$0")/inkand-validate-lib.sh"
start_http
start_scvp scvp

cat >"$T/validate.conf" <<CONF
anchor = $PKI/root.pem
methods = crl
methods.gpki = crl,scvp
scvp-url = $SCVP_URL
scvp-cert = $PKI/scvp.pem
timeout = 20000
deadline = 30000
CONF
# gets PATH: the GETs of PATH the HTTP server has answered so far
gets () { grep -c "\"GET $1 " "$T/http.log"; }
# since BEFORE PATH: the GETs of PATH since BEFORE were counted
since () { echo $(($(gets "$2") - $1)); }
# A sanitized inkand answers some ten times slower: a tenth of the CRL and of the requests then.
if [ "${INKAN_SANITIZE:-none}" = none ]; then ENTRIES=1000000 REQUESTS=10000; else ENTRIES=100000 REQUESTS=1000; fi
# many N FILE OUT: N requests of FILE's body on one keep-alive connection, the answers into OUT
for n in 5 $((REQUESTS / 4)); do
	for i in $(seq "$n"); do echo 'url = "http://inkand/v1/validate"'; done >"$T/urls.$n"
done
many () { curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' --data-binary "@$2" -K "$T/urls.$1" >"$3"; }
goods () { grep -o '"verdict":"good"' "$@" | wc -l; }
vreq "$PKI/good.pem" '{methods: ["crl"]}' >"$T/good.json"

# ---- a CRL of a million entries, fetched and indexed once for 10,000 requests ----
t0=$(date +%s)
"$VALIDATE_OPENSSL" make-crl "$PKI/ca.pem" "$PKI/ca.key" "$ENTRIES" "$T/www/ca.crl" "$PKI/revoked.pem"
echo "# a CRL of $((ENTRIES + 1)) entries ($(stat -c %s "$T/www/ca.crl") bytes) made in $(($(date +%s) - t0)) s"
# no rate limit: the load is the test's own
inkand_config "$T/inkand.json" '{rate_limit: {rate: 1000000, burst: 1000000}}'
check "inkand starts" -- start_inkand "$T/inkand.json"
t0=$(date +%s)
clients=()
for c in 1 2 3 4; do
	many $((REQUESTS / 4)) "$T/good.json" "$T/many.$c" &
	clients+=($!)
done
wait "${clients[@]}"
echo "# $REQUESTS requests on 4 connections in $(($(date +%s) - t0)) s"
is "$REQUESTS requests, all good" "$(goods "$T"/many.*)" "$REQUESTS"
is "the CRL was fetched once" "$(metric 'inkand_vcache_fetches_total{kind="crl"}') $(gets /ca.crl)" "1 1"
is "and indexed once: one miss, every other request a hit (some waited for that fetch)" \
	"$(metric 'inkand_vcache_misses_total{kind="crl"}') $(metric 'inkand_vcache_hits_total{kind="crl"}')" "1 $((REQUESTS - 1))"
is "its $((ENTRIES + 1)) serials held" "$(metric inkand_vcache_crl_serials)" $((ENTRIES + 1))
post /v1/validate "$(vreq "$PKI/revoked.pem" '{methods: ["crl"]}')"
is "the revoked leaf is among them" "$(jq -c '[.verdict, .methods[0].cached]' <<<"$BODY")" '["revoked",true]'
check "inkand stops cleanly" -- stop_inkand

# ---- a refresh ahead of nextUpdate: failing, then once, under concurrent requests ----
# A CRL for 30 s, refreshed in the last half of its life: from 15 s on.
# Its file is gone then (the refresh fails, the CRL held serves on); ten
# seconds later the next try finds the CA's next CRL, current for two days.
T0=$(date +%s)
openssl_crl () { # NAME NEXT-UPDATE: $PKI/NAME.der, made at T0
	(cd "$PKI" && PKI=$PKI OCSP_URL=$OCSP_URL CRL_DP=$CRL_DP ROOT_CRL_URL=$CRL_HTTP/root.crl \
		DELTA_URL=$CRL_HTTP/delta.crl CA_ISSUERS_URL=$CRL_HTTP/ca.der openssl ca -config ca.cnf -gencrl \
		-crl_lastupdate "$(date -u -d "@$T0" +%Y%m%d%H%M%SZ)" -crl_nextupdate "$(date -u -d "@$2" +%Y%m%d%H%M%SZ)" \
		-out "$1.pem" 2>/dev/null) && openssl crl -in "$PKI/$1.pem" -outform DER -out "$PKI/$1.der"
}
openssl_crl short $((T0 + 30))
openssl_crl long $((T0 + 2 * 86400))
cp "$PKI/short.der" "$T/www/ca.crl"
SHORT_NEXT=$(date -u -d "@$((T0 + 30))" +%Y-%m-%dT%H:%M:%SZ)
LONG_NEXT=$(date -u -d "@$((T0 + 2 * 86400))" +%Y-%m-%dT%H:%M:%SZ)
inkand_config "$T/refresh.json" '{rate_limit: {rate: 1000000, burst: 1000000},
	validate: {config: "\($t)/validate.conf", refresh_percent: 50}}'
G0=$(gets /ca.crl)
check "inkand starts, refreshing CRLs in the last half of their life" -- start_inkand "$T/refresh.json"
post /v1/validate "$(cat "$T/good.json")"
is "the 30 s CRL is fetched and decides" "$(jq -c '[.verdict, .methods[0].cached]' <<<"$BODY")" '["good",false]'
rm "$T/www/ca.crl"
# load UNTIL TAG: 4 clients asking again and again until the time UNTIL
load () {
	local c pids=()
	for c in 1 2 3 4; do
		(i=0; while [ "$(date +%s)" -lt "$1" ]; do many 5 "$T/good.json" "$T/$2.$c.$i"; i=$((i + 1)); done) &
		pids+=($!)
	done
	wait "${pids[@]}"
}
load $((T0 + 19)) failing
n=$(cat "$T"/failing.* | grep -o '"verdict":' | wc -l)
is "$n concurrent requests while the refresh failed, all good" "$(goods "$T"/failing.*)" "$n"
check "from the CRL held, current until its nextUpdate" -- \
	grep -q "current until $SHORT_NEXT" <(curl -s --unix-socket "$SOCK" --data-binary "@$T/good.json" http://inkand/v1/validate)
is "one refresh, failed: one more GET, the failure counted" \
	"$(since "$G0" /ca.crl) $(metric inkand_vcache_refreshes_total) $(metric inkand_vcache_refresh_failures_total)" "2 1 1"
cp "$PKI/long.der" "$T/www/ca.crl"
load $((T0 + 29)) refreshing
n=$(cat "$T"/refreshing.* | grep -o '"verdict":' | wc -l)
is "$n concurrent requests across the refresh, all good" "$(goods "$T"/refreshing.*)" "$n"
is "refreshed once before nextUpdate: one more GET, no more failures" \
	"$(since "$G0" /ca.crl) $(metric inkand_vcache_refreshes_total) $(metric inkand_vcache_refresh_failures_total)" "3 2 1"
post /v1/validate "$(cat "$T/good.json")"
is "the new CRL decides, from the cache" \
	"$(jq -c '[.verdict, .methods[0].cached, (.methods[0].why | contains("'"$LONG_NEXT"'"))]' <<<"$BODY")" \
	'["good",true,true]'
is "no request ever waited for a fetch" "$(metric inkand_vcache_waits_total) $(metric 'inkand_vcache_misses_total{kind="crl"}')" "0 1"
check "inkand stops cleanly" -- stop_inkand

# ---- SCVP answers until their nextUpdate; intermediates fetched by AIA ----
stop scvp
SCVP_NEXT_UPDATE=600 start_scvp scvp
cp "$PKI/ca.der" "$T/www/ca.der"
check "inkand starts" -- start_inkand "$T/inkand.json"
scvp_req=$(vreq "$PKI/good.pem" '{methods: ["scvp"]}')
post /v1/validate "$scvp_req"
is "SCVP asked" "$(jq -c '[.verdict, .methods[0].method, .methods[0].cached]' <<<"$BODY")" '["good","scvp",false]'
post /v1/validate "$scvp_req"
is "the same question again: the answer kept until its nextUpdate" \
	"$(jq -c '[.verdict, .methods[0].method, .methods[0].cached]' <<<"$BODY")" '["good","scvp",true]'
is "the SCVP server was asked once" "$(grep -c '"POST / ' "$T/scvp.log")" 1
is "one SCVP miss, one hit, one answer held" "$(metric 'inkand_vcache_misses_total{kind="scvp"}') \
$(metric 'inkand_vcache_hits_total{kind="scvp"}') $(metric 'inkand_vcache_entries{kind="scvp"}')" "1 1 1"
post /v1/validate "$(vreq "$PKI/revoked.pem" '{methods: ["scvp"]}')"
is "another certificate is another question" "$(jq -c '[.verdict, .methods[0].cached]' <<<"$BODY")" '["revoked",false]'
leaf_req () { jq -nc --arg c "$(der64 "$1")" '{cert: $c, methods: ["crl"]}'; }
post /v1/validate "$(leaf_req "$PKI/good.pem")"
is "no chain given: the CA fetched from the leaf's AIA" "$(jq -c '[.verdict, (.chain | length)]' <<<"$BODY")" '["good",3]'
post /v1/validate "$(leaf_req "$PKI/revoked.pem")"
is "and kept: the next leaf's path needs no fetch" "$(jq -c '[.verdict, (.chain | length)]' <<<"$BODY")" '["revoked",3]'
is "ca.der was fetched once" "$(gets /ca.der)" 1
is "one AIA miss, one hit" \
	"$(metric 'inkand_vcache_misses_total{kind="aia"}') $(metric 'inkand_vcache_hits_total{kind="aia"}')" "1 1"
check "inkand stops cleanly" -- stop_inkand
finish
