#!/usr/bin/env bash
# inkan-viewer with the emulated JPKI card (pcscd, vpcd, inkan-vcard): the
# card appears in the sidebar when inserted, with its certificates, and
# goes when removed, its page saying so; the PINs' tries as the card counts
# them; wrong PINs through the Change PIN dialog down to the final try,
# then the consent dialog, whose Cancel sends nothing (pkcs15-tool says);
# the signing password changed through the dialog, and the new one signs.
. "$(dirname "$0")/lib-gui.sh"
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/integration/lib-card.sh"
gui_setup
cd "$TESTDIR"
jpki_card
printf 'NEWPASS77\n' >new-sign.pin
printf 'a resident document\n' >doc
tries () { pkcs15-tool --reader "$VCARD_READER" --list-pins 2>/dev/null |
	grep -A9 "$1" | sed -n 's/.*Tries left *: *//p'; }
AUTH_PIN="User Authentication PIN"
SIGN_PIN="Digital Signature PIN"

card_pcscd
check "init a JPKI card" -- card_init jpki --pin file:sign.pin --auth-pin file:auth.pin

LC_ALL=C.UTF-8 gui_start "$INKAN_VIEWER"
gui_has "no card yet: the window says what to do" "Insert a card, or open a certificate file."
check "the card is inserted" -- card_start
gui_has "it appears in the sidebar, with its reader" "My Number card (JPKI)" "$VCARD_READER"
gui_has "its page: both tokens" "JPKI (User Authentication PIN)" "JPKI (Digital Signature PIN)"
check "the tries as the card counts them, before any PIN is asked" -- atspi contains \
	"ready; 3 of 3 tries left (as the card counts)" "ready; 5 of 5 tries left (as the card counts)"
rows=$(atspi under Sources)
check "the sidebar lists its public certificates" -- \
	test "$(grep -c '^label' <<<"$rows")" -ge 5
gui_shot viewer-card-inserted

# The authentication PIN (3 tries): two wrong ones through the dialog.
# Tokens are in the card's order: authentication first (button 0).
auth_button=0
change_dialog () { # OLD NEW
	atspi click "Change PIN…" "$auth_button" &&
	atspi type "Current PIN" "$1" && atspi type "New PIN" "$2" && atspi type "New PIN again" "$2"
}
check "the Change PIN dialog, for the authentication PIN" -- atspi click "Change PIN…" "$auth_button"
check "live rules: three digits are too few" -- atspi type "New PIN" "123"
check "the dialog says so" -- atspi contains "The new PIN: at least 4 characters."
check "a letter is not a digit" -- atspi type "New PIN" "12a4"
check "the dialog says so too" -- atspi contains "“a” is not allowed"
gui_shot viewer-pin-rules
check "Cancel" -- atspi click "Cancel"
check "sends nothing: still 3 tries" -- test "$(tries "$AUTH_PIN")" = 3
for left in 2 1; do
	check "a wrong PIN through the dialog ($left left after)" -- change_dialog 0000 1234
	check "Change" -- atspi click "Change"
	check "the dialog says it was wrong" -- atspi contains "Wrong PIN"
	check "the card counts it: $left left" -- test "$(tries "$AUTH_PIN")" = "$left"
	check "the page shows it: $left of 3" -- atspi contains "$left of 3 tries left (as the card counts)"
	check "close the dialog" -- atspi click "Cancel"
done
check "the page warns of the final try" -- atspi contains "FINAL TRY: one more wrong PIN locks it"
gui_shot viewer-pin-final-try
check "the wrong PIN once more" -- change_dialog 0000 1234
check "Change" -- atspi click "Change"
gui_has "the consent dialog asks before the try that could lock" "Use the last try"
check "and says why" -- atspi contains "Only one try is left for the"
gui_shot viewer-pin-consent
check "Cancel the consent" -- atspi click "Cancel" 1
check "the dialog says nothing was sent" -- atspi contains "Cancelled: nothing was sent to the card."
check "and the card agrees: still 1 try" -- test "$(tries "$AUTH_PIN")" = 1
check "close the dialog" -- atspi click "Cancel"

# The signing password, changed through the dialog; the new one signs.
sign_button=1
check "Change PIN of the signing password" -- atspi click "Change PIN…" "$sign_button"
check "the current password" -- atspi type "Current PIN" SIGN12
check "the new one" -- atspi type "New PIN" NEWPASS77
check "a different repetition" -- atspi type "New PIN again" NEWPASS78
check "is refused as typed" -- atspi contains "The two new PINs differ."
check "the repetition right" -- atspi type "New PIN again" NEWPASS77
check "meets the rules" -- atspi contains "The new PIN meets the card's rules."
check "Change" -- atspi click "Change"
check "the dialog closes" -- atspi gone "New PIN again"
check "the page reads the card again: 5 of 5" -- atspi contains "ready; 5 of 5 tries left (as the card counts)"
expect 0 "inkan sign with the new signing password" -- \
	"$INKAN" sign --key "$SIGN;type=private;id=%02" --in doc --out doc.sig --pin file:new-sign.pin
check "the card: 5 signing tries (no wrong one on the way)" -- test "$(tries "$SIGN_PIN")" = 5

# Removal: the sidebar loses it, its page says so; back in, it is back.
check "the card is removed" -- card_stop
check "the page says so" -- atspi contains "The card was removed from $VCARD_READER."
rows=$(atspi under Sources)
check "the sidebar no longer has it" -- bash -c '! grep -q "My Number card" <<<"$1"' _ "$rows"
gui_shot viewer-card-removed
check "inserted again" -- card_start
check "it is back in the sidebar" -- bash -c 'for i in $(seq 50); do
	/usr/bin/python3 "$SRCDIR/tests/gui/atspi.py" under Sources | grep -q "My Number card" && exit 0; sleep 0.2; done; exit 1'
check "closes cleanly" -- gui_stop
finish
