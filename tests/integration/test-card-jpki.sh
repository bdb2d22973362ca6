#!/usr/bin/env bash
# inkan's own verbs on the emulated JPKI card through pcscd, vpcd and
# OpenSC's jpki driver: objects, certificate export and view, signing with
# the signing password, CMS; the two PIN counters (5 and 3) kept apart; and
# the PIN change inkan makes over PC/SC, which OpenSC cannot.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-card.sh"
cd "$TESTDIR"
jpki_card
printf 'WRONG1\n' >wrong-sign.pin
printf '0000\n' >wrong-auth.pin
printf 'a resident document\n' >doc

card_pcscd
check "init a JPKI card" -- card_init jpki --pin file:sign.pin --auth-pin file:auth.pin
check "the card is inserted" -- card_start

: "${CARD_API:?CARD_API must name the card-api program}"
expect 0 "the reader's tokens (public API)" -- "$CARD_API" reader "$VCARD_READER"
contains "the signing token and its password" "$OUT" \
	"token JPKI (Digital Signature PIN) profile jpki pin jpki-sign tries 5"
contains "the authentication token and its PIN" "$OUT" \
	"token JPKI (User Authentication PIN) profile jpki pin jpki-auth tries 3"
check "each names the reader back" -- test "$(grep -c "^reader $VCARD_READER\$" <<<"$OUT")" = 2
expect 0 "no tokens in the other, empty reader" -- "$CARD_API" reader "Virtual PCD 00 0$((1 - (VCARD_PORT - 35963)))"
check "none" -- test -z "$OUT"
expect 0 "the authentication token's certificates (public API)" -- "$CARD_API" certs "$AUTH"
check "the public ones: authentication, and both CAs (IDs 01, 03, 04)" -- \
	test "$(cut -d' ' -f2 <<<"$OUT" | sort | tr '\n' ' ')" = "01 03 04 "
expect 0 "inkan objects on the authentication token" -- "$INKAN" objects "$AUTH"
contains "its certificate" "$OUT" "certificate"
expect 0 "inkan objects after the signing password" -- "$INKAN" objects "$SIGN" --login --pin file:sign.pin
contains "the signing key" "$OUT" "private-key"
expect 0 "inkan cert export of the authentication certificate (public)" -- \
	"$INKAN" cert export "$AUTH;type=cert;id=%01" --out auth.pem
expect 0 "the same as pkcs15-tool reads" -- pkcs15-tool --reader "$VCARD_READER" --read-certificate 01
check "byte for byte" -- test "$(openssl x509 -in auth.pem -outform DER | sha256sum)" = \
	"$(openssl x509 -outform DER <<<"$OUT" | sha256sum)"
expect 0 "inkan cert export of the signing certificate needs the password" -- \
	"$INKAN" cert export "$SIGN;type=cert;id=%02" --out sign.pem --pin file:sign.pin
expect 0 "inkan cert show of the signing certificate" -- "$INKAN" --json cert show sign.pem
contains "a JPKI signing certificate with the four items" "$OUT" '"sex": "1"'
contains "its date of birth" "$OUT" '"date_of_birth": "1977-11-07"'

KEY="$SIGN;type=private;id=%02"
openssl x509 -in sign.pem -pubkey -noout >sign.pub
expect 0 "inkan sign with the signing password" -- \
	"$INKAN" sign --key "$KEY" --in doc --out doc.sig --pin file:sign.pin
check "openssl verifies it" -- openssl dgst -sha256 -verify sign.pub -signature doc.sig doc
expect 0 "inkan cms sign with the card's signing key" -- \
	"$INKAN" cms sign --key "$KEY" --cert sign.pem --in doc --out doc.p7 --pin file:sign.pin
expect 0 "inkan cert export of the signing CA certificate" -- \
	"$INKAN" cert export "$AUTH;type=cert;id=%04" --out sign-ca.pem
check "openssl cms -verify accepts it, up to the card's signing CA" -- \
	openssl cms -verify -binary -inform DER -in doc.p7 -CAfile sign-ca.pem -out doc.out
check "with the document inside" -- cmp doc doc.out

# Two PINs, two counters, two maxima.
tries () { pkcs15-tool --reader "$VCARD_READER" --list-pins 2>/dev/null |
	grep -A9 "$1" | sed -n 's/.*Tries left *: *//p'; }
status () { # TOKEN FIELD
	"$INKAN" --json pin status "$1" | python3 -c "
import json, sys
p = [p for p in json.load(sys.stdin)[0]['pins'] if p['pin'] == 'user'][0]
print(p['$2'])"
}
check "the signing password's maximum is 5" -- test "$(status "$SIGN" max_tries)" = 5
check "the authentication PIN's maximum is 3" -- test "$(status "$AUTH" max_tries)" = 3
expect 1 "a wrong signing password" -- "$INKAN" sign --key "$KEY" --in doc --out x.sig --pin file:wrong-sign.pin
contains "says 4 tries are left" "$ERR" "4 tries left"
check "the card agrees: 4" -- test "$(tries 'Digital Signature PIN')" = 4
check "and pin status has it from the card" -- \
	test "$(status "$SIGN" tries_left) $(status "$SIGN" tries_source)" = "4 card"
check "the authentication PIN is untouched: 3" -- test "$(tries 'User Authentication PIN')" = 3
for i in 1 2; do
	expect 1 "wrong authentication PIN $i" -- "$INKAN" objects "$AUTH" --login --pin file:wrong-auth.pin
done
check "the card: 1 authentication try left" -- test "$(tries 'User Authentication PIN')" = 1
check "pin status: the authentication PIN is on its final try" -- test "$(status "$AUTH" state)" = final-try
check "and the signing password only low" -- test "$(status "$SIGN" state)" = count-low
AUTHKEY="$AUTH;type=private;id=%01"
expect 1 "the last authentication try is not sent without consent" -- \
	"$INKAN" sign --key "$AUTHKEY" --in doc --out a.sig --pin file:auth.pin
check "the card was not asked: still 1" -- test "$(tries 'User Authentication PIN')" = 1
expect 0 "with consent, the right PIN resets the counter" -- \
	"$INKAN" sign --key "$AUTHKEY" --in doc --out a.sig --pin file:auth.pin --allow-final-try
check "the card: 3 again" -- test "$(tries 'User Authentication PIN')" = 3

# The PIN change over PC/SC.
printf 'NEWPASS9\n' >new-sign.pin
printf 'short\n' >bad-sign.pin
expect 2 "a new signing password breaking the rules is refused before anything is sent" -- \
	"$INKAN" pin change "$SIGN" --pin file:sign.pin --new-pin file:bad-sign.pin
contains "names the rule" "$ERR" "6 to 16 letters A-Z and digits"
check "the card was not asked: still 4" -- test "$(tries 'Digital Signature PIN')" = 4
expect 1 "a wrong old password does not change it" -- \
	"$INKAN" pin change "$SIGN" --pin file:wrong-sign.pin --new-pin file:new-sign.pin
check "and counts on the card: 3" -- test "$(tries 'Digital Signature PIN')" = 3
expect 0 "inkan pin change of the signing password" -- \
	"$INKAN" pin change "$SIGN" --pin file:sign.pin --new-pin file:new-sign.pin
check "the counter is back to 5" -- test "$(tries 'Digital Signature PIN')" = 5
expect 0 "the new password signs" -- "$INKAN" sign --key "$KEY" --in doc --out new.sig --pin file:new-sign.pin
check "and verifies" -- openssl dgst -sha256 -verify sign.pub -signature new.sig doc
expect 1 "the old one fails" -- "$INKAN" sign --key "$KEY" --in doc --out x.sig --pin file:sign.pin
printf '9876\n' >new-auth.pin
for bad in 12345 12a4; do
	printf '%s\n' "$bad" >bad-auth.pin
	expect 2 "a new authentication PIN \"$bad\" is refused before anything is sent" -- \
		"$INKAN" pin change "$AUTH" --pin file:auth.pin --new-pin file:bad-auth.pin
	contains "names the rule" "$ERR" "4 digits"
done
check "the card was not asked: still 3" -- test "$(tries 'User Authentication PIN')" = 3
expect 0 "inkan pin change of the authentication PIN" -- \
	"$INKAN" pin change "$AUTH" --pin file:auth.pin --new-pin file:new-auth.pin
expect 0 "the new authentication PIN logs in" -- "$INKAN" objects "$AUTH" --login --pin file:new-auth.pin

# The reader watch sees this card go and come back, typed by its ATR.
env --default-signal=INT "$INKAN" --json readers --watch >watch.out 2>watch.err &
WATCH=$!
cleanup_hooks+=("kill $WATCH 2>/dev/null; wait $WATCH 2>/dev/null")
MARK=0
watched () { tail -n +$((MARK + 1)) watch.out | grep -q "\"event\":\"$1\",\"reader\":\"$VCARD_READER\"${2:-}"; }
check "the watch lists the reader" -- wait_for 5 watched reader-added
MARK=$(wc -l <watch.out)
check "pulled" -- card_stop
check "the watch reports it removed" -- wait_for 5 watched card-removed
MARK=$(wc -l <watch.out)
check "inserted again" -- card_start
check "the watch reports it inserted, a JPKI card by its ATR" -- wait_for 5 watched card-inserted '.*"card":"jpki"'
kill "$WATCH"
card_stop
expect 3 "a pin change with the card pulled is a clear error" -- \
	"$INKAN" pin change "$SIGN" --pin file:new-sign.pin --new-pin file:sign.pin
finish
