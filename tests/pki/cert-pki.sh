#!/usr/bin/env bash
# JPKI-, NPKI- and GPKI-style certificates with the real profiles' OIDs and
# encodings, made by the openssl CLI (independently of inkan), and a broken
# set for the robustness tests:  cert-pki.sh DIR
# Writes to DIR:
#   jpki-ca.pem, jpki-sign.pem (the four basic items in the SAN, as JPKI
#     encodes them), jpki-auth.pem (no personal data)
#   npki-ca.pem, npki-yessign.pem (personal general purpose, with KISA
#     identity data: real name and the VID of resident number 1234561234567
#     and R = npki-r.hex), npki-crosscert-corp.pem (corporate, no VID)
#   gpki-ca.pem, gpki-server.pem (CN=SVR1741597001), gpki-seal.pem
#   generic.pem (an unknown policy 1.2.3.4.5)
#   CA and TSA profiles: kisa-root.pem (KISA RootCA), kisa-yessign.pem (an
#     accredited CA under it), npki-tsa.pem (a TSA under that), kisa-test-root.pem
#     (KISA Test RootCA) and npki-test.pem (a yessign personal certificate
#     under it), epki-ca.pem and epki-personal.pem (1.2.410.100001.5.3.1.3),
#     tradesign-enc.pem (TradeSign 1.2.410.200012.1.1.4)
#   strings-ca.pem (its subject in BMPString), strings.pem (subject in
#     UniversalString; a SAN directoryName with one attribute in each string
#     type names may hold, Korean and Japanese, TeletexString as Latin-1
#     bytes (VisibleString, which OpenSSL refuses in names, is the notice's
#     organization); every other
#     GeneralName form; a policy whose user notice is a BMPString, as the
#     Korean CAs write it; a CRL DP and AKI naming directories; an
#     extension no decoder knows, 1.2.3.4.77)
#   broken/*: bad-san-type.pem (sex as an INTEGER), bad-birth.pem, short-birth.pem,
#     no-san.pem (JPKI issuer, no SAN), bad-vid.pem, year-9999.pem,
#     backwards.pem (expires before it begins), huge-ext.pem (a 64 KiB extension),
#     truncated.der, garbage.bin, empty.pem, bad-san-der.pem (SAN bytes not DER)
set -eu
mkdir -p "$1/broken"
OUT=$(cd "$1" && pwd)
cd "$OUT"

key () { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
rsakey () { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null; }

# root NAME SUBJECT: a self-signed CA certificate
root () {
	rsakey "$1"
	openssl req -new -x509 -key "$1.key" -subj "$2" -days 3650 -utf8 -out "$1.pem" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-addext "subjectKeyIdentifier=hash"
}

# leaf NAME CA SUBJECT EXTSECTION [START END]: a certificate from CA with the
# extensions of section EXTSECTION in ext.cnf; by `openssl ca` when given
# dates, as it alone takes any (even backwards) validity period
leaf () {
	local name=$1 ca=$2 subj=$3 ext=$4
	key "$name"
	openssl req -new -key "$name.key" -subj "$subj" -utf8 -out "$name.csr"
	if [ $# -eq 6 ]; then
		openssl ca -batch -config ca-min.cnf -cert "$ca.pem" -keyfile "$ca.key" -in "$name.csr" -utf8 \
			-startdate "$5" -enddate "$6" -extfile ext.cnf -extensions "$ext" -notext -out "$name.pem" 2>/dev/null
	else
		openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca.key" -set_serial "0x$(openssl rand -hex 8)" \
			-extfile ext.cnf -extensions "$ext" -days 365 -out "$name.pem" 2>/dev/null
	fi
}
mkdir -p db
: >db/index.txt
echo 1000 >db/serial
cat >ca-min.cnf <<CNF
[ca]
default_ca = min
[min]
database = $OUT/db/index.txt
new_certs_dir = $OUT/db
serial = $OUT/db/serial
default_md = sha256
policy = any
unique_subject = no
email_in_dn = no
[any]
commonName = supplied
CNF

# The VID: SHA-256 twice over DER(SEQUENCE { idn PrintableString, randomNum BIT STRING }).
echo 79EA7568A2D3776604E18BCD3A1B1B85B7DA0872 >npki-r.hex
VID=$(printf '3026130D%s031500%s' "$(printf 1234561234567 | xxd -p)" "$(cat npki-r.hex)" | xxd -r -p |
	openssl dgst -sha256 -binary | openssl dgst -sha256 -hex | sed 's/.*= //')

# "Müller" in Latin-1, as TeletexString holds it in practice
MULLER=$(printf 'M\374ller')
cat >ext.cnf <<CNF
[jpki_sign]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = 1.2.392.200149.8.5.1.1.20
subjectAltName = @jpki_san
crlDistributionPoints = dirName:jpki_dp
[jpki_dp]
C = JP
O = JPKI
OU = JPKI for digital signature
CN = CRL DP
[jpki_san]
otherName.0 = 1.2.392.200149.8.5.5.1;FORMAT:UTF8,UTF8:山田　太郎
otherName.1 = 1.2.392.200149.8.5.5.4;FORMAT:UTF8,UTF8:319771107
otherName.2 = 1.2.392.200149.8.5.5.3;FORMAT:UTF8,UTF8:1
otherName.3 = 1.2.392.200149.8.5.5.5;FORMAT:UTF8,UTF8:東京都千代田区霞が関二丁目1番2号
otherName.4 = 1.2.392.200149.8.5.5.2;FORMAT:UTF8,UTF8:0000
otherName.5 = 1.2.392.200149.8.5.5.6;FORMAT:UTF8,UTF8:0000000000000000
[jpki_auth]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
certificatePolicies = 1.2.392.200149.8.5.1.3.30
[npki_vid]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = 1.2.410.200005.1.1.1
subjectAltName = otherName:1.2.410.200004.10.1.1;SEQUENCE:identify
[identify]
realName = FORMAT:UTF8,UTF8:홍길동
userInfos = SEQUENCE:infos
[infos]
info = SEQUENCE:vidinfo
[vidinfo]
type = OID:1.2.410.200004.10.1.1.1
vid = SEQUENCE:vid
[vid]
hashAlg = SEQUENCE:sha256
virtualID = EXPLICIT:0,FORMAT:HEX,OCTETSTRING:$VID
[sha256]
algorithm = OID:sha256
[npki_corp]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
certificatePolicies = 1.2.410.200004.5.4.1.2
[gpki_server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
certificatePolicies = 1.2.410.100001.2.1.2
crlDistributionPoints = gpki_dp
authorityInfoAccess = OCSP;URI:http://gva.gpki.go.kr:8000
[gpki_dp]
fullname = @gpki_dp_names
[gpki_dp_names]
URI.0 = ldap://cen.dir.go.kr:389/cn=crl1p1dp8335,cn=CA131100001,ou=GPKI,o=Government of Korea,c=KR?certificateRevocationList;binary
[gpki_seal]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = 1.2.410.100001.2.1.1
[generic]
basicConstraints = CA:FALSE
certificatePolicies = 1.2.3.4.5
extendedKeyUsage = clientAuth, emailProtection
[bad_san_type]
certificatePolicies = 1.2.392.200149.8.5.1.1.20
subjectAltName = @bad_type
[bad_type]
otherName.0 = 1.2.392.200149.8.5.5.1;FORMAT:UTF8,UTF8:山田　花子
otherName.1 = 1.2.392.200149.8.5.5.4;FORMAT:UTF8,UTF8:319771107
otherName.2 = 1.2.392.200149.8.5.5.3;INTEGER:2
otherName.3 = 1.2.392.200149.8.5.5.5;FORMAT:UTF8,UTF8:東京都
[bad_birth]
certificatePolicies = 1.2.392.200149.8.5.1.1.20
subjectAltName = @bad_birth_san
[bad_birth_san]
otherName.0 = 1.2.392.200149.8.5.5.1;FORMAT:UTF8,UTF8:山田　花子
otherName.1 = 1.2.392.200149.8.5.5.4;FORMAT:UTF8,UTF8:519771107
otherName.2 = 1.2.392.200149.8.5.5.3;FORMAT:UTF8,UTF8:2
otherName.3 = 1.2.392.200149.8.5.5.5;FORMAT:UTF8,UTF8:東京都
[short_birth]
certificatePolicies = 1.2.392.200149.8.5.1.1.20
subjectAltName = @short_birth_san
[short_birth_san]
otherName.0 = 1.2.392.200149.8.5.5.1;FORMAT:UTF8,UTF8:山田　花子
otherName.1 = 1.2.392.200149.8.5.5.4;FORMAT:UTF8,UTF8:3197711
otherName.2 = 1.2.392.200149.8.5.5.3;FORMAT:UTF8,UTF8:7
otherName.3 = 1.2.392.200149.8.5.5.5;FORMAT:UTF8,UTF8:東京都
[no_san]
certificatePolicies = 1.2.392.200149.8.5.1.1.20
[bad_vid]
certificatePolicies = 1.2.410.200005.1.1.1
subjectAltName = otherName:1.2.410.200004.10.1.1;SEQUENCE:bad_identify
[bad_identify]
realName = INTEGER:5
[huge]
basicConstraints = CA:FALSE
1.2.3.4.99 = DER:$(head -c 65536 /dev/zero | xxd -p | tr -d '\n')
[bad_san_der]
certificatePolicies = 1.2.392.200149.8.5.1.1.20
2.5.29.17 = DER:3003020101ff
[plain]
basicConstraints = CA:FALSE
[subca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[tsa]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
[epki_personal]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = 1.2.410.100001.5.3.1.3
[tradesign_enc]
basicConstraints = CA:FALSE
keyUsage = critical, keyEncipherment
certificatePolicies = 1.2.410.200012.1.1.4
[strings]
basicConstraints = CA:FALSE
2.5.29.17 = ASN1:SEQUENCE:str_san
2.5.29.32 = ASN1:SEQUENCE:str_policies
2.5.29.31 = ASN1:SEQUENCE:str_crldp
2.5.29.35 = ASN1:SEQUENCE:str_aki
1.2.3.4.77 = ASN1:FORMAT:UTF8,UTF8:opaque
[str_san]
dir = EXPLICIT:4,SEQUENCE:str_dn
other = IMPLICIT:0,SEQUENCE:str_other
email = IMPLICIT:1,IA5STRING:hong@example.kr
dns = IMPLICIT:2,IA5STRING:www.example.kr
uri = IMPLICIT:6,IA5STRING:http://example.kr/
ip = IMPLICIT:7,FORMAT:HEX,OCTETSTRING:C0000201
rid = IMPLICIT:8,OID:1.2.3.4.5.6
[str_other]
type = OID:1.2.3.4.6
value = EXPLICIT:0,FORMAT:UTF8,BMPSTRING:한국어 其他名
[str_dn]
c = SET:str_c
o = SET:str_o
ou1 = SET:str_ou1
ou2 = SET:str_ou2
l = SET:str_l
cn = SET:str_cn
st = SET:str_st
street = SET:str_street
[str_c]
a = SEQUENCE:str_c_atv
[str_c_atv]
type = OID:countryName
value = PRINTABLESTRING:JP
[str_o]
a = SEQUENCE:str_o_atv
[str_o_atv]
type = OID:organizationName
value = FORMAT:UTF8,UTF8STRING:公的個人認証サービス
[str_ou1]
a = SEQUENCE:str_ou1_atv
[str_ou1_atv]
type = OID:organizationalUnitName
value = FORMAT:UTF8,BMPSTRING:공인인증서 署名用
[str_ou2]
a = SEQUENCE:str_ou2_atv
[str_ou2_atv]
type = OID:organizationalUnitName
value = FORMAT:UTF8,UNIVERSALSTRING:地方公共団体 한국
[str_l]
a = SEQUENCE:str_l_atv
[str_l_atv]
type = OID:localityName
value = IA5STRING:Seoul, Jongno-gu
[str_cn]
a = SEQUENCE:str_cn_atv
[str_cn_atv]
type = OID:serialNumber
value = NUMERICSTRING:0011042024
[str_st]
a = SEQUENCE:str_st_atv
[str_st_atv]
type = OID:stateOrProvinceName
value = T61STRING:$MULLER
[str_street]
a = SEQUENCE:str_street_atv
b = SEQUENCE:str_street_atv2
[str_street_atv]
type = OID:streetAddress
value = FORMAT:UTF8,UTF8STRING:霞が関二丁目
[str_street_atv2]
type = OID:postalCode
value = PRINTABLESTRING:100-8926
[str_policies]
p = SEQUENCE:str_policy
[str_policy]
id = OID:1.2.410.200004.5.2.1.2
quals = SEQUENCE:str_quals
[str_quals]
cps = SEQUENCE:str_cps
notice = SEQUENCE:str_notice_q
[str_cps]
id = OID:id-qt-cps
uri = IA5STRING:http://www.signgate.com/cps.html
[str_notice_q]
id = OID:id-qt-unotice
notice = SEQUENCE:str_notice
[str_notice]
ref = SEQUENCE:str_noticeref
text = FORMAT:UTF8,BMPSTRING:이 인증서는 공인인증서입니다(This certificate is accredited)
[str_noticeref]
org = VISIBLESTRING:KICA Visible
nums = SEQUENCE:str_nums
[str_nums]
n1 = INTEGER:1
n2 = INTEGER:2
[str_crldp]
dp = SEQUENCE:str_dp
[str_dp]
name = EXPLICIT:0,IMPLICIT:0,SEQUENCE:str_dp_names
[str_dp_names]
dir = EXPLICIT:4,SEQUENCE:str_dp_dn
[str_dp_dn]
o = SET:str_ou1
cn = SET:str_dp_cn
[str_dp_cn]
a = SEQUENCE:str_dp_cn_atv
[str_dp_cn_atv]
type = OID:commonName
value = FORMAT:UTF8,UTF8STRING:失効リスト1
[str_aki]
keyid = IMPLICIT:0,FORMAT:HEX,OCTETSTRING:0102030405
issuer = IMPLICIT:1,SEQUENCE:str_aki_names
serial = IMPLICIT:2,INTEGER:0x1234
[str_aki_names]
dir = EXPLICIT:4,SEQUENCE:str_dp_dn
CNF
# strmask NAME MASK: a req configuration whose names take only string type MASK
strmask () {
	printf '[req]\ndistinguished_name = dn\nstring_mask = %s\nutf8 = yes\n[dn]\n' "$2" >"$1.cnf"
}

root jpki-ca "/C=JP/O=JPKI/OU=JPKI for digital signature/OU=Japan Agency for Local Authority Information Systems"
leaf jpki-sign jpki-ca "/C=JP/L=Tokyo/L=Chiyoda-ku/CN=20240000001A" jpki_sign
root jpki-auth-ca "/C=JP/O=JPKI/OU=JPKI for user authentication/OU=Japan Agency for Local Authority Information Systems"
leaf jpki-auth jpki-auth-ca "/C=JP/CN=20240000002B" jpki_auth
root npki-ca "/C=KR/O=yessign/OU=AccreditedCA/CN=yessignCA Class 2"
leaf npki-yessign npki-ca "/C=KR/O=yessign/OU=personal4IB/OU=KFTC/CN=홍길동()0011042024112200001" npki_vid
leaf npki-crosscert-corp npki-ca "/C=KR/O=CrossCert/OU=AccreditedCA/CN=Example Co.(ExampleCorp)0001" npki_corp
root gpki-ca "/C=KR/O=Government of Korea/OU=GPKI/CN=CA131100001"
leaf gpki-server gpki-ca "/C=KR/O=Government of Korea/OU=Group of Server/CN=SVR1741597001" gpki_server
leaf gpki-seal gpki-ca "/C=KR/O=Government of Korea/OU=Ministry of the Interior and Safety/CN=행정안전부장관" gpki_seal
root generic-ca "/C=DE/O=Example/CN=Example Root"
leaf generic generic-ca "/C=DE/O=Example/CN=alice@example.org" generic
root kisa-root "/C=KR/O=KISA/OU=Korea Certification Authority Central/CN=KISA RootCA 4"
leaf kisa-yessign kisa-root "/C=KR/O=yessign/OU=AccreditedCA/CN=yessignCA Class 3" subca
leaf npki-tsa kisa-yessign "/C=KR/O=yessign/OU=AccreditedCA/CN=yessign TSA" tsa
root kisa-test-root "/C=KR/O=KISA/OU=Korea Certification Authority Central/CN=KISA Test RootCA 7"
leaf npki-test kisa-test-root "/C=KR/O=yessign/OU=personal4IB/CN=홍길동()0011042024112200009" npki_corp
root epki-ca "/C=KR/O=Government of Korea/OU=EPKI/CN=CA134100031"
leaf epki-personal epki-ca "/C=KR/O=Government of Korea/OU=EPKI/OU=people/CN=김교사" epki_personal
leaf tradesign-enc npki-ca "/C=KR/O=TradeSign/OU=AccreditedCA/CN=Example Trade Co." tradesign_enc
strmask bmp MASK:0x800
strmask univ MASK:0x100
rsakey strings-ca
openssl req -config bmp.cnf -new -x509 -key strings-ca.key -subj "/C=KR/O=한국정보인증/CN=テスト認証局 BMP" -days 3650 \
	-utf8 -addext "basicConstraints=critical,CA:TRUE" -out strings-ca.pem
key strings
openssl req -config univ.cnf -new -key strings.key -subj "/C=KR/O=公的個人認証サービス/CN=홍길동 Universal" -utf8 \
	-out strings.csr
openssl x509 -req -in strings.csr -CA strings-ca.pem -CAkey strings-ca.key -set_serial 0x5151 \
	-extfile ext.cnf -extensions strings -days 365 -out strings.pem 2>/dev/null

leaf broken/bad-san-type jpki-ca "/C=JP/CN=broken1" bad_san_type
leaf broken/bad-birth jpki-ca "/C=JP/CN=broken2" bad_birth
leaf broken/short-birth jpki-ca "/C=JP/CN=broken3" short_birth
leaf broken/no-san jpki-ca "/C=JP/CN=broken4" no_san
leaf broken/bad-vid npki-ca "/C=KR/CN=broken5" bad_vid
leaf broken/huge-ext generic-ca "/CN=broken6" huge
leaf broken/bad-san-der jpki-ca "/C=JP/CN=broken7" bad_san_der
leaf broken/year-9999 generic-ca "/CN=broken8" plain 20250101000000Z 99991231235959Z
leaf broken/backwards generic-ca "/CN=broken9" plain 20300101000000Z 20200101000000Z
openssl x509 -in generic.pem -outform DER | head -c 300 >broken/truncated.der
head -c 2048 /dev/urandom >broken/garbage.bin
: >broken/empty.pem
rm -f ./*.csr broken/*.csr
