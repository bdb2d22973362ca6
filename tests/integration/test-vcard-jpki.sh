#!/usr/bin/env bash
# The JPKI profile of inkan-vcard through the real pcscd, vpcd and OpenSC.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-card.sh"
cd "$TESTDIR"
export OPENSC_DRIVER=jpki
SIGN="JPKI (Digital Signature PIN)"
AUTH="JPKI (User Authentication PIN)"
printf 'SIGN12\n' >sign.pin
printf '4321\n' >auth.pin

card_pcscd
check "init a JPKI card with given PINs" -- \
	card_init jpki --pin file:sign.pin --auth-pin file:auth.pin
check "the card is inserted" -- card_start

expect 0 "opensc-tool -l lists the reader" -- opensc-tool -l
contains "the reader shows a card" "$OUT" "Yes"
expect 0 "opensc-tool --atr" -- opensc-tool --reader "$VCARD_READER" --atr
contains "the JPKI ATR" "$OUT" "3b:e0:00:ff:81:31:fe:45:14"
expect 0 "pkcs11-tool -L" -- p11 -L
contains "the signing token" "$OUT" "$SIGN"
contains "the authentication token" "$OUT" "$AUTH"
expect 0 "pkcs15-tool --list-pins" -- pkcs15-tool --reader "$VCARD_READER" --list-pins
contains "authentication PIN with 3 tries" "$(grep -A9 'User Authentication PIN' <<<"$OUT")" "Tries left     : 3"
contains "signing password with 5 tries" "$(grep -A9 'Digital Signature PIN' <<<"$OUT")" "Tries left     : 5"

# Certificates: the authentication one is public, the signing one is not.
expect 0 "the authentication certificate reads without a PIN" -- \
	pkcs15-tool --reader "$VCARD_READER" --read-certificate 01
printf '%s\n' "$OUT" >auth.pem
check "it is a certificate" -- openssl x509 -in auth.pem -noout
expect 0 "the authentication CA reads without a PIN" -- \
	pkcs15-tool --reader "$VCARD_READER" --read-certificate 03
printf '%s\n' "$OUT" >authca.pem
check "the authentication certificate chains to its CA" -- \
	openssl verify -CAfile authca.pem auth.pem
expect 1 "the signing certificate needs the signing password" -- \
	pkcs15-tool --reader "$VCARD_READER" --read-certificate 02
expect 0 "with the password it reads" -- \
	p11 --token-label "$SIGN" --login --pin SIGN12 --read-object --type cert --id 02 -o sign.der
expect 0 "its subjectAltName" -- openssl x509 -inform der -in sign.der -noout -ext subjectAltName
for item in 1.2.392.200149.8.5.5.1 1.2.392.200149.8.5.5.4::319771107 1.2.392.200149.8.5.5.3::1 \
	1.2.392.200149.8.5.5.5; do
	contains "SAN carries $item" "$OUT" "othername: $item"
done

# Signing with the signing key; the card pads, openssl verifies.
printf 'a document\n' >doc
openssl x509 -inform der -in sign.der -pubkey -noout >sign.pub
expect 0 "sign with SHA256-RSA-PKCS" -- \
	p11 --token-label "$SIGN" --login --pin SIGN12 -s -m SHA256-RSA-PKCS --id 02 -i doc -o doc.sig
check "the signature verifies" -- openssl dgst -sha256 -verify sign.pub -signature doc.sig doc
openssl x509 -in auth.pem -pubkey -noout >auth.pub
expect 0 "sign with the authentication key" -- \
	p11 --token-label "$AUTH" --login --pin 4321 -s -m SHA256-RSA-PKCS --id 01 -i doc -o auth.sig
check "that signature verifies" -- openssl dgst -sha256 -verify auth.pub -signature auth.sig doc

# Wrong PINs count down separately, and the card locks at zero.
tries () { # PIN-LABEL
	pkcs15-tool --reader "$VCARD_READER" --list-pins 2>/dev/null |
		grep -A9 "$1" | sed -n 's/.*Tries left *: *//p'
}
expect 1 "a wrong signing password is refused" -- \
	p11 --token-label "$SIGN" --login --pin WRONG1 -s -m SHA256-RSA-PKCS --id 02 -i doc -o x.sig
check "signing password: 4 tries left" -- test "$(tries 'Digital Signature PIN')" = 4
check "authentication PIN still 3" -- test "$(tries 'User Authentication PIN')" = 3
for i in 1 2 3; do
	p11 --token-label "$AUTH" --login --pin 0000 -O >/dev/null 2>&1
done
check "authentication PIN locked after 3 wrong" -- test "$(tries 'User Authentication PIN')" = 0
expect 1 "the right authentication PIN no longer works" -- \
	p11 --token-label "$AUTH" --login --pin 4321 -s -m SHA256-RSA-PKCS --id 01 -i doc -o x.sig
check "the card says blocked" -- grep -qi "locked\|blocked" "$TESTDIR/err"
expect 0 "a right signing password resets its counter" -- \
	p11 --token-label "$SIGN" --login --pin SIGN12 -O
check "signing password back to 5" -- test "$(tries 'Digital Signature PIN')" = 5

# CHANGE REFERENCE DATA as the myna tool sends it.
hex () { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
apdu_change () { # OLD NEW
	opensc-tool --reader "$VCARD_READER" \
		-s 00A4040C0AD392F000260100000001 -s 00A4020C02001B \
		-s "00200080$(printf '%02X' ${#1})$(hex "$1")" \
		-s "00240180$(printf '%02X' ${#2})$(hex "$2")"
}
expect 0 "change the signing password by APDU" -- apdu_change SIGN12 NEWPASS9
contains "the change answers 90 00" "$(tail -1 <<<"$OUT")" "SW1=0x90, SW2=0x00"
expect 1 "the old password fails" -- p11 --token-label "$SIGN" --login --pin SIGN12 -O
expect 0 "the new one signs" -- \
	p11 --token-label "$SIGN" --login --pin NEWPASS9 -s -m SHA256-RSA-PKCS --id 02 -i doc -o new.sig
check "and verifies" -- openssl dgst -sha256 -verify sign.pub -signature new.sig doc
expect 0 "a lower-case password is refused by the card" -- apdu_change NEWPASS9 short
contains "with 6A 80" "$(tail -1 <<<"$OUT")" "SW1=0x6A, SW2=0x80"

# State survives removal and reinsertion.
expect 1 "one more wrong signing password" -- p11 --token-label "$SIGN" --login --pin WRONG2 -O
check "clean removal" -- card_stop
check "reinsert" -- card_start
check "signing password still 4 after a restart" -- test "$(tries 'Digital Signature PIN')" = 4
check "authentication PIN still locked" -- test "$(tries 'User Authentication PIN')" = 0
expect 0 "the changed password still signs" -- \
	p11 --token-label "$SIGN" --login --pin NEWPASS9 -s -m SHA256-RSA-PKCS --id 02 -i doc -o new2.sig
check "state file intact after SIGKILL" -- card_stop KILL
check "reinsert after SIGKILL" -- card_start
check "signing password still usable" -- \
	p11 --token-label "$SIGN" --login --pin NEWPASS9 -O

# A card pulled during operations: errors, not hangs.
(
	for i in $(seq 1 40); do
		p11 --token-label "$SIGN" --login --pin NEWPASS9 -s -m SHA256-RSA-PKCS \
			--id 02 -i doc -o pulled.sig >/dev/null 2>&1 || exit 1
	done
	exit 0
) &
loop=$!
sleep 0.5
card_stop KILL
timeout 60 bash -c "while kill -0 $loop 2>/dev/null; do sleep 0.1; done"
check "the signing loop ended" -- bash -c "! kill -0 $loop 2>/dev/null"
wait $loop
check "and it failed once the card was gone" -- test $? -ne 0
expect 1 "signing with no card fails" -- timeout 30 pkcs11-tool --module "$OPENSC_MODULE" \
	--token-label "$SIGN" --login --pin NEWPASS9 -s -m SHA256-RSA-PKCS --id 02 -i doc -o x.sig

# Generated keys and certificates; given keys and certificates are used.
openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem -subj /CN=given -days 2 2>/dev/null
check "init with a given authentication key and certificate" -- \
	card_init jpki --auth-key k.pem --auth-cert c.pem
check "insert" -- card_start
expect 0 "read it back" -- pkcs15-tool --reader "$VCARD_READER" --read-certificate 01
check "it is the given certificate" -- test "$(openssl x509 -noout -fingerprint <<<"$OUT")" = \
	"$(openssl x509 -in c.pem -noout -fingerprint)"
card_stop
# Given signing key, certificate and both CAs: the card holds those and
# signs with that key.
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca1.key -out ca1.pem -subj /CN=auth-ca -days 2 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca2.key -out ca2.pem -subj /CN=sign-ca -days 2 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout ks.pem -out ks.csr -subj /CN=signer 2>/dev/null
openssl x509 -req -in ks.csr -CA ca2.pem -CAkey ca2.key -days 2 -out cs.pem -set_serial 9 2>/dev/null
check "init with a given signing key and certificate, and given CAs" -- \
	card_init jpki --auth-key k.pem --auth-cert c.pem --sign-key ks.pem --sign-cert cs.pem \
	--ca-cert ca1.pem --ca-cert ca2.pem --pin file:sign.pin
check "insert" -- card_start
for id_ca in "03 ca1.pem" "04 ca2.pem"; do
	set -- $id_ca
	expect 0 "read CA certificate $1 back" -- pkcs15-tool --reader "$VCARD_READER" --read-certificate "$1"
	check "it is $2" -- test "$(openssl x509 -noout -fingerprint <<<"$OUT")" = "$(openssl x509 -in "$2" -noout -fingerprint)"
done
expect 0 "sign with the given key" -- pkcs11-tool --module "$OPENSC_MODULE" --token-label "$SIGN" --login \
	--pin "$(cat sign.pin)" -s -m SHA256-RSA-PKCS --id 02 -i doc -o given.sig
openssl x509 -in cs.pem -pubkey -noout >cs.pub
check "the signature verifies with the given certificate's key" -- \
	openssl dgst -sha256 -verify cs.pub -signature given.sig doc
card_stop
finish
