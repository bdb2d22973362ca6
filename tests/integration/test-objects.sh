#!/usr/bin/env bash
# inkan objects, cert import/export, delete, token init.
. "$(dirname "$0")/lib.sh"
softhsm_token

"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label signer --id 0a0b --pin "$USER_PIN" >/dev/null
"$INKAN" pubkey --key "$TOKEN;object=signer" --out "$TESTDIR/signer.pub"

# A certificate for the token key, from an independent CA made by openssl.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TESTDIR/ca.key" \
	-subj "/CN=Test CA" -days 30 -out "$TESTDIR/ca.pem" 2>/dev/null
openssl x509 -new -force_pubkey "$TESTDIR/signer.pub" -subj "/CN=signer" -CA "$TESTDIR/ca.pem" \
	-CAkey "$TESTDIR/ca.key" -days 30 -out "$TESTDIR/signer.pem" 2>/dev/null ||
openssl x509 -req -in <(openssl req -new -key "$TESTDIR/ca.key" -subj "/CN=x" 2>/dev/null) \
	-force_pubkey "$TESTDIR/signer.pub" -subj "/CN=signer" -CA "$TESTDIR/ca.pem" -CAkey "$TESTDIR/ca.key" \
	-days 30 -out "$TESTDIR/signer.pem" 2>/dev/null
openssl x509 -in "$TESTDIR/signer.pem" -outform DER -out "$TESTDIR/signer.der"

expect 0 "objects without login shows the public objects" -- "$INKAN" --json objects "$TOKEN"
check "no private key is listed without login" -- python3 -c '
import json, sys
o = json.loads(sys.argv[1])
assert [x["class"] for x in o] == ["public-key"], o
' "$OUT"

expect 0 "cert import (PEM) takes the key's id" -- "$INKAN" cert import --token "$TOKEN" --in "$TESTDIR/signer.pem" \
	--label signer --pin "$USER_PIN"
contains "the certificate has the key's id" "$OUT" "id=%0A%0B"
expect 0 "cert import (DER) with an explicit id" -- "$INKAN" cert import --token "$TOKEN" --in "$TESTDIR/signer.der" \
	--label copy --id ff --pin "$USER_PIN"
expect 3 "cert import of a certificate no key matches needs --id" -- "$INKAN" cert import --token "$TOKEN" \
	--in "$TESTDIR/ca.pem" --label ca --pin "$USER_PIN"
contains "and says so" "$ERR" "give --id"
: "${CARD_API:?CARD_API must name the card-api program}"
expect 0 "the token's certificates as a list (public API)" -- "$CARD_API" certs "$TOKEN"
check "both imported, with label, ID and the DER imported" -- test "$(sort <<<"$OUT")" = \
"cert 0a0b $(sha256sum <"$TESTDIR/signer.der" | cut -d' ' -f1) signer
cert ff $(sha256sum <"$TESTDIR/signer.der" | cut -d' ' -f1) copy"
printf 'not a certificate' >"$TESTDIR/junk.pem"
expect 1 "cert import of junk is refused" -- "$INKAN" cert import --token "$TOKEN" --in "$TESTDIR/junk.pem" \
	--label junk --pin "$USER_PIN"
contains "naming the file" "$ERR" "junk.pem"
one_line "the malformed-input error" "$ERR"
expect 3 "cert import of a file that is not there" -- "$INKAN" cert import --token "$TOKEN" \
	--in "$TESTDIR/missing.pem" --label missing --pin "$USER_PIN"
contains "naming the file" "$ERR" "missing.pem"
one_line "the unreadable-input error" "$ERR"

expect 0 "objects --login lists everything" -- "$INKAN" --json objects --pin "$USER_PIN" "$TOKEN"
check "private key, public key and two certificates, with ids and key types" -- python3 -c '
import json, sys
o = json.loads(sys.argv[1])
classes = sorted(x["class"] for x in o)
assert classes == ["certificate", "certificate", "private-key", "public-key"], classes
for x in o:
    assert x["uri"].startswith("pkcs11:")
    if x["class"].endswith("key"): assert x["key_type"] == "ec" and x["id"] == "0a0b", x
    else: assert x["key_type"] is None
' "$OUT"
expect 0 "objects filtered by type" -- "$INKAN" --json objects "$TOKEN;type=cert"
check "only certificates" -- python3 -c '
import json, sys
assert {x["class"] for x in json.loads(sys.argv[1])} == {"certificate"}' "$OUT"

expect 0 "cert export as DER" -- "$INKAN" cert export "$TOKEN;object=signer;type=cert" --der --out "$TESTDIR/back.der"
check "the exported DER is the imported certificate" -- cmp "$TESTDIR/back.der" "$TESTDIR/signer.der"
expect 0 "cert export as PEM to stdout" -- "$INKAN" cert export "$TOKEN;object=signer;type=cert"
check "the PEM is the certificate" -- sh -c "printf '%s\n' \"\$1\" | openssl x509 -outform DER | cmp - '$TESTDIR/signer.der'" _ "$OUT"
pkcs15=$(pkcs11-tool --module "$SOFTHSM_MODULE" --read-object --type cert --label signer 2>/dev/null | od -An -tx1 | tr -d ' \n')
check "pkcs11-tool reads back the same certificate" -- test "$pkcs15" = "$(od -An -tx1 "$TESTDIR/signer.der" | tr -d ' \n')"

# The key's certificate also gives its public key; verify by certificate.
printf 'hello' >"$TESTDIR/msg"
"$INKAN" sign --key "$TOKEN;object=signer" --in "$TESTDIR/msg" --out "$TESTDIR/msg.sig" --pin "$USER_PIN"
expect 0 "verify by certificate" -- "$INKAN" verify --cert "$TESTDIR/signer.pem" --sig "$TESTDIR/msg.sig" --in "$TESTDIR/msg"

expect 2 "delete of a token URI (no object named) is refused" -- "$INKAN" delete "$TOKEN" --pin "$USER_PIN"
expect 2 "delete of an ambiguous URI is refused" -- "$INKAN" delete "$TOKEN;type=cert" --pin "$USER_PIN"
contains "it lists what matched" "$ERR" "2 objects match"
one_line "the ambiguous-URI error" "$ERR"
expect 3 "delete of nothing" -- "$INKAN" delete "$TOKEN;object=nope" --pin "$USER_PIN"
one_line "the unknown-URI error" "$ERR"
expect 0 "delete one certificate" -- "$INKAN" delete "$TOKEN;object=copy;type=cert" --pin "$USER_PIN"
expect 0 "objects after delete" -- "$INKAN" --json objects "$TOKEN;type=cert"
check "one certificate is left" -- python3 -c '
import json, sys
assert [x["label"] for x in json.loads(sys.argv[1])] == ["signer"]' "$OUT"

# token init on the free slot SoftHSM2 always offers.
slot=$("$INKAN" --json tokens | python3 -c '
import json, sys
print([t["slot"] for t in json.load(sys.stdin) if "token-initialized" not in t["flags"]][0])')
printf '87654321\n' >"$TESTDIR/so2"; printf '4321\n4321\n' >"$TESTDIR/pin2"
expect 0 "token init" -- "$INKAN" token init --slot "$slot" --label fresh --so-pin "file:$TESTDIR/so2" --pin "file:$TESTDIR/pin2"
expect 0 "the new token is listed" -- "$INKAN" --json tokens "pkcs11:token=fresh"
contains "and initialised" "$OUT" "user-pin-initialized"
expect 0 "keygen on the new token with its PIN" -- "$INKAN" keygen --token "pkcs11:token=fresh" --type ec:P-256 \
	--label k --pin "file:$TESTDIR/pin2"
expect 2 "token init without --label is a usage error" -- "$INKAN" token init --slot "$slot"
expect 3 "token init on a slot that does not exist" -- "$INKAN" token init --slot 99999 --label x \
	--so-pin "file:$TESTDIR/so2" --pin "file:$TESTDIR/pin2"
finish
