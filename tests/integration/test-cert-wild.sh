#!/usr/bin/env bash
# Certificates as they exist in the wild (issue 17): every ASN.1 string type
# as UTF-8 in text and JSON, every GeneralName whole, every extension listed
# as OpenSSL lists it, the CA and TSA profiles and test hierarchies of the
# Korean and Japanese PKIs.  Fixtures: tests/pki/cert-pki.sh and the real
# JPKI CA certificates.  (Apart from test-cert.sh so that each stays well
# inside the time limit on a shared machine.)
. "$(dirname "$0")/lib.sh"
PKI=$TESTDIR/pki
"$SRCDIR/tests/pki/cert-pki.sh" "$PKI" >"$TESTDIR/pki.log" 2>&1 ||
	{ cat "$TESTDIR/pki.log"; echo "Bail out! cannot make the test PKI"; exit 1; }

# value KEY: what `cert show --json` said of KEY in the first certificate of $OUT
# (on stdin: one argument may not pass 128 KiB)
value () { python3 -c 'import json, sys; print(json.load(sys.stdin)["certificates"][0]["values"][sys.argv[1]])' "$1" <<<"$OUT"; }

# --- every string type, as text and JSON, byte for byte (strings.pem: cert-pki.sh says which type is where)
STR_SAN="DirName:C=JP, O=公的個人認証サービス, OU=공인인증서 署名用, OU=地方公共団体 한국, L=Seoul\\, Jongno-gu, serialNumber=0011042024, ST=Müller, postalCode=100-8926 + street=霞が関二丁目; othername:1.2.3.4.6=한국어 其他名; email:hong@example.kr; DNS:www.example.kr; URI:http://example.kr/; IP:192.0.2.1; RID:1.2.3.4.5.6"
STR_POLICY="Policy: 1.2.410.200004.5.2.1.2, CPS: http://www.signgate.com/cps.html, User Notice: Organization: KICA Visible Number: 1,2 Explicit Text: 이 인증서는 공인인증서입니다(This certificate is accredited)"
STR_DIR="DirName:OU=공인인증서 署名用, CN=失効リスト1"
expect 0 "every string type: JSON" -- "$INKAN" --json cert show "$PKI/strings.pem"
check "the subject in UniversalString" -- test "$(value subject_dn)" = "C=KR, O=公的個人認証サービス, CN=홍길동 Universal"
check "the issuer in BMPString" -- test "$(value issuer_dn)" = "C=KR, O=한국정보인증, CN=テスト認証局 BMP"
check "the SAN: a directoryName of every type, all RDNs, every GeneralName form" -- test "$(value ext.2.5.29.17)" = "$STR_SAN"
check "the policy's BMPString notice" -- test "$(value ext.2.5.29.32)" = "$STR_POLICY"
check "the CRL DP's directoryName" -- test "$(value ext.2.5.29.31)" = "Full Name: $STR_DIR"
check "the AKI's issuer" -- test "$(value ext.2.5.29.35)" = "keyid:01:02:03:04:05; issuer:$STR_DIR; serial:12:34"
check "an unknown extension: its hex, marked undecodable" -- test "$(value ext.1.2.3.4.77)" = "0c066f7061717565"
expect 0 "every string type: text" -- env LC_ALL=C.UTF-8 "$INKAN" cert show "$PKI/strings.pem"
check "the SAN line, byte for byte" -- grep -qxF "X509v3 Subject Alternative Name $STR_SAN" <<<"$OUT"
check "the policy line, byte for byte" -- grep -qxF "X509v3 Certificate Policies $STR_POLICY" <<<"$OUT"
check "the short subject" -- grep -qxF "Subject  홍길동 Universal" <<<"$OUT"
check "all the text is valid UTF-8" -- iconv -f UTF-8 -t UTF-8 <<<"$OUT"
expect 0 "the real JPKI signing CA" -- "$INKAN" --json cert show "$SRCDIR/tests/data/jpki-ca/sign_ca_2019.pem"
check "its SAN whole, in UTF-8" -- test "$(value ext.2.5.29.17)" = \
	"DirName:C=JP, O=公的個人認証サービス, OU=公的個人認証サービス署名用, OU=地方公共団体情報システム機構"

# --- every extension listed, as OpenSSL lists them: decoded, or hex marked undecodable
# one python for all (the machine is shared): "ok NAME" or "not NAME: what differs"
python3 - "$INKAN" "$PKI"/*.pem "$PKI"/broken/{bad-san-type,no-san,bad-vid,huge-ext,bad-san-der}.pem \
	"$SRCDIR"/tests/data/jpki-ca/*.pem >"$TESTDIR/exts.txt" <<'PY'
import json, os, re, subprocess, sys
for path in sys.argv[2:]:
    der = subprocess.run(["openssl", "asn1parse", "-in", path], capture_output=True, text=True).stdout
    names, inside = [], False
    for line in der.splitlines():
        if re.search(r"d=2 .*cont \[ 3 \]", line):
            inside = True
        elif inside and re.search(r"d=[0-2] ", line):
            inside = False
        elif inside and re.search(r"d=5 .*OBJECT", line):
            names.append(re.sub(r".*OBJECT *:", "", line))
    shown = subprocess.run([sys.argv[1], "--json", "cert", "show", path], capture_output=True, text=True).stdout
    listed = [f["label"] if not f["undecodable"] or f.get("raw") else "DROPPED " + f["label"]
              for f in json.loads(shown)["certificates"][0]["fields"] if f["key"].startswith("ext.")]
    print(("ok " if listed == names else "not ") + os.path.basename(path) +
          ("" if listed == names else ": openssl %s, inkan %s" % (names, listed)))
PY
check "extensions compared for every certificate" -- test "$(wc -l <"$TESTDIR/exts.txt")" -ge 25
while read -r verdict what; do
	if [ "$verdict" = ok ]; then ok "$what: every extension OpenSSL lists, decoded or in hex"
	else not_ok "$what"; fi
done <"$TESTDIR/exts.txt"

# --- CA and TSA profiles, test hierarchies, policy labels
# shows FILE KEY...: "KEY=value" of each KEY in the first certificate, after "test=" its test flag
shows () {
	"$INKAN" --json cert show "$1" | python3 -c 'import json, sys
c = json.load(sys.stdin)["certificates"][0]
print(" ".join(["test=%s" % c["test"]] + ["%s=%s" % (k, c["values"].get(k)) for k in sys.argv[1:]]))' "${@:2}"
}
check "the KISA root" -- test "$(shows "$PKI/kisa-root.pem" profile)" = "test=False profile=npki-root"
check "an accredited CA, its operator named" -- \
	test "$(shows "$PKI/kisa-yessign.pem" profile operator)" = "test=False profile=npki-ca operator=yessign (금융결제원)"
check "a TSA under it" -- test "$(shows "$PKI/npki-tsa.pem" profile operator)" = "test=False profile=tsa operator=yessign (금융결제원)"
check "KISA's test root is flagged" -- test "$(shows "$PKI/kisa-test-root.pem" profile test)" = "test=True profile=npki-root test=true"
check "a certificate under it is flagged" -- test "$(shows "$PKI/npki-test.pem" profile test)" = "test=True profile=npki test=true"
expect 0 "the test flag in text" -- "$INKAN" cert show "$PKI/npki-test.pem" --section basic
check "shown in the basic section" -- grep -q "^TEST  *a certificate of a test hierarchy, not a real one" <<<"$OUT"
check "a real one is not flagged" -- test "$(shows "$PKI/npki-yessign.pem" test)" = "test=False test=None"
check "a GPKI CA" -- test "$(shows "$PKI/gpki-ca.pem" profile)" = "test=False profile=gpki-ca"
check "an EPKI CA" -- test "$(shows "$PKI/epki-ca.pem" profile)" = "test=False profile=epki-ca"
check "an EPKI personal certificate" -- test "$(shows "$PKI/epki-personal.pem" profile)" = "test=False profile=epki"
expect 0 "its basic section" -- "$INKAN" cert show "$PKI/epki-personal.pem" --section basic
contains "its policy named, not \"EPKI — EPKI / EPKI\"" "$OUT" "EPKI (교육부) — personal / 개인용"
expect 0 "a TradeSign encryption certificate" -- "$INKAN" cert show "$PKI/tradesign-enc.pem" --section basic
contains "TradeSign 1.2.410.200012.1.1.4 named" "$OUT" "TradeSign (한국무역정보통신) — corporate, encryption / 법인 전자거래암호용"
for g in 2015 2019 2023; do
	check "the $g JPKI signing CA, named from its SAN" -- \
		test "$(shows "$SRCDIR/tests/data/jpki-ca/sign_ca_$g.pem" profile jpki_ca)" = "test=False profile=jpki-ca jpki_ca=sign"
	check "the $g JPKI authentication CA" -- \
		test "$(shows "$SRCDIR/tests/data/jpki-ca/auth_ca_$g.pem" profile jpki_ca)" = "test=False profile=jpki-ca jpki_ca=auth"
done
expect 0 "the kind of a JPKI authentication CA" -- "$INKAN" cert show "$SRCDIR/tests/data/jpki-ca/auth_ca_2019.pem"
contains "says which" "$OUT" "JPKI user authentication CA (公的個人認証サービス利用者証明用)"

finish
