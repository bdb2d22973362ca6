#!/usr/bin/env bash
# inkan csr: PKCS#10 requests signed on the token through inkan's OpenSSL
# provider, checked by `openssl req`; keys made by pkcs11-tool.
. "$(dirname "$0")/lib.sh"
softhsm_token
pkcs11_keygen rsa:2048 01 k1
pkcs11_keygen EC:prime256v1 02 p256
pkcs11_keygen EC:secp384r1 03 p384
SUBJECT="/C=JP/O=Example/CN=Name"

# key hash --pss? what the request's signature algorithm must be called
while read -r key hash pad alg; do
	pss=()
	[ "$pad" = pss ] && pss=(--pss)
	f="$TESTDIR/$key-$hash-$pad.csr"
	expect 0 "csr with $key $hash $pad" -- "$INKAN" csr --key "$TOKEN;object=$key" --subject "$SUBJECT" \
		--hash "$hash" "${pss[@]}" --out "$f" --pin "$USER_PIN"
	check "openssl req -verify accepts the $key $hash $pad request" -- openssl req -verify -noout -in "$f"
	text=$(openssl req -noout -text -in "$f" 2>&1)
	contains "its signature algorithm is $alg" "$text" "Signature Algorithm: $alg"
done <<'KEYS'
k1 sha256 pkcs1 sha256WithRSAEncryption
k1 sha384 pkcs1 sha384WithRSAEncryption
k1 sha512 pkcs1 sha512WithRSAEncryption
k1 sha256 pss rsassaPss
k1 sha512 pss rsassaPss
p256 sha256 ecdsa ecdsa-with-SHA256
p256 sha384 ecdsa ecdsa-with-SHA384
p384 sha384 ecdsa ecdsa-with-SHA384
p384 sha512 ecdsa ecdsa-with-SHA512
KEYS
text=$(openssl req -noout -text -in "$TESTDIR/k1-sha512-pss.csr")
contains "RSA-PSS uses MGF1 with the same hash" "$text" "mgf1 with sha512"
contains "and a salt as long as the hash" "$text" "Salt Length: 0x40"

# The public key in the request is the token's.
for csr in k1-sha256-pkcs1 p256-sha256-ecdsa p384-sha384-ecdsa; do
	key=${csr%%-*}
	"$INKAN" pubkey --key "$TOKEN;object=$key" --out "$TESTDIR/$key.pub"
	check "the $key request carries the token's public key" -- \
		cmp <(openssl req -noout -pubkey -in "$TESTDIR/$csr.csr") "$TESTDIR/$key.pub"
done
pkcs11-tool --module "$SOFTHSM_MODULE" --read-object --type pubkey --id 01 -o "$TESTDIR/k1.der" >/dev/null 2>&1
check "...which is also what pkcs11-tool reads (RSA)" -- \
	cmp <(openssl req -noout -pubkey -in "$TESTDIR/k1-sha256-pkcs1.csr") \
	    <(openssl pkey -pubin -inform DER -in "$TESTDIR/k1.der")

# Subjects: order, UTF-8 (Japanese, Korean), escaped slashes, several RDNs.
expect 0 "a Japanese subject" -- "$INKAN" csr --key "$TOKEN;object=p256" --out "$TESTDIR/ja.csr" \
	--subject "/C=JP/ST=東京都/O=Example/CN=山田 太郎" --pin "$USER_PIN"
expect 0 "its subject reads back" -- openssl req -noout -subject -nameopt utf8 -in "$TESTDIR/ja.csr"
check "in order, in UTF-8" -- test "$OUT" = "subject=C=JP, ST=東京都, O=Example, CN=山田 太郎"
expect 0 "a Korean subject with an escaped slash" -- "$INKAN" csr --key "$TOKEN;object=k1" \
	--out "$TESTDIR/ko.csr" --subject "/C=KR/O=행정안전부\/GPKI/CN=홍길동" --pin "$USER_PIN"
expect 0 "its subject reads back" -- openssl req -noout -subject -nameopt utf8 -in "$TESTDIR/ko.csr"
check "with the slash inside the value" -- test "$OUT" = "subject=C=KR, O=행정안전부/GPKI, CN=홍길동"
check "the request verifies" -- openssl req -verify -noout -in "$TESTDIR/ko.csr"

# Output forms: PEM on stdout, DER, JSON.
expect 0 "PEM on standard output" -- "$INKAN" csr --key "$TOKEN;object=p256" --subject "$SUBJECT" --pin "$USER_PIN"
contains "it is a PEM request" "$OUT" "-----BEGIN CERTIFICATE REQUEST-----"
expect 0 "--der" -- "$INKAN" csr --key "$TOKEN;object=p384" --subject "$SUBJECT" --der --out "$TESTDIR/r.der" \
	--pin "$USER_PIN"
check "openssl reads and verifies the DER request" -- openssl req -inform DER -verify -noout -in "$TESTDIR/r.der"
expect 0 "--json" -- "$INKAN" --json csr --key "$TOKEN;object=p256" --subject "/C=JP/CN=山田" --pin "$USER_PIN"
printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csr"], end="")' >"$TESTDIR/j.csr"
check "its csr verifies" -- openssl req -verify -noout -in "$TESTDIR/j.csr"
contains "it gives the subject" "$OUT" '"subject": "CN=山田,C=JP"'
expect 0 "--json --out" -- "$INKAN" --json csr --key "$TOKEN;object=p256" --subject "$SUBJECT" \
	--out "$TESTDIR/jo.csr" --pin "$USER_PIN"
contains "names the file" "$OUT" "\"csr\": \"$TESTDIR/jo.csr\""
check "which verifies" -- openssl req -verify -noout -in "$TESTDIR/jo.csr"

# Errors: each with its exit code, and no file left behind.
expect 1 "a wrong PIN" -- env BADPIN=999999 "$INKAN" csr --key "$TOKEN;object=k1" --subject "$SUBJECT" \
	--out "$TESTDIR/bad.csr" --pin env:BADPIN
contains "says wrong PIN" "$ERR" "Wrong PIN"
check "and writes no file" -- test ! -e "$TESTDIR/bad.csr"
expect 3 "an unknown key URI" -- "$INKAN" csr --key "$TOKEN;object=nope" --subject "$SUBJECT" \
	--out "$TESTDIR/bad.csr" --pin "$USER_PIN"
contains "lists the keys there are" "$ERR" "object=k1"
for subject in "CN=x" "/CN=x/Nickname=y" "/CN=" "/C=JPN/CN=x" "/CN" "/CN=x\\"; do
	expect 2 "a malformed subject \"$subject\"" -- "$INKAN" csr --key "$TOKEN;object=k1" --subject "$subject" \
		--out "$TESTDIR/bad.csr" --pin "$USER_PIN"
done
contains "an unknown attribute type is named" "$("$INKAN" csr --key "$TOKEN;object=k1" \
	--subject /CN=x/Nickname=y --pin "$USER_PIN" 2>&1)" 'unknown attribute type "Nickname"'
check "no file after the malformed subjects" -- test ! -e "$TESTDIR/bad.csr"
expect 2 "--pss with an EC key" -- "$INKAN" csr --key "$TOKEN;object=p256" --subject "$SUBJECT" --pss \
	--pin "$USER_PIN"
expect 2 "an unknown hash" -- "$INKAN" csr --key "$TOKEN;object=k1" --subject "$SUBJECT" --hash md5 \
	--pin "$USER_PIN"
expect 2 "no subject" -- "$INKAN" csr --key "$TOKEN;object=k1" --pin "$USER_PIN"
finish
