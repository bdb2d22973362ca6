#!/usr/bin/env bash
# inkan itself against a card that lies: malformed answers to one
# instruction at a time (the card otherwise honest, so OpenSC binds and the
# lie reaches inkan), and a card pulled out in the middle of a command.
# inkan must end with an answer (exit 1-3 and an "inkan:" line, or exit 0
# with a result that holds), never a crash, a hang, or a bad signature.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-card.sh"
cd "$TESTDIR"
jpki_card
KEY="$SIGN;type=private;id=%02"
printf 'a resident document\n' >doc
MODES="truncate short garbage bad-length sw-swap"

# run WHAT COMMAND...: like expect, but any answer will do; sets $RC.
run () {
	local what=$1
	shift 2
	timeout 60 "$@" >"$TESTDIR/out" 2>"$TESTDIR/err"
	RC=$?
	OUT=$(cat "$TESTDIR/out")
	ERR=$(cat "$TESTDIR/err")
	check "$what: ends with an answer, not a signal or a hang (exit $RC)" -- test "$RC" -le 3
	if [ "$RC" -ne 0 ]; then
		contains "$what: says what went wrong" "$ERR" "inkan:"
		check "$what: in one line" -- test "$(wc -l <"$TESTDIR/err")" -le 1
	fi
}

card_pcscd
check "init a JPKI card" -- card_init jpki --pin file:sign.pin --auth-pin file:auth.pin
check "insert it honest" -- card_start
expect 0 "the signing certificate, read honestly" -- \
	"$INKAN" cert export "$SIGN;type=cert;id=%02" --out sign.pem --pin file:sign.pin
openssl x509 -in sign.pem -pubkey -noout >sign.pub
card_stop

# The signature (80 2A), then the certificate reads (B0) and the PIN
# counter (20), each answered falsely in every way the card knows.
for mode in $MODES; do
	check "$mode in signatures: inserted" -- card_start --hostile "$mode" --hostile-ins 2A
	rm -f "sig.$mode"
	run "$mode in signatures: inkan sign" -- \
		"$INKAN" sign --key "$KEY" --in doc --out "sig.$mode" --pin file:sign.pin
	if [ "$RC" -eq 0 ]; then
		check "$mode in signatures: what inkan gave out verifies" -- \
			openssl dgst -sha256 -verify sign.pub -signature "sig.$mode" doc
	else
		check "$mode in signatures: and no signature is left behind" -- test ! -s "sig.$mode"
	fi
	card_stop

	check "$mode in reads: inserted" -- card_start --hostile "$mode" --hostile-ins B0
	run "$mode in reads: inkan cert show" -- "$INKAN" --json cert show "$AUTH"
	run "$mode in reads: inkan cert export" -- "$INKAN" cert export "$AUTH;type=cert;id=%01" --out "auth.$mode"
	card_stop

	check "$mode in VERIFY: inserted" -- card_start --hostile "$mode" --hostile-ins 20
	run "$mode in VERIFY: inkan pin status" -- "$INKAN" --json pin status "$SIGN"
	card_stop
done
check "honest again: the card still holds 5 signing tries" -- card_start
expect 0 "pin status" -- "$INKAN" --json pin status "$SIGN"
contains "5 tries, as the card counts them" "$OUT" '"tries_left": 5'
card_stop

# Pulled out when the signature command arrives: no answer ever comes.
check "inserted, to be pulled on the signature" -- card_start --pull-on 2A
run "pulled mid-signature: inkan sign" -- \
	"$INKAN" sign --key "$KEY" --in doc --out pulled.sig --pin file:sign.pin
check "pulled mid-signature: an error, not a result" -- test "$RC" -ne 0
check "and no signature is left behind" -- test ! -s pulled.sig
check "the card really was pulled mid-command" -- grep -q "pulled out on INS 2A" vcard.log
card_stop
finish
