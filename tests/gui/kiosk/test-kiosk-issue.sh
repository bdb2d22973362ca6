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
kiosk_counter_fresh_card
check "in the reader" -- card_start

kiosk_start
kiosk_sign_in
kiosk_issue_fresh issue
drive "the receipt" --timeout 90 contains "SHA-256 fingerprint"
shot issue-receipt
$DRIVE dump >labels.txt 2>&1
SERIAL=$(sed -n 's/.*Serial number: \([0-9a-f]*\).*/\1/p' labels.txt | head -1)
contains "the receipt names the holder" "$(cat labels.txt)" "Holder: 山田　花子"
drive "acknowledged" click "Done: the resident has the receipt"
drive "back home" contains "Welcome, Sato Hanako"
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
