#!/usr/bin/env bash
# inkan validate by SCVP (RFC 5055) against the test responder: good,
# revoked, unknown, a response signed by the wrong key, a replayed nonce.
. "$(dirname "$0")/validate-lib.sh"
start_http
cp "$PKI/crl.der" "$TESTDIR/www/ca.crl"
SCVP=(--methods scvp --scvp-url "$SCVP_URL" --scvp-cert "$PKI/scvp.pem")
start_scvp scvp

expect 0 "a good certificate is good by SCVP" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" "${SCVP[@]}"
contains "scvp decided good at the configured URL" \
	"$(json_get '[(m["method"], m["url"], m["outcome"], m["decisive"]) for m in r["methods"]]')" \
	"[('scvp', '$SCVP_URL', 'good', True)]"

expect 1 "a revoked certificate is revoked by SCVP" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" "${SCVP[@]}"
contains "revoked, and the answer gives the reply status" "$(json_get 'r["verdict"], r["methods"][0]["answer"]')" \
	"('revoked', 'replyStatus 6, status-checked path 1')"

expect 1 "a certificate the server cannot place is unknown" -- \
	"$INKAN" --json validate "$PKI/unknown.pem" "${TRUST[@]}" "${SCVP[@]}"
contains "unknown" "$(json_get 'r["verdict"]')" "unknown"

expect 3 "SCVP without the server certificate is not asked" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" --methods scvp --scvp-url "$SCVP_URL"
contains "the report says what is missing" "$(json_get 'r["methods"][0]["why"]')" "server certificate"
stop scvp

start_scvp rogue
expect 3 "a CVResponse signed by another key is not believed" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" "${SCVP[@]}"
contains "the report says who should have signed" "$(json_get 'r["methods"][0]["why"]')" \
	"not signed by the configured SCVP server"
expect 1 "then the CRL decides (scvp,crl)" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods scvp,crl --scvp-url "$SCVP_URL" \
	--scvp-cert "$PKI/scvp.pem" --crl-url "$CRL_HTTP/ca.crl"
contains "scvp unavailable, crl revoked" "$(json_get '[(m["method"], m["outcome"]) for m in r["methods"]]')" \
	"[('scvp', 'unavailable'), ('crl', 'revoked')]"
stop scvp

AT=$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)
start_scvp scvp
expect 0 "--at: the server judges as of that time" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" "${SCVP[@]}" --at "$AT"
contains "good, decided" "$(json_get 'r["verdict"], r["methods"][0]["decisive"]')" "('good', True)"
stop scvp
start_scvp scvp now
expect 3 "--at: an answer as of another time decides nothing" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" "${SCVP[@]}" --at "$AT"
contains "the report says so" "$(json_get 'r["methods"][0]["why"]')" "not as of the time asked"
stop scvp

start_scvp scvp bad-nonce
expect 3 "a CVResponse with another nonce (a replay) is not believed" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" "${SCVP[@]}"
contains "the report says nonce" "$(json_get 'r["methods"][0]["why"]')" "nonce"
finish
