#!/usr/bin/env bash
# inkan sign / verify / pubkey: RSA PKCS#1, RSA-PSS, ECDSA, checked by openssl.
. "$(dirname "$0")/lib.sh"
softhsm_token
head -c 100000 /dev/urandom >"$TESTDIR/data"

"$INKAN" keygen --token "$TOKEN" --type rsa:2048 --label rsa --pin "$USER_PIN" >/dev/null
"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label p256 --pin "$USER_PIN" >/dev/null
"$INKAN" keygen --token "$TOKEN" --type ec:P-384 --label p384 --pin "$USER_PIN" >/dev/null
# A key made by another tool is usable through its URI.
pkcs11-tool --module "$SOFTHSM_MODULE" --login --pin 123456 --keypairgen --key-type EC:prime256v1 \
	--id 77 --label foreign >/dev/null 2>&1

for key in rsa p256 p384 foreign; do
	expect 0 "pubkey of $key" -- "$INKAN" pubkey --key "$TOKEN;object=$key" --out "$TESTDIR/$key.pem"
	for hash in sha256 sha384 sha512; do
		expect 0 "sign with $key/$hash" -- "$INKAN" sign --key "$TOKEN;object=$key" --in "$TESTDIR/data" \
			--out "$TESTDIR/$key.$hash.sig" --hash $hash --pin "$USER_PIN"
		check "openssl verifies $key/$hash" -- openssl dgst -$hash -verify "$TESTDIR/$key.pem" \
			-signature "$TESTDIR/$key.$hash.sig" "$TESTDIR/data"
		expect 0 "inkan verifies $key/$hash by token key" -- "$INKAN" verify --key "$TOKEN;object=$key" \
			--sig "$TESTDIR/$key.$hash.sig" --in "$TESTDIR/data" --hash $hash
	done
done

expect 0 "sign RSA-PSS" -- "$INKAN" sign --key "$TOKEN;object=rsa" --pss --hash sha384 --in "$TESTDIR/data" \
	--out "$TESTDIR/pss.sig" --pin "$USER_PIN"
check "openssl verifies RSA-PSS" -- openssl dgst -sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest \
	-verify "$TESTDIR/rsa.pem" -signature "$TESTDIR/pss.sig" "$TESTDIR/data"
expect 0 "inkan verifies RSA-PSS with a PEM key" -- "$INKAN" verify --pubkey "$TESTDIR/rsa.pem" --pss --hash sha384 \
	--sig "$TESTDIR/pss.sig" --in "$TESTDIR/data"
expect 1 "a PSS signature is not a PKCS#1 one" -- "$INKAN" verify --pubkey "$TESTDIR/rsa.pem" --hash sha384 \
	--sig "$TESTDIR/pss.sig" --in "$TESTDIR/data"
expect 2 "--pss on an EC key is a usage error" -- "$INKAN" sign --key "$TOKEN;object=p256" --pss \
	--in "$TESTDIR/data" --pin "$USER_PIN"

# Raw r||s for P-256 is 64 bytes; it verifies with --format raw.
expect 0 "sign --format raw" -- "$INKAN" sign --key "$TOKEN;object=p256" --format raw --in "$TESTDIR/data" \
	--out "$TESTDIR/raw.sig" --pin "$USER_PIN"
check "a raw P-256 signature is 64 bytes" -- test "$(stat -c %s "$TESTDIR/raw.sig")" = 64
expect 0 "verify --format raw" -- "$INKAN" verify --pubkey "$TESTDIR/p256.pem" --format raw \
	--sig "$TESTDIR/raw.sig" --in "$TESTDIR/data"

# stdin in, stdout out.
expect 0 "sign from stdin to stdout" -- sh -c "\"$INKAN\" sign --key '$TOKEN;object=p256' --pin '$USER_PIN' <'$TESTDIR/data' >'$TESTDIR/stdin.sig'"
check "openssl verifies the stdin signature" -- openssl dgst -sha256 -verify "$TESTDIR/p256.pem" \
	-signature "$TESTDIR/stdin.sig" "$TESTDIR/data"

# A tampered message, and a certificate as the verifier.
printf 'x' >>"$TESTDIR/data"
expect 1 "a changed message does not verify" -- "$INKAN" verify --pubkey "$TESTDIR/p256.pem" \
	--sig "$TESTDIR/p256.sha256.sig" --in "$TESTDIR/data"
contains "it says so" "$OUT" "signature BAD"

expect 3 "an unknown key URI is an environment failure" -- "$INKAN" sign --key "$TOKEN;object=nope" \
	--in "$TESTDIR/data" --pin "$USER_PIN"
contains "the error lists the keys there are" "$ERR" "object=rsa"
"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label p256 --pin "$USER_PIN" >/dev/null
expect 2 "an ambiguous key URI is a usage error" -- "$INKAN" sign --key "$TOKEN;object=p256" \
	--in "$TESTDIR/data" --pin "$USER_PIN"
contains "the error lists both matches" "$ERR" "2 objects match"
expect 3 "an unreadable input is an environment failure" -- "$INKAN" sign --key "$TOKEN;object=rsa" \
	--in "$TESTDIR/missing" --pin "$USER_PIN"
contains "it names the file" "$ERR" "$TESTDIR/missing"
expect 1 "a wrong PIN" -- env BADPIN=999999 "$INKAN" sign --key "$TOKEN;object=rsa" --in "$TESTDIR/data" --pin env:BADPIN
contains "says wrong PIN" "$ERR" "Wrong PIN"
expect 2 "a literal PIN is refused" -- "$INKAN" sign --key "$TOKEN;object=rsa" --in "$TESTDIR/data" --pin pass:123456
check "the refused PIN is not echoed" -- sh -c "! grep -q 123456 '$TESTDIR/err'"
expect 2 "no PIN source and no terminal is a usage error" -- setsid "$INKAN" sign --key "$TOKEN;object=rsa" --in "$TESTDIR/data"
expect 1 "verify against a certificate that is not one" -- "$INKAN" verify --cert "$TESTDIR/rsa.pem" \
	--sig "$TESTDIR/pss.sig" --in "$TESTDIR/data"
finish
