#!/usr/bin/env bash
# inkand's keys as the token resolves them: no client may be granted the
# audit checkpoint key under any name or URI that reaches the same object
# (or the same key pair), at start (--check, exit 2) or on SIGHUP; and a
# key whose URI names another token than "token" is refused at start.
. "$(dirname "$0")/lib.sh"
softhsm_token
T=$TESTDIR
SOCK=$T/inkand.sock
ME=unix:$(id -un)
pkcs11_keygen EC:prime256v1 01 ec
pkcs11_keygen EC:prime256v1 03 ckpt
# A second token with a key of the same label and ID.
softhsm2-util --init-token --free --label other --so-pin 12345678 --pin 123456 >/dev/null
pkcs11-tool --module "$SOFTHSM_MODULE" --token-label other --login --pin 123456 --keypairgen \
	--key-type EC:prime256v1 --id 01 --label ec >/dev/null 2>&1
printf 'to be signed\n' | base64 -w0 >"$T/data.b64"

# config FILE [JQ]: a UNIX listener, keys ec and ckpt (the checkpoint key),
# the client granted ec; JQ then edits it (extra keys, grants), with $me
# the client and $u the URI in $U.
config () {
	jq -n --arg sock "$SOCK" --arg tok "$TOKEN" --arg t "$T" --arg me "$ME" --arg mod "$SOFTHSM_MODULE" '{
		listen: [{unix: $sock}], module: $mod, token: $tok, pin: "file:\($t)/user.pin",
		pin_record_dir: "\($t)/pin", workers: 2, audit: {path: "\($t)/audit.db", checkpoint_key: "ckpt"},
		keys: {ec: {uri: "\($tok);object=ec"}, ckpt: {uri: "\($tok);object=ckpt"}},
		clients: {($me): {keys: {ec: ["sign"]}}}}' | jq --arg me "$ME" --arg u "${U:-}" "${2:-.}" >"$1"
}
. "$(dirname "$0")/inkand-lib.sh"

config "$T/plain.json"
expect 0 "--check accepts keys on the token with the checkpoint key granted to nobody" -- \
	"$INKAND" --config "$T/plain.json" --check

# Every spelling of the checkpoint key that the token resolves to it.
label=${TOKEN#pkcs11:token=}
aliases=(
	"$TOKEN;id=%03"
	"pkcs11:object=ckpt;token=$label"
	"$TOKEN;object=ckpt;type=private"
	"pkcs11:token=$(printf '%s' "$label" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g');object=ckpt"
	"pkcs11:object=ckpt"
)
for a in "${aliases[@]}"; do
	U=$a config "$T/alias.json" '.keys.alias = {uri: $u} | .clients[$me].keys.alias = ["verify"]'
	expect 2 "--check refuses a grant of the checkpoint key as $a" -- "$INKAND" --config "$T/alias.json" --check
	contains "naming it the checkpoint key" "$ERR" 'is granted key \"alias\", which is the audit checkpoint key \"ckpt\"'
done

# A second object holding the same key pair is the checkpoint key too.
openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 -out "$T/twin.pem" 2>/dev/null
openssl pkey -in "$T/twin.pem" -outform DER -out "$T/twin.der"
openssl pkey -in "$T/twin.pem" -pubout -outform DER -out "$T/twin.pub.der"
for id in 04 05; do
	for part in "privkey twin.der" "pubkey twin.pub.der"; do
		set -- $part
		pkcs11-tool --module "$SOFTHSM_MODULE" --token-label "$label" --login --pin 123456 --write-object "$T/$2" \
			--type "$1" --id "$id" --label "twin$id" >/dev/null 2>&1
	done
done
config "$T/twin.json" '.keys.twin4 = {uri: "pkcs11:object=twin04"} | .keys.twin5 = {uri: "pkcs11:object=twin05"}
	| .audit.checkpoint_key = "twin4" | .clients[$me].keys.twin5 = ["sign"]'
expect 2 "--check refuses a grant of another object with the checkpoint key's key pair" -- \
	"$INKAND" --config "$T/twin.json" --check
contains "naming it the checkpoint key" "$ERR" 'is granted key \"twin5\", which is the audit checkpoint key \"twin4\"'

# A key on another token: refused at start, not taken for the key of the
# same label on inkand's own token.
for u in "pkcs11:token=other;serial=0000;object=ec" "pkcs11:token=other;object=ec"; do
	U=$u config "$T/other.json" '.keys.ec.uri = $u'
	expect 2 "--check refuses $u" -- "$INKAND" --config "$T/other.json" --check
	contains "as another token's" "$ERR" 'names another token than \"token\"'
	expect 2 "and inkand does not start with it" -- timeout 20 "$INKAND" --config "$T/other.json"
done

# SIGHUP: each alias is one of inkand's keys, granted to nobody at start;
# a reload that grants it is refused and the old table stays.
U=$(printf '%s\n' "${aliases[@]}" | jq -R . | jq -sc 'to_entries | map({key: "a\(.key)", value: {uri: .value}}) | from_entries') \
	config "$T/base.json" '.keys += ($u | fromjson)'
cp "$T/base.json" "$T/inkand.json"
check "inkand starts with the aliases as keys of their own, granted to nobody" -- start "$T/inkand.json"
refusals () { grep -c '"event":"reload-failed"' "$T/inkand.log"; }
for i in "${!aliases[@]}"; do
	jq --arg me "$ME" --arg k "a$i" '.clients[$me].keys[$k] = ["sign"]' "$T/base.json" >"$T/inkand.json"
	before=$(refusals)
	kill -HUP "$PID"
	for _ in $(seq 60); do [ "$(refusals)" -gt "$before" ] && break; sleep 0.05; done
	check "SIGHUP granting ${aliases[$i]} is refused" -- test "$(refusals)" -gt "$before"
	contains "naming it the checkpoint key" "$(tail -n1 "$T/inkand.log")" \
		'is granted key \"a'"$i"'\", which is the audit checkpoint key \"ckpt\"'
	STATUS=$(curl -s --unix-socket "$SOCK" -o /dev/null -w '%{http_code}' \
		--data-binary '{"key": "a'"$i"'", "data": "'"$(cat "$T/data.b64")"'"}' http://inkand/v1/sign)
	contains "and the key stays refused: 403" "$STATUS" 403
done
check "inkand exits 0 on SIGTERM" -- stop
finish
