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
admin_tries () { pkcs15-tool --reader "$VCARD_READER" --list-pins 2>/dev/null |
	grep -A11 "^PIN \[Admin PIN\]" | sed -n 's/.*Tries left *: *//p'; }

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
card_stop
finish
