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
one_line "the unknown-URI error" "$ERR"
"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label p256 --pin "$USER_PIN" >/dev/null
expect 2 "an ambiguous key URI is a usage error" -- "$INKAN" sign --key "$TOKEN;object=p256" \
	--in "$TESTDIR/data" --pin "$USER_PIN"
contains "the error lists both matches" "$ERR" "2 objects match"
one_line "the ambiguous-URI error" "$ERR"
expect 3 "an unreadable input is an environment failure" -- "$INKAN" sign --key "$TOKEN;object=rsa" \
	--in "$TESTDIR/missing" --pin "$USER_PIN"
contains "it names the file" "$ERR" "$TESTDIR/missing"
one_line "the unreadable-input error" "$ERR"
expect 3 "an input that cannot be read (a directory) is an environment failure" -- "$INKAN" sign \
	--key "$TOKEN;object=rsa" --in "$TESTDIR" --pin "$USER_PIN"
one_line "the read error" "$ERR"
# Documents are not bounded and may come through a pipe; only what
# describes them (certificates, signatures) must be a regular file.
expect 0 "a document through a pipe" -- "$INKAN" sign --key "$TOKEN;object=rsa" \
	--in <(cat "$TESTDIR/data") --out "$TESTDIR/piped.sig" --pin "$USER_PIN"
expect 1 "a wrong PIN" -- env BADPIN=999999 "$INKAN" sign --key "$TOKEN;object=rsa" --in "$TESTDIR/data" --pin env:BADPIN
contains "says wrong PIN" "$ERR" "Wrong PIN"
one_line "the wrong-PIN error" "$ERR"
expect 3 "a missing module is an environment failure" -- "$INKAN" --module "$TESTDIR/no-such-module.so" sign \
	--key "$TOKEN;object=rsa" --in "$TESTDIR/data" --pin "$USER_PIN"
contains "it names the module" "$ERR" "$TESTDIR/no-such-module.so"
one_line "the missing-module error" "$ERR"

# --pin stdin: the PIN is the first line of standard input (the data comes
# from --in).  A wrong PIN piped in is a wrong PIN, not a usage error.
expect 1 "a wrong PIN on stdin" -- sh -c "printf '999999\n' | \"\$0\" sign --key '$TOKEN;object=rsa' \
	--in '$TESTDIR/data' --out '$TESTDIR/stdin-pin.sig' --pin stdin" "$INKAN"
contains "says wrong PIN" "$ERR" "Wrong PIN"
one_line "the wrong-PIN (stdin) error" "$ERR"
check "no signature was written" -- test ! -e "$TESTDIR/stdin-pin.sig"
expect 0 "the right PIN on stdin signs" -- sh -c "printf '123456\nnot the pin\n' | \"\$0\" sign \
	--key '$TOKEN;object=rsa' --in '$TESTDIR/data' --out '$TESTDIR/stdin-pin.sig' --pin stdin" "$INKAN"
check "openssl verifies the signature made with the PIN from stdin" -- openssl dgst -sha256 \
	-verify "$TESTDIR/rsa.pem" -signature "$TESTDIR/stdin-pin.sig" "$TESTDIR/data"
expect 2 "--pin stdin with the data on stdin too is a usage error" -- sh -c "printf '123456\n' | \"\$0\" sign \
	--key '$TOKEN;object=rsa' --pin stdin" "$INKAN"
one_line "the shared-stdin error" "$ERR"
expect 2 "a literal PIN is refused" -- "$INKAN" sign --key "$TOKEN;object=rsa" --in "$TESTDIR/data" --pin pass:123456
check "the refused PIN is not echoed" -- sh -c "! grep -q 123456 '$TESTDIR/err'"
expect 2 "no PIN source and no terminal is a usage error" -- setsid "$INKAN" sign --key "$TOKEN;object=rsa" --in "$TESTDIR/data"
contains "it says how to give a PIN" "$ERR" "--pin env:VAR"
one_line "the no-terminal error" "$ERR"

# With no --pin, the PIN is typed at a prompt on the terminal, unseen:
# pty-run.py plays the person at a pseudo-terminal, and fails (125) if the
# terminal echoes when the prompt shows.
PTY_RUN=$(dirname "$0")/pty-run.py
user_failures () {
	"$INKAN" --json pin status "$TOKEN" | python3 -c "
import json, sys
print([p for p in json.load(sys.stdin)[0]['pins'] if p['pin'] == 'user'][0]['failures_recorded'])"
}
expect 0 "sign with the PIN typed at the prompt" -- "$PTY_RUN" --answer "PIN for test: " 123456 -- \
	"$INKAN" sign --key "$TOKEN;object=rsa" --in "$TESTDIR/data" --out "$TESTDIR/tty.sig"
contains "the prompt names the token" "$OUT" "PIN for test: "
check "the typed PIN does not show on the terminal" -- sh -c '! printf "%s" "$1" | grep -q 123456' _ "$OUT"
check "openssl verifies the signature made with the typed PIN" -- openssl dgst -sha256 \
	-verify "$TESTDIR/rsa.pem" -signature "$TESTDIR/tty.sig" "$TESTDIR/data"
expect 1 "a wrong PIN typed at the prompt is a wrong PIN" -- "$PTY_RUN" --answer "PIN for test: " 999999 -- \
	"$INKAN" sign --key "$TOKEN;object=rsa" --in "$TESTDIR/data" --out "$TESTDIR/tty2.sig"
contains "it says wrong PIN" "$OUT" "Wrong PIN"
check "the wrong PIN does not show either" -- sh -c '! printf "%s" "$1" | grep -q 999999' _ "$OUT"
# Just Enter is no PIN: sending an empty one would cost a try for nothing.
before=$(user_failures)
expect 2 "just Enter at the prompt is refused" -- "$PTY_RUN" --answer "PIN for test: " "" -- \
	"$INKAN" sign --key "$TOKEN;object=rsa" --in "$TESTDIR/data" --out "$TESTDIR/tty2.sig"
contains "it says nothing was typed" "$OUT" "nothing was typed"
check "and it cost no PIN try ($before before, $(user_failures) after)" -- test "$(user_failures)" = "$before"
expect 0 "the right PIN again clears the count" -- "$PTY_RUN" --answer "PIN for test: " 123456 -- \
	"$INKAN" sign --key "$TOKEN;object=rsa" --in "$TESTDIR/data" --out "$TESTDIR/tty2.sig"
expect 1 "verify against a certificate that is not one" -- "$INKAN" verify --cert "$TESTDIR/rsa.pem" \
	--sig "$TESTDIR/pss.sig" --in "$TESTDIR/data"
finish
