#!/usr/bin/env bash
# inkan validate by OCSP against openssl ocsp: good, revoked, unknown,
# caching, responder down, wrong signer, a replayed answer, a responder
# that never answers, garbage.
. "$(dirname "$0")/validate-lib.sh"
start_http
cp "$PKI/crl.der" "$TESTDIR/www/ca.crl"
start_ocsp ocsp

expect 0 "a good certificate is good by OCSP (the AIA responder)" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" --methods ocsp
contains "the verdict is good" "$(json_get 'r["verdict"]')" "good"
contains "OCSP was asked at the AIA URL and decided" \
	"$(json_get '[(m["method"], m["url"], m["outcome"], m["decisive"]) for m in r["methods"]]')" \
	"[('ocsp', '$OCSP_URL', 'good', True)]"
contains "the chain runs from the leaf to the anchor" "$(json_get '[c["subject"][-16:] for c in r["chain"]]')" \
	"['CN=SVR1741597001', ', CN=CA131100001', ', CN=GPKIRootCA1']"

expect 1 "a revoked certificate is revoked by OCSP" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods ocsp
contains "revoked, keyCompromise" "$(json_get 'r["verdict"], r["reason"]')" "('revoked', 'keyCompromise')"

expect 1 "a certificate the CA never recorded is unknown by OCSP" -- \
	"$INKAN" --json validate "$PKI/unknown.pem" "${TRUST[@]}" --methods ocsp
contains "the verdict is unknown" "$(json_get 'r["verdict"]')" "unknown"

expect 0 "OCSP unknown falls through to the CRL" -- \
	"$INKAN" --json validate "$PKI/unknown.pem" "${TRUST[@]}" --methods ocsp,crl --crl-url "$CRL_HTTP/ca.crl"
contains "ocsp said unknown, the CRL decided" \
	"$(json_get '[(m["method"], m["outcome"], m["decisive"]) for m in r["methods"]]')" \
	"[('ocsp', 'unknown', False), ('crl', 'good', True)]"

openssl ocsp -issuer "$PKI/ca.pem" -cert "$PKI/good.pem" -url "$OCSP_URL" -respout "$TESTDIR/old.der" \
	-noverify >/dev/null 2>&1
stop ocsp
expect 0 "a cached good answer serves while the responder is down" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" --methods ocsp
contains "the answer came from the cache" "$(json_get 'r["methods"][0]["cached"], r["verdict"]')" "(True, 'good')"
expect 3 "--at three days on, the cached answer (one day long) is stale" -- "$INKAN" --json validate "$PKI/good.pem" \
	"${TRUST[@]}" --methods ocsp --offline --at "$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)"
contains "and is not taken" "$(json_get 'r["verdict"], r["methods"][0]["cached"]')" "('unavailable', False)"

expect 1 "responder down: the CRL decides a revoked certificate" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods ocsp,crl --crl-url "$CRL_HTTP/ca.crl"
contains "ocsp unavailable, crl revoked" \
	"$(json_get '[(m["method"], m["outcome"]) for m in r["methods"]]')" \
	"[('ocsp', 'unavailable'), ('crl', 'revoked')]"
contains "the report says why OCSP was skipped" "$(json_get 'r["methods"][0]["why"]')" "connect"

expect 3 "responder down and OCSP alone: nothing could be asked" -- \
	"$INKAN" validate "$PKI/revoked.pem" "${TRUST[@]}" --methods ocsp
contains "the text report says unavailable" "$OUT" "verdict:  unavailable"

start_ocsp rogue
expect 3 "a response signed without id-kp-OCSPSigning is not believed" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods ocsp --no-cache
contains "the report names the unauthorised signer" "$(json_get 'r["methods"][0]["why"]')" \
	"not signed by the CA or a responder it authorised"
expect 1 "wrong signer: the CRL decides" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods ocsp,crl --crl-url "$CRL_HTTP/ca.crl"
contains "crl decided revoked" "$(json_get 'r["methods"][-1]["outcome"], r["verdict"]')" "('revoked', 'revoked')"
stop ocsp

start_replay "$TESTDIR/old.der"
expect 3 "a replayed answer (another request's nonce) is not believed" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" --methods ocsp --no-cache
contains "the report says the nonce is not ours" "$(json_get 'r["methods"][0]["why"]')" "nonce is not ours"
stop replay

printf 'not DER at all' >"$TESTDIR/garbage.der"
start_replay "$TESTDIR/garbage.der"
expect 3 "a body that is not an OCSP response decides nothing" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" --methods ocsp --no-cache
contains "the report says so" "$(json_get 'r["methods"][0]["why"]')" "not an OCSP response"
stop replay

start_silent
SECONDS=0
expect 1 "a responder that never answers times out, then the CRL decides" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods ocsp,crl --crl-url "$CRL_HTTP/ca.crl" \
	--timeout ocsp=1000 --no-cache
contains "ocsp timed out" "$(json_get 'r["methods"][0]["why"]')" "timed out"
check "the timeout was kept (under 5 s in all)" -- test "$SECONDS" -lt 5
contains "crl decided revoked" "$(json_get 'r["methods"][1]["outcome"]')" "revoked"

expect 3 "the total deadline stops the methods after it" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods ocsp,crl --crl-url "$CRL_HTTP/ca.crl" \
	--timeout 3000 --deadline 1000 --no-cache
contains "the CRL was not asked after the deadline" "$(json_get 'r["methods"][1]["why"]')" "deadline"
finish
