#!/usr/bin/env bash
# The test CMP CA (tests/cmp-ca) against an independent client, `openssl
# cmp`: ir with a MAC, cr and kur with signatures, p10cr, rr and the CRL,
# refusals, the JPKI and NPKI profiles as inkan reads them, and the CA's
# told misbehaviour (reject, poll, vanish).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cmp-ca-lib.sh"
cd "$TESTDIR" || exit 1
cmp_pki

# A config for the requests' extensions: the JPKI items and the KISA
# identity data as otherNames in the template's subjectAltName.
cat >req.cnf <<'CNF'
[jpki]
subjectAltName = @jpki_san
[jpki_san]
otherName.0 = 1.2.392.200149.8.5.5.1;FORMAT:UTF8,UTF8:山田　花子
otherName.1 = 1.2.392.200149.8.5.5.4;FORMAT:UTF8,UTF8:419900131
otherName.2 = 1.2.392.200149.8.5.5.3;FORMAT:UTF8,UTF8:2
otherName.3 = 1.2.392.200149.8.5.5.5;FORMAT:UTF8,UTF8:北海道札幌市中央区北一条西二丁目
otherName.4 = 1.2.392.200149.8.5.5.2;FORMAT:UTF8,UTF8:0000
otherName.5 = 1.2.392.200149.8.5.5.9;FORMAT:UTF8,UTF8:not a JPKI item
otherName.6 = 1.2.3.4;FORMAT:UTF8,UTF8:dropped
[jpki_no_sex]
subjectAltName = @jpki_no_sex_san
[jpki_no_sex_san]
otherName.0 = 1.2.392.200149.8.5.5.1;FORMAT:UTF8,UTF8:山田　花子
otherName.1 = 1.2.392.200149.8.5.5.4;FORMAT:UTF8,UTF8:419900131
otherName.2 = 1.2.392.200149.8.5.5.5;FORMAT:UTF8,UTF8:北海道
[npki]
subjectAltName = otherName:1.2.410.200004.10.1.1;SEQUENCE:identify
[identify]
realName = FORMAT:UTF8,UTF8:김철수
userInfos = SEQUENCE:infos
[infos]
info = SEQUENCE:vidinfo
[vidinfo]
type = OID:1.2.410.200004.10.1.1.1
vid = SEQUENCE:vid
[vid]
hashAlg = SEQUENCE:sha256
virtualID = EXPLICIT:0,FORMAT:HEX,OCTETSTRING:00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF
[sha256]
algorithm = OID:sha256
CNF

eckey () { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
pub () { openssl pkey -in "$1" -pubout 2>/dev/null; }
certpub () { openssl x509 -in "$1" -noout -pubkey 2>/dev/null; }
serial () { openssl x509 -in "$1" -noout -serial | sed 's/serial=//'; }
for k in k1 k2 k3 k4 k5 k6; do eckey $k.key; done
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out krsa.key 2>/dev/null

# ocmp NAME CA ARGS...: openssl cmp against CA NAME, trusting CA's certificate
ocmp () {
	local name=$1 ca=$2
	shift 2
	openssl cmp -config req.cnf -server "127.0.0.1:$(cmp_ca_port "$name")" -path pkix/ \
		-trusted "$CMP_PKI/$ca-ca.pem" "$@"
}
MAC=(-ref "$CMP_REF" -secret "file:$CMP_PKI/mac.secret")
RA=(-cert "$CMP_PKI/ra.pem" -key "$CMP_PKI/ra.key")
# issued CERT KEY CA: openssl verify accepts CERT under CA, and it certifies KEY
issued () {
	check "$1 passes openssl verify" -- openssl verify -CAfile "$CMP_PKI/$3-ca.pem" "$1"
	check "$1 certifies the requested key" -- test "$(certpub "$1")" = "$(pub "$2")"
}
value () { jq -r --arg k "$1" '.certificates[0].values[$k]' <<<"$OUT"; }

# --- JPKI-style CA: ir with a MAC, the four items from the template
cmp_ca_start jpki jpki --profile jpki-sign
JLOG=$(cmp_ca_log jpki)
check "the CA listens on 127.0.0.1 only" -- sh -c 'ss -ltnH | grep -q "127.0.0.1:$1 "' _ "$(cmp_ca_port jpki)"
expect 0 "ir with a MAC" -- ocmp jpki jpki -cmd ir "${MAC[@]}" -newkey k1.key \
	-subject "/C=JP/L=Hokkaido/L=Sapporo-shi/CN=2026ABC0001" -reqexts jpki -certout c1.pem
issued c1.pem k1.key jpki
expect 0 "inkan reads the issued certificate" -- "$INKAN" --json cert show c1.pem
check "profile jpki-sign" -- test "$(value profile)" = "jpki-sign"
check "the name, from the template" -- test "$(value name)" = "山田　花子"
check "the date of birth" -- test "$(value date_of_birth)" = "1990-01-31"
check "the sex" -- test "$(value sex)" = "2"
check "the address" -- test "$(value address)" = "北海道札幌市中央区北一条西二丁目"
contains "the JPKI signing policy and key usage" "$(openssl x509 -in c1.pem -noout -text)" "1.2.392.200149.8.5.1.1.20"
check "otherNames outside the JPKI items are dropped" -- \
	sh -c '! openssl x509 -in c1.pem -noout -text | grep -q -e dropped -e "not a JPKI item"'
contains "the log names what was issued" "$(cat "$JLOG")" "ir: issued $(serial c1.pem)"
expect 1 "ir whose template lacks the sex" -- ocmp jpki jpki -cmd ir "${MAC[@]}" -newkey k2.key \
	-subject "/C=JP/CN=2026ABC0002" -reqexts jpki_no_sex -certout bad.pem
contains "refused as badCertTemplate, saying what is missing" "$OUT$ERR" "badCertTemplate"
contains "the CA's text names the items" "$OUT$ERR" "name, date of birth, sex and address"

# --- signatures: cr by the RA, kur by the holder, p10cr
expect 0 "cr signed by the RA the CA trusts" -- ocmp jpki jpki -cmd cr "${RA[@]}" -newkey k2.key \
	-subject "/C=JP/CN=2026ABC0003" -reqexts jpki -certout c2.pem
issued c2.pem k2.key jpki
expect 0 "kur signed with the old certificate's key" -- ocmp jpki jpki -cmd kur -cert c2.pem -key k2.key \
	-newkey k3.key -certout c3.pem
issued c3.pem k3.key jpki
check "the renewed certificate keeps the subject" -- test \
	"$(openssl x509 -in c3.pem -noout -subject)" = "$(openssl x509 -in c2.pem -noout -subject)"
expect 0 "the renewed certificate keeps the JPKI items" -- "$INKAN" --json cert show c3.pem
check "name kept" -- test "$(value name)" = "山田　花子"
openssl req -new -key krsa.key -subj "/C=JP/CN=2026ABC0004" -config req.cnf -reqexts jpki -out r.csr 2>/dev/null
expect 0 "p10cr with a MAC (an RSA key)" -- ocmp jpki jpki -cmd p10cr "${MAC[@]}" -csr r.csr -certout c4.pem
issued c4.pem krsa.key jpki
eckey stranger.key
openssl req -new -x509 -key stranger.key -subj "/CN=stranger" -days 1 -out stranger.pem 2>/dev/null
expect 1 "cr signed by a certificate the CA does not trust" -- ocmp jpki jpki -cmd cr -cert stranger.pem \
	-key stranger.key -newkey k4.key -subject "/C=JP/CN=x" -reqexts jpki -certout bad.pem
expect 1 "ir under a wrong secret" -- ocmp jpki jpki -cmd ir -ref "$CMP_REF" -secret pass:wrong-secret \
	-newkey k4.key -subject "/C=JP/CN=x" -reqexts jpki -certout bad.pem
contains "the CA logs the bad MAC" "$(tail -5 "$JLOG")" "wrong pbm value"
check "nothing issued for it" -- test ! -e bad.pem
expect 1 "kur naming a certificate of another CA" -- ocmp jpki jpki -cmd kur "${RA[@]}" -oldcert "$CMP_PKI/ra.pem" \
	-newkey k4.key -certout bad.pem

# --- rr, then the CRL; a revoked certificate renews nothing
expect 1 "rr of c2 signed by another holder" -- ocmp jpki jpki -cmd rr -cert c1.pem -key k1.key -oldcert c2.pem
contains "refused: notAuthorized" "$OUT$ERR" "notAuthorized"
expect 0 "rr of c2 signed by the RA" -- ocmp jpki jpki -cmd rr "${RA[@]}" -oldcert c2.pem -revreason 1
expect 0 "rr of c4 signed by itself" -- ocmp jpki jpki -cmd rr -cert c4.pem -key krsa.key -oldcert c4.pem
JPORT=$(cmp_ca_port jpki)
expect 0 "GET /crl" -- curl -sf -o crl.der "http://127.0.0.1:$JPORT/crl"
check "the CRL verifies under the CA" -- openssl crl -inform DER -in crl.der -CAfile "$CMP_PKI/jpki-ca.pem" -noout
CRL=$(openssl crl -inform DER -in crl.der -noout -text)
contains "the CRL lists c2" "$CRL" "Serial Number: $(serial c2.pem)"
contains "the CRL lists c4" "$CRL" "Serial Number: $(serial c4.pem)"
check "the CRL does not list c3" -- sh -c '! printf "%s" "$1" | grep -q "$2"' _ "$CRL" "$(serial c3.pem)"
contains "the issued certificate points at the CRL" "$(openssl x509 -in c3.pem -noout -ext crlDistributionPoints)" \
	"URI:http://127.0.0.1:$JPORT/crl"
openssl crl -inform DER -in crl.der -out crl.pem
check "openssl verify -crl_check refuses c2" -- sh -c '! openssl verify -crl_check -CAfile "$1" -CRLfile crl.pem c2.pem' _ \
	"$CMP_PKI/jpki-ca.pem"
check "and accepts c3" -- openssl verify -crl_check -CAfile "$CMP_PKI/jpki-ca.pem" -CRLfile crl.pem c3.pem
expect 1 "kur of the revoked c2" -- ocmp jpki jpki -cmd kur -cert c2.pem -key k2.key -newkey k4.key -certout bad.pem
contains "refused: certRevoked" "$OUT$ERR" "certRevoked"
expect 1 "rr of c2 again" -- ocmp jpki jpki -cmd rr "${RA[@]}" -oldcert c2.pem
contains "refused: already revoked" "$OUT$ERR" "certRevoked"
expect 1 "cr signed with the revoked c4" -- ocmp jpki jpki -cmd cr -cert c4.pem -key krsa.key -newkey k4.key \
	-subject "/C=JP/CN=x" -reqexts jpki -certout bad.pem

# --- the state outlives the process
cmp_ca_stop jpki
check "the index holds every certificate" -- test "$(sed 1d "$(cmp_ca_state jpki)/index" | wc -l)" = 4
check "no temporary file left" -- sh -c '! ls "$1" | grep -q tmp' _ "$(cmp_ca_state jpki)"
cmp_ca_start jpki jpki --profile jpki-sign --port "$JPORT"
expect 0 "after a restart, the CRL" -- curl -sf -o crl2.der "http://127.0.0.1:$JPORT/crl"
contains "still lists c2" "$(openssl crl -inform DER -in crl2.der -noout -text)" "Serial Number: $(serial c2.pem)"
expect 1 "and c2 still renews nothing" -- ocmp jpki jpki -cmd kur -cert c2.pem -key k2.key -newkey k4.key -certout bad.pem
expect 0 "while c3 renews" -- ocmp jpki jpki -cmd kur -cert c3.pem -key k3.key -newkey k4.key -certout c5.pem
issued c5.pem k4.key jpki

# --- HTTP: bounded, and no CMP in garbage
exec 3<>"/dev/tcp/127.0.0.1/$JPORT"
printf 'POST /pkix/ HTTP/1.0\r\nContent-Type: application/pkixcmp\r\nContent-Length: 999999999\r\n\r\n' >&3
HTTP=$(timeout 10 head -1 <&3)
exec 3<&-
contains "an oversized request: 413" "$HTTP" "413"
expect 0 "a POST of garbage" -- curl -s -o /dev/null -w '%{http_code}' --data-binary @"$CMP_PKI/ra.pem" \
	-H 'Content-Type: application/pkixcmp' "http://127.0.0.1:$JPORT/pkix/"
check "answered 400" -- test "$OUT" = 400
expect 0 "a GET of anything else" -- curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$JPORT/secret"
check "answered 404" -- test "$OUT" = 404

# --- NPKI-style CA: yessign's policy, the KISA identity data kept
cmp_ca_start npki npki --profile npki
expect 0 "NPKI: ir with a MAC" -- ocmp npki npki -cmd ir "${MAC[@]}" -newkey k5.key \
	-subject "/C=KR/O=yessign/OU=personal4IB/OU=KFTC/CN=김철수()0012345620261204000001" -reqexts npki -certout n1.pem
issued n1.pem k5.key npki
expect 0 "inkan reads it" -- "$INKAN" --json cert show n1.pem
check "profile npki" -- test "$(value profile)" = "npki"
check "the real name from the identity data" -- test "$(value real_name)" = "김철수"
contains "the yessign personal policy" "$(openssl x509 -in n1.pem -noout -text)" "1.2.410.200005.1.1.1"

# --- told to misbehave
cmp_ca_start reject jpki --reject badPOP,notAuthorized --reject-text "counter closed"
expect 1 "a CA told to reject" -- ocmp reject jpki -cmd ir "${MAC[@]}" -newkey k6.key -subject "/C=JP/CN=x" -certout bad.pem
contains "rejection" "$OUT$ERR" "PKIStatus: rejection"
contains "with both failure bits" "$OUT$ERR" "badPOP, notAuthorized"
contains "and its text" "$OUT$ERR" "counter closed"
cmp_ca_start poll jpki --poll 2 --check-after 0
expect 0 "a CA told to poll: the certificate after polling" -- ocmp poll jpki -cmd ir "${MAC[@]}" -newkey k6.key \
	-subject "/C=JP/CN=polled" -reqexts jpki -certout p1.pem
contains "the client polled" "$OUT$ERR" "received POLLREP"
issued p1.pem k6.key jpki
cmp_ca_start vanish jpki --vanish certConf
expect 1 "a CA that vanishes on certConf" -- ocmp vanish jpki -cmd ir "${MAC[@]}" -newkey k6.key \
	-subject "/C=JP/CN=vanished" -reqexts jpki -msg_timeout 5 -certout bad.pem
contains "the CA says it closed the connection" "$(cat "$(cmp_ca_log vanish)")" "certConf: closing the connection unanswered"
finish
