#!/usr/bin/env bash
# A lost card at the counter, driven through AT-SPI: a certificate issued
# on the emulated OpenPGP card as in test-kiosk-issue.sh, then revoked
# through the Revoke screen: a file with no certificate refused, then the
# certificate picked from the journal's list (searched by its serial) and
# a reason other than the default chosen in the drop-down.  Then: the
# test CA's CRL lists it with that reason, and the journal tells the story
# and verifies.
. "$SRCDIR/tests/gui/kiosk/lib-kiosk.sh"
. "$SRCDIR/tests/integration/lib-card.sh"
. "$SRCDIR/tests/integration/cmp-ca-lib.sh"
kiosk_counter_fresh_card
check "in the reader" -- card_start

kiosk_start
kiosk_sign_in
kiosk_issue_acknowledged

export INKAN_MODULE=$OPENSC_MODULE
p11 --token-label "OpenPGP card (User PIN (sig))" --read-object --type cert --id 01 -o card-cert.der >/dev/null 2>&1
unset INKAN_MODULE
check "the issued certificate, from the card" -- test -s card-cert.der
SERIAL=$(openssl x509 -inform DER -in card-cert.der -noout -serial | sed 's/.*=//')

echo "not a certificate" >junk.pem
drive "Revoke" click "Revoke a certificate (a lost card)"
drive "the revoke page" contains "The certificate to revoke (the card is not needed), and why."
echo "$TESTDIR/junk.pem" >path.txt
drive_type "a file that holds no certificate" "Certificate file" path.txt
drive "continue" click "Continue to revoke"
drive "it is refused, naming the file" contains "No certificate can be read from $TESTDIR/junk.pem"
SERIAL_HEX=$(echo "$SERIAL" | tr 'A-F' 'a-f')
drive "the file given up" type "Certificate file" ""
drive "the journal's certificates searched by serial" type "Search the issued certificates" "$SERIAL_HEX"
drive "the issued certificate is listed with its holder" contains "山田　花子"
shot revoke-list
drive "picked from the list" select "$SERIAL_HEX"
drive "a reason other than the lost card's" choose "Reason" "The holder's data changed (affiliation changed)"
shot revoke-reason
drive "continue" click "Continue to revoke"
drive "the confirmation names it" contains "Revoke this certificate? It cannot be undone."
$DRIVE dump >labels.txt 2>&1
contains "with its serial number" "$(cat labels.txt)" "Serial number: $SERIAL_HEX"
contains "and the reason chosen" "$(cat labels.txt)" "Reason: The holder's data changed (affiliation changed)"
shot revoke-confirm
drive "revoke" click "Revoke the certificate"
drive "the CA's answer" --timeout 60 contains "The CA has revoked the certificate"
shot revoke-result
drive "back home" click "Back to the start"
drive "home" contains "Welcome, Sato Hanako"
kiosk_kill

expect 0 "the CA's CRL" -- curl -sf -o crl.der "http://127.0.0.1:$(cmp_ca_port ca)/crl"
CRL=$(openssl crl -inform DER -in crl.der -noout -text 2>&1)
contains "it lists the card's certificate" "$CRL" "Serial Number: $SERIAL"
# Its entry: from its serial to the next one.
ENTRY=$(echo "$CRL" | awk -v s="Serial Number: $SERIAL" 'index($0, s) { on = 1; print; next } /Serial Number:/ { on = 0 } on')
contains "with the reason chosen" "$ENTRY" "Affiliation Changed"

journal_verify "after revocation"
"$INKAN" audit show --log "$KIOSK_LOG" >show.txt 2>&1
for step in begin revoked done; do
	check "the journal has the revocation's $step step" -- grep -q "kiosk-revoke $step card=openpgp:" show.txt
done
finish
