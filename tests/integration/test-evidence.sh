#!/usr/bin/env bash
# Evidence: a document, the centre's original certificate and the hub's
# distribution certificate; every single tampering fails, and is named.
. "$(dirname "$0")/lib.sh"
softhsm_token
printf 'certified e-document 공인전자문서\n' >"$TESTDIR/doc"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TESTDIR/ca.key" \
	-subj "/C=KR/O=Evidence CA" -days 30 -out "$TESTDIR/ca.pem" 2>/dev/null
for who in centre hub rogue; do
	"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label "$who" --pin "$USER_PIN" >/dev/null
	"$INKAN" pubkey --key "$TOKEN;object=$who" --out "$TESTDIR/$who.pub"
done
for who in centre hub; do
	openssl x509 -new -force_pubkey "$TESTDIR/$who.pub" -subj "/C=KR/O=$who" -CA "$TESTDIR/ca.pem" \
		-CAkey "$TESTDIR/ca.key" -days 10 -out "$TESTDIR/$who.pem" 2>/dev/null
done
# The rogue's certificate is self-made: outside the anchors.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TESTDIR/r.key" -subj "/CN=R" \
	-days 30 -out "$TESTDIR/rogue-ca.pem" 2>/dev/null
openssl x509 -new -force_pubkey "$TESTDIR/rogue.pub" -subj "/C=KR/O=rogue" -CA "$TESTDIR/rogue-ca.pem" \
	-CAkey "$TESTDIR/r.key" -days 10 -out "$TESTDIR/rogue.pem" 2>/dev/null

issue () { # KIND SIGNER DOC OUT
	"$INKAN" evidence issue --kind "$1" --issuer "$2 e-document $1" --document "$3" \
		--key "$TOKEN;object=$2" --cert "$TESTDIR/$2.pem" --out "$4" --pin "$USER_PIN"
}
expect 0 "the centre issues the original certificate" -- issue original centre "$TESTDIR/doc" "$TESTDIR/orig.p7"
expect 0 "the hub issues the distribution certificate" -- issue distribution hub "$TESTDIR/doc" "$TESTDIR/dist.p7"
check "openssl reads the original as CMS signed by the centre" -- openssl cms -verify -binary -inform DER \
	-in "$TESTDIR/orig.p7" -CAfile "$TESTDIR/ca.pem" -out /dev/null

verify () { "$INKAN" --json evidence verify --anchor "$TESTDIR/ca.pem" "$@"; }
expect 0 "the good triple passes" -- verify --document "$TESTDIR/doc" --original "$TESTDIR/orig.p7" \
	--distribution "$TESTDIR/dist.p7"
check "every check passed, and the issuers are named" -- python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["valid"] and all(c["result"] == "passed" for c in r["checks"]), r
assert len(r["checks"]) == 8 and r["original_issuer"] == "centre e-document original"
' "$OUT"

failed () { # CHECKS...: exactly these checks failed in $OUT
	python3 -c '
import json, sys
r = json.loads(sys.argv[1])
got = sorted(c["check"] for c in r["checks"] if c["result"] == "failed")
assert not r["valid"] and got == sorted(sys.argv[2:]), got' "$OUT" "$@"
}

# 1. The document changed.
cp "$TESTDIR/doc" "$TESTDIR/doc2"; printf 'x' >>"$TESTDIR/doc2"
expect 1 "a changed document fails" -- verify --document "$TESTDIR/doc2" --original "$TESTDIR/orig.p7" \
	--distribution "$TESTDIR/dist.p7"
check "named: both hashes" -- failed original-hash distribution-hash
# 2, 3. Either certificate for another document.
issue original centre "$TESTDIR/doc2" "$TESTDIR/orig-other.p7"
expect 1 "an original for another document fails" -- verify --document "$TESTDIR/doc" \
	--original "$TESTDIR/orig-other.p7" --distribution "$TESTDIR/dist.p7"
check "named: original-hash" -- failed original-hash
issue distribution hub "$TESTDIR/doc2" "$TESTDIR/dist-other.p7"
expect 1 "a distribution for another document fails" -- verify --document "$TESTDIR/doc" \
	--original "$TESTDIR/orig.p7" --distribution "$TESTDIR/dist-other.p7"
check "named: distribution-hash" -- failed distribution-hash
# 4, 5. Either signature broken.
flip () { python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[-5] ^= 1; open(sys.argv[2], "wb").write(b)' "$1" "$2"; }
flip "$TESTDIR/orig.p7" "$TESTDIR/orig-bad.p7"
expect 1 "a broken original signature fails" -- verify --document "$TESTDIR/doc" \
	--original "$TESTDIR/orig-bad.p7" --distribution "$TESTDIR/dist.p7"
check "named: original-signature" -- failed original-signature
flip "$TESTDIR/dist.p7" "$TESTDIR/dist-bad.p7"
expect 1 "a broken distribution signature fails" -- verify --document "$TESTDIR/doc" \
	--original "$TESTDIR/orig.p7" --distribution "$TESTDIR/dist-bad.p7"
check "named: distribution-signature" -- failed distribution-signature
# 6. A signer outside the anchors.
issue distribution rogue "$TESTDIR/doc" "$TESTDIR/dist-rogue.p7"
expect 1 "an untrusted distribution signer fails" -- verify --document "$TESTDIR/doc" \
	--original "$TESTDIR/orig.p7" --distribution "$TESTDIR/dist-rogue.p7"
check "named: distribution-signer" -- failed distribution-signer
# 7. The two swapped: each is the wrong kind.
expect 1 "original and distribution swapped fails" -- verify --document "$TESTDIR/doc" \
	--original "$TESTDIR/dist.p7" --distribution "$TESTDIR/orig.p7"
check "named: both formats" -- failed original-format distribution-format
expect 1 "the text report names the failing check" -- "$INKAN" evidence verify --anchor "$TESTDIR/ca.pem" \
	--document "$TESTDIR/doc" --original "$TESTDIR/orig-other.p7" --distribution "$TESTDIR/dist.p7"
contains "in the table" "$OUT" "original-hash            failed"
contains "and in the error" "$ERR" "original-hash failed"
expect 2 "evidence issue without a kind is a usage error" -- "$INKAN" evidence issue --issuer x \
	--document "$TESTDIR/doc" --key "$TOKEN;object=hub" --cert "$TESTDIR/hub.pem"
finish
