#!/usr/bin/env bash
# What inkan-test-cmp-ca is started with, made fresh by the openssl CLI:
#   make-pki.sh DIR
# Writes to DIR:
# The CAs sign their CMP answers themselves: their keyUsage has
# digitalSignature, without which OpenSSL's client refuses the answer.
#   jpki-ca.pem/.key  a JPKI-style signing CA (RSA-2048, the real DN's shape)
#   npki-ca.pem/.key  an NPKI-style CA (yessign's shape, P-256)
#   ra-root.pem       an RA's own root, for --trust
#   ra.pem/.key       the RA's certificate under it (P-256), to sign requests
#   mac.ref, mac.secret  a MAC reference and its secret (--ref, --secret-file)
set -eu
mkdir -p "$1"
cd "$1"

ca () {
	openssl req -new -x509 -key "$1.key" -subj "$2" -days 3650 -utf8 -out "$1.pem" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
		-addext "subjectKeyIdentifier=hash" 2>/dev/null
}
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out jpki-ca.key 2>/dev/null
ca jpki-ca "/C=JP/O=JPKI/OU=JPKI for digital signature/OU=Japan Agency for Local Authority Information Systems"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out npki-ca.key 2>/dev/null
ca npki-ca "/C=KR/O=yessign/OU=AccreditedCA/CN=yessignCA Class 2"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ra-root.key 2>/dev/null
ca ra-root "/C=JP/O=Example City/CN=Counter RA Root"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ra.key 2>/dev/null
openssl req -new -key ra.key -subj "/C=JP/O=Example City/CN=Counter 1" -out ra.csr 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\n' >ra.ext
openssl x509 -req -in ra.csr -CA ra-root.pem -CAkey ra-root.key -set_serial "0x$(openssl rand -hex 8)" \
	-days 365 -extfile ra.ext -out ra.pem 2>/dev/null
rm -f ra.csr ra.ext
printf 'counter-1\n' >mac.ref
openssl rand -hex 16 >mac.secret
