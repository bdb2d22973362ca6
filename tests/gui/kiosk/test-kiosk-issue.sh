#!/usr/bin/env bash
# A full issuance at the counter, driven through AT-SPI as staff and the
# resident would: staff sign in with the RA token, the resident's emulated
# OpenPGP card is read, the holder's data entered, the resident's PIN set,
# the key made on the card, CMP ir to the test CA, the certificate written
# and read back, the receipt.  Then: the certificate on the card verifies
# with openssl and certifies the card's key; the journal tells the story
# and verifies.
. "$SRCDIR/tests/gui/kiosk/lib-kiosk.sh"
. "$SRCDIR/tests/integration/lib-card.sh"
. "$SRCDIR/tests/integration/cmp-ca-lib.sh"
cd "$TESTDIR"

# OpenSC sets a user PIN after the admin PIN only when told how.
cat >opensc.conf <<'CONF'
app default {
	framework pkcs15 {
	}
}
app opensc-pkcs11 {
	pkcs11 {
		user_pin_unblock_style = init_pin_in_so_session;
	}
}
CONF
export OPENSC_CONF=$TESTDIR/opensc.conf OPENSC_DRIVER=openpgp
printf 'transport1\n' >transport.pin
printf 'admin5678\n' >admin.pin
printf 'resident42\n' >resident.pin

cmp_pki
cmp_ca_start ca jpki --profile jpki-sign
staff_token "$CMP_PKI/ra-root"
kiosk_conf "http://127.0.0.1:$(cmp_ca_port ca)/pkix/" "$CMP_PKI/jpki-ca.pem"

card_pcscd
check "a fresh OpenPGP card (RSA-2048 slots)" -- card_init openpgp --pin file:transport.pin --admin-pin file:admin.pin
check "in the reader" -- card_start

kiosk_start
drive "the sign-in page shows" wait-button "Sign in"
drive_type "the staff PIN typed" "Staff PIN" "$TESTDIR/user.pin"
drive "sign in" click "Sign in"
drive "the home page" wait-label "Welcome, Sato Hanako"
drive "Issue" click "Issue a certificate on a card"
drive "the card step" wait-label "Put the resident's card in the reader"
shot issue-card
drive "read the card" click "Read the card"
drive "the holder step" wait-label "The holder, as the resident record has it"
printf '山田\u3000花子\n' >name.txt
printf '1977-11-07\n' >birth.txt
printf '東京都港区芝公園1-5-25\n' >address.txt
drive_type "the name" "Name" name.txt
drive_type "the date of birth" "Date of birth" birth.txt
drive "female" click "Female"
drive_type "the address" "Address" address.txt
shot issue-holder
drive "continue" click "Continue"
drive "the PIN step shows the card's rule" wait-label "The resident chooses a PIN"
drive_type "the resident's PIN" "Resident's PIN" resident.pin
drive_type "again" "Resident's PIN again" resident.pin
drive_type "the office's admin PIN" "Office admin PIN" admin.pin
shot issue-pins
drive "issue" click "Issue the certificate"
drive "the receipt" wait-label "SHA-256 fingerprint" 90
shot issue-receipt
$DRIVE labels >labels.txt 2>&1
SERIAL=$(sed -n 's/.*Serial number: \([0-9a-f]*\).*/\1/p' labels.txt | head -1)
contains "the receipt names the holder" "$(cat labels.txt)" "Holder: 山田　花子"
drive "acknowledged" click "Done: the resident has the receipt"
drive "back home" wait-label "Welcome, Sato Hanako"
kiosk_kill

SIGTOK="pkcs11:token=OpenPGP%20card%20%28User%20PIN%20%28sig%29%29"
export INKAN_MODULE=$OPENSC_MODULE
p11 --token-label "OpenPGP card (User PIN (sig))" --read-object --type cert --id 01 -o card-cert.der >/dev/null 2>&1
check "the certificate is on the card" -- test -s card-cert.der
openssl x509 -inform DER -in card-cert.der -out card-cert.pem 2>/dev/null
expect 0 "openssl verify accepts it against the CA" -- openssl verify -CAfile "$CMP_PKI/jpki-ca.pem" card-cert.pem
expect 0 "the card's public key" -- "$INKAN" pubkey --key "$SIGTOK;id=%01;type=public" --out card-pub.pem
check "the certificate certifies the card's key" -- \
	sh -c 'openssl x509 -in card-cert.pem -noout -pubkey | cmp - card-pub.pem'
check "its serial is the receipt's ($SERIAL)" -- \
	sh -c 'test -n "$1" && openssl x509 -in card-cert.pem -noout -serial | grep -qi "=0*$1\$"' _ "$SERIAL"
TEXT=$(openssl x509 -in card-cert.pem -noout -text -nameopt utf8 2>&1)
contains "the JPKI date of birth with its era" "$TEXT" "319771107"
expect 0 "the resident's PIN is the one set (a signature with it)" -- \
	sh -c 'echo doc >doc; "$INKAN" sign --key "$1;id=%01;type=private" --in doc --out doc.sig --pin file:resident.pin' _ "$SIGTOK"
unset INKAN_MODULE

journal_verify "after issuance"
"$INKAN" audit show --log "$KIOSK_LOG" >show.txt 2>&1
for step in begin holder pins keygen request issued written done; do
	check "the journal has the $step step" -- grep -q "kiosk-issue $step card=openpgp:" show.txt
done
check "no PIN in the journal" -- sh -c '! grep -a -q -e resident42 -e admin5678 -e transport1 "$1" show.txt' _ "$KIOSK_LOG"
finish
