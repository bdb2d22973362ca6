#!/usr/bin/env bash
# A renewal at the counter, driven through AT-SPI: a certificate issued on
# the emulated OpenPGP card as in test-kiosk-issue.sh, then renewed
# through the Renew screen.  The first try is made with a wrong office
# admin PIN: the CA's new certificate is issued but cannot be written, and
# the kiosk is killed there; restarted, it finds the renewal in the
# journal and only writes the certificate.  Then: the certificate on the
# card verifies against the CA, certifies the card's (same) key, has a
# new serial; the CA answered a kur; the journal tells the story and
# verifies.
. "$SRCDIR/tests/gui/kiosk/lib-kiosk.sh"
. "$SRCDIR/tests/integration/lib-card.sh"
. "$SRCDIR/tests/integration/cmp-ca-lib.sh"
kiosk_counter_fresh_card
check "in the reader" -- card_start

kiosk_start
kiosk_sign_in
kiosk_issue_acknowledged
shot home

SIGTOK="pkcs11:token=OpenPGP%20card%20%28User%20PIN%20%28sig%29%29"
readcert () {
	rm -f "$1.der"
	p11 --token-label "OpenPGP card (User PIN (sig))" --read-object --type cert --id 01 -o "$1.der" >/dev/null 2>&1
	openssl x509 -inform DER -in "$1.der" -out "$1.pem" 2>/dev/null
}
check "the issued certificate, from the card" -- readcert old
OLD=$(openssl x509 -in old.pem -noout -serial | sed 's/.*=//' | tr 'A-F' 'a-f')

printf 'wrongadm9\n' >wrong-admin.pin
drive "Renew" click "Renew the certificate on a card"
drive "the renew page" contains "Put the resident's card in the reader to renew"
shot renew-card
drive "read the card" click "Read the card"
drive "the card's certificate is shown" contains "The certificate on the card"
$DRIVE dump >labels.txt 2>&1
contains "with its serial number" "$(cat labels.txt)" "Serial number: $OLD"
contains "its holder" "$(cat labels.txt)" "山田　花子"
contains "and its validity" "$(cat labels.txt)" "Valid from"
drive_type "the resident's PIN" "Resident's PIN" resident.pin
drive_type "a wrong office admin PIN" "Office admin PIN" wrong-admin.pin
shot renew-confirm
drive "renew" click "Renew the certificate"
drive "the write is refused, said so" --timeout 90 contains "The office's admin PIN was not accepted"
shot renew-write-failed
kiosk_kill
"$INKAN" audit show --log "$KIOSK_LOG" >show1.txt 2>&1
check "the CA's certificate is journalled before the write" -- \
	sh -c 'grep "kiosk-renew issued card=openpgp:" show1.txt | grep -q "ok"'

kiosk_start
kiosk_sign_in
drive "Renew" click "Renew the certificate on a card"
drive "read the card" click "Read the card"
drive "the journal knows the renewal" contains "Resuming: the renewed certificate was issued but is not on the card yet"
shot renew-resume
drive_type "the office's admin PIN" "Office admin PIN" admin.pin
drive "write it" click "Write the certificate to the card"
drive "the receipt" --timeout 90 contains "The renewed certificate is on the card"
shot renew-receipt
$DRIVE dump >labels.txt 2>&1
NEW=$(sed -n 's/.*Serial number: \([0-9a-f]*\).*/\1/p' labels.txt | head -1)
drive "acknowledged" click "Done: the resident has the receipt"
drive "back home" contains "Welcome, Sato Hanako"
kiosk_kill

check "the renewed certificate, from the card" -- readcert new
expect 0 "openssl verify accepts it against the CA" -- openssl verify -CAfile "$CMP_PKI/jpki-ca.pem" new.pem
expect 0 "the card's public key" -- \
	env INKAN_MODULE="$OPENSC_MODULE" "$INKAN" pubkey --key "$SIGTOK;id=%01;type=public" --out card-pub.pem
check "it certifies the card's key" -- sh -c 'openssl x509 -in new.pem -noout -pubkey | cmp - card-pub.pem'
check "the same key as the old certificate" -- sh -c 'openssl x509 -in old.pem -noout -pubkey | cmp - card-pub.pem'
check "a new serial ($OLD -> $NEW)" -- \
	sh -c 'test -n "$2" && test "$1" != "$2" && openssl x509 -in new.pem -noout -serial | grep -qi "=0*$2\$"' _ "$OLD" "$NEW"
check "the CA answered a kur" -- grep -q "kur: issued" "$(cmp_ca_log ca)"

journal_verify "after renewal"
"$INKAN" audit show --log "$KIOSK_LOG" >show.txt 2>&1
for step in begin request issued written done; do
	check "the journal has the renewal's $step step" -- grep -q "kiosk-renew $step card=openpgp:" show.txt
done
check "the failed write is journalled" -- sh -c 'grep "kiosk-renew written card=openpgp:" show.txt | grep -q pin-incorrect'
check "no PIN in the journal" -- \
	sh -c '! grep -a -q -e resident42 -e admin5678 -e wrongadm9 -e transport1 "$1" show.txt' _ "$KIOSK_LOG"
finish
