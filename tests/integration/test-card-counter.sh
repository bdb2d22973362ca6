#!/usr/bin/env bash
# What a municipal counter does to a resident's card, on the emulated
# OpenPGP card through pcscd, vpcd and OpenSC as installed (no opensc.conf):
# keys made in the slot the card model picks by purpose, from whichever
# token `inkan tokens` lists first, and their real URIs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-card.sh"
cd "$TESTDIR"
: "${CARD_API:?CARD_API must name the card-api program}"
export OPENSC_DRIVER=openpgp INKAN_MODULE=$OPENSC_MODULE
unset OPENSC_CONF
printf 'user4567\n' >user.pin
printf 'admin5678\n' >admin.pin
printf 'a document to sign\n' >doc
SIGTOK="token=OpenPGP%20card%20%28User%20PIN%20%28sig%29%29"
USERTOK="token=OpenPGP%20card%20%28User%20PIN%29"

# field JSON-KEY: from $OUT, inkan's --json output
field () { python3 -c "import json, sys; print(json.loads(sys.argv[1])['$1'])" "$OUT"; }
first_token () { "$INKAN" --json tokens | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["uri"])'; }
tries () { pkcs15-tool --reader "$VCARD_READER" --list-pins 2>/dev/null |
	grep -A11 "^PIN \[$1\]" | sed -n 's/.*Tries left *: *//p'; }
admin_tries () { tries "Admin PIN"; }
user_tries () { tries "User PIN"; }
# wrong_pins N: N wrong user PINs from another program, past inkan's guard.
wrong_pins () {
	local i
	for i in $(seq "$1"); do
		p11 --token-label "OpenPGP card (User PIN (sig))" --login --pin wrongpin -O >/dev/null 2>&1
	done
}

card_pcscd
check "init an OpenPGP card (RSA-2048 slots)" -- card_init openpgp --pin file:user.pin --admin-pin file:admin.pin
check "the card is inserted" -- card_start
FIRST=$(first_token)
check "the first token listed is not the signing one" -- test "${FIRST#*$SIGTOK}" = "$FIRST"

# A fresh card's admin PIN: 3 tries, as the card and the profile say.
expect 0 "pin status --json" -- "$INKAN" --json pin status "$FIRST"
so=$(python3 -c "import json, sys
p = [p for p in json.loads(sys.argv[1])[0]['pins'] if p['pin'] == 'so'][0]
print(p['tries_left'], p['max_tries'], p['state'], p['tries_source'])" "$OUT")
check "a fresh card's admin PIN: 3 of 3, ok, from the card ($so)" -- test "$so" = "3 3 ok card"
expect 0 "pin status in text" -- "$INKAN" pin status "$FIRST"
contains "says 3 of 3" "$OUT" "SO PIN    ok         3 of 3 tries left"

expect 2 "the user PIN given for key generation is refused, not sent as the admin PIN" -- \
	"$INKAN" keygen --token "$FIRST" --type rsa:2048 --pin file:user.pin
contains "naming --so-pin" "$ERR" "--so-pin"
check "the admin PIN kept its 3 tries" -- test "$(admin_tries)" = 3
expect 2 "an unknown purpose is a usage error" -- \
	"$INKAN" keygen --token "$FIRST" --type rsa:2048 --purpose signing --so-pin file:admin.pin
expect 3 "a P-256 key in an RSA-2048 slot: the card cannot" -- \
	"$INKAN" keygen --token "$FIRST" --type ec:P-256 --so-pin file:admin.pin
contains "and says why" "$ERR" "algorithm attributes"

expect 0 "keygen without --id on the first token: the signature slot" -- \
	"$INKAN" --json keygen --token "$FIRST" --type rsa:2048 --so-pin file:admin.pin
PRIV=$(field private_key) PUB=$(field public_key)
check "the private key's URI names the signing token and ID 01 ($PRIV)" -- \
	bash -c '[[ $1 == *"$2;id=%01;type=private" ]]' _ "$PRIV" "$SIGTOK"
check "so does the public key's ($PUB)" -- bash -c '[[ $1 == *"$2;id=%01;type=public" ]]' _ "$PUB" "$SIGTOK"
check "and the id" -- test "$(field id)" = 01
expect 0 "pkcs11-tool finds the key on the signing token" -- \
	p11 --token-label "OpenPGP card (User PIN (sig))" -O
contains "a public key with ID 01" "$OUT" "ID:         01"
expect 0 "inkan pubkey by the printed URI" -- "$INKAN" pubkey --key "$PUB" --out pub.pem
check "an RSA-2048 key" -- bash -c 'openssl pkey -pubin -in pub.pem -noout -text | grep -q "2048 bit"'
expect 0 "inkan sign by the printed private URI" -- \
	"$INKAN" sign --key "$PRIV" --in doc --out doc.sig --pin file:user.pin
check "openssl verifies the signature" -- openssl dgst -sha256 -verify pub.pem -signature doc.sig doc

expect 2 "a second key for the same slot is refused" -- \
	"$INKAN" keygen --token "$FIRST" --type rsa:2048 --so-pin file:admin.pin
contains "the slot holds a key" "$ERR" "holds a key already"
expect 0 "the key is the one made first" -- "$INKAN" pubkey --key "$PUB" --out pub2.pem
check "unchanged" -- cmp pub.pem pub2.pem
expect 0 "--purpose authentication from the signing token" -- \
	"$INKAN" --json keygen --token "pkcs11:$SIGTOK" --type rsa:2048 --purpose authentication --so-pin file:admin.pin
check "is on the user PIN's token, ID 03 ($(field private_key))" -- \
	bash -c '[[ $1 == *"$2;id=%03;type=private" ]]' _ "$(field private_key)" "$USERTOK"
expect 2 "--id that is not the purpose's slot" -- \
	"$INKAN" keygen --token "$FIRST" --type rsa:2048 --purpose decryption --id 01 --so-pin file:admin.pin
contains "names the slot's ID" "$ERR" "under ID 02, not 01"

# The same through the public API, on a card with P-256 slots.
check "the first card is taken out" -- card_stop
check "init an OpenPGP card with P-256 slots" -- card_init openpgp --ec --pin file:user.pin --admin-pin file:admin.pin
check "and insert it" -- card_start
FIRST=$(first_token)
expect 0 "inkan_card_keygen: a signature key, P-256, on the first token" -- \
	"$CARD_API" card-keygen "$FIRST" "$(cat admin.pin)" signature ec:P-256
ECPRIV=$(sed -n 's/^private //p' <<<"$OUT")
ECPUB=$(sed -n 's/^public //p' <<<"$OUT")
check "on the signing token, ID 01 ($ECPRIV)" -- bash -c '[[ $1 == *"$2;id=%01;type=private" ]]' _ "$ECPRIV" "$SIGTOK"
expect 0 "inkan pubkey" -- "$INKAN" pubkey --key "$ECPUB" --out ecpub.pem
check "a P-256 key" -- bash -c 'openssl pkey -pubin -in ecpub.pem -noout -text | grep -q "prime256v1"'
expect 0 "inkan csr with it" -- \
	"$INKAN" csr --key "$ECPRIV" --subject "/C=JP/O=Example/CN=Counter" --out req.pem --pin file:user.pin
check "openssl req -verify accepts it, with the card's key" -- bash -c \
	'openssl req -verify -noout -in req.pem && test "$(openssl req -in req.pem -noout -pubkey)" = "$(cat ecpub.pem)"'
expect 0 "a decryption key through the API" -- \
	"$CARD_API" card-keygen "$FIRST" "$(cat admin.pin)" decryption ec:P-256
contains "ID 02 on the user PIN's token" "$OUT" "$USERTOK;id=%02;type=public"

# pin unblock with OpenSC's default configuration: VERIFY 83 and RESET
# RETRY COUNTER 00 2C 02 81 over PC/SC, in one transaction.
printf 'wrong999\n' >wrong.pin
printf 'wrongadm1\n' >wrongadm.pin
printf 'newuser1\n' >new1.pin
printf 'short\n' >short.pin
wrong_pins 5
check "five wrong PINs from pkcs11-tool lock the user PIN" -- test "$(user_tries)" = 0
expect 1 "a locked PIN is not sent" -- "$INKAN" sign --key "$ECPRIV" --in doc --out x.sig --pin file:user.pin
expect 2 "a new PIN the card's rules refuse" -- \
	"$INKAN" pin unblock "$FIRST" --so-pin file:admin.pin --new-pin file:short.pin
contains "naming the rule" "$ERR" "at least 6 characters"
check "and the admin PIN was not sent: 3 tries" -- test "$(admin_tries)" = 3
expect 1 "pin unblock with a wrong admin PIN" -- \
	"$INKAN" pin unblock "$FIRST" --so-pin file:wrongadm.pin --new-pin file:new1.pin
contains "says 2 are left" "$ERR" "wrong SO PIN for token \"OpenPGP card (User PIN)\": 2 tries left"
expect 1 "and again" -- "$INKAN" pin unblock "$FIRST" --so-pin file:wrongadm.pin --new-pin file:new1.pin
check "the card counted both: 1 admin try left" -- test "$(admin_tries)" = 1
check "the user PIN is still locked" -- test "$(user_tries)" = 0
expect 1 "the admin PIN's final try is not sent without consent" -- \
	"$INKAN" pin unblock "$FIRST" --so-pin file:admin.pin --new-pin file:new1.pin
contains "asking for it" "$ERR" "--allow-final-try"
check "the card was not asked: still 1" -- test "$(admin_tries)" = 1
expect 0 "pin unblock with consent, no opensc.conf" -- \
	"$INKAN" pin unblock "$FIRST" --so-pin file:admin.pin --new-pin file:new1.pin --allow-final-try
check "the user PIN has its 5 tries again" -- test "$(user_tries)" = 5
check "and the admin PIN its 3" -- test "$(admin_tries)" = 3
hex () { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
expect 0 "ask the card whether the admin PIN is still verified" -- \
	opensc-tool --reader "$VCARD_READER" -s 00A4040006D27600012401 -s 00200083
contains "it is not: 63 C3, the card was told to forget it" "$(tail -1 <<<"$OUT")" "SW1=0x63, SW2=0xC3"
expect 0 "the new user PIN signs" -- "$INKAN" sign --key "$ECPRIV" --in doc --out new.sig --pin file:new1.pin
check "and the signature verifies" -- openssl dgst -sha256 -verify ecpub.pem -signature new.sig doc
expect 1 "the old one does not" -- "$INKAN" sign --key "$ECPRIV" --in doc --out x.sig --pin file:user.pin

# Issue 16: programs that share no PIN record, six at once, each with a
# wrong PIN when the card has 2 tries left.  Each reads the card's count
# and sends its PIN in one transaction: one of them spends a try, the
# others find the final try and send nothing.  Every round ends at 1.
# The card answers the count 300 ms late, so that a program reading it
# outside the transaction that sends the PIN would let the others in
# between, and the test see it.
check "the card taken out" -- card_stop
check "and put back, slow to tell its count" -- card_start --count-delay 300
race_round () { # ROUND: prints "TRIES-LEFT WRONG-PIN-ANSWERS FINAL-TRY-REFUSALS"
	local i pids=()
	"$INKAN" pin unblock "$FIRST" --so-pin file:admin.pin --new-pin file:new1.pin >/dev/null
	wrong_pins 3
	[ "$(user_tries)" = 2 ] || { echo "not at 2"; return; }
	for i in 1 2 3 4 5 6; do
		XDG_STATE_HOME=$TESTDIR/race-$1-$i "$INKAN" sign --key "$ECPRIV" --in doc --out "race.sig" \
			--pin file:wrong.pin 2>"race-$1-$i.err" &
		pids+=($!)
	done
	wait "${pids[@]}"
	echo "$(user_tries) $(cat race-"$1"-*.err | grep -c 'wrong user PIN') $(cat race-"$1"-*.err |
		grep -c 'one try is left')"
}
for round in $(seq "${RACE_ROUNDS:-3}"); do
	got=$(race_round "$round")
	check "race $round: the card ends at 1 try, one wrong PIN sent, five refused ($got)" -- test "$got" = "1 1 5"
done

# Issuance: the holder's own PINs, every one checked before any is sent.
printf 'resident1\n' >resident.pin
printf 'counter-admin\n' >admin2.pin
printf 'admin77\n' >shortadmin.pin
expect 2 "pin set: a user PIN the card refuses" -- \
	"$INKAN" pin set "$FIRST" --so-pin file:admin.pin --new-pin file:short.pin --new-so-pin file:admin2.pin
contains "naming the rule" "$ERR" "at least 6 characters"
expect 2 "pin set: an admin PIN the card refuses, though the user PIN would do" -- \
	"$INKAN" pin set "$FIRST" --so-pin file:admin.pin --new-pin file:resident.pin --new-so-pin file:shortadmin.pin
contains "naming the rule" "$ERR" "admin PIN is at least 8 characters"
check "nothing was sent: the user PIN still at its 1 try, the admin PIN at 3" -- \
	test "$(user_tries) $(admin_tries)" = "1 3"
expect 0 "pin set: the resident's user PIN and a new admin PIN" -- \
	"$INKAN" --json pin set "$FIRST" --so-pin file:admin.pin --new-pin file:resident.pin --new-so-pin file:admin2.pin
contains "says both were set" "$OUT" '"so_pin_set": true'
check "the user PIN has 5 tries, the admin PIN 3" -- test "$(user_tries) $(admin_tries)" = "5 3"
expect 0 "the resident's PIN signs" -- "$INKAN" sign --key "$ECPRIV" --in doc --out res.sig --pin file:resident.pin
check "and it verifies" -- openssl dgst -sha256 -verify ecpub.pem -signature res.sig doc
expect 1 "the old admin PIN is wrong now" -- \
	"$INKAN" pin set "$FIRST" --so-pin file:admin.pin --new-pin file:resident.pin
expect 0 "the new one sets the user PIN" -- \
	"$INKAN" pin set "$FIRST" --so-pin file:admin2.pin --new-pin file:new1.pin
check "and the admin PIN's tries are back to 3" -- test "$(admin_tries)" = 3
card_stop
finish
