#!/usr/bin/env bash
# A fresh GPKI-style hierarchy for the validation tests, made with the
# openssl CLI:  validate-pki.sh DIR
#   env OCSP_URL  the responder named in the leaves' AIA
#   env CRL_DP    the leaves' CRL distribution point (GPKI: an LDAP URL)
#   env DELTA_URL where base.der says its delta CRL is (freshestCRL)
#   env CA_ISSUERS_URL where the leaves' AIA says ca.der is
#   env ROOT_CRL_URL where ca2.pem and carev.pem say the root's CRL is
# Writes to DIR: root.pem, ca.pem/ca.key/ca.der (CN=CA131100001), ocsp.pem/.key
# (delegated, id-kp-OCSPSigning), rogue.pem/.key (same CA, no OCSPSigning),
# scvp.pem/.key (an SCVP server, id-kp-scvpServer),
# good.pem, revoked.pem (keyCompromise), unknown.pem (never entered in the
# CA's database), npki.pem (an NPKI policy: another profile), enc.pem (a key
# for encipherment only, no signatures), crl.der (current), crl-stale.der, crl-later.der (from two
# days on to nine), base.der (a base CRL
# naming a delta) and delta.der (which adds late.pem, revoked after the
# base was issued), ca.cnf and ca/index.txt.
# Two more intermediates name the root's CRL (root.der): ca2.pem, good, over
# good2.pem, and carev.pem, revoked by the root, over undercarev.pem; their
# own CRLs (nobody revoked) are ca2.der and carev.der.  caold.pem expired in
# 2021; underold.pem, under it, is valid now.
set -eu
: "${OCSP_URL:?}" "${CRL_DP:?}" "${DELTA_URL:=http://127.0.0.1:1/delta.crl}" \
	"${CA_ISSUERS_URL:=http://127.0.0.1:1/ca.der}" "${ROOT_CRL_URL:=http://127.0.0.1:1/root.der}"
PKI=$1
export PKI OCSP_URL CRL_DP DELTA_URL CA_ISSUERS_URL ROOT_CRL_URL
mkdir -p "$PKI"
cd "$PKI"
for d in ca root; do
	mkdir -p "$d/new"
	: >"$d/index.txt"
	echo 1000 >"$d/serial"
	echo 01 >"$d/crlnumber"
done
DN="/C=KR/O=Government of Korea/OU=GPKI"

cat >ca.cnf <<'CNF'
[ca]
default_ca = gpki
[gpki]
dir = $ENV::PKI/ca
database = $dir/index.txt
new_certs_dir = $dir/new
serial = $dir/serial
crlnumber = $dir/crlnumber
certificate = $ENV::PKI/ca.pem
private_key = $ENV::PKI/ca.key
default_md = sha256
default_days = 365
default_crl_days = 1
policy = anything
unique_subject = no
email_in_dn = no
crl_extensions = crl_ext
[root]
dir = $ENV::PKI/root
database = $dir/index.txt
new_certs_dir = $dir/new
serial = $dir/serial
crlnumber = $dir/crlnumber
certificate = $ENV::PKI/root.pem
private_key = $ENV::PKI/root.key
default_md = sha256
default_days = 1825
default_crl_days = 1
policy = anything
unique_subject = no
email_in_dn = no
crl_extensions = crl_ext
[anything]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[root_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
certificatePolicies = 1.2.410.100001.2.1.1, 1.2.410.100001.2.1.2
[ca_dp_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:$ENV::ROOT_CRL_URL
[plain]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
[server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
certificatePolicies = 1.2.410.100001.2.1.2
crlDistributionPoints = dp
authorityInfoAccess = OCSP;URI:$ENV::OCSP_URL, caIssuers;URI:$ENV::CA_ISSUERS_URL
[dp]
fullname = @dp_names
[dp_names]
URI.0 = $ENV::CRL_DP
[npki]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = 1.2.410.200005.1.1.1
authorityInfoAccess = OCSP;URI:$ENV::OCSP_URL
[encipher]
basicConstraints = CA:FALSE
keyUsage = critical, keyEncipherment
certificatePolicies = 1.2.410.100001.2.1.2
[responder]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
[scvp]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = 1.3.6.1.5.5.7.3.15
[rogue]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
[crl_ext]
authorityKeyIdentifier = keyid
[base_ext]
authorityKeyIdentifier = keyid
freshestCRL = URI:$ENV::DELTA_URL
CNF

key () { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }

key root
openssl req -new -x509 -key root.key -subj "$DN/CN=GPKIRootCA1" -days 3650 \
	-config ca.cnf -extensions root_ext -out root.pem
key ca
openssl req -new -key ca.key -subj "$DN/CN=CA131100001" -out ca.csr
openssl x509 -req -in ca.csr -CA root.pem -CAkey root.key -set_serial 0x0100 -days 1825 \
	-extfile ca.cnf -extensions ca_ext -out ca.pem 2>/dev/null
openssl x509 -in ca.pem -outform DER -out ca.der

issue () { # NAME SUBJECT EXTENSIONS
	key "$1"
	openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
	openssl ca -batch -config ca.cnf -extensions "$3" -in "$1.csr" -out "$1.pem" -notext 2>/dev/null
}
issue good "/C=KR/O=Government of Korea/OU=Group of Server/CN=SVR1741597001" server
issue late "/C=KR/O=Government of Korea/OU=Group of Server/CN=SVR1741597004" server
issue revoked "/C=KR/O=Government of Korea/OU=Group of Server/CN=SVR1741597002" server
issue ocsp "$DN/CN=OCSP131100001" responder
issue rogue "$DN/CN=ROGUE131100001" rogue
issue scvp "$DN/CN=IVS131100001" scvp
issue npki "/C=KR/O=yessign/OU=personal4IB/CN=HongGildong0011042000000111" npki
issue enc "/C=KR/O=Government of Korea/OU=Group of Server/CN=SVR1741597007" encipher
key unknown
openssl req -new -key unknown.key -subj "/C=KR/O=Government of Korea/OU=Group of Server/CN=SVR1741597003" \
	-out unknown.csr
openssl x509 -req -in unknown.csr -CA ca.pem -CAkey ca.key -set_serial 0x7777 -days 365 \
	-extfile ca.cnf -extensions server -out unknown.pem 2>/dev/null

openssl ca -config ca.cnf -revoke revoked.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -config ca.cnf -gencrl -out crl.pem 2>/dev/null
openssl crl -in crl.pem -outform DER -out crl.der
openssl ca -config ca.cnf -gencrl -crl_lastupdate 20200101000000Z -crl_nextupdate 20200102000000Z \
	-out crl-stale.pem 2>/dev/null
openssl crl -in crl-stale.pem -outform DER -out crl-stale.der
# a CRL of the days to come, for validation as of then (--at)
openssl ca -config ca.cnf -gencrl -crl_lastupdate "$(date -u -d '+2 days' +%Y%m%d%H%M%SZ)" \
	-crl_nextupdate "$(date -u -d '+9 days' +%Y%m%d%H%M%SZ)" -out crl-later.pem 2>/dev/null
openssl crl -in crl-later.pem -outform DER -out crl-later.der

openssl ca -config ca.cnf -gencrl -crlexts base_ext -out base.pem 2>/dev/null
openssl crl -in base.pem -outform DER -out base.der
base_number=$(openssl crl -in base.pem -noout -crlnumber | sed 's/.*=0x//')
openssl ca -config ca.cnf -revoke late.pem -crl_reason superseded 2>/dev/null
# deltaCRLIndicator has no config syntax in OpenSSL: its DER, an INTEGER.
printf '[delta_ext]\nauthorityKeyIdentifier = keyid\n2.5.29.27 = critical, DER:02:01:%s\n' "$base_number" >>ca.cnf
openssl ca -config ca.cnf -gencrl -crlexts delta_ext -out delta.pem 2>/dev/null
openssl crl -in delta.pem -outform DER -out delta.der

# The intermediates that name the root's CRL, and a leaf under each.
subca () { # NAME CN
	key "$1"
	openssl req -new -key "$1.key" -subj "$DN/CN=$2" -out "$1.csr"
	openssl ca -batch -config ca.cnf -name root -extensions ca_dp_ext -in "$1.csr" -out "$1.pem" \
		-notext 2>/dev/null
	: >"$1.index"
	printf '[ca]\ndefault_ca = sub\n[sub]\ndatabase = %s\ncrlnumber = %s\ndefault_md = sha256\ndefault_crl_days = 1\n' \
		"$PKI/$1.index" "$PKI/$1.crlnumber" >"$1.cnf"
	echo 01 >"$1.crlnumber"
	openssl ca -config "$1.cnf" -gencrl -cert "$1.pem" -keyfile "$1.key" -out "$1.crl.pem" 2>/dev/null
	openssl crl -in "$1.crl.pem" -outform DER -out "$1.der"
	key "$3"
	openssl req -new -key "$3.key" -subj "/C=KR/O=Government of Korea/OU=Group of Server/CN=$4" -out "$3.csr"
	openssl x509 -req -in "$3.csr" -CA "$1.pem" -CAkey "$1.key" -set_serial 0x2000 -days 365 \
		-extfile ca.cnf -extensions plain -out "$3.pem" 2>/dev/null
}
subca ca2 CA131100002 good2 SVR1741597005
subca carev CA131100003 undercarev SVR1741597006
# An intermediate that expired in 2021 over a leaf valid now: an invalid
# verdict must name the intermediate, not leave the user to guess.
key caold
openssl req -new -key caold.key -subj "$DN/CN=CA131100009" -out caold.csr
openssl ca -batch -config ca.cnf -name root -extensions ca_dp_ext -startdate 20200101000000Z \
	-enddate 20210101000000Z -in caold.csr -out caold.pem -notext 2>/dev/null
key underold
openssl req -new -key underold.key -subj "/C=KR/O=Government of Korea/OU=Group of Server/CN=SVR1741597008" \
	-out underold.csr
openssl x509 -req -in underold.csr -CA caold.pem -CAkey caold.key -set_serial 0x3000 -days 365 \
	-extfile ca.cnf -extensions plain -out underold.pem 2>/dev/null
openssl ca -config ca.cnf -name root -revoke carev.pem -crl_reason cACompromise 2>/dev/null
openssl ca -config ca.cnf -name root -gencrl -out root.crl.pem 2>/dev/null
openssl crl -in root.crl.pem -outform DER -out root.der
