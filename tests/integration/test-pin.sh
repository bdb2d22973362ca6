#!/usr/bin/env bash
# PIN tries on SoftHSM2, which reports no counter: inkan's record alone
# drives the lockout; the last try needs consent; unblock and change.
. "$(dirname "$0")/lib.sh"
softhsm_token
"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label k --pin "$USER_PIN" >/dev/null
printf 'data' >"$TESTDIR/data"
printf '999999\n' >"$TESTDIR/wrong.pin"
WRONG=file:$TESTDIR/wrong.pin

pin_field () { # FIELD: from pin status --json of the user PIN
	"$INKAN" --json pin status "$TOKEN" | python3 -c "
import json, sys
p = [p for p in json.load(sys.stdin)[0]['pins'] if p['pin'] == 'user'][0]
print(p['$1'])"
}
sign () { "$INKAN" sign --key "$TOKEN;object=k" --in "$TESTDIR/data" --out "$TESTDIR/sig" "$@"; }

expect 0 "pin status" -- "$INKAN" pin status "$TOKEN"
contains "a fresh token is ok with 5 of 5 tries, from the record" "$OUT" "ok         5 of 5 tries left (record; maximum: default)"

for i in 1 2 3 4; do
	expect 1 "wrong PIN $i" -- sign --pin "$WRONG"
	contains "wrong PIN $i says how many tries are left" "$ERR" "$((5 - i)) tries left"
done
check "after 4 wrong PINs: final-try with 1 left" -- test "$(pin_field state) $(pin_field tries_left)" = "final-try 1"

expect 1 "the fifth try is refused without consent, even with the right PIN" -- sign --pin "$USER_PIN"
contains "it says nothing was sent and how to consent" "$ERR" "--allow-final-try"
check "the refused try is not counted" -- test "$(pin_field failures_recorded)" = 4

expect 1 "with consent, a wrong fifth PIN locks" -- sign --pin "$WRONG" --allow-final-try
contains "it says the PIN is now locked" "$ERR" "now locked"
check "status: locked, 0 left" -- test "$(pin_field state) $(pin_field tries_left)" = "locked 0"
expect 1 "a locked PIN is never sent, even the right one with consent" -- sign --pin "$USER_PIN" --allow-final-try
contains "it says locked and how to unblock" "$ERR" "Unblock it"

printf '654321\n' >"$TESTDIR/new.pin"
expect 1 "unblock with a wrong SO PIN fails" -- "$INKAN" pin unblock "$TOKEN" --so-pin "$WRONG" --new-pin "file:$TESTDIR/new.pin"
expect 0 "unblock with the SO PIN" -- "$INKAN" pin unblock "$TOKEN" --so-pin "$SO_PIN" --new-pin "file:$TESTDIR/new.pin"
check "status: ok again" -- test "$(pin_field state) $(pin_field tries_left)" = "ok 5"
expect 0 "sign with the new PIN" -- sign --pin "file:$TESTDIR/new.pin"

printf '11223344\n' >"$TESTDIR/newer.pin"
expect 1 "pin change with a wrong old PIN" -- "$INKAN" pin change "$TOKEN" --pin "$WRONG" --new-pin "file:$TESTDIR/newer.pin"
check "which counts as a failure" -- test "$(pin_field failures_recorded)" = 1
expect 0 "pin change" -- "$INKAN" pin change "$TOKEN" --pin "file:$TESTDIR/new.pin" --new-pin "file:$TESTDIR/newer.pin"
check "a success clears the count" -- test "$(pin_field failures_recorded)" = 0
expect 0 "sign with the changed PIN" -- sign --pin "file:$TESTDIR/newer.pin"
expect 1 "the old PIN fails" -- sign --pin "file:$TESTDIR/new.pin"
expect 0 "the changed PIN again" -- sign --pin "file:$TESTDIR/newer.pin"

# pin set, at issuance, on a token of no known card: C_InitPIN after the SO
# login, then C_SetPIN as the SO; a new SO PIN too short for any token is
# refused before either PIN is sent.
printf '24681357\n' >"$TESTDIR/holder.pin"
printf '87654321\n' >"$TESTDIR/so2.pin"
: >"$TESTDIR/empty.pin"
expect 2 "pin set: an empty new SO PIN is refused" -- "$INKAN" pin set "$TOKEN" --so-pin "$SO_PIN" \
	--new-pin "file:$TESTDIR/holder.pin" --new-so-pin "file:$TESTDIR/empty.pin"
expect 0 "and the user PIN was not set" -- sign --pin "file:$TESTDIR/newer.pin"
expect 0 "pin set: the holder's PIN and a new SO PIN" -- "$INKAN" pin set "$TOKEN" --so-pin "$SO_PIN" \
	--new-pin "file:$TESTDIR/holder.pin" --new-so-pin "file:$TESTDIR/so2.pin"
contains "it says both were set" "$OUT" "user PIN and SO PIN set"
expect 0 "the holder's PIN signs" -- sign --pin "file:$TESTDIR/holder.pin"
expect 1 "the old SO PIN is refused now" -- "$INKAN" pin set "$TOKEN" --so-pin "$SO_PIN" --new-pin "file:$TESTDIR/newer.pin"
expect 0 "the new SO PIN sets the user PIN back" -- "$INKAN" pin set "$TOKEN" --so-pin "file:$TESTDIR/so2.pin" \
	--new-pin "file:$TESTDIR/newer.pin"
expect 0 "which signs again" -- sign --pin "file:$TESTDIR/newer.pin"

# pin change at the terminal: the old PIN, then the new one twice, each
# typed unseen (pty-run.py fails with 125 if the terminal echoes at a
# prompt).  New PINs that differ are refused before anything is sent.
PTY_RUN=$(dirname "$0")/pty-run.py
expect 2 "pin change at the terminal with two different new PINs is refused" -- "$PTY_RUN" \
	--answer "Current PIN: " 11223344 --answer "New PIN: " 55667788 --answer "New PIN again: " 55667789 -- \
	"$INKAN" pin change "$TOKEN"
contains "it says the two differ and nothing changed" "$OUT" "the two new PINs differ; nothing was changed"
# The transcript also holds the prompts: the error is its one inkan: line.
one_line "the refusal" "$(printf '%s\n' "$OUT" | grep 'inkan:')"
check "no PIN shows on the terminal" -- sh -c '! printf "%s" "$1" | grep -qE "11223344|5566778[89]"' _ "$OUT"
check "the refusal cost no try" -- test "$(pin_field failures_recorded)" = 0
expect 0 "the old PIN still signs after the refusal" -- sign --pin "file:$TESTDIR/newer.pin"
export TYPED1=55667788 TYPED2=55667789
expect 1 "the first new PIN does not" -- sign --pin env:TYPED1
expect 1 "nor the second" -- sign --pin env:TYPED2
expect 0 "pin change at the terminal" -- "$PTY_RUN" \
	--answer "Current PIN: " 11223344 --answer "New PIN: " 55667788 --answer "New PIN again: " 55667788 -- \
	"$INKAN" pin change "$TOKEN"
contains "it says the PIN changed" "$OUT" "PIN changed"
check "no PIN shows on the terminal" -- sh -c '! printf "%s" "$1" | grep -qE "11223344|55667788"' _ "$OUT"
printf '55667788\n' >"$TESTDIR/typed.pin"
expect 0 "sign with the PIN typed at the terminal" -- sign --pin "file:$TESTDIR/typed.pin"
expect 1 "the PIN before it fails" -- sign --pin "file:$TESTDIR/newer.pin"
# Back to the PIN the rest of this script uses.
"$INKAN" pin change "$TOKEN" --pin "file:$TESTDIR/typed.pin" --new-pin "file:$TESTDIR/newer.pin" >/dev/null

expect 0 "an HSM's maximum is configurable" -- "$INKAN" --pin-max-tries 3 --json pin status "$TOKEN"
contains "max from config" "$OUT" '"max_source": "config"'
expect 1 "a wrong PIN with the record in a configured directory" -- "$INKAN" --pin-record-dir "$TESTDIR/kiosk" \
	sign --key "$TOKEN;object=k" --in "$TESTDIR/data" --out "$TESTDIR/sig" --pin "$WRONG"
check "the configured directory holds the record" -- sh -c "cat '$TESTDIR'/kiosk/*.user | grep -qx 'inkan-pin-record 1 failures 1'"
"$INKAN" --pin-record-dir "$TESTDIR/kiosk" sign --key "$TOKEN;object=k" --in "$TESTDIR/data" --out "$TESTDIR/sig" \
	--pin "file:$TESTDIR/newer.pin"

# Kill inkan at random points of a PIN attempt: the record file must be
# whole after every kill (SoftHSM2's own files are not ours to judge: a
# kill can catch it rewriting token.object, so only our record is checked).
record () { cat "$XDG_STATE_HOME"/inkan/pin/*.user 2>/dev/null; }
whole=0
for i in $(seq 1 25); do
	# Each way a PIN is sent: a login to sign, a change, a login to list.
	case $((i % 3)) in
	0) sign --pin "$WRONG" ;;
	1) "$INKAN" pin change "$TOKEN" --pin "$WRONG" --new-pin "file:$TESTDIR/newer.pin" ;;
	2) "$INKAN" objects "$TOKEN" --login --pin "$WRONG" ;;
	esac >/dev/null 2>&1 &
	pid=$!
	sleep "0.0$((RANDOM % 10))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if printf '%s\n' "$(record)" | grep -qxE 'inkan-pin-record 1 failures [0-9]+'; then
		whole=$((whole + 1))
	else
		echo "# after kill $i the record reads: $(record)"
	fi
	# Reset with the right PIN while a try is left, so the loop goes on.
	case "$(record)" in *" failures "[3-9]) sign --pin "file:$TESTDIR/newer.pin" --allow-final-try 2>/dev/null ;; esac
done
check "after 25 kills at random points of sign, pin change and login, the record was whole every time ($whole)" -- test "$whole" = 25
sign --pin "file:$TESTDIR/newer.pin" --allow-final-try 2>/dev/null

# Six processes at once with a wrong PIN, 2 tries left: the record's lock
# makes their decisions one at a time, so exactly one sends its PIN and
# the others find the final try and send nothing (issue 16).
RECORD=$(ls "$XDG_STATE_HOME"/inkan/pin/*.user)
one=0
for round in $(seq 1 20); do
	printf 'inkan-pin-record 1 failures 3\n' >"$RECORD"
	for p in 1 2 3 4 5 6; do sign --pin "$WRONG" 2>"$TESTDIR/race.$p" & done
	wait
	sent=$(cat "$TESTDIR"/race.* | grep -c "wrong user PIN")
	refused=$(cat "$TESTDIR"/race.* | grep -c "nothing was sent")
	# SoftHSM2 rewrites token.object on every login, and a process that
	# reads it meanwhile finds no token, or fails C_GetTokenInfo (FACTS.md):
	# it never reached the guard, so it sent nothing either.  The record's
	# count below is what proves that only one PIN went to the token.
	lost=$(grep -l "no token matches\|C_GetTokenInfo: Internal error" "$TESTDIR"/race.* | wc -l)
	if [ "$sent $((refused + lost)) $(record)" = "1 5 inkan-pin-record 1 failures 4" ]; then
		one=$((one + 1))
	else
		echo "# round $round: $sent sent, $refused refused, record: $(record)"
		grep -hv "wrong user PIN\|nothing was sent" "$TESTDIR"/race.* | sed 's/^/#   /'
	fi
done
check "20 rounds of 6 racing wrong PINs at 2 tries left: exactly one sent each time ($one)" -- test "$one" = 20
sign --pin "file:$TESTDIR/newer.pin" --allow-final-try 2>/dev/null

# A record another user could have written, or that is not a plain file
# of the user's, is refused before anything is sent, as OpenSSH refuses
# loose key files (issue 16): with the right PIN, so the refusal is the
# record's; a FIFO neither hangs the read nor the lock.
GOOD=file:$TESTDIR/newer.pin
refused_record () { # WHAT WHY
	expect 1 "a record $1 is refused" -- timeout 20 "$INKAN" sign --key "$TOKEN;object=k" \
		--in "$TESTDIR/data" --out "$TESTDIR/sig" --pin "$GOOD"
	contains "saying why" "$ERR" "$2"
	contains "and that nothing was sent" "$ERR" "nothing was sent"
}
printf 'inkan-pin-record 1 failures 0\n' >"$RECORD"
chmod 0620 "$RECORD"
refused_record "its group can write" "others can write it"
chmod 0600 "$RECORD"
chmod 0707 "${RECORD%/*}"
refused_record "in a directory others can write" "its directory belongs to another user or others can write it"
chmod 0700 "${RECORD%/*}"
mv "$RECORD" "$RECORD.real"
ln -s "$RECORD.real" "$RECORD"
expect 3 "a record that is a symbolic link is refused" -- sign --pin "$GOOD"
contains "naming it" "$ERR" "cannot read the PIN record $RECORD"
rm "$RECORD"
mkfifo "$RECORD"
refused_record "that is a FIFO" "it is not a regular file"
rm "$RECORD"
mkfifo "$RECORD.lock.new" && mv "$RECORD.lock.new" "$RECORD.lock"
refused_record "whose lock is a FIFO" "it is not a regular file"
rm "$RECORD.lock"
mv "$RECORD.real" "$RECORD"
expect 0 "the user's own record, as it was, is taken again" -- sign --pin "$GOOD"

printf 'garbage' >"$RECORD"
expect 1 "a tampered record is refused, not guessed" -- sign --pin "file:$TESTDIR/newer.pin"
contains "naming the file" "$ERR" "is malformed"
printf 'inkan-pin-record 1 failures +01\n' >"$RECORD"
expect 1 "a count written as no inkan writes it is refused too" -- sign --pin "file:$TESTDIR/newer.pin"
contains "as malformed" "$ERR" "is malformed"
finish
