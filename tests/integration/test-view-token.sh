#!/usr/bin/env bash
# View-auth tokens: issue on a token key, verify, and every refusal named.
. "$(dirname "$0")/lib.sh"
softhsm_token
printf 'the certified e-document\n' >"$TESTDIR/doc"
printf 'another document\n' >"$TESTDIR/other"

# A relay CA and the relay's certificates for an EC and an RSA token key.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TESTDIR/ca.key" \
	-subj "/C=KR/O=Relay CA" -days 30 -out "$TESTDIR/ca.pem" 2>/dev/null
for k in ec:P-256 ec:P-384 rsa:2048; do
	label=relay-${k/:/-}
	"$INKAN" keygen --token "$TOKEN" --type "$k" --label "$label" --pin "$USER_PIN" >/dev/null
	"$INKAN" pubkey --key "$TOKEN;object=$label" --out "$TESTDIR/$label.pub"
	openssl x509 -new -force_pubkey "$TESTDIR/$label.pub" -subj "/C=KR/O=Relay/CN=$label" \
		-CA "$TESTDIR/ca.pem" -CAkey "$TESTDIR/ca.key" -days 10 -out "$TESTDIR/$label.pem" 2>/dev/null
	expect 0 "issue a token with $k" -- "$INKAN" token issue --key "$TOKEN;object=$label" --cert "$TESTDIR/$label.pem" \
		--recipient "user@relay.example" --document "$TESTDIR/doc" --ttl 10m --pin "$USER_PIN"
	printf '%s\n' "$OUT" >"$TESTDIR/$label.jws"
	check "$k: three base64url parts" -- sh -c "grep -qxE '[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+' '$TESTDIR/$label.jws'"
	expect 0 "$k: the token verifies" -- "$INKAN" --json token verify "@$TESTDIR/$label.jws" --document "$TESTDIR/doc" \
		--issuer-cert "$TESTDIR/$label.pem" --anchor "$TESTDIR/ca.pem"
	contains "$k: names the recipient" "$OUT" '"recipient": "user@relay.example"'
done

jws=$(cat "$TESTDIR/relay-ec-P-256.jws")
cert=$TESTDIR/relay-ec-P-256.pem
# An independent check of the JWS: python's own ECDSA-free path is not
# available, so check the header and the signature with openssl.
check "the header says ES256, typ and the certificate thumbprint" -- python3 -c '
import base64, hashlib, json, subprocess, sys
h, p, s = sys.argv[1].split(".")
dec = lambda x: base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
hdr = json.loads(dec(h)); pl = json.loads(dec(p))
der = subprocess.run(["openssl", "x509", "-in", sys.argv[2], "-outform", "DER"], capture_output=True).stdout
assert hdr["alg"] == "ES256" and hdr["typ"] == "inkan-view+jwt", hdr
assert dec(hdr["x5t#S256"]) == hashlib.sha256(der).digest()
assert dec(pl["doc_s256"]) == hashlib.sha256(open(sys.argv[3], "rb").read()).digest()
assert pl["exp"] - pl["iat"] == 600 and pl["sub_type"] == "address"
sig = dec(s); assert len(sig) == 64
r, s_ = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
def der_int(v):
    b = v.to_bytes((v.bit_length() + 8) // 8, "big"); return b"\x02" + bytes([len(b)]) + b
body = der_int(r) + der_int(s_)
open(sys.argv[4], "wb").write(b"\x30" + bytes([len(body)]) + body)
open(sys.argv[5], "wb").write((h + "." + p).encode())
' "$jws" "$cert" "$TESTDIR/doc" "$TESTDIR/jws.sig.der" "$TESTDIR/jws.input"
check "openssl verifies the JWS signature" -- openssl dgst -sha256 -verify "$TESTDIR/relay-ec-P-256.pub" \
	-signature "$TESTDIR/jws.sig.der" "$TESTDIR/jws.input"

refused () { # REASON DESCRIPTION ARGS...: verify fails with REASON
	local reason=$1 what=$2
	shift 2
	expect 1 "$what" -- "$INKAN" --json token verify "$@"
	contains "$what: reason $reason" "$OUT" "\"reason\": \"$reason\""
}
refused document-hash "another document is refused" "$jws" --document "$TESTDIR/other" --issuer-cert "$cert"
printf 'the certified e-documenT\n' >"$TESTDIR/doc1"
refused document-hash "one changed byte is refused" "$jws" --document "$TESTDIR/doc1" --issuer-cert "$cert"
openssl x509 -new -force_pubkey "$TESTDIR/relay-ec-P-256.pub" -subj "/C=KR/O=Relay/CN=reissued" \
	-CA "$TESTDIR/ca.pem" -CAkey "$TESTDIR/ca.key" -days 10 -out "$TESTDIR/reissued.pem" 2>/dev/null
refused issuer "another certificate, even for the same key, is refused" "$jws" --document "$TESTDIR/doc" \
	--issuer-cert "$TESTDIR/reissued.pem"
refused algorithm "a P-384 certificate for an ES256 token is refused" "$jws" --document "$TESTDIR/doc" \
	--issuer-cert "$TESTDIR/relay-ec-P-384.pem"
refused algorithm "an RSA certificate for an ES256 token is refused" "$jws" --document "$TESTDIR/doc" \
	--issuer-cert "$TESTDIR/relay-rsa-2048.pem"

# Tamper with the payload, keep the signature.
forged=$(python3 -c '
import base64, json, sys
h, p, s = sys.argv[1].split(".")
dec = lambda x: base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
pl = json.loads(dec(p)); pl["sub"] = "mallory@relay.example"
enc = base64.urlsafe_b64encode(json.dumps(pl).encode()).rstrip(b"=").decode()
print(h + "." + enc + "." + s)' "$jws")
refused signature "a tampered payload is refused" "$forged" --document "$TESTDIR/doc" --issuer-cert "$cert"
refused malformed "garbage is refused" "a.b" --document "$TESTDIR/doc" --issuer-cert "$cert"
refused malformed "four parts are refused" "$jws.x" --document "$TESTDIR/doc" --issuer-cert "$cert"

# Expiry: a 1-second token, checked with no skew after it lapsed.
"$INKAN" token issue --key "$TOKEN;object=relay-ec-P-256" --cert "$cert" --ci "CI-0123456789" \
	--document "$TESTDIR/doc" --ttl 1s --pin "$USER_PIN" >"$TESTDIR/short.jws"
sleep 2.2
refused expired "an expired token is refused" "@$TESTDIR/short.jws" --document "$TESTDIR/doc" --issuer-cert "$cert" --skew 0
expect 0 "a skew window forgives a little lateness" -- "$INKAN" token verify "@$TESTDIR/short.jws" \
	--document "$TESTDIR/doc" --issuer-cert "$cert" --skew 1m

# Replay cache: the first use passes, the second is refused.
expect 0 "first use with a replay cache" -- "$INKAN" token verify "$jws" --document "$TESTDIR/doc" \
	--issuer-cert "$cert" --replay-cache "$TESTDIR/seen"
refused replay "the same token again is refused" "$jws" --document "$TESTDIR/doc" --issuer-cert "$cert" \
	--replay-cache "$TESTDIR/seen"

# An issuer certificate that does not chain to the anchor.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TESTDIR/other-ca.key" \
	-subj "/CN=Other CA" -days 30 -out "$TESTDIR/other-ca.pem" 2>/dev/null
refused issuer-certificate "an issuer outside the anchors is refused" "$(cat "$TESTDIR/relay-ec-P-384.jws")" \
	--document "$TESTDIR/doc" --issuer-cert "$TESTDIR/relay-ec-P-384.pem" --anchor "$TESTDIR/other-ca.pem"

# An issuer whose key may not sign, by its certificate's key usage.
openssl x509 -new -force_pubkey "$TESTDIR/relay-ec-P-256.pub" -subj "/C=KR/O=Relay/CN=encipher only" \
	-CA "$TESTDIR/ca.pem" -CAkey "$TESTDIR/ca.key" -days 10 -out "$TESTDIR/enc.pem" \
	-extfile <(printf 'keyUsage=critical,keyAgreement\n') 2>/dev/null
expect 0 "a token issued under a certificate for key agreement only" -- "$INKAN" token issue \
	--key "$TOKEN;object=relay-ec-P-256" --cert "$TESTDIR/enc.pem" --recipient "user@relay.example" \
	--document "$TESTDIR/doc" --ttl 10m --pin "$USER_PIN"
printf '%s\n' "$OUT" >"$TESTDIR/enc.jws"
refused issuer-certificate "is refused: its issuer's key may not sign" "@$TESTDIR/enc.jws" --document "$TESTDIR/doc" \
	--issuer-cert "$TESTDIR/enc.pem" --anchor "$TESTDIR/ca.pem"
contains "the reason names the key usage" "$OUT" "the key usage (keyAgreement) allows no signatures"
expect 0 "the same key under a certificate without key usage passes" -- "$INKAN" token verify "$jws" \
	--document "$TESTDIR/doc" --issuer-cert "$cert" --anchor "$TESTDIR/ca.pem"

expect 2 "issue without a recipient is a usage error" -- "$INKAN" token issue --key "$TOKEN;object=relay-ec-P-256" \
	--cert "$cert" --document "$TESTDIR/doc" --pin "$USER_PIN"
expect 2 "issue with a malformed ttl" -- "$INKAN" token issue --key "$TOKEN;object=relay-ec-P-256" --cert "$cert" \
	--recipient a@b --document "$TESTDIR/doc" --ttl 10x --pin "$USER_PIN"
expect 2 "issue with another key's certificate" -- "$INKAN" token issue --key "$TOKEN;object=relay-ec-P-256" \
	--cert "$TESTDIR/relay-rsa-2048.pem" --recipient a@b --document "$TESTDIR/doc" --pin "$USER_PIN"
finish
