#!/usr/bin/env bash
# inkan validate by CRL over HTTP: good, revoked, stale, cached, offline,
# delta CRLs, bodies that are not CRLs, revoked and unreachable CA certificates.
. "$(dirname "$0")/validate-lib.sh"
start_http
cp "$PKI/crl.der" "$TESTDIR/www/ca.crl"
cp "$PKI/crl-stale.der" "$TESTDIR/www/stale.crl"

expect 0 "a good certificate is good by CRL" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/ca.crl"
contains "crl decided good, fetched" \
	"$(json_get '[(m["method"], m["outcome"], m["cached"]) for m in r["methods"]]')" "[('crl', 'good', False)]"

expect 1 "a revoked certificate is revoked by CRL" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/ca.crl"
contains "revoked, keyCompromise, with a time" "$(json_get 'r["verdict"], r["reason"], len(r["revoked_at"])')" \
	"('revoked', 'keyCompromise', 20)"

expect 1 "the cached CRL decides offline" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/ca.crl" --offline
contains "from the cache" "$(json_get 'r["methods"][0]["cached"], r["verdict"]')" "(True, 'revoked')"

expect 3 "offline with nothing cached: nothing could be asked" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/other.crl" --offline
contains "the report says offline" "$(json_get 'r["methods"][0]["why"]')" "offline"

expect 3 "a stale CRL decides nothing" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/stale.crl"
contains "the report says stale" "$(json_get 'r["methods"][0]["why"]')" "stale (nextUpdate 2020-01-02"

# --at judges the CRL too: the current CRL (one day long) is stale three days on,
# and one issued two days on serves three days on
LATER=$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)
expect 3 "--at three days on: the current CRL is stale then" -- "$INKAN" --json validate "$PKI/revoked.pem" \
	"${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/ca.crl" --no-cache --at "$LATER"
contains "the report says stale" "$(json_get 'r["methods"][0]["why"]')" "the CRL is stale"
cp "$PKI/crl-later.der" "$TESTDIR/www/later.crl"
expect 1 "--at three days on: that day's CRL decides" -- "$INKAN" --json validate "$PKI/revoked.pem" \
	"${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/later.crl" --at "$LATER"
contains "revoked by it" "$(json_get 'r["verdict"], r["methods"][0]["outcome"]')" "('revoked', 'revoked')"
expect 1 "--at three days on: and from the cache, offline" -- "$INKAN" --json validate "$PKI/revoked.pem" \
	"${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/later.crl" --offline --at "$LATER"
contains "the cached CRL, judged then" "$(json_get 'r["methods"][0]["cached"], r["verdict"]')" "(True, 'revoked')"

# --crl FILE: local CRLs first, offline and without the cache too; reported as file:
expect 1 "--crl FILE decides, offline, without the cache" -- "$INKAN" --json validate "$PKI/revoked.pem" \
	"${TRUST[@]}" --methods crl --crl "$PKI/crl.der" --offline --no-cache
check "method crl, from file:, not cached" -- test "$(json_get '[(m["method"], m["url"], m["outcome"], m["cached"]) for m in r["methods"]]')" = \
	"[('crl', 'file:$PKI/crl.der', 'revoked', False)]"
expect 0 "--crl FILE (PEM) says a good certificate is good" -- "$INKAN" --json validate "$PKI/good.pem" \
	"${TRUST[@]}" --methods crl --crl "$PKI/crl.pem" --offline --no-cache
contains "from the PEM file" "$(json_get 'r["methods"][0]["url"], r["verdict"]')" "('file:$PKI/crl.pem', 'good')"
expect 1 "--crl repeated: the stale file is passed over for the current one" -- "$INKAN" --json validate \
	"$PKI/revoked.pem" "${TRUST[@]}" --methods crl --crl "$PKI/crl-stale.der" --crl "$PKI/crl.der" --offline --no-cache
contains "the current one decided" "$(json_get 'r["methods"][0]["url"]')" "file:$PKI/crl.der"
expect 3 "--crl with only a stale file, offline: nothing decides" -- "$INKAN" --json validate "$PKI/revoked.pem" \
	"${TRUST[@]}" --methods crl --crl "$PKI/crl-stale.der" --offline --no-cache
contains "and the report says which file and why" "$(json_get 'r["methods"][0]["why"]')" \
	"file:$PKI/crl-stale.der: the CRL is stale"
expect 1 "--crl with --at: the file of that day decides" -- "$INKAN" --json validate "$PKI/revoked.pem" \
	"${TRUST[@]}" --methods crl --crl "$PKI/crl-later.der" --offline --no-cache --at "$LATER"
expect 0 "--crl of another CA is not asked: the URL decides" -- "$INKAN" --json validate "$PKI/good.pem" \
	"${TRUST[@]}" --methods crl --crl "$PKI/root.der" --crl-url "$CRL_HTTP/ca.crl"
contains "by its URL" "$(json_get 'r["methods"][0]["url"]')" "$CRL_HTTP/ca.crl"
expect 1 "--crl of a file that is no CRL" -- "$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" --crl "$PKI/good.pem"
contains "says so" "$ERR" "is not a CRL"

printf 'garbage' >"$TESTDIR/www/not-a-crl"
expect 3 "a body that is not a CRL decides nothing" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/not-a-crl"
contains "the report says so" "$(json_get 'r["methods"][0]["why"]')" "not a CRL"

openssl crl -in "$PKI/crl.der" -inform DER -out "$TESTDIR/www/tampered.crl" -outform DER
python3 - "$TESTDIR/www/tampered.crl" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[-3] ^= 0x55; open(p, "wb").write(b)
PY
expect 3 "a CRL whose signature does not verify decides nothing" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/tampered.crl"
contains "the report says the signature failed" "$(json_get 'r["methods"][0]["why"]')" "signature"

expect 3 "a missing CRL (HTTP 404) decides nothing" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/missing.crl"
contains "the report gives the status" "$(json_get 'r["methods"][0]["why"]')" "404"
cp "$PKI/base.der" "$TESTDIR/www/base.crl"
expect 0 "the base CRL alone does not list a certificate revoked after it" -- \
	"$INKAN" --json validate "$PKI/late.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/base.crl" --no-cache
contains "the report says the delta was not used, and why" "$(json_get 'r["verdict"], r["methods"][0]["why"]')" \
	"('good', 'delta CRL unusable (HTTP status 404); base used alone')"
cp "$PKI/delta.der" "$TESTDIR/www/delta.crl"
expect 1 "the delta CRL the base names adds the later revocation" -- \
	"$INKAN" --json validate "$PKI/late.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/base.crl" --no-cache
contains "revoked, superseded, counted from base and delta" \
	"$(json_get 'r["verdict"], r["reason"], r["methods"][0]["answer"]')" "('revoked', 'superseded', 'revoked on"
expect 1 "a certificate listed in base and delta is revoked" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/base.crl" --no-cache
expect 0 "and a good certificate stays good" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/base.crl" --no-cache
contains "the answer counts base and delta" "$(json_get 'r["methods"][0]["answer"]')" "(base and delta)"
cp "$PKI/crl.der" "$TESTDIR/www/delta.crl"
expect 0 "a full CRL where the delta should be is not used as one" -- \
	"$INKAN" --json validate "$PKI/late.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/base.crl" --no-cache
contains "the report says it does not belong" "$(json_get 'r["methods"][0]["why"]')" "does not belong"
# The CA certificates of the path are checked too, through their own CRL
# distribution point (the root's CRL), never the --crl-url meant for the leaf.
cp "$PKI/ca2.der" "$TESTDIR/www/ca2.crl"
cp "$PKI/carev.der" "$TESTDIR/www/carev.crl"
ROOT_ONLY=(--anchor "$PKI/root.pem" --methods crl --no-cache)
expect 3 "a CA certificate whose CRL cannot be fetched leaves the leaf unsettled" -- \
	"$INKAN" --json validate "$PKI/good2.pem" "${ROOT_ONLY[@]}" --chain "$PKI/ca2.pem" --crl-url "$CRL_HTTP/ca2.crl"
contains "the report names the CA certificate and its own CRL URL" \
	"$(json_get 'r["verdict"], r["why"], [(m["depth"], m["url"], m["outcome"]) for m in r["methods"]]')" \
	"('unavailable', 'no revocation method could be asked about CA certificate 1 of the path', [(0, '$CRL_HTTP/ca2.crl', 'good'), (1, '$CRL_HTTP/root.crl', 'unavailable')])"
cp "$PKI/root.der" "$TESTDIR/www/root.crl"
expect 0 "a leaf under a good CA certificate is good once the root's CRL is there" -- \
	"$INKAN" --json validate "$PKI/good2.pem" "${ROOT_ONLY[@]}" --chain "$PKI/ca2.pem" --crl-url "$CRL_HTTP/ca2.crl"
contains "both certificates were asked about" \
	"$(json_get '[(m["depth"], m["outcome"], m["decisive"]) for m in r["methods"]]')" \
	"[(0, 'good', True), (1, 'good', True)]"
expect 1 "a good leaf under a revoked CA certificate is revoked" -- \
	"$INKAN" --json validate "$PKI/undercarev.pem" "${ROOT_ONLY[@]}" --chain "$PKI/carev.pem" \
	--crl-url "$CRL_HTTP/carev.crl"
contains "revoked, cACompromise, and the report says it was the CA" \
	"$(json_get 'r["verdict"], r["reason"], r["why"]')" \
	"('revoked', 'cACompromise', 'CA certificate 1 of the path is revoked')"
expect 0 "a CA certificate that names no CRL is not asked about (the GPKI-style CA above)" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" --methods crl --crl-url "$CRL_HTTP/ca.crl"
contains "only the leaf was asked about" "$(json_get '[m["depth"] for m in r["methods"]]')" "[0]"
expect 1 "a revoked CA certificate is named in the text report" -- \
	"$INKAN" validate "$PKI/undercarev.pem" "${ROOT_ONLY[@]}" --chain "$PKI/carev.pem" --crl-url "$CRL_HTTP/carev.crl"
contains "the method line shows which certificate" "$OUT" "[1] crl: revoked, decisive"

finish
