#!/usr/bin/env bash
# Faults at the counter: the CA is down at ir (the screen says so, the key
# stays on the card), then the card is pulled and the kiosk killed.  With
# the CA back, a restarted kiosk reads the card, the journal says where it
# stopped, and the issuance resumes with the SAME key: the certificate
# certifies the key made the first time, and the journal tells the story
# (one keygen, a failed ir, a good one) and verifies.
. "$SRCDIR/tests/gui/kiosk/lib-kiosk.sh"
. "$SRCDIR/tests/integration/lib-card.sh"
. "$SRCDIR/tests/integration/cmp-ca-lib.sh"
kiosk_card_setup
cmp_ca_start ca jpki --profile jpki-sign
PORT=$(cmp_ca_port ca)
kiosk_card_conf
cmp_ca_stop ca
check "a fresh OpenPGP card (RSA-2048 slots)" -- card_init openpgp --pin file:transport.pin --admin-pin file:admin.pin
check "in the reader" -- card_start

kiosk_start
kiosk_sign_in
kiosk_issue_fresh
drive "the CA being down is said" --timeout 90 contains "The CA could not be reached"
drive "with a way to try again" button "Try again"
shot resume-ca-down

SIGTOK="pkcs11:token=OpenPGP%20card%20%28User%20PIN%20%28sig%29%29"
check "the card is pulled" -- card_stop
kiosk_kill
check "and put back" -- card_start
expect 0 "the key made before the fault" -- \
	env INKAN_MODULE="$OPENSC_MODULE" "$INKAN" pubkey --key "$SIGTOK;id=%01;type=public" --out first-pub.pem

cmp_ca_start ca jpki --profile jpki-sign --port "$PORT"
kiosk_start
kiosk_sign_in
drive "Issue" click "Issue a certificate on a card"
drive "read the card" click "Read the card"
drive "the journal knows the card" contains "Resuming: this card has a key but no certificate yet"
kiosk_holder resume-holder
drive "only the resident's PIN is asked" contains "The card has its key from an earlier step"
drive_type "the resident's PIN" "Resident's PIN" resident.pin
drive_type "the office's admin PIN" "Office admin PIN" admin.pin
shot resume-pins
drive "issue" click "Issue the certificate"
drive "the receipt" --timeout 90 contains "SHA-256 fingerprint"
shot resume-receipt
drive "acknowledged" click "Done: the resident has the receipt"
drive "back home" contains "Welcome, Sato Hanako"
kiosk_kill

p11 --token-label "OpenPGP card (User PIN (sig))" --read-object --type cert --id 01 -o card-cert.der >/dev/null 2>&1
openssl x509 -inform DER -in card-cert.der -out card-cert.pem 2>/dev/null
expect 0 "openssl verify accepts the certificate on the card" -- \
	openssl verify -CAfile "$CMP_PKI/jpki-ca.pem" card-cert.pem
check "it certifies the key made before the fault" -- \
	sh -c 'openssl x509 -in card-cert.pem -noout -pubkey | cmp - first-pub.pem'

journal_verify "after the faults"
"$INKAN" audit show --log "$KIOSK_LOG" >show.txt 2>&1
check "one key generation" -- test "$(grep -c 'kiosk-issue keygen card=openpgp:' show.txt)" = 1
check "the failed ir is journalled" -- sh -c 'grep "kiosk-issue issued card=openpgp:" show.txt | grep -q io'
check "then the good one, written, done" -- sh -c 'grep -q "kiosk-issue written card=openpgp:.* serial=" show.txt &&
	grep -q "kiosk-issue done card=openpgp:" show.txt'
finish
