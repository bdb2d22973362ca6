#!/usr/bin/env bash
# inkan cmp against the test CMP CA (tests/cmp-ca), with keys on SoftHSM2:
# ir/cr/p10cr/kur/rr, MAC and signature (an RA key on the token) protected;
# openssl verify accepts what was issued, the CA's CRL lists what rr
# revoked; a revoked certificate renews nothing; the CA told to reject,
# to poll, or to vanish.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cmp-ca-lib.sh"
softhsm_token
pkcs11_keygen EC:prime256v1 01 ec
pkcs11_keygen rsa:2048 02 rsa
pkcs11_keygen EC:prime256v1 03 renewed
pkcs11_keygen EC:prime256v1 04 ra
KEY="$TOKEN;object"
cd "$TESTDIR" || exit 1
cmp_pki

# The counter's RA key lives on the token; its certificate comes from the
# RA root the CA trusts.
"$INKAN" pubkey --key "$KEY=ra" --out ra-token.pub
openssl req -new -key "$CMP_PKI/ra-root.key" -subj "/CN=unused" -out ra.csr 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n' >ra.ext
openssl x509 -req -in ra.csr -force_pubkey ra-token.pub -subj "/C=JP/O=Example City/CN=Counter 2" \
	-CA "$CMP_PKI/ra-root.pem" -CAkey "$CMP_PKI/ra-root.key" -set_serial 0x1234 -days 30 -extfile ra.ext \
	-out ra-token.pem 2>/dev/null
for k in ec rsa renewed; do "$INKAN" pubkey --key "$KEY=$k" --out "$k.pub"; done

MAC=(--ref "$CMP_REF" --secret "file:$CMP_PKI/mac.secret")
SIG=(--signer-cert ra-token.pem --signer-key "$KEY=ra")
serial () { openssl x509 -in "$1" -noout -serial | sed 's/serial=//'; }
# issued CERT KEYLABEL CA: openssl verify accepts CERT, which certifies the token key
issued () {
	check "openssl verify accepts $1" -- openssl verify -CAfile "$CMP_PKI/$3-ca.pem" "$1"
	check "$1 certifies the token key $2" -- cmp <(openssl x509 -in "$1" -noout -pubkey) "$2.pub"
}

cmp_ca_start jpki jpki --profile plain
URL=http://127.0.0.1:$(cmp_ca_port jpki)/pkix/
CA=(--server "$URL" --trusted "$CMP_PKI/jpki-ca.pem")

# --- ir, MAC-protected: EC and RSA keys.
expect 0 "ir with a MAC, EC key" -- "$INKAN" cmp ir "${CA[@]}" --key "$KEY=ec" --subject "/C=JP/CN=Holder EC" \
	"${MAC[@]}" --pin "$USER_PIN" --out ir-ec.pem
issued ir-ec.pem ec jpki
expect 0 "ir with a MAC, RSA key, imported onto the token" -- "$INKAN" --json cmp ir "${CA[@]}" --key "$KEY=rsa" \
	--subject "/C=JP/CN=Holder RSA" --san email:holder@example.jp "${MAC[@]}" --pin "$USER_PIN" --import
printf '%s\n' "$OUT" | jq -r .certificate >ir-rsa.pem
issued ir-rsa.pem rsa jpki
check "--json says where it was stored" -- test "$(printf '%s' "$OUT" | jq -r .imported)" != null
expect 0 "the certificate is on the token beside its key" -- "$INKAN" cert export "$TOKEN;id=%02;type=cert" \
	--pin "$USER_PIN" --out rsa-token.pem
der () { openssl x509 -in "$1" -outform DER; }
check "and is the one issued" -- cmp <(der rsa-token.pem) <(der ir-rsa.pem)
contains "the SAN asked for is in it" "$(openssl x509 -in ir-rsa.pem -noout -ext subjectAltName)" \
	"email:holder@example.jp"

# --- cr signed by the RA key on the token; p10cr.
expect 0 "cr signed by the RA's token key" -- "$INKAN" cmp cr "${CA[@]}" --key "$KEY=ec" \
	--subject "/C=JP/CN=Holder EC 2" "${SIG[@]}" --pin "$USER_PIN" --out cr.pem
issued cr.pem ec jpki
"$INKAN" csr --key "$KEY=rsa" --subject "/C=JP/CN=Holder P10" --pin "$USER_PIN" --out rsa.csr
expect 0 "p10cr with a MAC" -- "$INKAN" cmp p10cr "${CA[@]}" --csr rsa.csr "${MAC[@]}" --out p10.pem
issued p10.pem rsa jpki
expect 0 "p10cr signed by the RA" -- "$INKAN" cmp p10cr "${CA[@]}" --csr rsa.csr "${SIG[@]}" --pin "$USER_PIN" \
	--out p10s.pem
issued p10s.pem rsa jpki

# --- kur: a new key on the token, the request signed with the old one.
expect 0 "kur to a new key, signed by the old" -- "$INKAN" cmp kur "${CA[@]}" --key "$KEY=renewed" \
	--cert ir-ec.pem --old-key "$KEY=ec" --pin "$USER_PIN" --out kur.pem --import
issued kur.pem renewed jpki
check "the renewal keeps the subject" -- test "$(openssl x509 -in kur.pem -noout -subject)" = \
	"$(openssl x509 -in ir-ec.pem -noout -subject)"
expect 0 "kur re-keying with the same key" -- "$INKAN" cmp kur "${CA[@]}" --key "$KEY=rsa" \
	--cert "$TOKEN;id=%02;type=cert" --old-key "$KEY=rsa" --pin "$USER_PIN" --out kur-same.pem
issued kur-same.pem rsa jpki

# --- rr, then the CA's CRL.
expect 0 "rr signed by the RA" -- "$INKAN" cmp rr "${CA[@]}" --cert cr.pem --reason 1 "${SIG[@]}" --pin "$USER_PIN"
expect 0 "rr with a MAC" -- "$INKAN" cmp rr "${CA[@]}" --cert p10.pem "${MAC[@]}"
expect 0 "the CA's CRL" -- curl -sf -o crl.der "http://127.0.0.1:$(cmp_ca_port jpki)/crl"
check "verifies under the CA" -- openssl crl -inform DER -in crl.der -CAfile "$CMP_PKI/jpki-ca.pem" -noout
CRL=$(openssl crl -inform DER -in crl.der -noout -text)
contains "it lists the certificate revoked with the RA's signature" "$CRL" "Serial Number: $(serial cr.pem)"
contains "and the one revoked with a MAC" "$CRL" "Serial Number: $(serial p10.pem)"
contains "with the reason given (--reason 1)" "$CRL" "Key Compromise"
check "but not the others" -- sh -c '! printf "%s" "$1" | grep -q "$2"' _ "$CRL" "$(serial kur.pem)"
expect 1 "rr of a revoked certificate" -- "$INKAN" cmp rr "${CA[@]}" --cert cr.pem "${MAC[@]}"
contains "refused as certRevoked" "$ERR" "certRevoked"
expect 1 "kur of a revoked certificate" -- "$INKAN" cmp kur "${CA[@]}" --key "$KEY=renewed" --cert cr.pem \
	--old-key "$KEY=ec" --pin "$USER_PIN"
contains "refused, naming the status" "$ERR" "rejection"
contains "and certRevoked" "$ERR" "certRevoked"

# --- Trust: answers and certificates from a CA not trusted.
expect 1 "a certificate from a CA not among --trusted" -- "$INKAN" cmp cr --server "$URL" \
	--trusted "$CMP_PKI/npki-ca.pem" --key "$KEY=ec" --subject "/C=JP/CN=x" "${SIG[@]}" --pin "$USER_PIN"
contains "is refused" "$ERR" "$URL"

# --- An NPKI-style CA with an EC key of its own.
cmp_ca_start npki npki --profile plain
expect 0 "ir at the NPKI-style CA" -- "$INKAN" cmp ir --server "http://127.0.0.1:$(cmp_ca_port npki)/pkix/" \
	--trusted "$CMP_PKI/npki-ca.pem" --key "$KEY=ec" --subject "/C=KR/CN=김철수" "${MAC[@]}" --pin "$USER_PIN" \
	--out npki.pem
issued npki.pem ec npki

# --- The CA told to reject, to poll, to vanish.
cmp_ca_start reject jpki --profile plain --reject badPOP,notAuthorized --reject-text "counter closed"
expect 1 "a rejection exits 1" -- "$INKAN" cmp ir --server "http://127.0.0.1:$(cmp_ca_port reject)/pkix/" \
	--key "$KEY=ec" --subject "/C=JP/CN=x" "${MAC[@]}" --pin "$USER_PIN" --out bad.pem
contains "naming the status, every failure bit and the text" "$ERR" \
	"rejection (badPOP, notAuthorized): counter closed"
check "nothing written" -- test ! -e bad.pem
cmp_ca_start poll jpki --profile plain --poll 2 --check-after 1
expect 0 "polling followed to the certificate" -- "$INKAN" cmp ir --server "http://127.0.0.1:$(cmp_ca_port poll)/pkix/" \
	--trusted "$CMP_PKI/jpki-ca.pem" --key "$KEY=ec" --subject "/C=JP/CN=polled" "${MAC[@]}" --pin "$USER_PIN" \
	--out polled.pem --timeout 30
issued polled.pem ec jpki
cmp_ca_start vanish jpki --profile plain --vanish certConf
expect 3 "a CA that vanishes mid-exchange" -- "$INKAN" cmp ir --server "http://127.0.0.1:$(cmp_ca_port vanish)/pkix/" \
	--key "$KEY=ec" --subject "/C=JP/CN=vanished" "${MAC[@]}" --pin "$USER_PIN" --timeout 5 --out vanished.pem
contains "naming the CA" "$ERR" "127.0.0.1:$(cmp_ca_port vanish)"
one_line "the failure" "$ERR"
check "nothing written" -- test ! -e vanished.pem
finish
