#!/usr/bin/env bash
# The validation engine behind the signature checks: a revoked signer of CMS,
# of evidence, or of a view token is refused, and said to be revoked.
. "$(dirname "$0")/validate-lib.sh"
start_http
softhsm_token
printf 'certified e-document\n' >"$TESTDIR/doc"

# openssl ca with the test PKI's configuration (it reads these from the environment).
pki_ca () { (cd "$PKI" && PKI=$PKI OCSP_URL=$OCSP_URL CRL_DP=$CRL_DP DELTA_URL=$CRL_HTTP/delta.crl \
	CA_ISSUERS_URL=$CRL_HTTP/ca.der ROOT_CRL_URL=$CRL_HTTP/root.crl openssl ca -config ca.cnf "$@" 2>"$TESTDIR/ca.log") || cat "$TESTDIR/ca.log"; }

# A token key certified by the GPKI-style CA: the hub.
"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label hub --pin "$USER_PIN" >/dev/null
"$INKAN" csr --key "$TOKEN;object=hub" --subject "/C=KR/O=Government of Korea/OU=Group of Server/CN=SVR1741597009" \
	--out "$TESTDIR/hub.csr" --pin "$USER_PIN"
pki_ca -batch -extensions server -in "$TESTDIR/hub.csr" -out "$TESTDIR/hub.pem" -notext
cp "$PKI/crl.der" "$TESTDIR/www/ca.crl"
CHECK=(--anchor "$PKI/root.pem" --chain "$PKI/ca.pem" --methods crl --crl-url "$CRL_HTTP/ca.crl" --no-cache)

# CMS by openssl with the GPKI-style leaves' software keys.
for who in good revoked; do
	openssl cms -sign -binary -nodetach -in "$TESTDIR/doc" -signer "$PKI/$who.pem" -inkey "$PKI/$who.key" \
		-certfile "$PKI/ca.pem" -outform DER -out "$TESTDIR/$who.p7"
done
expect 0 "cms verify: a good signer passes by CRL" -- "$INKAN" --json cms verify --in "$TESTDIR/good.p7" "${CHECK[@]}"
contains "and the report says good" "$OUT" '"signer_status": "good"'
expect 1 "cms verify: a revoked signer is refused" -- "$INKAN" cms verify --in "$TESTDIR/revoked.p7" "${CHECK[@]}"
contains "as revoked, with the reason" "$ERR" "revoked (keyCompromise)"
expect 0 "without --methods, only the path is checked" -- "$INKAN" cms verify --in "$TESTDIR/revoked.p7" \
	--anchor "$PKI/root.pem" --chain "$PKI/ca.pem"

# Evidence and a view token by the hub, before and after its revocation.
"$INKAN" evidence issue --kind original --issuer centre --document "$TESTDIR/doc" --key "$TOKEN;object=hub" \
	--cert "$TESTDIR/hub.pem" --out "$TESTDIR/orig.p7" --pin "$USER_PIN"
"$INKAN" evidence issue --kind distribution --issuer hub --document "$TESTDIR/doc" --key "$TOKEN;object=hub" \
	--cert "$TESTDIR/hub.pem" --out "$TESTDIR/dist.p7" --pin "$USER_PIN"
"$INKAN" token issue --key "$TOKEN;object=hub" --cert "$TESTDIR/hub.pem" --recipient a@b --document "$TESTDIR/doc" \
	--pin "$USER_PIN" >"$TESTDIR/tok"
expect 0 "evidence passes while the hub is good" -- "$INKAN" evidence verify --document "$TESTDIR/doc" \
	--original "$TESTDIR/orig.p7" --distribution "$TESTDIR/dist.p7" "${CHECK[@]}"
expect 0 "the token passes while the hub is good" -- "$INKAN" token verify "@$TESTDIR/tok" --document "$TESTDIR/doc" \
	--issuer-cert "$TESTDIR/hub.pem" "${CHECK[@]}"

pki_ca -revoke "$TESTDIR/hub.pem" -crl_reason keyCompromise
pki_ca -gencrl -out "$TESTDIR/new.crl"
openssl crl -in "$TESTDIR/new.crl" -outform DER -out "$TESTDIR/www/ca.crl"
expect 1 "evidence with a revoked signer fails" -- "$INKAN" --json evidence verify --document "$TESTDIR/doc" \
	--original "$TESTDIR/orig.p7" --distribution "$TESTDIR/dist.p7" "${CHECK[@]}"
check "named: both signer checks" -- python3 -c '
import json, sys
r = json.loads(sys.argv[1])
failed = sorted(c["check"] for c in r["checks"] if c["result"] == "failed")
assert failed == ["distribution-signer", "original-signer"], failed
assert "revoked" in [c for c in r["checks"] if c["check"] == "original-signer"][0]["detail"]' "$OUT"
expect 1 "a token from a revoked issuer fails" -- "$INKAN" --json token verify "@$TESTDIR/tok" \
	--document "$TESTDIR/doc" --issuer-cert "$TESTDIR/hub.pem" "${CHECK[@]}"
contains "reason: issuer-certificate" "$OUT" '"reason": "issuer-certificate"'
contains "the detail says revoked" "$OUT" "revoked (keyCompromise)"
finish
