#!/usr/bin/env bash
# The OpenPGP card 3.3 profile of inkan-vcard through pcscd, vpcd and OpenSC.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-card.sh"
cd "$TESTDIR"
export OPENSC_DRIVER=openpgp
SIG="OpenPGP card (User PIN (sig))"
printf 'user4567\n' >user.pin
printf 'admin5678\n' >admin.pin

card_pcscd
check "init an OpenPGP card" -- card_init openpgp --pin file:user.pin --admin-pin file:admin.pin
check "the card is inserted" -- card_start
expect 0 "opensc-tool -l" -- opensc-tool -l
contains "the reader shows a card" "$OUT" "Yes"
expect 0 "pkcs11-tool -L" -- p11 -L
contains "the signing token" "$OUT" "$SIG"
contains "version 3.3" "$OUT" "firmware version   : 3.3"
tries () { # PIN-LABEL
	pkcs15-tool --reader "$VCARD_READER" --list-pins 2>/dev/null |
		grep -A11 "^PIN \[$1\]" | sed -n 's/.*Tries left *: *//p'
}
expect 0 "pkcs15-tool --list-pins" -- pkcs15-tool --reader "$VCARD_READER" --list-pins
check "user PIN: 5 tries" -- test "$(tries 'User PIN')" = 5
check "admin PIN: 3 tries" -- test "$(tries 'Admin PIN')" = 3

# On-card key generation needs the admin PIN and ID 1-3 (OpenSC 0.23).
expect 0 "generate RSA-2048 on the card" -- \
	p11 --token-label "$SIG" --login --login-type so --so-pin admin5678 \
	--keypairgen --key-type rsa:2048 --id 01 --label sig
expect 0 "the key is listed" -- p11 --token-label "$SIG" -O
contains "a public key with ID 01" "$OUT" "ID:         01"
expect 0 "read the public key" -- p11 --token-label "$SIG" --read-object --type pubkey --id 01 -o pub.der
check "as SPKI" -- openssl pkey -pubin -inform der -in pub.der -out pub.pem
printf 'a document\n' >doc
expect 0 "sign with the user PIN" -- \
	p11 --token-label "$SIG" --login --pin user4567 -s -m SHA256-RSA-PKCS --id 01 -i doc -o doc.sig
check "the signature verifies" -- openssl dgst -sha256 -verify pub.pem -signature doc.sig doc

# A certificate in DO 7F21 (written with the admin PIN).
openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem -subj /CN=pgp -days 2 2>/dev/null
openssl x509 -in c.pem -outform der -out c.der
expect 0 "write a certificate" -- \
	p11 --token-label "$SIG" --login --login-type so --so-pin admin5678 \
	--write-object c.der --type cert --id 03 --label cert
expect 0 "pkcs15-tool reads a certificate back" -- \
	pkcs15-tool --reader "$VCARD_READER" --read-certificate 03
check "it is the one written" -- test "$(openssl x509 -noout -fingerprint <<<"$OUT")" = \
	"$(openssl x509 -in c.pem -noout -fingerprint)"

# Wrong PINs count down; at 0 the PIN is blocked; the admin PIN resets it.
for i in 1 2 3 4; do
	p11 --token-label "$SIG" --login --pin wrongpin -O >/dev/null 2>&1
done
check "four wrong PINs leave 1 try" -- test "$(tries 'User PIN')" = 1
check "the state survives a restart" -- card_stop
check "reinsert" -- card_start
check "still 1 try" -- test "$(tries 'User PIN')" = 1
expect 1 "a fifth wrong PIN" -- p11 --token-label "$SIG" --login --pin wrongpin -O
check "now locked" -- test "$(tries 'User PIN')" = 0
expect 1 "the right PIN is refused when locked" -- \
	p11 --token-label "$SIG" --login --pin user4567 -s -m SHA256-RSA-PKCS --id 01 -i doc -o x.sig
hex () { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
expect 0 "RESET RETRY COUNTER needs the admin PIN" -- opensc-tool --reader "$VCARD_READER" \
	-s 00A4040006D27600012401 -s "002C0281$(printf '%02X' 8)$(hex newuser1)"
contains "refused with 69 82" "$(tail -1 <<<"$OUT")" "SW1=0x69, SW2=0x82"
expect 0 "RESET RETRY COUNTER after the admin PIN" -- opensc-tool --reader "$VCARD_READER" \
	-s 00A4040006D27600012401 -s "00200083$(printf '%02X' 9)$(hex admin5678)" \
	-s "002C0281$(printf '%02X' 8)$(hex newuser1)"
contains "answers 90 00" "$(tail -1 <<<"$OUT")" "SW1=0x90, SW2=0x00"
check "user PIN back to 5" -- test "$(tries 'User PIN')" = 5
expect 0 "change the user PIN" -- \
	p11 --token-label "$SIG" --login --pin newuser1 --change-pin --new-pin newuser2
expect 1 "the old PIN fails" -- p11 --token-label "$SIG" --login --pin newuser1 -O
expect 0 "the new PIN signs" -- \
	p11 --token-label "$SIG" --login --pin newuser2 -s -m SHA256-RSA-PKCS --id 01 -i doc -o new.sig
check "and it verifies" -- openssl dgst -sha256 -verify pub.pem -signature new.sig doc
card_stop
finish
