#!/usr/bin/env bash
# A PIN reset at the counter, driven through AT-SPI: the resident's PIN on
# the emulated OpenPGP card is locked with wrong PINs through the inkan
# CLI; the kiosk, with the office's admin PIN from kiosk.conf (office-pin
# = file:...), first holds a wrong one: the screen says so with the tries
# left, and the card's count agrees; a new PIN that breaks the card's rule
# is refused before anything is sent; on the admin PIN's last try the
# kiosk asks first and sends nothing until staff agree.  With the right
# credential the PIN is reset: the screen and pkcs15-tool show the full
# try count, the new PIN signs, and the journal tells the story (no PIN).
. "$SRCDIR/tests/gui/kiosk/lib-kiosk.sh"
. "$SRCDIR/tests/integration/lib-card.sh"
. "$SRCDIR/tests/integration/cmp-ca-lib.sh"
kiosk_card_setup
cmp_ca_start ca jpki --profile jpki-sign
kiosk_card_conf
printf 'wrongadm9\n' >office.pin
echo "office-pin = file:$TESTDIR/office.pin" >>kiosk.conf
check "a fresh OpenPGP card" -- card_init openpgp --pin file:resident.pin --admin-pin file:admin.pin
check "in the reader" -- card_start

SIG="OpenPGP card (User PIN (sig))"
TOK="pkcs11:token=OpenPGP%20card%20(User%20PIN%20(sig))"
KEY="$TOK;id=%01;type=private"
export INKAN_MODULE=$OPENSC_MODULE
expect 0 "a key on the card (inkan keygen, admin PIN)" -- \
	"$INKAN" keygen --token "$TOK" --type rsa:2048 --label sig --id 01 --so-pin file:admin.pin
expect 0 "its public key" -- "$INKAN" pubkey --key "$TOK;id=%01;type=public" --out pub.pem
printf 'wrong999\n' >wrong.pin
echo doc >doc
sign () { "$INKAN" sign --key "$KEY" --in doc --out doc.sig "$@"; }
tries () { # the tries left of PIN NAME, as pkcs15-tool reads them from the card
	pkcs15-tool --reader "$VCARD_READER" --list-pins 2>/dev/null |
		grep -A11 "^PIN \[$1\]" | sed -n 's/.*Tries left *: *//p'
}
FULL=$(tries 'User PIN')
ADMIN_FULL=$(tries 'Admin PIN')
check "the card counts tries (user $FULL, admin $ADMIN_FULL)" -- test "$FULL" -gt 1 -a "$ADMIN_FULL" -eq 3
for i in $(seq $((FULL - 1))); do
	expect 1 "the resident's wrong PIN $i" -- sign --pin file:wrong.pin
done
expect 1 "the last, with consent, locks it" -- sign --pin file:wrong.pin --allow-final-try
check "pkcs15-tool: the user PIN has 0 tries" -- test "$(tries 'User PIN')" = 0
unset INKAN_MODULE

kiosk_start
kiosk_sign_in
drive "Reset PIN" click "Reset a locked or forgotten PIN"
drive "the reset page" contains "For a locked or forgotten PIN"
shot pinreset-card
drive "read the card" click "Read the card"
drive "the card says the PIN is locked" contains "is locked (tries left: 0 of $FULL)"
$DRIVE dump >labels.txt 2>&1
contains "and what resets it, with its tries" "$(cat labels.txt)" "(tries left: 3 of 3)"
printf 'newpin77\n' >new.pin
printf '12\n' >short.pin
drive_type "a new PIN the card refuses" "New PIN" short.pin
drive_type "again" "New PIN again" short.pin
drive "reset" click "Reset the PIN"
drive "the rule is enforced" contains "does not meet the card's rules"
check "nothing was sent: the admin PIN still has 3 tries" -- test "$(tries 'Admin PIN')" = 3
shot pinreset-pins

for left in 2 1; do
	drive_type "the new PIN" "New PIN" new.pin
	drive_type "again" "New PIN again" new.pin
	drive "reset, with the wrong office PIN in kiosk.conf's file" click "Reset the PIN"
	drive "the refusal names the credential and its tries ($left left)" \
		--timeout 30 contains "The office's admin PIN was not accepted; it has $left of 3 tries left"
	check "pkcs15-tool agrees: $left" -- test "$(tries 'Admin PIN')" = "$left"
done
shot pinreset-wrong-office
drive_type "the new PIN" "New PIN" new.pin
drive_type "again" "New PIN again" new.pin
drive "reset: the admin PIN's last try" click "Reset the PIN"
drive "the kiosk asks before the last try" button "Use the office credential's last try"
check "and sent nothing: still 1" -- test "$(tries 'Admin PIN')" = 1
shot pinreset-final-try
cp admin.pin office.pin
drive_type "the new PIN" "New PIN" new.pin
drive_type "again" "New PIN again" new.pin
drive "staff agree, the office file corrected" click "Use the office credential's last try"
drive "the PIN is reset, the tries shown" --timeout 30 contains "The resident's new PIN is set. Tries left: $FULL of $FULL."
shot pinreset-result
drive "back home" click "Back to the start"
drive "home" contains "Welcome, Sato Hanako"
kiosk_kill

check "pkcs15-tool: the user PIN has its $FULL tries" -- test "$(tries 'User PIN')" = "$FULL"
check "and the admin PIN its 3 again" -- test "$(tries 'Admin PIN')" = 3
export INKAN_MODULE=$OPENSC_MODULE
expect 1 "the old PIN no longer signs" -- sign --pin file:resident.pin
expect 0 "the new PIN signs" -- sign --pin file:new.pin
check "and the signature verifies" -- openssl dgst -sha256 -verify pub.pem -signature doc.sig doc
unset INKAN_MODULE

journal_verify "after the PIN reset"
"$INKAN" audit show --log "$KIOSK_LOG" >show.txt 2>&1
check "the journal has the reset's begin" -- grep -q "kiosk-reset-pin begin card=openpgp:" show.txt
check "both wrong office PINs" -- test "$(grep 'kiosk-reset-pin pins card=openpgp:' show.txt | grep -c pin-incorrect)" = 2
check "the reset, done" -- sh -c 'grep "kiosk-reset-pin pins card=openpgp:" show.txt | grep -q " ok" &&
	grep -q "kiosk-reset-pin done card=openpgp:" show.txt'
check "no PIN in the journal" -- \
	sh -c '! grep -a -q -e newpin77 -e admin5678 -e wrongadm9 -e resident42 "$1" show.txt' _ "$KIOSK_LOG"
finish
