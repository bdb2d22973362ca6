#!/usr/bin/env bash
# Registration records: signed on a token key, read by an independent
# decoder (openssl cms + asn1parse), checked against their document.
. "$(dirname "$0")/lib.sh"
softhsm_token
printf '전자문서 — certified e-document\n' >"$TESTDIR/contract.pdf"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TESTDIR/ca.key" \
	-subj "/C=KR/O=Sender CA" -days 30 -out "$TESTDIR/ca.pem" 2>/dev/null
"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label sender --pin "$USER_PIN" >/dev/null
"$INKAN" pubkey --key "$TOKEN;object=sender" --out "$TESTDIR/sender.pub"
openssl x509 -new -force_pubkey "$TESTDIR/sender.pub" -subj "/C=KR/O=Sender/CN=sender" -CA "$TESTDIR/ca.pem" \
	-CAkey "$TESTDIR/ca.key" -days 10 -out "$TESTDIR/sender.pem" 2>/dev/null

expect 0 "register sign" -- "$INKAN" --json register sign --document "$TESTDIR/contract.pdf" \
	--sender "sender@example.kr" --recipient "수신자@example.kr" --recipient "second@example.jp" \
	--key "$TOKEN;object=sender" --cert "$TESTDIR/sender.pem" --out "$TESTDIR/reg.p7" --pin "$USER_PIN"
id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$OUT")
check "a 16-byte hex id" -- python3 -c 'import sys; assert len(sys.argv[1]) == 32 and int(sys.argv[1], 16) >= 0' "$id"

check "openssl cms -verify accepts the record" -- openssl cms -verify -binary -inform DER -in "$TESTDIR/reg.p7" \
	-CAfile "$TESTDIR/ca.pem" -out "$TESTDIR/reg.der"
parsed=$(openssl asn1parse -inform DER -in "$TESTDIR/reg.der" -dump 2>&1)
sha=$(sha256sum "$TESTDIR/contract.pdf" | cut -c1-64)
size=$(stat -c %s "$TESTDIR/contract.pdf")
check "an independent decoder reads the structure field by field" -- python3 -c '
import re, sys
lines = [l for l in sys.argv[1].splitlines() if "prim:" in l]
kinds = [re.search(r"prim: (\S+)", l).group(1) for l in lines]
want = ["INTEGER", "OCTET", "UTF8STRING", "INTEGER", "OBJECT", "NULL", "OCTET", "UTF8STRING",
        "UTF8STRING", "UTF8STRING", "GENERALIZEDTIME"]
assert kinds == want, kinds
assert lines[0].rstrip().endswith(":01"), lines[0]
assert "sha256" in lines[4]
assert int(lines[3].rsplit(":", 1)[1], 16) == int(sys.argv[2]), lines[3]
assert ":sender@example.kr" in lines[7]
' "$parsed" "$size"
check "the digest in the record is the document's SHA-256" -- python3 -c '
import sys
assert bytes.fromhex(sys.argv[2]) in open(sys.argv[1], "rb").read()' "$TESTDIR/reg.der" "$sha"

expect 0 "register verify with the document" -- "$INKAN" --json register verify --record "$TESTDIR/reg.p7" \
	--document "$TESTDIR/contract.pdf" --anchor "$TESTDIR/ca.pem"
check "the report has every field" -- python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["valid"] and r["id"] == sys.argv[2] and r["sha256"] == sys.argv[3], r
assert r["document"] == "contract.pdf" and r["size"] == int(sys.argv[4])
assert r["sender"] == "sender@example.kr" and r["recipients"] == ["수신자@example.kr", "second@example.jp"]
assert r["signer_verified"] and "CN=sender" in r["signer"]
' "$OUT" "$id" "$sha" "$size"

printf 'x' >>"$TESTDIR/contract.pdf"
expect 1 "another document is refused" -- "$INKAN" register verify --record "$TESTDIR/reg.p7" \
	--document "$TESTDIR/contract.pdf" --anchor "$TESTDIR/ca.pem"
contains "the error says it is not the registered document" "$ERR" "not the one the record registers"
expect 1 "a signer outside the anchors is refused" -- "$INKAN" register verify --record "$TESTDIR/reg.p7" \
	--anchor "$TESTDIR/sender.pem"

# The SignedData's digestAlgorithms set (the first SHA-256 OID in the
# structure) is signed by nothing: SHA-384 there, same length, is refused.
python3 -c '
import sys
sha256 = bytes.fromhex("0609608648016503040201")
b = open(sys.argv[1], "rb").read()
assert sha256 in b
open(sys.argv[2], "wb").write(b.replace(sha256, bytes.fromhex("0609608648016503040202"), 1))
' "$TESTDIR/reg.p7" "$TESTDIR/reg-digests.p7"
expect 1 "a changed digestAlgorithms set is refused" -- "$INKAN" register verify --record "$TESTDIR/reg-digests.p7" \
	--anchor "$TESTDIR/ca.pem"
contains "and named" "$ERR" "digestAlgorithms set differs"

# A CMS signature over something that is not a record.
"$INKAN" cms sign --key "$TOKEN;object=sender" --cert "$TESTDIR/sender.pem" --in "$TESTDIR/contract.pdf" \
	--out "$TESTDIR/not-a-record.p7" --pin "$USER_PIN"
expect 1 "a signed non-record is malformed input" -- "$INKAN" register verify --record "$TESTDIR/not-a-record.p7"
contains "and says so" "$ERR" "not a DER registration record"
expect 2 "register sign without a recipient is a usage error" -- "$INKAN" register sign \
	--document "$TESTDIR/contract.pdf" --sender s --key "$TOKEN;object=sender" --cert "$TESTDIR/sender.pem"
finish
