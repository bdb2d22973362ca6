#!/usr/bin/env bash
# Staff sign-in at the counter, driven through AT-SPI: a wrong PIN is
# refused and journalled, the right one opens the home page; the journal
# names the staff member, never a PIN, and verifies.
. "$SRCDIR/tests/gui/kiosk/lib-kiosk.sh"

staff_token
kiosk_conf "http://127.0.0.1:9/pkix/" "$TESTDIR/office-ca.pem"
printf '654321\n' >"$TESTDIR/wrong.pin"

kiosk_start
drive "the sign-in page shows" contains "Staff sign-in"
drive "the staff token is listed" button "Sign in"
shot signin
drive_type "a wrong PIN typed" "Staff PIN" "$TESTDIR/wrong.pin"
drive "sign in" click "Sign in"
drive "a wrong PIN is refused, tries left shown" contains "wrong user PIN"
shot signin-wrong-pin
drive_type "the PIN typed" "Staff PIN" "$TESTDIR/user.pin"
drive "sign in again" click "Sign in"
drive "the home page greets the staff member" contains "Welcome, Sato Hanako"
shot home
drive "sign out" click "Sign out"
drive "back at sign-in" contains "Staff sign-in"
kiosk_kill

journal_verify "after sign-in"
"$INKAN" audit show --log "$KIOSK_LOG" >"$TESTDIR/show" 2>&1
SHOW=$(cat "$TESTDIR/show")
contains "the journal names the staff member" "$SHOW" "CN=Sato Hanako"
contains "the journal has the sign-in" "$SHOW" "kiosk-signin done card=-"
contains "the journal has the refused PIN" "$SHOW" "pin-incorrect"
if grep -q -e 654321 -e 123456 "$KIOSK_LOG" "$TESTDIR/show"; then
	not_ok "no PIN in the journal"
else
	ok "no PIN in the journal"
fi
finish
