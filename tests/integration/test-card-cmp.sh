#!/usr/bin/env bash
# inkan cmp ir with keys generated on the emulated OpenPGP card (through
# pcscd, vpcd and OpenSC as installed), against the test CMP CA: the proof
# of possession is signed on the card, for RSA-2048 and P-256 keys; the
# certificate certifies the card's key and openssl verify accepts it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-card.sh"
. "$(dirname "$0")/cmp-ca-lib.sh"
cd "$TESTDIR"
export OPENSC_DRIVER=openpgp INKAN_MODULE=$OPENSC_MODULE
unset OPENSC_CONF
printf 'user4567\n' >user.pin
printf 'admin5678\n' >admin.pin

field () { python3 -c "import json, sys; print(json.loads(sys.argv[1])['$1'])" "$OUT"; }
first_token () { "$INKAN" --json tokens | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["uri"])'; }

cmp_ca_start jpki jpki --profile plain
URL=http://127.0.0.1:$(cmp_ca_port jpki)/pkix/
MAC=(--ref "$CMP_REF" --secret "file:$CMP_PKI/mac.secret")

card_pcscd
# enrol KIND CARD-INIT-ARGS...: a fresh card, a signature key on it, ir.
enrol () {
	local kind=$1 f=${1/:/-}
	shift
	check "$kind: init an OpenPGP card" -- card_init openpgp "$@" --pin file:user.pin --admin-pin file:admin.pin
	check "$kind: insert it" -- card_start
	expect 0 "$kind: keygen in the card's signature slot" -- \
		"$INKAN" --json keygen --token "$(first_token)" --type "$kind" --so-pin file:admin.pin
	local priv pub
	priv=$(field private_key) pub=$(field public_key)
	"$INKAN" pubkey --key "$pub" --out "$f.pub"
	expect 0 "$kind: cmp ir with the card's key, MAC-protected" -- "$INKAN" cmp ir --server "$URL" \
		--trusted "$CMP_PKI/jpki-ca.pem" --key "$priv" --subject "/C=JP/CN=Card Holder" "${MAC[@]}" \
		--pin file:user.pin --out "$f.pem"
	check "$kind: openssl verify accepts the certificate" -- openssl verify -CAfile "$CMP_PKI/jpki-ca.pem" "$f.pem"
	check "$kind: it certifies the card's key" -- cmp <(openssl x509 -in "$f.pem" -noout -pubkey) "$f.pub"
	expect 0 "$kind: rr of it" -- "$INKAN" cmp rr --server "$URL" --cert "$f.pem" "${MAC[@]}"
	check "$kind: take the card out" -- card_stop
}
enrol rsa:2048
enrol ec:P-256 --ec
expect 0 "the CA's CRL" -- curl -sf -o crl.der "http://127.0.0.1:$(cmp_ca_port jpki)/crl"
CRL=$(openssl crl -inform DER -in crl.der -noout -text)
for kind in rsa:2048 ec:P-256; do
	serial=$(openssl x509 -in "${kind/:/-}.pem" -noout -serial | sed 's/serial=//')
	contains "it lists the $kind card certificate" "$CRL" "Serial Number: $serial"
done
finish
