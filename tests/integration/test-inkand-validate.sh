#!/usr/bin/env bash
# inkand as a verification service: /v1/validate answers what `inkan
# validate --json` prints for the same certificate (good, revoked by CRL,
# revoked by OCSP, by SCVP, responder down, wrong anchor, expired CA), the request
# only narrowing the configured order; verifications granted per client,
# refusals and bad verdicts audited, the rate limit applied; one CRL fetch
# and index for many requests, and one refetch at its nextUpdate under
# concurrent requests.
CRL_OVER_HTTP=1
. "$(dirname "$0")/validate-lib.sh"
: "${INKAND:?INKAND must name the inkand binary}"
softhsm_token
pkcs11_keygen EC:prime256v1 01 ec
. "$(dirname "$0")/inkand-validate-lib.sh"
start_http
start_ocsp ocsp
start_scvp scvp
cp "$PKI/crl.der" "$T/www/ca.crl"

cat >"$T/validate.conf" <<CONF
anchor = $PKI/root.pem
methods = crl,ocsp
methods.gpki = crl,ocsp,scvp
scvp-url = $SCVP_URL
scvp-cert = $PKI/scvp.pem
timeout = 3000
CONF

# The fields a report has whatever the run: the time judged at (a second
# apart), what each method took, and whether its answer came from this
# process's cache (the CLI's here has none, the daemon's is warm).
# An OCSP answer's window is the time it was made; a failure to connect names the milliseconds it took.
norm () {
	jq -S 'del(.at) | .methods |= map(del(.duration_ms, .cached)
		| .why |= gsub("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"; "TIME") | .why |= gsub("after [0-9]+ ms"; "after N ms"))'
}
audit_count () { sqlite3 "$T/audit.db" "select count(*) from records where $1"; }

# same NAME CERT [CLI-OPTIONS] -- [JQ]: inkand's answer is the CLI's report, field by field
same () {
	local name=$1 cert=$2 cli=() body
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do cli+=("$1"); shift; done
	[ $# -eq 0 ] || shift
	body=$(vreq "$cert" "${1:-{\}}")
	"$INKAN" --json validate "$cert" --config "$T/validate.conf" --chain "$PKI/ca.pem" --no-cache "${cli[@]}" \
		2>/dev/null | norm >"$T/cli.json"
	post /v1/validate "$body"
	if [ "$STATUS" = 200 ] && norm <<<"$BODY" >"$T/d.json" && diff "$T/cli.json" "$T/d.json" >"$T/diff"; then
		ok "$name: inkand's report is the CLI's ($(jq -r .verdict "$T/d.json"))"
	else
		not_ok "$name: inkand ($STATUS) and the CLI differ"
		sed 's/^/#   /' "$T/diff" | head -20
	fi
}

inkand_config "$T/inkand.json"
check "inkand starts with a validate.conf" -- start_inkand "$T/inkand.json"

same "good by CRL" "$PKI/good.pem"
check "verdict good, by the CRL" -- test "$(jq -c '[.verdict, .methods[0].method, .methods[0].outcome]' "$T/d.json")" = '["good","crl","good"]'
same "revoked by CRL" "$PKI/revoked.pem"
check "keyCompromise" -- test "$(jq -r .reason "$T/d.json")" = keyCompromise
same "revoked by OCSP (methods narrowed)" "$PKI/revoked.pem" --methods ocsp -- '{methods: ["ocsp"]}'
check "ocsp decided revoked" -- test "$(jq -c '[.verdict, .methods[0].method, .order.from]' "$T/d.json")" = '["revoked","ocsp","set"]'
same "good by OCSP" "$PKI/good.pem" --methods ocsp -- '{methods: ["ocsp"]}'
same "an expired CA on the path" "$PKI/underold.pem" --chain "$PKI/caold.pem" -- \
	"{chain: [\"$(der64 "$PKI/ca.pem")\", \"$(der64 "$PKI/caold.pem")\"]}"
check "invalid, the CA named" -- test "$(jq -c '[.verdict, .failed.depth]' "$T/d.json")" = '["invalid",1]'
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/other.key" -subj "/CN=other" \
	-days 2 -out "$T/other.pem" 2>/dev/null
same "a certificate under another anchor" "$T/other.pem"
check "is invalid" -- test "$(jq -r .verdict "$T/d.json")" = invalid

same "good by SCVP" "$PKI/good.pem" --methods scvp -- '{methods: ["scvp"]}'
check "scvp decided" -- test "$(jq -c '[.verdict, .methods[0].method, .methods[0].outcome]' "$T/d.json")" = '["good","scvp","good"]'
same "revoked by SCVP" "$PKI/revoked.pem" --methods scvp -- '{methods: ["scvp"]}'
check "scvp said revoked" -- test "$(jq -c '[.verdict, .methods[0].method]' "$T/d.json")" = '["revoked","scvp"]'
stop ocsp
# only good OCSP answers are kept: revoked.pem's is asked again
same "the OCSP responder down: unavailable" "$PKI/revoked.pem" --methods ocsp -- '{methods: ["ocsp"]}'
check "said unavailable" -- test "$(jq -c '[.verdict, .methods[0].outcome]' "$T/d.json")" = '["unavailable","unavailable"]'
post /v1/validate "$(vreq "$PKI/good.pem" '{methods: ["ocsp"]}')"
is "the responder down, good.pem's good answer still serves from the cache" \
	"$(jq -c '[.verdict, .methods[0].cached]' <<<"$BODY")" '["good",true]'
same "the OCSP responder down, then the CRL decides" "$PKI/revoked.pem" --methods ocsp,crl -- '{methods: ["ocsp", "crl"]}'
check "ocsp unavailable, crl revoked" -- test "$(jq -c '[.verdict, [.methods[].outcome]]' "$T/d.json")" = '["revoked",["unavailable","revoked"]]'
start_silent
post /v1/validate "$(vreq "$PKI/revoked.pem" '{methods: ["ocsp", "crl"]}')"
is "a responder that never answers costs its timeout (3 s), then the CRL decides" \
	"$(jq -c '[.verdict, [.methods[].outcome], .methods[0].duration_ms >= 2900 and .methods[0].duration_ms < 4000]' <<<"$BODY")" \
	'["revoked",["unavailable","revoked"],true]'
stop silent

# ---- narrowing only ----
post /v1/validate "$(vreq "$T/other.pem" '{methods: ["scvp"]}')"
contains "a method the configuration does not have (for that profile): 400" "$STATUS $BODY" '400 {"error":"bad-request","message":"\"methods\" may only narrow'
post /v1/validate "$(vreq "$PKI/good.pem" '{anchor: "x"}')"
contains "an anchor in the request: 400 (unknown member)" "$STATUS $BODY" '400 {"error":"bad-request","message":"the request body has an unknown member \"anchor\""'
post /v1/validate '{"cert": "bm90IGEgY2VydA=="}'
contains "not a certificate: 400" "$STATUS $BODY" '400'
LATER=$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)
same "at three days on: the CRL is stale then" "$PKI/revoked.pem" --methods crl --at "$LATER" -- \
	"{methods: [\"crl\"], at: \"$LATER\"}"
check "unavailable, stale" -- test "$(jq -r .verdict "$T/d.json")" = unavailable

# ---- the audit log: bad verdicts, not good ones (audit.verifications off) ----
REVOKED_SHA=$(openssl x509 -in "$PKI/revoked.pem" -outform DER | sha256sum | cut -c1-64)
is "revoked answers are on record with the certificate's hash (CRL, OCSP, SCVP, twice OCSP down then CRL)" \
	"$(audit_count "operation = 'validate' and result = 'revoked' and client = '$ME' and hex(digest) = upper('$REVOKED_SHA')")" 5
check "invalid ones too" -- test "$(audit_count "operation = 'validate' and result = 'invalid'")" = 2
check "good ones are not" -- test "$(audit_count "operation = 'validate' and result = 'good'")" = 0

# ---- one fetch for many requests ----
F0=$(metric 'inkand_vcache_fetches_total{kind="crl"}')
H0=$(metric 'inkand_vcache_hits_total{kind="crl"}')
vreq "$PKI/good.pem" '{methods: ["crl"]}' >"$T/good.json"
urls=()
for i in $(seq 200); do urls+=(http://inkand/v1/validate); done
curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' --data-binary "@$T/good.json" "${urls[@]}" \
	>"$T/many.out"
check "200 requests, all good" -- test "$(grep -o '"verdict":"good"' "$T/many.out" | wc -l)" = 200
check "the CRL was not fetched again" -- test "$(metric 'inkand_vcache_fetches_total{kind="crl"}')" = "$F0"
check "200 cache hits" -- test "$(metric 'inkand_vcache_hits_total{kind="crl"}')" = $((H0 + 200))
check "one CRL held, its serials indexed" -- test "$(metric 'inkand_vcache_entries{kind="crl"}') $(metric inkand_vcache_crl_serials)" != "0 0"
check "inkand stops cleanly" -- stop_inkand

# ---- a refetch at nextUpdate, once, under concurrent requests ----
# A CRL whose nextUpdate (and the 5 minutes of skew allowed) ends 8 s from now.
(cd "$PKI" && PKI=$PKI OCSP_URL=$OCSP_URL CRL_DP=$CRL_DP ROOT_CRL_URL=$CRL_HTTP/root.crl DELTA_URL=$CRL_HTTP/delta.crl \
	CA_ISSUERS_URL=$CRL_HTTP/ca.der openssl ca -config ca.cnf -gencrl -crl_lastupdate "$(date -u -d '-1 hour' +%Y%m%d%H%M%SZ)" \
	-crl_nextupdate "$(date -u -d '-292 seconds' +%Y%m%d%H%M%SZ)" -out short.pem 2>/dev/null) &&
	openssl crl -in "$PKI/short.pem" -outform DER -out "$T/www/ca.crl"
SHORT_END=$(($(date +%s) + 9))
# no refresh ahead of nextUpdate (test-inkand-vcache.sh has those): the CRL is fetched when found stale
inkand_config "$T/stale.json" '{validate: {config: "\($t)/validate.conf", refresh_percent: 0}}'
start_inkand "$T/stale.json"
post /v1/validate "$(cat "$T/good.json")"
check "the short CRL is fetched and decides" -- test "$(jq -c '[.verdict, .methods[0].cached]' <<<"$BODY")" = '["good",false]'
cp "$PKI/crl.der" "$T/www/ca.crl"
while [ "$(date +%s)" -le "$SHORT_END" ]; do sleep 0.5; done
herd=()
for i in $(seq 16); do
	curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' --data-binary "@$T/good.json" \
		http://inkand/v1/validate{,,,} >"$T/herd.$i" &
	herd+=($!)
done
wait "${herd[@]}"
check "64 concurrent requests after nextUpdate, all good" -- test "$(cat "$T"/herd.* | grep -o '"verdict":"good"' | wc -l)" = 64
is "the CRL was fetched twice in all: once more at nextUpdate" "$(metric 'inkand_vcache_fetches_total{kind="crl"}')" 2
check "no fetch failed" -- test "$(metric 'inkand_vcache_failures_total{kind="crl"}')" = 0
check "inkand stops cleanly" -- stop_inkand

# ---- signed objects: registrations, tokens, evidence; a good signer and a revoked one ----
printf 'a document\n' >"$T/doc"
SHA=$(sha256sum "$T/doc" | cut -c1-64)
SIZE=$(stat -c %s "$T/doc")
for who in signer gone; do
	"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label "$who" --pin "$USER_PIN" >/dev/null
	"$INKAN" pubkey --key "$TOKEN;object=$who" --out "$T/$who.pub"
	openssl x509 -new -force_pubkey "$T/$who.pub" -subj "/C=KR/O=Government of Korea/OU=GPKI/CN=$who" \
		-CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -days 10 -out "$T/$who.pem" -extfile <(printf \
		'keyUsage=critical,digitalSignature,nonRepudiation\ncrlDistributionPoints=URI:%s\n' "$CRL_DP") 2>/dev/null
	"$INKAN" register sign --document "$T/doc" --sender s@example.kr --recipient r@example.kr \
		--key "$TOKEN;object=$who" --cert "$T/$who.pem" --out "$T/$who.reg" --pin "$USER_PIN" >/dev/null
	"$INKAN" token issue --key "$TOKEN;object=$who" --cert "$T/$who.pem" --recipient u@relay.example \
		--document "$T/doc" --ttl 10m --pin "$USER_PIN" >"$T/$who.jws"
	"$INKAN" evidence issue --kind original --issuer "$who original" --document "$T/doc" \
		--key "$TOKEN;object=$who" --cert "$T/$who.pem" --out "$T/$who.orig" --pin "$USER_PIN"
	"$INKAN" evidence issue --kind distribution --issuer "$who distribution" --document "$T/doc" \
		--key "$TOKEN;object=$who" --cert "$T/$who.pem" --out "$T/$who.dist" --pin "$USER_PIN"
done
(cd "$PKI" && export PKI OCSP_URL CRL_DP ROOT_CRL_URL=$CRL_HTTP/root.crl DELTA_URL=$CRL_HTTP/delta.crl \
	CA_ISSUERS_URL=$CRL_HTTP/ca.der && openssl ca -config ca.cnf -revoke "$T/gone.pem" -crl_reason keyCompromise &&
	openssl ca -config ca.cnf -gencrl -out gone.crl.pem) 2>/dev/null &&
	openssl crl -in "$PKI/gone.crl.pem" -outform DER -out "$T/www/ca.crl"
start_inkand "$T/inkand.json"
SIGNER=(--anchor "$PKI/root.pem" --chain "$PKI/ca.pem" --config "$T/validate.conf" --no-cache)
CA_CHAIN="[\"$(der64 "$PKI/ca.pem")\"]"
# signed NAME PATH BODY -- CLI...: inkand's answer is the CLI verb's JSON, field by field
signed () {
	local name=$1 path=$2 body=$3
	shift 4
	"$INKAN" --json "$@" 2>/dev/null | jq -S . >"$T/cli.json"
	post "$path" "$body"
	if [ "$STATUS" = 200 ] && jq -S . <<<"$BODY" >"$T/d.json" && diff "$T/cli.json" "$T/d.json" >"$T/diff"; then
		ok "$name: inkand's answer is the CLI's (valid: $(jq -r .valid "$T/d.json"))"
	else
		not_ok "$name: inkand ($STATUS) and the CLI differ"
		sed 's/^/#   /' "$T/diff" | head -20
	fi
}
for who in signer gone; do
	signed "register verify, $who" /v1/register/verify "$(jq -nc --arg r "$(base64 -w0 "$T/$who.reg")" \
		--arg s "$SHA" --argjson n "$SIZE" --argjson c "$CA_CHAIN" \
		'{record: $r, document_sha256: $s, document_size: $n, chain: $c}')" -- \
		register verify --record "$T/$who.reg" --document "$T/doc" "${SIGNER[@]}"
	signed "token verify, $who" /v1/token/verify "$(jq -nc --arg t "$(cat "$T/$who.jws")" \
		--arg i "$(der64 "$T/$who.pem")" --arg s "$SHA" --argjson c "$CA_CHAIN" \
		'{token: $t, issuer_cert: $i, document_sha256: $s, chain: $c}')" -- \
		token verify "@$T/$who.jws" --document "$T/doc" --issuer-cert "$T/$who.pem" "${SIGNER[@]}"
	signed "evidence verify, $who" /v1/evidence/verify "$(jq -nc --arg o "$(base64 -w0 "$T/$who.orig")" \
		--arg d "$(base64 -w0 "$T/$who.dist")" --arg s "$SHA" --argjson n "$SIZE" --argjson c "$CA_CHAIN" \
		'{original: $o, distribution: $d, document_sha256: $s, document_size: $n, chain: $c}')" -- \
		evidence verify --document "$T/doc" --original "$T/$who.orig" --distribution "$T/$who.dist" "${SIGNER[@]}"
done
is "the good signer's answers are not on record" "$(audit_count "operation = 'register-verify' and result = 'good'")" 0
is "the revoked signer's are refused, and on record" \
	"$(audit_count "operation in ('register-verify', 'token-verify', 'evidence-verify') and result != 'good'")" 3
check "inkand stops cleanly" -- stop_inkand

# ---- authorisation, audit of good answers, the rate limit ----
inkand_config "$T/deny.json" "{clients: {(\$me): {operations: [\"token-verify\"]}},
	audit: {path: \"\(\$t)/audit.db\", verifications: true}, rate_limit: {rate: 0.01, burst: 3}}"
start_inkand "$T/deny.json"
post /v1/validate "$(cat "$T/good.json")"
contains "not granted validate: 403" "$STATUS $BODY" '403 {"error":"forbidden"'
check "the refusal is on record" -- test "$(audit_count "operation = 'validate' and result = 'denied' and client = '$ME'")" = 1
post /v1/register/verify '{"record": "AAAA"}'
contains "nor register-verify: 403" "$STATUS" 403
post /v1/validate "$(cat "$T/good.json")"
post /v1/validate "$(cat "$T/good.json")"
contains "the fourth request, beyond the burst of 3: 429" "$STATUS $BODY" '429 {"error":"rate-limited"'
check "inkand stops cleanly" -- stop_inkand
inkand_config "$T/audit.json" "{audit: {path: \"\(\$t)/audit.db\", verifications: true}}"
start_inkand "$T/audit.json"
before=$(audit_count "result = 'good'")
post /v1/validate "$(cat "$T/good.json")"
check "with audit.verifications, good answers are on record too" -- test "$(audit_count "result = 'good'")" = $((before + 1))
check "inkand stops cleanly" -- stop_inkand

inkand_config "$T/bad.json" "{validate: {config: \"\(\$t)/nope.conf\"}}"
expect 2 "a validate.conf that cannot be read stops inkand at start-up" -- "$INKAND" --config "$T/bad.json"
finish
