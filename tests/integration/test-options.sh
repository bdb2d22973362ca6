#!/usr/bin/env bash
# The options every verb shares: -h/--help prints the verb's usage and
# exits 0; every verb that sends a PIN takes --allow-final-try, and the
# consent reaches its login.
. "$(dirname "$0")/lib.sh"
softhsm_token

# The verbs as inkan --help lists them: two spaces, the name, two spaces.
mapfile -t verbs < <("$INKAN" --help | sed -n '/^verbs:$/,/^$/s/^  \([a-z][a-z0-9 ]*[a-z0-9]\)  .*/\1/p')
check "inkan --help lists the 36 verbs" -- test "${#verbs[@]}" -eq 36

pin_verbs=()
# $v unquoted: a two-word verb is two words.
for v in "${verbs[@]}"; do
	expect 0 "$v --help" -- "$INKAN" $v --help
	contains "$v --help prints its usage on stdout" "$OUT" "usage: inkan $v "
	check "$v --help prints nothing on stderr" -- test -z "$ERR"
	usage=$OUT
	expect 0 "$v -h" -- "$INKAN" $v -h
	check "$v -h prints the same usage" -- test "$OUT" = "$usage"
	expect 0 "help $v" -- "$INKAN" help $v
	check "help $v prints the same usage" -- test "$OUT" = "$usage"
	case $usage in *"--pin SRC"* | *"--so-pin SRC"*) pin_verbs+=("$v") ;; esac
done
expect 0 "inkan help lists the verbs" -- "$INKAN" help
contains "inkan help says how to see a verb's options" "$OUT" "inkan VERB --help"

# A verb that takes a PIN takes the consent to send it on the last try;
# token init's PINs are the new ones, past the guard.
check "22 verbs take a PIN besides token init" -- test "${#pin_verbs[@]}" -eq 23
for v in "${pin_verbs[@]}"; do
	[ "$v" = "token init" ] && continue
	expect 0 "$v takes --allow-final-try (before --help)" -- "$INKAN" $v --allow-final-try --help
	contains "$v's usage lists --allow-final-try" "$OUT" "[--allow-final-try]"
done
expect 2 "token init does not take --allow-final-try" -- "$INKAN" token init --allow-final-try --help
expect 2 "an unknown option is still a usage error" -- "$INKAN" sign --no-such-option
contains "whose usage goes to stderr" "$ERR" "inkan sign: usage: inkan sign "

# For real: with one try left, each verb is refused without the consent
# (nothing is sent, nothing counted) and logs in with it.
printf 'data' >"$TESTDIR/data"
printf '999999\n' >"$TESTDIR/wrong.pin"
WRONG=file:$TESTDIR/wrong.pin
"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label k --pin "$USER_PIN" >/dev/null
"$INKAN" pubkey --key "$TOKEN;object=k" --out "$TESTDIR/k.pub"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TESTDIR/ca.key" \
	-subj "/O=Options CA" -days 30 -out "$TESTDIR/ca.pem" 2>/dev/null
openssl x509 -new -force_pubkey "$TESTDIR/k.pub" -subj "/O=Options/CN=k" -CA "$TESTDIR/ca.pem" \
	-CAkey "$TESTDIR/ca.key" -days 10 -out "$TESTDIR/k.pem" 2>/dev/null
"$INKAN" cert import --token "$TOKEN" --in "$TESTDIR/k.pem" --label k --pin "$USER_PIN" >/dev/null

failures () {
	"$INKAN" --json pin status "$TOKEN" | python3 -c "
import json, sys
print([p for p in json.load(sys.stdin)[0]['pins'] if p['pin'] == 'user'][0]['failures_recorded'])"
}
one_try_left () {
	local i
	for i in 1 2 3 4; do
		"$INKAN" sign --key "$TOKEN;object=k" --in "$TESTDIR/data" --out "$TESTDIR/sig" --pin "$WRONG" 2>/dev/null
	done
}

final_try () { # NAME -- COMMAND... (logging in with $USER_PIN)
	local what=$1
	shift 2
	one_try_left
	check "$what: 4 failures recorded, one try left" -- test "$(failures)" = 4
	expect 1 "$what: refused on the last try without consent" -- "$@"
	contains "$what: the refusal says how to consent" "$ERR" "--allow-final-try"
	check "$what: the refused try is not counted" -- test "$(failures)" = 4
	expect 0 "$what: done with --allow-final-try" -- "$@" --allow-final-try
	check "$what: the login succeeded and cleared the count" -- test "$(failures)" = 0
}

final_try "sign" -- "$INKAN" sign --key "$TOKEN;object=k" --in "$TESTDIR/data" --out "$TESTDIR/sig" --pin "$USER_PIN"
final_try "keygen" -- "$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label k2 --pin "$USER_PIN"
final_try "register sign" -- "$INKAN" register sign --document "$TESTDIR/data" --sender a@example.kr \
	--recipient b@example.kr --key "$TOKEN;object=k" --cert "$TESTDIR/k.pem" --out "$TESTDIR/reg.p7" --pin "$USER_PIN"
final_try "token issue" -- "$INKAN" token issue --key "$TOKEN;object=k" --cert "$TESTDIR/k.pem" \
	--recipient b@example.kr --document "$TESTDIR/data" --pin "$USER_PIN"
final_try "cert show (the login inside the certificate loader)" -- "$INKAN" cert show "$TOKEN;object=k;type=cert" \
	--pin "$USER_PIN"
final_try "delete" -- "$INKAN" delete "$TOKEN;object=k2;type=public" --pin "$USER_PIN"
finish
