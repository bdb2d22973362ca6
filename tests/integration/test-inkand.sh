#!/usr/bin/env bash
# inkand, the signing daemon: signatures and CMS that openssl verifies, over
# a UNIX socket and over TLS with client certificates; authorisation (403,
# nothing signed, still audited), limits (413, 429, 503 on a full queue),
# the PIN tried once, SIGHUP, the drain on SIGTERM, kill -9 under load, and
# token faults through the p11shim.
. "$(dirname "$0")/lib.sh"
: "${INKAND:?INKAND must name the inkand binary}"
: "${INKAN_SHIM:?INKAN_SHIM must name inkan-p11shim.so}"
softhsm_token
export INKAN_SHIM_MODULE=$SOFTHSM_MODULE INKAN_SHIM_CONTROL=$TESTDIR/shim.control
: >"$INKAN_SHIM_CONTROL"
# A running process reads the control file whenever it changes: replace it
# whole (rename), never truncate and write (p11shim's README).
control () { printf '%s\n' "$@" >"$INKAN_SHIM_CONTROL.new" && mv "$INKAN_SHIM_CONTROL.new" "$INKAN_SHIM_CONTROL"; }
T=$TESTDIR
SOCK=$T/inkand.sock
ME=unix:$(id -un)
printf 'to be signed\n' >"$T/data"
head -c 3000 /dev/urandom >"$T/doc"

pkcs11_keygen EC:prime256v1 01 ec
pkcs11_keygen rsa:2048 02 rsa
pkcs11_keygen EC:prime256v1 03 ckpt
"$INKAN" pubkey --key "$TOKEN;object=ec" --out "$T/ec.pem"
"$INKAN" pubkey --key "$TOKEN;object=rsa" --out "$T/rsa.pem"
"$INKAN" pubkey --key "$TOKEN;object=ckpt" --out "$T/ckpt.pem"

# A CA for the key certificates and the TLS client certificates; another
# that the daemon does not trust.
mkca () { # NAME
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/$1.key" -subj "/O=$1" \
		-days 3 -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign \
		-out "$T/$1.pem" 2>/dev/null
}
mkcert () { # NAME CA SUBJECT [PUBKEY]: a leaf; a fresh key when no PUBKEY
	[ $# -ge 4 ] || openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 -out "$T/$1.key" 2>/dev/null
	[ $# -ge 4 ] || openssl pkey -in "$T/$1.key" -pubout -out "$T/$1.pub"
	openssl x509 -new -force_pubkey "${4:-$T/$1.pub}" -subj "$3" -CA "$T/$2.pem" -CAkey "$T/$2.key" -days 2 \
		-extfile <(printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n') -out "$T/$1.crt" 2>/dev/null
}
mkca ca
mkca rogue
mkcert ec-cert ca "/O=Relay/CN=relay seal" "$T/ec.pem"
mkcert rsa-cert ca "/O=Relay/CN=relay rsa" "$T/rsa.pem"
mkcert server ca "/CN=localhost"
mkcert client ca "/O=Relay/CN=relay1"
mkcert stranger rogue "/O=Relay/CN=relay1"
mkcert twocn ca "/O=Relay/CN=relay1/CN=relay2"
PORT=$((20000 + RANDOM % 20000)) # and PORT + 1

# config FILE [JSON]: the test's configuration, JSON's members replacing its own
config () {
	local file=$1 extra=${2:-'{}'}
	jq -n --arg sock "$SOCK" --arg mod "${MODULE:-$SOFTHSM_MODULE}" --arg tok "$TOKEN" --arg t "$T" \
		--arg me "$ME" --argjson port "$PORT" "{
		listen: [{unix: \$sock}, {tcp: \"127.0.0.1:\(\$port)\", cert: \"\(\$t)/server.crt\",
		          key: \"\(\$t)/server.key\", client_ca: \"\(\$t)/ca.pem\"},
		         {tcp: \"127.0.0.1:\(\$port + 1)\", cert: \"\(\$t)/server.crt\", key: \"\(\$t)/server.key\",
		          client_ca: \"\(\$t)/ca.pem\", identity: \"dn\"}],
		module: \$mod, token: \$tok, pin: \"file:\(\$t)/user.pin\", pin_record_dir: \"\(\$t)/pin\",
		workers: 2, queue: 32, max_body: 8192,
		audit: {path: \"\(\$t)/audit.db\"},
		keys: {ec: {uri: \"\(\$tok);object=ec\", cert: \"\(\$t)/ec-cert.crt\"},
		       rsa: {uri: \"\(\$tok);object=rsa\", cert: \"\(\$t)/rsa-cert.crt\"},
		       seal: {uri: \"\(\$tok);object=ec\"}, ckpt: {uri: \"\(\$tok);object=ckpt\"}},
		clients: {(\$me): {keys: {ec: [\"sign\", \"cms-sign\", \"token-issue\", \"verify\"],
		                         rsa: [\"sign\", \"cms-sign\", \"verify\"]}},
		          \"cn:relay1\": {keys: {ec: [\"sign\"]}},
		          \"dn:CN=relay1,O=Relay\": {keys: {rsa: [\"sign\"]}}}
	} + $extra" >"$file"
}

. "$(dirname "$0")/inkand-lib.sh"

# req PATH [JSON]: over the UNIX socket; $STATUS and $BODY, headers in $T/headers
req () {
	local data=()
	[ $# -lt 2 ] || data=(-H 'Content-Type: application/json' --data-binary "$2")
	STATUS=$(curl -s --max-time 30 --unix-socket "$SOCK" -D "$T/headers" -o "$T/body" -w '%{http_code}' "${data[@]}" \
		"http://inkand$1")
	BODY=$(cat "$T/body")
}
b64 () { base64 -w0 "$@"; }
field () { jq -r ".$1 // empty" <<<"$BODY"; }
audit_count () { sqlite3 "$T/audit.db" "select count(*) from records where $1"; }

# ---- the PIN: one try, never more ----
printf '654321\n' >"$T/wrong.pin"
config "$T/wrong.json" '{pin: "file:'"$T"'/wrong.pin"}'
expect 1 "a wrong PIN at start-up: inkand exits 1" -- "$INKAND" --config "$T/wrong.json"
contains "it says the PIN was refused, tried once" "$ERR" '"event":"pin-refused"'
# pin_record DIR: [failures recorded, tries left] of the user PIN, by inkan pin status
pin_record () { "$INKAN" --json --pin-record-dir "$1" pin status "$TOKEN" | jq -c '.[0].pins[0] | [.failures_recorded, .tries_left]'; }
check "the failure record counts exactly one failure" -- test "$(pin_record "$T/pin")" = '[1,4]'
contains "SoftHSM2 flags one failure (count low)" "$("$INKAN" --json pin status "$TOKEN")" 'count-low'
# Three more wrong starts (the record at 4 of 5): the next start, even with
# the right PIN, sends nothing.
config "$T/last.json" '{pin: "file:'"$T"'/wrong.pin", pin_record_dir: "'"$T"'/pin-last"}'
for n in 1 2 3 4; do "$INKAND" --config "$T/last.json" 2>/dev/null; done
config "$T/last.json" '{pin_record_dir: "'"$T"'/pin-last"}'
expect 1 "the PIN on its last try: inkand exits 1" -- "$INKAND" --config "$T/last.json"
contains "saying it sent nothing" "$ERR" '"event":"pin-not-sent"'
check "the record still counts 4, one try left" -- test "$(pin_record "$T/pin-last")" = '[4,1]'
expect 2 "a PIN written into the config is refused" -- "$INKAND" --config <(config /dev/stdout '{pin: "123456"}')
contains "it says the config must name a source" "$ERR" 'never the PIN'

# ---- signing over the UNIX socket ----
config "$T/inkand.json"
expect 0 "--check accepts the configuration" -- "$INKAND" --config "$T/inkand.json" --check
config "$T/typo.json" '{wokers: 3}'
expect 2 "--check refuses an unknown member" -- "$INKAND" --config "$T/typo.json" --check
contains "and names it" "$ERR" wokers
config "$T/ck.json" '{audit: {path: "'"$T"'/audit.db", checkpoint_key: "ec"}}'
expect 2 "a checkpoint key granted to a client is refused" -- "$INKAND" --config "$T/ck.json" --check
contains "naming the key" "$ERR" "is granted key \\\"ec\\\", which is the audit checkpoint key \\\"ec\\\""
config "$T/ck.json" '{audit: {path: "'"$T"'/audit.db", checkpoint_key: "seal"}}'
expect 2 "so is a checkpoint key granted under another name (same URI)" -- "$INKAND" --config "$T/ck.json" --check
check "inkand starts" -- start "$T/inkand.json"
check "the good login cleared the record" -- test "$(pin_record "$T/pin")" = '[0,5]'

req /v1/keys
contains "GET /v1/keys: 200" "$STATUS" 200
check "the client's keys are ec and rsa, not seal" -- test "$(jq -c '[.keys[].name]' <<<"$BODY")" = '["ec","rsa"]'
check "with their types and operations" -- test "$(jq -c '.keys[0] | [.type, .operations]' <<<"$BODY")" = \
	'["ec",["sign","cms-sign","token-issue","verify"]]'

openssl dgst -sha256 -binary "$T/data" >"$T/data.sha256"
req /v1/sign '{"key": "ec", "digest": "'"$(b64 "$T/data.sha256")"'"}'
contains "ECDSA P-256 over a digest: 200" "$STATUS" 200
field signature | base64 -d >"$T/ec.sig"
check "openssl verifies the ECDSA signature" -- openssl dgst -sha256 -verify "$T/ec.pem" -signature "$T/ec.sig" "$T/data"
SEQ1=$(field audit_seq)
check "the answer names its audit record" -- test "$(audit_count "seq = $SEQ1 and result = 'ok' and operation = 'sign'")" = 1

req /v1/sign '{"key": "ec", "data": "'"$(b64 "$T/data")"'", "format": "raw"}'
contains "ECDSA over data, raw r||s: 200" "$STATUS" 200
check "r||s is 64 bytes" -- test "$(field signature | base64 -d | wc -c)" = 64

req /v1/sign '{"key": "rsa", "data": "'"$(b64 "$T/data")"'"}'
contains "RSA-2048 PKCS#1 v1.5: 200" "$STATUS" 200
field signature | base64 -d >"$T/rsa.sig"
check "openssl verifies the PKCS#1 signature" -- openssl dgst -sha256 -verify "$T/rsa.pem" -signature "$T/rsa.sig" "$T/data"

req /v1/sign '{"key": "rsa", "data": "'"$(b64 "$T/data")"'", "scheme": "pss", "hash": "sha384"}'
contains "RSA-PSS SHA-384: 200" "$STATUS" 200
field signature | base64 -d >"$T/pss.sig"
check "openssl verifies the PSS signature" -- openssl dgst -sha384 -sigopt rsa_padding_mode:pss \
	-sigopt rsa_pss_saltlen:-1 -verify "$T/rsa.pem" -signature "$T/pss.sig" "$T/data"

verify () { # KEY SIGFILE [json members]
	req /v1/verify '{"key": "'"$1"'", "data": "'"$(b64 "$T/data")"'", "signature": "'"$(b64 "$2")"'"'"${3:-}"'}'
}
verify ec "$T/ec.sig"
check "POST /v1/verify: the ECDSA signature is valid" -- test "$STATUS/$(field valid)" = 200/true
verify rsa "$T/pss.sig" ', "scheme": "pss", "hash": "sha384"'
check "the PSS signature is valid" -- test "$STATUS/$(field valid)" = 200/true
verify rsa "$T/pss.sig" ', "scheme": "rsa-pss", "hash": "sha384"'
check "the scheme also by the name inkan sign prints (rsa-pss)" -- test "$STATUS/$(field valid)" = 200/true
verify rsa "$T/rsa.sig" ', "scheme": "pss", "hash": "sha384"'
check "a PKCS#1 signature is no PSS signature" -- test "$STATUS/$(jq .valid <<<"$BODY")" = 200/false
printf 'to be signed, or not\n' >"$T/data"
verify ec "$T/ec.sig"
check "a signature over other data is not valid" -- test "$STATUS/$(jq .valid <<<"$BODY")" = 200/false
printf 'to be signed\n' >"$T/data"
verify seal "$T/ec.sig"
contains "verify with a key the client may not verify with: 403" "$STATUS" 403
check "the refusal is on record" -- test "$(audit_count "result = 'denied' and operation = 'verify' and client = '$ME'")" = 1

req /v1/sign '{"key": "ec", "digest": "'"$(b64 "$T/data.sha256")"'", "hash": "sha384"}'
contains "a digest of the wrong length: 400" "$STATUS" 400
req /v1/sign '{"key": "ec", "data": "'"$(b64 "$T/data")"'", "scheme": "pss"}'
contains "a scheme that does not fit the key: 400" "$STATUS" 400
req /v1/sign '{"key": "rsa", "data": "'"$(b64 "$T/data")"'", "scheme": "rsa-pss-sha256"}'
contains "a scheme with its hash (the audit log's spelling) is not the API's: 400" "$STATUS" 400
req /v1/sign '{"key": "ec", "data": "not base64!"}'
contains "data that is not base64: 400" "$STATUS" 400
contains "errors are JSON with a code" "$(field error)" bad-request
req /v1/sign '{"key": "nope", "data": "'"$(b64 "$T/data")"'"}'
contains "an unknown key: 404" "$STATUS" 404
check "the unknown name is on record" -- test "$(audit_count "result = 'not-found' and key_uri = 'nope'")" = 1
before=$(audit_count 1)
long=$(head -c 5000 /dev/zero | tr '\0' k)
req /v1/sign '{"key": "'"$long"'", "data": "'"$(b64 "$T/data")"'"}'
contains "a key name of 5000 bytes, from any client: 400" "$STATUS" 400
check "before anything is recorded" -- test "$(audit_count 1)" = "$before"
req /v1/sign '{"key": "'"${long:0:129}"'", "data": "'"$(b64 "$T/data")"'"}'
contains "129 bytes: 400" "$STATUS" 400
req /v1/sign '{"key": "nope\u0000x", "data": "'"$(b64 "$T/data")"'"}'
contains "a name with a NUL in it: 400" "$STATUS" 400
req /v1/sign '{"key": "'"${long:0:128}"'", "data": "'"$(b64 "$T/data")"'"}'
contains "128 bytes: an unknown key, 404" "$STATUS" 404
check "no record holds a longer key_uri" -- test "$(audit_count "length(key_uri) > 128 and result = 'not-found'")" = 0

# ---- authorisation ----
before=$(audit_count "result = 'ok'")
req /v1/sign '{"key": "seal", "data": "'"$(b64 "$T/data")"'"}'
contains "a key not in the client's list: 403" "$STATUS" 403
check "no signature in the answer" -- test -z "$(field signature)"
check "nothing was signed" -- test "$(audit_count "result = 'ok'")" = "$before"
check "the denial is in the audit log" -- test "$(audit_count "result = 'denied' and operation = 'sign' and key_uri like '%object=ec%'")" = 1
before=$(audit_count "result = 'ok'")
req /v1/sign '{"key": "seal", "digests": ["'"$(b64 "$T/data.sha256")"'", "'"$(b64 "$T/data.sha256")"'"]}'
contains "a batch with a key not in the client's list: 403" "$STATUS" 403
check "nothing of it was signed" -- test "$(audit_count "result = 'ok'")" = "$before"

# ---- batches: "digests", a signature and a record each ----
digests=() && : >"$T/batch.list"
for i in 0 1 2 3 4; do
	printf 'document %s\n' "$i" >"$T/doc$i"
	openssl dgst -sha256 -binary "$T/doc$i" >"$T/doc$i.sha256"
	digests+=("\"$(b64 "$T/doc$i.sha256")\"")
done
list=$(IFS=,; echo "${digests[*]}")
before=$(audit_count "result = 'ok'")
req /v1/sign '{"key": "ec", "digests": ['"$list"']}'
contains "a batch of 5 digests: 200" "$STATUS" 200
check "5 signatures and 5 audit seqs" -- test "$(jq -c '[(.signatures | length), (.audit_seqs | length)]' <<<"$BODY")" = '[5,5]'
for i in 0 1 2 3 4; do
	jq -r ".signatures[$i]" <<<"$BODY" | base64 -d >"$T/batch$i.sig"
done
check "openssl verifies each signature over its own document" -- bash -c 'for i in 0 1 2 3 4; do
	openssl dgst -sha256 -verify "$1/ec.pem" -signature "$1/batch$i.sig" "$1/doc$i" >/dev/null || exit 1; done' - "$T"
check "and not over another's" -- bash -c '! openssl dgst -sha256 -verify "$1/ec.pem" -signature "$1/batch1.sig" "$1/doc0"' - "$T"
check "five records, one each" -- test "$(audit_count "result = 'ok'")" = "$((before + 5))"
seq3=$(jq -r '.audit_seqs[3]' <<<"$BODY")
want=$(openssl dgst -sha256 -binary "$T/doc3.sha256" | xxd -p -c 64)
check "the fourth seq's record holds the fourth digest's hash" -- \
	test "$(sqlite3 "$T/audit.db" "select hex(digest) from records where seq = $seq3" | tr A-F a-f)" = "$want"
req /v1/sign '{"key": "ec", "digests": ['"$list"', "'"$(b64 "$T/data")"'"]}'
contains "a batch with a digest of another length: 400" "$STATUS" 400
req /v1/sign '{"key": "ec", "digests": []}'
contains "an empty batch: 400" "$STATUS" 400
many=$(printf '"%s",' $(for i in $(seq 65); do b64 "$T/doc0.sha256"; echo; done))
req /v1/sign '{"key": "ec", "digests": ['"${many%,}"']}'
contains "65 digests: 400" "$STATUS" 400
req /v1/sign '{"key": "ec", "digests": ['"$list"'], "digest": "'"$(b64 "$T/data.sha256")"'"}'
contains "digests and digest together: 400" "$STATUS" 400
check "none of the refused batches was signed" -- test "$(audit_count "result = 'ok'")" = "$((before + 5))"

req /v1/cms/sign '{"key": "rsa", "data": "'"$(b64 "$T/doc")"'"}'
contains "cms-sign with rsa is allowed" "$STATUS" 200
req /v1/token/issue '{"key": "rsa", "data": "'"$(b64 "$T/doc")"'", "recipient": "a@example"}'
contains "token-issue with rsa is not: 403" "$STATUS" 403

# ---- CMS and view-auth tokens ----
req /v1/cms/sign '{"key": "ec", "data": "'"$(b64 "$T/doc")"'"}'
contains "CMS attached: 200" "$STATUS" 200
field cms | base64 -d >"$T/att.p7"
check "openssl cms -verify accepts it, content whole" -- openssl cms -verify -binary -inform DER -in "$T/att.p7" \
	-CAfile "$T/ca.pem" -out "$T/att.out"
check "the content came back" -- cmp "$T/att.out" "$T/doc"
req /v1/cms/sign '{"key": "rsa", "data": "'"$(b64 "$T/doc")"'", "detached": true, "scheme": "pss", "hash": "sha512"}'
contains "CMS detached RSA-PSS: 200" "$STATUS" 200
field cms | base64 -d >"$T/det.p7"
check "openssl cms -verify accepts it with the content" -- openssl cms -verify -binary -inform DER -in "$T/det.p7" \
	-content "$T/doc" -CAfile "$T/ca.pem" -out /dev/null
openssl dgst -sha256 -binary "$T/doc" >"$T/doc.sha256"
req /v1/token/issue '{"key": "ec", "digest": "'"$(b64 "$T/doc.sha256")"'", "recipient": "kim@example.kr", "ttl": 600}'
contains "a view-auth token: 200" "$STATUS" 200
cp "$T/body" "$T/view.body"
req /v1/token/issue '{"key": "ec", "digest": "'"$(b64 "$T/doc.sha256")"'", "recipient": "kim@example.kr", "ttl": 86401}'
contains "a ttl over a day: 400" "$STATUS" 400
req /v1/token/issue '{"key": "ec", "digest": "'"$(b64 "$T/doc.sha256")"'", "recipient": "kim@example.kr", "ttl": 9223372036854775807}'
contains "a ttl that would overflow: 400" "$STATUS" 400
BODY=$(cat "$T/view.body")
field token >"$T/view.token"
expect 0 "inkan token verify accepts it" -- "$INKAN" token verify "@$T/view.token" --document "$T/doc" \
	--issuer-cert "$T/ec-cert.crt"

# ---- TLS with client certificates ----
tls () { curl -s --cacert "$T/ca.pem" -o "$T/body" -w '%{http_code}' "$@" "https://127.0.0.1:$PORT/v1/keys"; }
STATUS=$(tls --cert "$T/client.crt" --key "$T/client.key")
contains "TLS with a client certificate: 200" "$STATUS" 200
check "identity cn:relay1 sees its one key" -- test "$(jq -c '[.keys[].name]' "$T/body")" = '["ec"]'
curl -s --cacert "$T/ca.pem" --cert "$T/client.crt" --key "$T/client.key" -o "$T/body" \
	--data-binary '{"key": "ec", "data": "'"$(b64 "$T/data")"'"}' "https://127.0.0.1:$PORT/v1/sign"
jq -r .signature "$T/body" | base64 -d >"$T/tls.sig"
check "a signature over TLS verifies" -- openssl dgst -sha256 -verify "$T/ec.pem" -signature "$T/tls.sig" "$T/data"
check "audited under the certificate's identity" -- test "$(audit_count "client = 'cn:relay1' and result = 'ok'")" = 1
STATUS=$(curl -s --cacert "$T/ca.pem" -o "$T/body" -w '%{http_code}' --cert "$T/client.crt" --key "$T/client.key" \
	"https://127.0.0.1:$((PORT + 1))/v1/keys")
check "a listener with identity dn: the whole subject names the client" -- \
	test "$STATUS $(jq -c '[.keys[].name]' "$T/body")" = '200 ["rsa"]'
STATUS=$(tls --cert "$T/twocn.crt" --key "$T/twocn.key")
contains "a certificate with two CNs names no one: 401" "$STATUS" 401
STATUS=$(tls)
check "TLS without a client certificate: refused, no HTTP answer (got $STATUS)" -- test "$STATUS" = 000
STATUS=$(tls --cert "$T/stranger.crt" --key "$T/stranger.key")
check "a certificate from another CA: refused (got $STATUS)" -- test "$STATUS" = 000

# ---- limits ----
head -c 20000 /dev/zero | tr '\0' a >"$T/big"
req /v1/sign "{\"key\": \"ec\", \"data\": \"$(cat "$T/big")\"}"
contains "a body over max_body: 413" "$STATUS" 413

# ---- SIGHUP ----
config "$T/inkand.json" '{clients: {("'"$ME"'"): {keys: {seal: ["sign"]}}}}'
kill -HUP "$PID"
sleep 0.3
req /v1/sign '{"key": "seal", "data": "'"$(b64 "$T/data")"'"}'
contains "after SIGHUP, seal is allowed" "$STATUS" 200
req /v1/sign '{"key": "ec", "data": "'"$(b64 "$T/data")"'"}'
contains "and ec no longer" "$STATUS" 403
printf '{"clients": {"x": {"keys": {"unknown-key": ["sign"]}}}' >"$T/inkand.json"
kill -HUP "$PID"
sleep 0.3
req /v1/sign '{"key": "seal", "data": "'"$(b64 "$T/data")"'"}'
contains "a broken file on SIGHUP keeps the old authorisation" "$STATUS" 200
contains "and the log says why" "$(cat "$T/inkand.log")" '"event":"reload-failed"'

req /metrics
contains "metrics: signatures by key" "$BODY" 'inkand_signatures_total{key="seal"} 2'
contains "metrics: requests by endpoint and status" "$BODY" 'inkand_requests_total{endpoint="/v1/sign",status="403"}'
contains "metrics: the latency histogram" "$BODY" 'inkand_request_duration_seconds_bucket{endpoint="/v1/sign",le="+Inf"}'
req /readyz
contains "readyz: 200 while logged in" "$STATUS" 200
check "inkand exits 0 on SIGTERM" -- stop

# ---- rate limits ----
config "$T/small.json" '{rate_limit: {rate: 0.01, burst: 2}}'
check "inkand starts with a tight rate limit" -- start "$T/small.json"
d=\"$(b64 "$T/doc0.sha256")\"
req /v1/sign '{"key": "ec", "digests": ['"$d,$d,$d"']}'
contains "a batch larger than the burst: 400" "$STATUS" 400
req /v1/sign '{"key": "ec", "digests": ['"$d,$d"']}'
contains "a batch counts its signatures: two with one token left, 429" "$STATUS" 429
req /v1/keys
contains "past the burst: 429" "$STATUS" 429
contains "with Retry-After" "$(cat "$T/headers")" "Retry-After:"
req /healthz
contains "health checks are not rate-limited" "$STATUS" 200
check "inkand exits 0 on SIGTERM" -- stop

# ---- systemd: sd_notify, and the TLS files as credentials ----
# A stand-in for systemd's notification socket: each datagram a line in
# $T/notify.log, until STOPPING=1 or 60 s.
cat >"$T/notify.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(1)
end = time.monotonic() + 60
with open(sys.argv[2], "a") as log:
    while time.monotonic() < end:
        try:
            msg = s.recv(4096).decode()
        except socket.timeout:
            continue
        log.write(msg.replace("\n", " ") + "\n")
        log.flush()
        if "STOPPING=1" in msg:
            break
PY
: >"$T/notify.log"
/usr/bin/python3 "$T/notify.py" "$T/notify.sock" "$T/notify.log" &
notifier=$!
for i in $(seq 50); do [ -S "$T/notify.sock" ] && break; sleep 0.05; done
mkdir -p "$T/creds"
cp "$T/server.crt" "$T/creds/tls.crt"
cp "$T/server.key" "$T/creds/tls.key"
cp "$T/ca.pem" "$T/creds/clients.pem"
config "$T/notify.json" '{listen: [{unix: "'"$SOCK"'"}, {tcp: "127.0.0.1:'"$PORT"'", cert: "cred:tls.crt",
	key: "cred:tls.key", client_ca: "cred:clients.pem"}]}'
expect 3 "TLS files named as credentials need \$CREDENTIALS_DIRECTORY" -- "$INKAND" --config "$T/notify.json"
contains "and it says so" "$ERR" 'cred:tls.crt: no $CREDENTIALS_DIRECTORY'
NOTIFY_SOCKET=$T/notify.sock CREDENTIALS_DIRECTORY=$T/creds start "$T/notify.json"
check "inkand starts with its TLS files from \$CREDENTIALS_DIRECTORY" -- kill -0 "$PID"
notified () { # TEXT [AFTER]: a notification holds TEXT (after one holding AFTER) within 5 s
	local i
	for i in $(seq 100); do
		sed -n "/${2:-.}/,\$p" "$T/notify.log" | tail -n +"$([ -n "${2:-}" ] && echo 2 || echo 1)" |
			grep -q -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
check "READY=1 arrives on NOTIFY_SOCKET" -- notified READY=1
STATUS=$(tls --cert "$T/client.crt" --key "$T/client.key")
contains "TLS with the certificate and key from credentials: 200" "$STATUS" 200
kill -HUP "$PID"
check "SIGHUP: RELOADING=1" -- notified RELOADING=1
check "then READY=1 again" -- notified READY=1 RELOADING=1
check "inkand exits 0 on SIGTERM" -- stop
check "SIGTERM: STOPPING=1" -- notified STOPPING=1
wait "$notifier"

# ---- the drain ends with a checkpoint covering the last record ----
config "$T/ck.json" '{audit: {path: "'"$T"'/ck.db", checkpoint_key: "ckpt", checkpoint_interval: 3600}}'
check "inkand starts with a checkpoint key and no checkpoint due for an hour" -- start "$T/ck.json"
req /v1/sign '{"key": "ec", "data": "'"$(b64 "$T/data")"'"}'
req /v1/sign '{"key": "seal", "data": "'"$(b64 "$T/data")"'"}'
contains "a signature and a refusal" "$STATUS" 403
check "inkand exits 0 on SIGTERM" -- stop
expect 0 "the log verifies after the clean stop" -- "$INKAN" --json audit verify --log "$T/ck.db" --pubkey "$T/ckpt.pem"
check "with a final checkpoint over its last seq ($(jq -c '[.last_seq, .last_checkpoint_seq, .checkpoints_valid]' <<<"$OUT"))" -- \
	test "$(jq '.last_seq == 2 and .last_checkpoint_seq == 2 and .checkpoints == 1 and .checkpoints_valid == 1' <<<"$OUT")" = true

# ---- a checkpoint also every N records ----
config "$T/every.json" '{audit: {path: "'"$T"'/every.db", checkpoint_key: "ckpt", checkpoint_every: -1}}'
expect 2 "checkpoint_every below 0 is refused" -- "$INKAND" --config "$T/every.json" --check
contains "naming the setting" "$ERR" "checkpoint_every 0-1000000000"
config "$T/every.json" '{audit: {path: "'"$T"'/every.db", checkpoint_every: 3}}'
expect 2 "checkpoint_every without a checkpoint key is refused" -- "$INKAND" --config "$T/every.json" --check
contains "saying what it needs" "$ERR" "checkpoint_every needs a checkpoint_key"
config "$T/every.json" '{audit: {path: "'"$T"'/every.db", checkpoint_key: "ckpt", checkpoint_interval: 3600,
	checkpoint_every: 3}}'
check "inkand starts with checkpoint_every 3 and no checkpoint due by time for an hour" -- start "$T/every.json"
for i in 1 2 3 4 5 6 7; do req /v1/sign '{"key": "ec", "data": "'"$(b64 "$T/data")"'"}'; done
for i in $(seq 50); do
	"$INKAN" --json audit verify --log "$T/every.db" --pubkey "$T/ckpt.pem" >"$T/every.out" 2>/dev/null
	[ "$(jq .checkpoints_valid "$T/every.out")" = 2 ] && break
	sleep 0.1
done
check "7 records: checkpoints after the 3rd and the 6th, 1 record past them ($(jq -c '[.last_seq, .checkpoints_valid, .last_checkpoint_seq, .unprotected_records]' "$T/every.out"))" -- \
	test "$(jq -c '[.last_seq, .checkpoints_valid, .last_checkpoint_seq, .unprotected_records]' "$T/every.out")" = '[7,2,6,1]'
check "inkand exits 0 on SIGTERM" -- stop

# ---- an env: PIN is wiped, not only unset ----
config "$T/env.json" '{pin: "env:INKAND_TEST_PIN"}'
INKAND_TEST_PIN=$(head -n1 "$T/user.pin") start "$T/env.json"
check "inkand starts with an env: PIN" -- kill -0 "$PID"
check "the PIN is not in /proc/PID/environ" -- test -z "$(tr '\0' '\n' <"/proc/$PID/environ" | grep -F -- "$(head -n1 "$T/user.pin")")"
curl -s --unix-socket "$SOCK" -o /dev/null "http://inkand/healthz?$(head -c 3000 /dev/zero | tr '\0' q)"
check "a long URI is logged cut to 256 bytes" -- \
	test "$(grep '"event":"request"' "$T/inkand.log" | tail -n1 | jq -r '.path | length')" = 256
check "inkand exits 0 on SIGTERM" -- stop

# ---- failing closed when the audit log cannot be written ----
config "$T/inkand.json" '{clients: {("'"$ME"'"): {keys: {seal: ["sign"]}}}}'
check "inkand starts" -- start "$T/inkand.json"
# Another process holds the write lock past the log's busy timeout (5 s).
(echo 'BEGIN EXCLUSIVE;'; sleep 8; echo 'COMMIT;') | sqlite3 "$T/audit.db" &
locker=$!
sleep 0.5
before=$(audit_count "result = 'ok'")
STATUS=$(curl -s --unix-socket "$SOCK" -o "$T/body" -w '%{http_code}' --max-time 20 \
	--data-binary '{"key": "seal", "data": "'"$(b64 "$T/data")"'"}' http://inkand/v1/sign)
contains "the audit log cannot be written: 503" "$STATUS" 503
check "and no signature leaves" -- test -z "$(jq -r '.signature // empty' "$T/body")"
contains "the error says so" "$(jq -r .error "$T/body")" audit-failed
req /healthz
contains "healthz: 503" "$STATUS" 503
check "healthz says why" -- test -n "$(field audit)"
req /readyz
contains "readyz: 503" "$STATUS" 503
SECONDS=0
verify seal "$T/ec.sig"
check "a refusal with the log failed: 503 audit-failed, at once ($STATUS $(field error), ${SECONDS} s)" -- \
	test "$STATUS $(field error)" = "503 audit-failed" -a "$SECONDS" -lt 3
wait "$locker"
check "no signature was recorded as given" -- test "$(audit_count "result = 'ok'")" = "$before"
check "inkand exits 0 on SIGTERM" -- stop

# ---- kill -9 under load: every 200 is on record, and the log verifies ----
rm -f "$T/audit.db" "$T/audit.db-wal" "$T/audit.db-shm"
config "$T/load.json" '{workers: 2, queue: 64, rate_limit: {rate: 100000, burst: 100000},
	audit: {path: "'"$T"'/audit.db", checkpoint_key: "ckpt", checkpoint_interval: 1}}'
check "inkand starts for the load" -- start "$T/load.json"
# No client may be granted the checkpoint key: it could sign a forged head.
cp "$T/load.json" "$T/load.orig"
jq --arg me "$ME" '.clients[$me].keys.ckpt = ["sign"]' "$T/load.orig" >"$T/load.json"
kill -HUP "$PID"
sleep 0.3
contains "a SIGHUP granting the checkpoint key is refused" "$(cat "$T/inkand.log")" 'the audit checkpoint key \"ckpt\"'
req /v1/sign '{"key": "ckpt", "data": "'"$(b64 "$T/data")"'"}'
contains "and the old table stays: 403" "$STATUS" 403
urls=$(for i in $(seq 3000); do printf 'http://inkand/v1/sign '; done)
load () { # N: signatures one after another on one connection; the audit_seq of each 200 into $T/seqs.N
	# shellcheck disable=SC2086
	curl -s --unix-socket "$SOCK" --max-time 30 -w '\n' --data-binary \
		'{"key": "ec", "data": "'"$(b64 "$T/data")"'"}' $urls | jq -r '.audit_seq // empty' >"$T/seqs.$1" 2>/dev/null
}
loaders=()
for n in 1 2 3 4; do load $n & loaders+=($!); done
sleep 1.5
kill -9 "$PID"
wait "$PID" 2>/dev/null
PID=
wait "${loaders[@]}"
cat "$T"/seqs.* | sort >"$T/seqs"
got=$(wc -l <"$T/seqs")
check "the load got answers ($got of them)" -- test "$got" -gt 10
check "and was cut short by the kill" -- test "$got" -lt 12000
sqlite3 "$T/audit.db" "select seq from records where result = 'ok'" | sort >"$T/recorded"
check "every 200's audit_seq is in the log" -- test -z "$(comm -23 "$T/seqs" "$T/recorded")"
expect 0 "inkan audit verify passes after kill -9" -- "$INKAN" --json audit verify --log "$T/audit.db" \
	--pubkey "$T/ckpt.pem"
check "with checkpoints signed by the checkpoint key ($(jq -c '[.checkpoints, .checkpoints_valid]' <<<"$OUT"))" -- \
	test "$(jq '.checkpoints > 0 and .checkpoints == .checkpoints_valid' <<<"$OUT")" = true
sqlite3 "$T/audit.db" "update records set result = 'denied' where seq = $(sed -n 5p "$T/seqs")" 2>/dev/null ||
	sqlite3 "$T/audit.db" "drop trigger records_append_only_u;
		update records set result = 'denied' where seq = $(sed -n 5p "$T/seqs")"
expect 1 "a forged record is found" -- "$INKAN" --json audit verify --log "$T/audit.db"
contains "and located" "$OUT" "\"seq\": $(sed -n 5p "$T/seqs")"
victim=$(sed -n 9p "$T/seqs")
sqlite3 "$T/audit.db" "drop trigger if exists records_append_only_d; delete from records where seq = $victim"
expect 1 "a deleted record is found" -- "$INKAN" --json audit verify --log "$T/audit.db"
check "and located: the missing seq" -- test "$(jq "[.problems[] | select(.kind == \"seq-gap\") | .seq] | index($victim) != null" <<<"$OUT")" = true

# ---- through the p11shim: a slow token, a full queue, the drain, faults ----
MODULE=$INKAN_SHIM config "$T/shim.json" '{workers: 1, queue: 1}'
check "inkand starts on the shim" -- start "$T/shim.json"
control 'C_Sign=delay:300'
sleep 0.1
clients=()
for n in 1 2 3 4 5 6; do
	curl -s --unix-socket "$SOCK" -D "$T/h.$n" -o /dev/null -w '%{http_code}\n' --max-time 20 \
		--data-binary '{"key": "ec", "data": "'"$(b64 "$T/data")"'"}' http://inkand/v1/sign >"$T/code.$n" &
	clients+=($!)
done
wait "${clients[@]}"
codes=$(cat "$T"/code.* | sort | uniq -c | tr -s ' ' | tr '\n' ';')
contains "one worker, a queue of one, six at once: some 200 ($codes)" "$codes" " 200"
contains "and some 503 at once" "$codes" " 503"
check "nothing else ($codes)" -- test -z "$(cat "$T"/code.* | grep -v -e 200 -e 503)"
contains "the 503 says Retry-After" "$(cat "$T"/h.*)" "Retry-After: 1"

curl -s --unix-socket "$SOCK" -o "$T/drain.body" -w '%{http_code}' --max-time 20 \
	--data-binary '{"key": "ec", "data": "'"$(b64 "$T/data")"'"}' http://inkand/v1/sign >"$T/drain.code" &
curler=$!
sleep 0.2
kill -TERM "$PID"
sleep 0.1
check "after SIGTERM no new connection is taken" -- test ! -S "$SOCK"
wait "$PID"
contains "inkand drained and exited 0" "$?" 0
wait "$curler"
contains "the request in flight at SIGTERM got its 200" "$(cat "$T/drain.code")" 200
control ''

MODULE=$INKAN_SHIM config "$T/shim.json" '{rate_limit: {rate: 100000, burst: 100000}}'
check "inkand starts on the shim again" -- start "$T/shim.json"
sign_ec () { req /v1/sign '{"key": "ec", "data": "'"$(b64 "$T/data")"'"}'; }
metric () { req /metrics; sed -n "s/^$1 //p" <<<"$BODY"; }
for fault in CKR_SESSION_HANDLE_INVALID CKR_DEVICE_ERROR CKR_USER_NOT_LOGGED_IN; do
	retries=$(metric inkand_retries_total)
	control "C_Sign=$fault:once"
	sleep 0.05
	sign_ec
	contains "one $fault: retried on a fresh session, 200" "$STATUS" 200
	field signature | base64 -d >"$T/retry.sig"
	check "and the signature verifies" -- openssl dgst -sha256 -verify "$T/ec.pem" -signature "$T/retry.sig" "$T/data"
	check "the retry is counted" -- test "$(metric inkand_retries_total)" = $((retries + 1))
done
logins=$(metric inkand_logins_total)
control '*=CKR_DEVICE_REMOVED'
sleep 0.05
for n in 1 2 3; do
	sign_ec
	contains "the token removed: 503 ($n)" "$STATUS" 503
done
check "with a JSON error ($(field error))" -- test -n "$(field error)"
req /healthz
contains "inkand is alive meanwhile" "$STATUS" 200
control ''
sleep 0.05
sign_ec
contains "the token back: 200" "$STATUS" 200
sign_ec
contains "and again" "$STATUS" 200
check "sessions were reopened" -- test "$(metric inkand_session_reopens_total)" -gt 0
check "and the token, which forgot its login, logged in again" -- test "$(metric inkand_logins_total)" -gt "$logins"

# A flapping token: logins that never reach it cost the PIN no try, a
# failed re-login is not tried twice for one request, and the next waits.
control '*=CKR_DEVICE_REMOVED'
sleep 0.05
sign_ec
control 'C_Login=CKR_DEVICE_REMOVED:count=3'
sleep 0.05
for n in 1 2 3; do
	sign_ec
	contains "a re-login that fails with device-removed: 503 ($n)" "$STATUS" 503
	sign_ec
	contains "at once after it: 503, no login tried ($n)" "$STATUS" 503
	sleep 1.1
done
check "the record counts no failure for them" -- test "$(pin_record "$T/pin")" = '[0,5]'
sign_ec
contains "the fourth login gets through: 200" "$STATUS" 200

# The token pulled out and put back under load: every answer a 200 or a
# 503, never a hang; signing resumes; every 200 is on record.
urls=$(for i in $(seq 400); do printf 'http://inkand/v1/sign '; done)
loaders=()
for n in 1 2 3 4; do
	# shellcheck disable=SC2086
	curl -s --unix-socket "$SOCK" --max-time 60 -w '\n%{http_code}\n' --data-binary \
		'{"key": "ec", "data": "'"$(b64 "$T/data")"'"}' $urls >"$T/pulled.$n" &
	loaders+=($!)
done
sleep 0.3
control '*=CKR_DEVICE_REMOVED'
sleep 0.5
control ''
wait "${loaders[@]}"
codes=$(grep -h -x '[0-9][0-9][0-9]' "$T"/pulled.* | sort | uniq -c | tr -s ' ' | tr '\n' ';')
check "under load, with the token pulled: all 1600 answered ($codes)" -- \
	test "$(grep -h -x '[0-9][0-9][0-9]' "$T"/pulled.* | wc -l)" = 1600
check "only 200 and 503 ($codes)" -- test -z "$(grep -h -x '[0-9][0-9][0-9]' "$T"/pulled.* | grep -v -e 200 -e 503)"
contains "some were refused while it was out" "$codes" " 503"
sign_ec
contains "signing resumed" "$STATUS" 200
grep -h -o '"audit_seq":[0-9]*' "$T"/pulled.* | cut -d: -f2 | sort >"$T/seqs"
sqlite3 "$T/audit.db" "select seq from records where result = 'ok'" | sort >"$T/recorded"
check "every 200 of the run is on record ($(wc -l <"$T/seqs"))" -- test -z "$(comm -23 "$T/seqs" "$T/recorded")"
check "inkand exits 0 on SIGTERM" -- stop

finish
