#!/usr/bin/env bash
# inkan's own verbs on the emulated OpenPGP card, through pcscd, vpcd and
# OpenSC's PKCS#11 module: key generation, CSR, certificate import, signing,
# CMS; the PIN counter from wrong PINs to locked, unblock and change; and
# a card pulled mid-operation.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-card.sh"
cd "$TESTDIR"
export OPENSC_DRIVER=openpgp INKAN_MODULE=$OPENSC_MODULE
# OpenSC as installed: inkan unblocks the user PIN over PC/SC itself.
unset OPENSC_CONF
printf 'user4567\n' >user.pin
printf 'admin5678\n' >admin.pin
printf 'wrong999\n' >wrong.pin
printf 'a document to sign\n' >doc

card_pcscd
check "init an OpenPGP card" -- card_init openpgp --pin file:user.pin --admin-pin file:admin.pin
check "the card is inserted" -- card_start
SIG="OpenPGP card (User PIN (sig))"
TOK="pkcs11:token=OpenPGP%20card%20(User%20PIN%20(sig))"
KEY="$TOK;id=%01;type=private"

expect 0 "inkan tokens lists the card's tokens" -- "$INKAN" tokens
contains "the signing token" "$OUT" "$SIG"
expect 0 "inkan keygen on the card (admin PIN)" -- \
	"$INKAN" --json keygen --token "$TOK" --type rsa:2048 --label sig --id 01 --so-pin file:admin.pin
expect 0 "pkcs11-tool lists the key" -- p11 --token-label "$SIG" -O
contains "a public key with ID 01" "$OUT" "ID:         01"
expect 0 "inkan pubkey" -- "$INKAN" pubkey --key "$TOK;id=%01;type=public" --out pub.pem
expect 0 "inkan csr signed on the card" -- \
	"$INKAN" csr --key "$KEY" --subject "/C=KR/O=Example/CN=홍길동" --out req.pem --pin file:user.pin
check "openssl req -verify accepts it" -- openssl req -verify -noout -in req.pem
check "and it holds the card's key" -- test "$(openssl req -in req.pem -noout -pubkey)" = "$(cat pub.pem)"

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -subj /CN=Test-CA -days 2 \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign 2>/dev/null
openssl x509 -req -in req.pem -CA ca.pem -CAkey ca.key -days 2 -out me.pem -set_serial 7 2>/dev/null
expect 0 "inkan cert import writes it to the card (admin PIN)" -- \
	"$INKAN" cert import --token "$TOK" --in me.pem --label me --id 03 --so-pin file:admin.pin
expect 0 "pkcs15-tool reads the certificate back" -- pkcs15-tool --reader "$VCARD_READER" --read-certificate 03
check "it is the one imported" -- test "$(openssl x509 -noout -fingerprint <<<"$OUT")" = \
	"$(openssl x509 -in me.pem -noout -fingerprint)"
expect 0 "inkan cert show reads it from the card" -- "$INKAN" --json cert show "pkcs11:token=OpenPGP%20card%20(User%20PIN)"
contains "the subject's name" "$OUT" "홍길동"

: "${CARD_API:?CARD_API must name the card-api program}"
expect 0 "the reader's tokens (public API)" -- "$CARD_API" reader "$VCARD_READER"
contains "the signing token, an OpenPGP card with its user PIN" "$OUT" "token $SIG profile openpgp pin openpgp tries 0"
contains "the other token" "$OUT" "token OpenPGP card (User PIN) profile openpgp"
check "each names the reader back" -- test "$(grep -c "^reader $VCARD_READER\$" <<<"$OUT")" = 2
expect 0 "the certificates of the card (public API)" -- \
	"$CARD_API" certs "pkcs11:token=OpenPGP%20card%20(User%20PIN)"
contains "the one imported, ID 03, byte for byte (OpenSC names it by its slot)" "$OUT" \
	"cert 03 $(openssl x509 -in me.pem -outform DER | sha256sum | cut -d' ' -f1) AUT certificate"
expect 1 "a key for the decryption slot on the signing token is refused" -- \
	"$CARD_API" keygen "$TOK" "$(cat admin.pin)" 02
contains "as the wrong slot" "$OUT" "error wrong-slot"
expect 1 "and an ID the card has no slot for" -- "$CARD_API" keygen "$TOK" "$(cat admin.pin)" 07
contains "naming the IDs it takes" "$OUT" "01, 02, 03"
expect 0 "the card was not asked: no key 02 or 07" -- p11 --token-label "OpenPGP card (User PIN)" -O
check "none" -- test "$(grep -c 'ID: *0[27]$' <<<"$OUT")" = 0

expect 0 "inkan sign on the card" -- "$INKAN" sign --key "$KEY" --in doc --out doc.sig --pin file:user.pin
check "openssl verifies the signature" -- openssl dgst -sha256 -verify pub.pem -signature doc.sig doc
expect 0 "inkan verify with the certificate" -- "$INKAN" verify --cert me.pem --sig doc.sig --in doc
expect 0 "inkan cms sign with the card's key" -- \
	"$INKAN" cms sign --key "$KEY" --cert me.pem --in doc --out doc.p7 --pin file:user.pin
check "openssl cms -verify accepts it" -- \
	openssl cms -verify -binary -inform DER -in doc.p7 -CAfile ca.pem -out doc.out
check "with the document inside" -- cmp doc doc.out

# The PIN counter: the card's, through OpenSC's token flags, and inkan's record.
tries () { pkcs15-tool --reader "$VCARD_READER" --list-pins 2>/dev/null |
	grep -A11 "^PIN \[User PIN\]" | sed -n 's/.*Tries left *: *//p'; }
pin_field () { # FIELD of the user PIN in pin status --json
	"$INKAN" --json pin status "$TOK" | python3 -c "
import json, sys
p = [p for p in json.load(sys.stdin)[0]['pins'] if p['pin'] == 'user'][0]
print(p['$1'])"
}
sign () { "$INKAN" sign --key "$KEY" --in doc --out x.sig "$@"; }
for i in 1 2 3 4; do
	expect 1 "wrong PIN $i" -- sign --pin file:wrong.pin
done
contains "the last wrong PIN says 1 try is left" "$ERR" "1 tries left"
check "pkcs15-tool agrees: 1 try left" -- test "$(tries)" = 1
check "pin status: final-try, 1 left, as the card counts" -- \
	test "$(pin_field state) $(pin_field tries_left) $(pin_field tries_source)" = "final-try 1 card"
expect 0 "pin status in text" -- "$INKAN" pin status "$TOK"
contains "says the state" "$OUT" "final-try"
contains "and that the figure came from the card" "$OUT" "card"
expect 1 "the fifth try is refused without consent" -- sign --pin file:user.pin
contains "nothing sent, and how to consent" "$ERR" "--allow-final-try"
check "the card was not asked: still 1 try" -- test "$(tries)" = 1
expect 1 "with consent, a wrong fifth PIN locks the card" -- sign --pin file:wrong.pin --allow-final-try
check "pkcs15-tool: 0 tries" -- test "$(tries)" = 0
check "pin status: locked" -- test "$(pin_field state)" = locked
expect 1 "a locked card is never sent a PIN" -- sign --pin file:user.pin --allow-final-try
printf 'newuser1\n' >new1.pin
expect 0 "pin unblock with the admin PIN, no opensc.conf" -- \
	"$INKAN" pin unblock "$TOK" --so-pin file:admin.pin --new-pin file:new1.pin
check "pkcs15-tool: 5 tries again" -- test "$(tries)" = 5
check "pin status: ok" -- test "$(pin_field state)" = ok
# A wrong PIN sent by another program: inkan's record never saw it, the card did.
expect 1 "a wrong PIN through pkcs11-tool" -- p11 --token-label "$SIG" --login --pin wrongpin -O
check "pin status has it from the card: 4 left, count-low" -- \
	test "$(pin_field tries_left) $(pin_field state) $(pin_field tries_source)" = "4 count-low card"
printf 'newuser2\n' >new2.pin
expect 0 "pin change" -- "$INKAN" pin change "$TOK" --pin file:new1.pin --new-pin file:new2.pin
expect 0 "the new PIN signs" -- sign --pin file:new2.pin
check "and it verifies" -- openssl dgst -sha256 -verify pub.pem -signature x.sig doc
expect 1 "the old PIN fails" -- sign --pin file:new1.pin

# The card pulled while inkan signs: a clear error, no crash, no hang.
head -c 50000000 /dev/zero >big
( sleep 0.3; card_stop KILL ) &
puller=$!
for i in $(seq 40); do
	timeout 30 "$INKAN" sign --key "$KEY" --in big --out big.sig --pin file:new2.pin 2>pulled.err
	rc=$?
	[ "$rc" -ne 0 ] && break
done
wait "$puller"
check "a pulled card ends inkan with an error, not a signal or a hang (exit $rc)" -- test "$rc" -ge 1 -a "$rc" -le 3
contains "the error names the cause" "$(cat pulled.err)" "inkan:"
expect 3 "with the card gone, the token is not found" -- sign --pin file:new2.pin
# A new card with an EC P-256 signing key, and detached CMS with it.
check "init a second OpenPGP card, P-256" -- card_init openpgp --ec --pin file:user.pin --admin-pin file:admin.pin
check "and insert it" -- card_start
ECKEY="$KEY"
expect 0 "inkan keygen ec:P-256 on the card (admin PIN)" -- \
	"$INKAN" keygen --token "$TOK" --type ec:P-256 --label sig --id 01 --so-pin file:admin.pin
expect 0 "inkan csr with the EC key" -- \
	"$INKAN" csr --key "$ECKEY" --subject "/C=JP/O=Example/CN=Card EC" --out ec-req.pem --pin file:user.pin
check "openssl req -verify accepts it" -- openssl req -verify -noout -in ec-req.pem
openssl x509 -req -in ec-req.pem -CA ca.pem -CAkey ca.key -days 2 -out ec.pem -set_serial 8 2>/dev/null
expect 0 "inkan cms sign --detached with the card's EC key" -- \
	"$INKAN" cms sign --key "$ECKEY" --cert ec.pem --in doc --detached --out ec.p7 --pin file:user.pin
check "openssl cms -verify accepts it against the document" -- \
	openssl cms -verify -binary -inform DER -in ec.p7 -content doc -CAfile ca.pem -out /dev/null
check "it is an ECDSA signature" -- bash -c 'openssl cms -cmsout -print -inform DER -in ec.p7 | grep -q ecdsa-with-SHA256'
expect 0 "inkan cms verify accepts it too" -- "$INKAN" cms verify --in ec.p7 --content doc --anchor ca.pem
printf 'a different document\n' >doc2
expect 1 "but not for another document" -- "$INKAN" cms verify --in ec.p7 --content doc2 --anchor ca.pem
finish
