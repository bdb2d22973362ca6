#!/usr/bin/env bash
# CMS SignedData made on token keys, checked by openssl; and the reverse.
. "$(dirname "$0")/lib.sh"
softhsm_token
head -c 5000 /dev/urandom >"$TESTDIR/doc"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TESTDIR/ca.key" \
	-subj "/C=KR/O=Centre CA" -days 30 -addext basicConstraints=critical,CA:true \
	-addext keyUsage=critical,keyCertSign,cRLSign -out "$TESTDIR/ca.pem" 2>/dev/null
for k in rsa:2048 ec:P-256 ec:P-384; do
	label=${k/:/-}
	"$INKAN" keygen --token "$TOKEN" --type "$k" --label "$label" --pin "$USER_PIN" >/dev/null
	"$INKAN" pubkey --key "$TOKEN;object=$label" --out "$TESTDIR/$label.pub"
	openssl x509 -new -force_pubkey "$TESTDIR/$label.pub" -subj "/C=KR/O=Centre/CN=$label" \
		-CA "$TESTDIR/ca.pem" -CAkey "$TESTDIR/ca.key" -days 10 \
		-extfile <(printf 'keyUsage=critical,digitalSignature,nonRepudiation\n') -out "$TESTDIR/$label.pem" 2>/dev/null
done

signv () { # NAME LABEL [inkan options]: sign with inkan, verify with openssl
	local name=$1 label=$2
	shift 2
	expect 0 "cms sign: $name" -- "$INKAN" cms sign --key "$TOKEN;object=$label" --cert "$TESTDIR/$label.pem" \
		--in "$TESTDIR/doc" --out "$TESTDIR/$name.p7" --pin "$USER_PIN" "$@"
}
for label in rsa-2048 ec-P-256 ec-P-384; do
	signv "$label" "$label"
	check "openssl cms -verify accepts $label (attached)" -- openssl cms -verify -binary -inform DER \
		-in "$TESTDIR/$label.p7" -CAfile "$TESTDIR/ca.pem" -out "$TESTDIR/$label.out"
	check "the content comes back whole ($label)" -- cmp "$TESTDIR/$label.out" "$TESTDIR/doc"
	signv "$label-detached" "$label" --detached --hash sha384
	check "openssl cms -verify accepts $label (detached, SHA-384)" -- openssl cms -verify -binary -inform DER \
		-in "$TESTDIR/$label-detached.p7" -content "$TESTDIR/doc" -CAfile "$TESTDIR/ca.pem" -out /dev/null
	expect 0 "inkan cms verify accepts its own $label" -- "$INKAN" --json cms verify --in "$TESTDIR/$label.p7" \
		--anchor "$TESTDIR/ca.pem"
	contains "the report names the signer ($label)" "$OUT" "CN=$label"
	contains "the signer was verified ($label)" "$OUT" '"signer_verified": true'
	contains "the ESS signing-certificate-v2 matched ($label)" "$OUT" '"signing_certificate_v2": true'
done
signv pss rsa-2048 --pss
check "openssl cms -verify accepts RSA-PSS" -- openssl cms -verify -binary -inform DER -in "$TESTDIR/pss.p7" \
	-CAfile "$TESTDIR/ca.pem" -out /dev/null
check "it is RSASSA-PSS" -- sh -c "openssl cms -cmsout -print -inform DER -in '$TESTDIR/pss.p7' | grep -q 'rsassaPss'"
attrs=$(openssl cms -cmsout -print -inform DER -in "$TESTDIR/ec-P-256.p7")
for a in contentType messageDigest signingTime id-smime-aa-signingCertificateV2; do
	contains "signed attribute $a is present" "$attrs" "$a"
done
signv pem ec-P-256 --pem
check "--pem writes PEM" -- openssl cms -verify -binary -inform PEM -in "$TESTDIR/pem.p7" -CAfile "$TESTDIR/ca.pem" -out /dev/null

# A bundle given to --chain or --anchor counts whole, not just its first certificate.
cat "$TESTDIR/rsa-2048.pem" "$TESTDIR/ca.pem" >"$TESTDIR/bundle.pem"
signv bundle ec-P-256 --chain "$TESTDIR/bundle.pem"
check "--chain carries every certificate of a bundle (signer + 2)" -- sh -c \
	"test \$(openssl pkcs7 -print_certs -inform DER -in '$TESTDIR/bundle.p7' | grep -c '^subject=') = 3"
cat "$TESTDIR/ec-P-256.pem" "$TESTDIR/ca.pem" >"$TESTDIR/anchors.pem"
expect 0 "an anchor that is second in a bundle is trusted" -- "$INKAN" cms verify --in "$TESTDIR/ec-P-256.p7" \
	--anchor "$TESTDIR/anchors.pem"
contains "and the signer verified through it" "$OUT" "verified"

# The other way: openssl signs with a software key, inkan verifies.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TESTDIR/sw.key" -subj "/CN=software" \
	2>/dev/null | openssl x509 -req -CA "$TESTDIR/ca.pem" -CAkey "$TESTDIR/ca.key" -days 10 -out "$TESTDIR/sw.pem" 2>/dev/null
openssl cms -sign -binary -nodetach -in "$TESTDIR/doc" -signer "$TESTDIR/sw.pem" -inkey "$TESTDIR/sw.key" \
	-outform DER -out "$TESTDIR/sw.p7"
expect 0 "inkan cms verify accepts openssl cms -sign" -- "$INKAN" cms verify --in "$TESTDIR/sw.p7" \
	--anchor "$TESTDIR/ca.pem" --out "$TESTDIR/sw.out"
check "and gives back the content" -- cmp "$TESTDIR/sw.out" "$TESTDIR/doc"
openssl cms -sign -binary -in "$TESTDIR/doc" -signer "$TESTDIR/sw.pem" -inkey "$TESTDIR/sw.key" \
	-outform DER -out "$TESTDIR/sw-detached.p7"
expect 0 "inkan cms verify accepts a detached openssl signature" -- "$INKAN" cms verify --in "$TESTDIR/sw-detached.p7" \
	--content "$TESTDIR/doc" --anchor "$TESTDIR/ca.pem"
expect 2 "a detached signature without --content is a usage error" -- "$INKAN" cms verify --in "$TESTDIR/sw-detached.p7"

# Refusals.
printf 'x' >>"$TESTDIR/doc"
expect 1 "changed content does not verify" -- "$INKAN" cms verify --in "$TESTDIR/ec-P-256-detached.p7" \
	--content "$TESTDIR/doc" --anchor "$TESTDIR/ca.pem"
contains "as a bad signature" "$ERR" "Signature does not verify"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TESTDIR/o.key" -subj "/CN=Other" \
	-days 30 -out "$TESTDIR/other-ca.pem" 2>/dev/null
expect 1 "a signer outside the anchors is refused" -- "$INKAN" cms verify --in "$TESTDIR/ec-P-256.p7" \
	--anchor "$TESTDIR/other-ca.pem"
contains "naming the signer's certificate" "$ERR" "signer's certificate does not verify"
expect 0 "without anchors only the signature is checked, and said so" -- "$INKAN" cms verify --in "$TESTDIR/ec-P-256.p7"
contains "the text says the signer was not checked" "$OUT" "not checked"
printf 'garbage' >"$TESTDIR/junk.p7"
expect 1 "garbage is malformed input" -- "$INKAN" cms verify --in "$TESTDIR/junk.p7"
python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) - 10] ^= 0xff
open(sys.argv[2], "wb").write(b)' "$TESTDIR/ec-P-256.p7" "$TESTDIR/flipped.p7"
{ cat "$TESTDIR/ec-P-256.p7"; printf 'tail'; } >"$TESTDIR/trailing.p7"
expect 1 "bytes after the DER are refused" -- "$INKAN" cms verify --in "$TESTDIR/trailing.p7" --anchor "$TESTDIR/ca.pem"
contains "naming how many" "$ERR" "4 bytes follow the CMS structure"
{ echo '-----BEGIN CMS-----'; { cat "$TESTDIR/ec-P-256.p7"; printf 'tail'; } | base64; echo '-----END CMS-----'; } \
	>"$TESTDIR/trailing.pem"
expect 1 "bytes after the DER inside PEM are refused too" -- "$INKAN" cms verify --in "$TESTDIR/trailing.pem" \
	--anchor "$TESTDIR/ca.pem"
contains "naming how many" "$ERR" "4 bytes follow the CMS structure"
{ echo '-----BEGIN PKCS7-----'; base64 <"$TESTDIR/ec-P-256.p7"; echo '-----END PKCS7-----'; } >"$TESTDIR/clean.pem"
expect 0 "a PEM block labelled PKCS7 with nothing after the DER verifies" -- "$INKAN" cms verify \
	--in "$TESTDIR/clean.pem" --anchor "$TESTDIR/ca.pem"
# Out of memory (a huge input under ulimit -v) is one line on stderr, like
# every failure.  ASan reserves more address space than any such limit.
if [ -n "${ASAN_OPTIONS:-}" ]; then
	skip "out of memory says so in one line (not under ASan)"
else
	truncate -s 600M "$TESTDIR/huge.p7"
	(ulimit -v 300000; exec "$INKAN" cms verify --in "$TESTDIR/huge.p7") >/dev/null 2>"$TESTDIR/oom.err"
	check "out of memory fails with one line on stderr" -- bash -c \
		'[ "$1" != 0 ] && [ "$(wc -l <"$2")" = 1 ] && grep -q . "$2" && cat "$2"' _ $? "$TESTDIR/oom.err"
	rm -f "$TESTDIR/huge.p7"
fi
expect 1 "a flipped signature byte is refused" -- "$INKAN" cms verify --in "$TESTDIR/flipped.p7" --anchor "$TESTDIR/ca.pem"
expect 2 "cms sign with another key's certificate" -- "$INKAN" cms sign --key "$TOKEN;object=ec-P-256" \
	--cert "$TESTDIR/rsa-2048.pem" --in "$TESTDIR/doc" --out "$TESTDIR/x.p7" --pin "$USER_PIN"
check "and writes nothing" -- test ! -e "$TESTDIR/x.p7"
expect 2 "cms sign --pss with an EC key" -- "$INKAN" cms sign --key "$TOKEN;object=ec-P-256" --pss \
	--cert "$TESTDIR/ec-P-256.pem" --in "$TESTDIR/doc" --out "$TESTDIR/x.p7" --pin "$USER_PIN"
finish
