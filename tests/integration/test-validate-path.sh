#!/usr/bin/env bash
# inkan validate: the path itself (anchors, intermediates given or fetched
# from AIA caIssuers, time, policy)
# and the command line.
. "$(dirname "$0")/validate-lib.sh"
start_http
cp "$PKI/crl.der" "$TESTDIR/www/ca.crl"
CRL=(--methods crl --crl-url "$CRL_HTTP/ca.crl")

expect 0 "anchors from a directory, DER certificate" -- \
	bash -c 'mkdir -p "$1/anchors" && cp "$2/root.pem" "$1/anchors/" && echo junk >"$1/anchors/README" &&
	openssl x509 -in "$2/good.pem" -outform DER -out "$1/good.der" &&
	"$INKAN" validate "$1/good.der" --anchor "$1/anchors" --chain "$2/ca.pem" --methods crl --crl-url "$3"' \
	_ "$TESTDIR" "$PKI" "$CRL_HTTP/ca.crl"

expect 1 "without the intermediate there is no path" -- \
	"$INKAN" --json validate "$PKI/good.pem" --anchor "$PKI/root.pem" "${CRL[@]}"
contains "invalid, issuer missing" "$(json_get 'r["verdict"], r["why"]')" "('invalid', 'certificate 0 in the path (C=KR, O=Government of Korea, OU=Group of Server, CN=SVR1741597001): unable to get local issuer certificate')"
contains "no method was tried for an invalid path" "$(json_get 'len(r["methods"])')" "0"
contains "the report shows the path as far as it got" "$(json_get '[c["subject"][-16:] for c in r["chain"]]')" \
	"['CN=SVR1741597001']"

cp "$PKI/ca.der" "$TESTDIR/www/ca.der"
expect 0 "the intermediate is fetched from the leaf's AIA caIssuers" -- \
	"$INKAN" --json validate "$PKI/good.pem" --anchor "$PKI/root.pem" "${CRL[@]}"
contains "the chain has the fetched CA" "$(json_get 'len(r["chain"]), r["chain"][1]["subject"][-14:]')" "(3, 'CN=CA131100001')"
contains "each certificate's issuer is the next one's subject, the root its own issuer" \
	"$(json_get '[c["issuer"] for c in r["chain"]] == [c["subject"] for c in r["chain"]][1:] + [r["chain"][-1]["subject"]], r["chain"][0]["issuer"]')" \
	"(True, 'C=KR, O=Government of Korea, OU=GPKI, CN=CA131100001')"
expect 1 "offline, the AIA is not fetched" -- \
	"$INKAN" --json validate "$PKI/good.pem" --anchor "$PKI/root.pem" "${CRL[@]}" --offline
rm "$TESTDIR/www/ca.der"

expect 1 "an anchor that did not issue the path" -- \
	"$INKAN" --json validate "$PKI/good.pem" --anchor "$PKI/ca.pem" --chain "$PKI/root.pem" "${CRL[@]}" --at 2000-01-01
contains "invalid" "$(json_get 'r["verdict"]')" "invalid"

expect 1 "before its notBefore the certificate is invalid (--at)" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" "${CRL[@]}" --at 2001-01-01T00:00:00Z
contains "not yet valid, judged at that time" "$(json_get 'r["why"], r["at"]')" \
	"certificate is not yet valid', '2001-01-01T00:00:00Z')"
contains "the first certificate at fault from the anchor down: the root" "$(json_get 'r["failed"]["depth"]')" "2"

# An invalid verdict names the certificate at fault: here the intermediate, expired while the leaf is valid
OLD_CA="C=KR, O=Government of Korea, OU=GPKI, CN=CA131100009"
expect 1 "an expired intermediate over a valid leaf" -- "$INKAN" --json validate "$PKI/underold.pem" \
	--anchor "$PKI/root.pem" --chain "$PKI/caold.pem" --offline
check "JSON: the certificate at fault, by depth and subject" -- \
	test "$(json_get 'r["verdict"], r["failed"]')" = "('invalid', {'depth': 1, 'subject': '$OLD_CA'})"
contains "JSON: the why names it" "$(json_get 'r["why"]')" "certificate 1 in the path ($OLD_CA): certificate has expired"
expect 1 "the same as text" -- "$INKAN" validate "$PKI/underold.pem" --anchor "$PKI/root.pem" --chain "$PKI/caold.pem" --offline
contains "the verdict line names it" "$OUT" "invalid (certificate 1 in the path ($OLD_CA): certificate has expired)"

expect 1 "after its notAfter the certificate is invalid (--at)" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" "${CRL[@]}" --at "@$(( $(date +%s) + 3 * 365 * 86400 ))"
contains "expired" "$(json_get 'r["why"]')" "expired"

expect 0 "the GPKI server policy is on the path" -- \
	"$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" "${CRL[@]}" --policy 1.2.410.100001.2.1.2
expect 1 "the civil-servant policy is not" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" "${CRL[@]}" --policy 1.2.410.100001.2.2.1
contains "policy failure" "$(json_get 'r["why"]')" "policy"

expect 2 "an unknown method is a usage error" -- "$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" --methods crl,dns
contains "names the method" "$ERR" "dns"
expect 2 "a timeout for an unknown method is a usage error" -- \
	"$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" --timeout dns=100
expect 2 "a malformed time is a usage error" -- "$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" --at yesterday
expect 2 "no certificate is a usage error" -- "$INKAN" validate "${TRUST[@]}"
expect 1 "a file that is not a certificate" -- "$INKAN" validate "$PKI/ca.cnf" "${TRUST[@]}"
finish
