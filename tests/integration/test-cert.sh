#!/usr/bin/env bash
# inkan cert show, ca check and cert vid on certificates made by openssl
# with the JPKI, NPKI and GPKI profiles' OIDs (tests/pki/cert-pki.sh), the
# real JPKI CA certificates, and a broken set.
. "$(dirname "$0")/lib.sh"
PKI=$TESTDIR/pki
"$SRCDIR/tests/pki/cert-pki.sh" "$PKI" >"$TESTDIR/pki.log" 2>&1 ||
	{ cat "$TESTDIR/pki.log"; echo "Bail out! cannot make the test PKI"; exit 1; }

# value KEY: what `cert show --json` said of KEY in the first certificate of $OUT
# (on stdin: one argument may not pass 128 KiB)
value () { python3 -c 'import json, sys; print(json.load(sys.stdin)["certificates"][0]["values"][sys.argv[1]])' "$1" <<<"$OUT"; }

# --- JPKI signing certificate: the four basic items, exactly
expect 0 "cert show --json on a JPKI signing certificate" -- "$INKAN" --json cert show "$PKI/jpki-sign.pem"
contains "profile jpki-sign" "$(value profile)" "jpki-sign"
check "the name, with its ideographic space" -- test "$(value name)" = "山田　太郎"
check "the date of birth, ISO" -- test "$(value date_of_birth)" = "1977-11-07"
check "the sex code" -- test "$(value sex)" = "1"
check "the address" -- test "$(value address)" = "東京都千代田区霞が関二丁目1番2号"
check "SHA-256 fingerprint equals openssl's" -- test "$(value sha256)" = \
	"$(openssl x509 -in "$PKI/jpki-sign.pem" -noout -fingerprint -sha256 | sed 's/.*=//')"
check "SHA-1 fingerprint equals openssl's" -- test "$(value sha1)" = \
	"$(openssl x509 -in "$PKI/jpki-sign.pem" -noout -fingerprint -sha1 | sed 's/.*=//')"
check "validity state valid" -- test "$(value status)" = "valid"
expect 0 "text output" -- "$INKAN" cert show "$PKI/jpki-sign.pem" --section basic
contains "shows the sex in words" "$OUT" "male"
contains "basic leaves out the details" "$(echo "$OUT" | grep -c 'Serial number' || true)" "0"
expect 0 "under ja_JP, era dates" -- env LC_ALL=ja_JP.UTF-8 "$INKAN" cert show "$PKI/jpki-sign.pem" --section basic
contains "the date of birth as the JPKI viewer prints it" "$OUT" "昭和52年11月7日"
contains "and validity dates in 令和" "$OUT" "令和"
expect 0 "a JPKI user authentication certificate" -- "$INKAN" --json cert show "$PKI/jpki-auth.pem"
contains "profile jpki-auth, no personal data" "$(value profile) $(python3 -c 'import json,sys; print("name" in json.loads(sys.argv[1])["certificates"][0]["values"])' "$OUT")" "jpki-auth False"
expect 0 "the real JPKI signing CA certificate" -- "$INKAN" --json cert show "$SRCDIR/tests/data/jpki-ca/sign_ca_2023.pem"
contains "profile jpki-ca" "$(value profile)" "jpki-ca"

# --- NPKI and GPKI: policy names, identity data, agency codes
expect 0 "an NPKI certificate with a VID" -- "$INKAN" --json cert show "$PKI/npki-yessign.pem"
contains "profile npki" "$(value profile)" "npki"
contains "the policy is named in Korean and English" \
	"$(python3 -c 'import json,sys; f=[x for x in json.loads(sys.argv[1])["certificates"][0]["fields"] if x["key"]=="policy"][0]; print(f["value"], f["raw"])' "$OUT")" \
	"yessign (금융결제원) — personal, general purpose / 개인 범용 1.2.410.200005.1.1.1"
check "the real name from the identity data" -- test "$(value real_name)" = "홍길동"
check "the VID is present" -- test "$(value vid)" = "present"
expect 0 "an NPKI corporate certificate" -- "$INKAN" --json cert show "$PKI/npki-crosscert-corp.pem"
contains "CrossCert corporate" "$OUT" "CrossCert (한국전자인증) — corporate, general purpose / 법인 범용"
expect 0 "a GPKI server certificate" -- "$INKAN" --json cert show "$PKI/gpki-server.pem"
contains "profile gpki, computer/server policy" "$(value profile) $OUT" "gpki"
contains "computer/server policy" "$OUT" "computer/server / 컴퓨터용"
check "the agency code from the CN" -- test "$(value agency_code)" = "1741597"
contains "the LDAP CRL distribution point decoded" "$(value ext.2.5.29.31)" "ldap://cen.dir.go.kr:389/"
expect 0 "a GPKI official seal certificate" -- "$INKAN" cert show "$PKI/gpki-seal.pem" --section basic
contains "official seal / 전자관인" "$OUT" "official seal / 전자관인"
expect 0 "a generic certificate" -- "$INKAN" --json cert show "$PKI/generic.pem"
contains "its unknown policy as a dotted number" "$(value ext.2.5.29.32)" "1.2.3.4.5"
contains "extended key usage decoded" "$(value ext.2.5.29.37)" "TLS Web Client Authentication"

# --- inputs: DER, PKCS#7 bundles, several PEMs, a token
openssl x509 -in "$PKI/gpki-server.pem" -outform DER -out "$TESTDIR/gpki.der"
expect 0 "DER" -- "$INKAN" --json cert show "$TESTDIR/gpki.der"
openssl crl2pkcs7 -nocrl -certfile "$PKI/jpki-sign.pem" -certfile "$PKI/jpki-ca.pem" -outform DER -out "$TESTDIR/b.p7b"
expect 0 "a DER PKCS#7 bundle" -- "$INKAN" --json cert show "$TESTDIR/b.p7b"
contains "both certificates" "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["certificates"]))' "$OUT")" "2"
openssl crl2pkcs7 -nocrl -certfile "$PKI/jpki-sign.pem" -out "$TESTDIR/b.p7c"
expect 0 "a PEM PKCS#7 bundle" -- "$INKAN" --json cert show "$TESTDIR/b.p7c"
cat "$PKI/npki-ca.pem" "$PKI/npki-yessign.pem" >"$TESTDIR/two.pem"
expect 0 "two PEM certificates" -- "$INKAN" cert show "$TESTDIR/two.pem" --section basic
contains "numbered" "$OUT" "— certificate 2 of 2 —"
softhsm_token
"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label me --pin "$USER_PIN" >/dev/null
"$INKAN" csr --key "$TOKEN;object=me" --subject "/C=JP/CN=me" --out "$TESTDIR/me.csr" --pin "$USER_PIN"
openssl x509 -req -in "$TESTDIR/me.csr" -CA "$PKI/jpki-ca.pem" -CAkey "$PKI/jpki-ca.key" -days 30 \
	-extfile "$PKI/ext.cnf" -extensions jpki_sign -out "$TESTDIR/me.pem" 2>/dev/null
"$INKAN" cert import --token "$TOKEN" --in "$TESTDIR/me.pem" --label me --pin "$USER_PIN" >/dev/null
expect 0 "every certificate on a token, by URI" -- "$INKAN" --json cert show "$TOKEN"
check "the name read back from the token" -- test "$(value name)" = "山田　太郎"
expect 3 "a token URI without certificates" -- "$INKAN" cert show "$TOKEN;object=nothing"
contains "says so" "$ERR" "no certificate on the token matches"

# --- the broken set: an error, or a partial view marking what failed; never a crash
for f in truncated.der garbage.bin empty.pem; do
	expect 1 "broken/$f is refused" -- "$INKAN" cert show "$PKI/broken/$f"
	contains "with a clear error" "$ERR" "no certificate found"
done
broken_field () { # FILE KEY WHY
	expect 0 "broken/$1: a partial view" -- "$INKAN" --json cert show "$PKI/broken/$1"
	contains "$2 marked undecodable: $3" \
		"$(python3 -c 'import json,sys; f=[x for x in json.loads(sys.argv[1])["certificates"][0]["fields"] if x["key"]==sys.argv[2]][0]; print(f["undecodable"], f["value"])' "$OUT" "$2")" \
		"True (undecodable: $3"
}
broken_field bad-san-type.pem sex "not a UTF8String"
broken_field bad-birth.pem date_of_birth "1977-11-07 is before the"
broken_field short-birth.pem date_of_birth "not nine digits"
broken_field no-san.pem name "the certificate has no subjectAltName"
broken_field bad-san-der.pem name "the subjectAltName is malformed"
broken_field bad-vid.pem real_name "the identity data"
expect 0 "broken/backwards.pem" -- "$INKAN" --json cert show "$PKI/broken/backwards.pem"
check "an invalid period" -- test "$(value status)" = "invalid-period"
expect 0 "broken/year-9999.pem" -- "$INKAN" --json cert show "$PKI/broken/year-9999.pem"
check "expires in 9999" -- test "$(value expires)" = "9999-12-31T23:59:59Z"
expect 0 "broken/huge-ext.pem: a 64 KiB extension" -- "$INKAN" --json cert show "$PKI/broken/huge-ext.pem"
contains "shown by its OID, truncated hex and size" \
	"$(python3 -c 'import json,sys; f=[x for x in json.load(sys.stdin)["certificates"][0]["fields"] if x["key"]=="ext.1.2.3.4.99"][0]; print(f["undecodable"], f["value"])' <<<"$OUT")" \
	"True (undecodable: no decoder for this extension) 0000"
check "its value in JSON is the whole extension in hex" -- test "$(value ext.1.2.3.4.99)" = "$(printf '%0131072d' 0)"

# --- ca check: the real JPKI CA certificates against their published fingerprints
SIGN23="$SRCDIR/tests/data/jpki-ca/sign_ca_2023.pem"
FP=D2:27:F6:CD:E1:1D:35:C5:25:21:78:F1:06:F8:43:D2:46:51:94:49:75:41:3B:53:9F:A2:FB:68:DB:FA:36:5F
expect 0 "ca check: AB:CD form" -- "$INKAN" ca check "$SIGN23" --fingerprint "$FP"
expect 0 "ca check: lower-case hex" -- "$INKAN" ca check "$SIGN23" --fingerprint "$(echo "$FP" | tr -d : | tr A-F a-f)"
expect 0 "ca check: space-separated" -- "$INKAN" ca check "$SIGN23" --fingerprint "$(echo "$FP" | tr : ' ')"
expect 0 "ca check: by SHA-1" -- "$INKAN" ca check "$SIGN23" \
	--fingerprint "$(openssl x509 -in "$SIGN23" -noout -fingerprint -sha1 | sed 's/.*=//')"
expect 1 "ca check: a wrong fingerprint" -- "$INKAN" --json ca check "$SIGN23" --fingerprint "${FP%5F}60"
contains "no-match, with the actual fingerprint" "$OUT" "\"verdict\": \"no-match\""
contains "the actual one" "$OUT" "$FP"
expect 2 "ca check: a fingerprint of the wrong length" -- "$INKAN" ca check "$SIGN23" --fingerprint "${FP%:5F}"
for f in sign_ca_2015 sign_ca_2019 sign_ca_2023 auth_ca_2015 auth_ca_2019 auth_ca_2023; do
	expect 0 "ca check: $f against the shipped JPKI pins" -- "$INKAN" ca check "$SRCDIR/tests/data/jpki-ca/$f.pem" \
		--pins "$SRCDIR/data/jpki.pins"
	contains "$f: the pin is of its generation" "$OUT" " ${f: -4} ("
	if [ "${f: -4}" = 2015 ]; then
		contains "$f: pinned, and said to be expired" "$OUT" "pinned; expired 2025-10-19"
	else
		contains "$f: not said to be expired" "$(grep -c expired <<<"$OUT" || true)" "0"
	fi
done
contains "names the pin" "$OUT" "JPKI 利用者証明用認証局 2023 (2023-07-16 – 2033-07-15) (sha256)"
check "every pin's fingerprint is its certificate's" -- test "$(grep -c '^sha256' "$SRCDIR/data/jpki.pins")" = \
	"$(for f in "$SRCDIR"/tests/data/jpki-ca/*.pem; do grep -cF "$(openssl x509 -in "$f" -noout -fingerprint -sha256 | sed 's/.*=//')" "$SRCDIR/data/jpki.pins"; done | awk '{ n += $1 } END { print n }')"
expect 0 "ca check --json of the expired 2015 CA" -- "$INKAN" --json ca check "$SRCDIR/tests/data/jpki-ca/auth_ca_2015.pem" \
	--pins "$SRCDIR/data/jpki.pins"
contains "expired, with its date" "$OUT" '"expired": true'
contains "the date" "$OUT" '"not_after": "2025-10-19"'
expect 1 "ca check: a leaf is not a self-signed CA certificate" -- "$INKAN" --json ca check "$PKI/jpki-sign.pem" \
	--fingerprint "$FP"
contains "reason named" "$OUT" "not-self-issued"
openssl req -new -x509 -key "$PKI/generic.key" -subj "/CN=not a CA" -days 30 -addext basicConstraints=CA:FALSE \
	-out "$TESTDIR/selfsigned.pem"
expect 1 "ca check: a self-signed end-entity certificate" -- "$INKAN" --json ca check "$TESTDIR/selfsigned.pem" \
	--fingerprint "$FP"
contains "reason: not a CA" "$OUT" "not-ca"
openssl req -new -x509 -key "$PKI/generic.key" -subj "/CN=no certsign" -days 30 -addext basicConstraints=CA:TRUE \
	-addext keyUsage=digitalSignature -out "$TESTDIR/nocertsign.pem"
expect 1 "ca check: a CA without keyCertSign" -- "$INKAN" --json ca check "$TESTDIR/nocertsign.pem" --fingerprint "$FP"
contains "reason: no-cert-sign" "$OUT" "no-cert-sign"
python3 - "$SIGN23" "$TESTDIR/badsig.der" <<'PY'
import subprocess, sys
der = bytearray(subprocess.run(["openssl", "x509", "-in", sys.argv[1], "-outform", "DER"], capture_output=True).stdout)
der[-5] ^= 0x40
open(sys.argv[2], "wb").write(der)
PY
expect 1 "ca check: a broken self-signature" -- "$INKAN" --json ca check "$TESTDIR/badsig.der" --fingerprint "$FP"
contains "reason: bad-signature" "$OUT" "bad-signature"
printf '# pins\nsha256 %s JPKI\nsha512 AB:CD Other\n' "$FP" >"$TESTDIR/bad.pins"
expect 1 "ca check: a bad pins file is refused whole" -- "$INKAN" ca check "$SIGN23" --pins "$TESTDIR/bad.pins"
contains "naming the line" "$ERR" "line 3: unknown fingerprint algorithm \"sha512\""
printf 'sha256 %s\n' "$FP" >"$TESTDIR/noname.pins"
expect 1 "ca check: a pin without a name" -- "$INKAN" ca check "$SIGN23" --pins "$TESTDIR/noname.pins"
contains "naming the line" "$ERR" "line 1: the pin has no name"

# --- cert vid: resident number 1234561234567 and R made the VID in cert-pki.sh
export RN=123456-1234567 R=$(cat "$PKI/npki-r.hex")
expect 0 "cert vid: the right resident number matches" -- "$INKAN" cert vid "$PKI/npki-yessign.pem" --rn env:RN --random env:R
RN=1234561234568 expect 1 "cert vid: another number does not" -- \
	"$INKAN" cert vid "$PKI/npki-yessign.pem" --rn env:RN --random env:R
R=${R%72}73 expect 1 "cert vid: another R does not" -- \
	"$INKAN" cert vid "$PKI/npki-yessign.pem" --rn env:RN --random env:R
RN=12345 expect 1 "cert vid: a number of the wrong length" -- \
	"$INKAN" cert vid "$PKI/npki-yessign.pem" --rn env:RN --random env:R
contains "is refused" "$ERR" "13 digits"
expect 3 "cert vid: a certificate without identity data" -- \
	"$INKAN" cert vid "$PKI/npki-crosscert-corp.pem" --rn env:RN --random env:R
contains "says so" "$ERR" "no VID"
expect 1 "cert vid: malformed identity data" -- "$INKAN" cert vid "$PKI/broken/bad-vid.pem" --rn env:RN --random env:R
contains "says so" "$ERR" "malformed"

# --- cert vid --key: R read from the holder's signPri.key, as Korean toolkits encrypt it
. "$(dirname "$0")/../pki/npki-key.sh"
export PW='비밀번호 pass1'
npki_key "$TESTDIR/kisa.key" "$R" "$PW" kisa
npki_key "$TESTDIR/pbes2.key" "$R" "$PW" pbes2
for how in kisa pbes2; do
	expect 0 "cert vid --key: R from a $how-encrypted key file" -- \
		"$INKAN" cert vid "$PKI/npki-yessign.pem" --rn env:RN --key "$TESTDIR/$how.key" --pass env:PW
	contains "the VID matches ($how)" "$OUT" "matches"
	PW=wrong expect 1 "cert vid --key: a wrong password ($how)" -- \
		"$INKAN" cert vid "$PKI/npki-yessign.pem" --rn env:RN --key "$TESTDIR/$how.key" --pass env:PW
	contains "says the password does not open it" "$ERR" "password does not open the key file"
done
RN=1234561234568 expect 1 "cert vid --key: another number does not match" -- \
	"$INKAN" cert vid "$PKI/npki-yessign.pem" --rn env:RN --key "$TESTDIR/kisa.key" --pass env:PW
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null |
	openssl pkcs8 -topk8 -v2 aes-256-cbc -passout env:PW -outform DER -out "$TESTDIR/plain.key"
expect 3 "cert vid --key: a key file without R" -- \
	"$INKAN" cert vid "$PKI/npki-yessign.pem" --rn env:RN --key "$TESTDIR/plain.key" --pass env:PW
contains "says so" "$ERR" "holds no random value R"
expect 1 "cert vid --key: a file that is no key" -- \
	"$INKAN" cert vid "$PKI/npki-yessign.pem" --rn env:RN --key "$PKI/npki-yessign.pem" --pass env:PW
contains "says so" "$ERR" "not an encrypted private key"
printf '%s\n' 'asn1=SEQUENCE:e' '[e]' 'alg=SEQUENCE:alg' 'data=FORMAT:HEX,OCTETSTRING:00112233445566778899AABBCCDDEEFF' \
	'[alg]' 'oid=OID:1.2.840.113549.1.5.13' 'p=SEQUENCE:pbes2' '[pbes2]' 'kdf=SEQUENCE:kdf' 'enc=SEQUENCE:enc' \
	'[kdf]' 'oid=OID:1.2.840.113549.1.5.12' 'p=SEQUENCE:kdfp' '[kdfp]' 'salt=FORMAT:HEX,OCTETSTRING:0102030405060708' \
	'iter=INTEGER:2000000000' '[enc]' 'oid=OID:1.2.410.200004.1.4' 'iv=FORMAT:HEX,OCTETSTRING:000102030405060708090A0B0C0D0E0F' \
	>"$TESTDIR/slow.cnf"
openssl asn1parse -genconf "$TESTDIR/slow.cnf" -out "$TESTDIR/slow.key" >/dev/null
expect 1 "cert vid --key: a key file asking 2e9 PBKDF2 rounds is refused, not run" -- \
	timeout 20 "$INKAN" cert vid "$PKI/npki-yessign.pem" --rn env:RN --key "$TESTDIR/slow.key" --pass env:PW
contains "as malformed" "$ERR" "encryption parameters are malformed"
expect 2 "cert vid: --key and --random together are a usage error" -- \
	"$INKAN" cert vid "$PKI/npki-yessign.pem" --rn env:RN --key "$TESTDIR/kisa.key" --random env:R

# --- cert show DIR: NPKI folders as Korean users keep them
home=$TESTDIR/home
u1="$home/NPKI/yessign/USER/cn=홍길동()0001"
u2="$home/NPKI/CrossCert/User/cn=Corp"
mkdir -p "$u1" "$u2" "$home/NPKI/broken/USER/x" "$TESTDIR/elsewhere/USER/cn=hidden"
openssl x509 -in "$PKI/npki-yessign.pem" -outform DER -out "$u1/signCert.der"
cp "$TESTDIR/kisa.key" "$u1/signPri.key"
openssl x509 -in "$PKI/npki-crosscert-corp.pem" -outform DER -out "$u2/signCert.der"
printf 'not a certificate' >"$home/NPKI/broken/USER/x/signCert.der"
cp "$u2/signCert.der" "$TESTDIR/elsewhere/USER/cn=hidden/signCert.der"
ln -s "$TESTDIR/elsewhere" "$home/NPKI/linked"
expect 0 "cert show HOME finds the NPKI certificates in it" -- "$INKAN" --json cert show "$home"
check "two certificates, the linked folder not followed" -- sh -c "echo '$OUT' | jq -e '.certificates | length == 2'"
check "each with its CA and files" -- sh -c "echo '$OUT' | jq -e '[.certificates[].npki.ca] == [\"CrossCert\", \"yessign\"]'"
check "the key beside the yessign certificate, none beside the other" -- \
	sh -c "echo '$OUT' | jq -e '.certificates[0].npki.key == null and (.certificates[1].npki.key | endswith(\"signPri.key\"))'"
contains "the file that is no certificate is named" "$ERR" "broken/USER/x/signCert.der"
expect 0 "cert show of one certificate's folder" -- "$INKAN" cert show "$u1" --section basic
contains "names the CA and the key" "$OUT" "NPKI yessign:"
contains "and says the key is there" "$OUT" "private key beside it"
expect 3 "a folder without NPKI certificates" -- "$INKAN" cert show "$TESTDIR/elsewhere/USER"
contains "says what it looked for" "$ERR" "no NPKI certificate"
expect 0 "cert vid --key on the key found beside the certificate" -- \
	"$INKAN" cert vid "$u1/signCert.der" --rn env:RN --key "$u1/signPri.key" --pass env:PW

# Certificate files are read with a bound: a FIFO is refused, not waited
# on, and a file over 16 MiB is refused, both by name.
mkfifo "$TESTDIR/fifo"
expect 3 "cert show: a FIFO is refused" -- timeout 10 "$INKAN" cert show "$TESTDIR/fifo"
contains "it says why" "$ERR" "$TESTDIR/fifo is not a regular file"
truncate -s $((16 * 1024 * 1024 + 1)) "$TESTDIR/big.pem"
expect 1 "cert show: a file over the limit" -- "$INKAN" cert show "$TESTDIR/big.pem"
contains "it names the file and the limit" "$ERR" "big.pem is larger than 16777216 bytes"

finish
