#!/usr/bin/env bash
# inkan validate: the method order from the configuration file, per profile
# of the leaf, and --methods over it; pinned CAs as trust anchors; the key
# usage the leaf must have, for validate and for the signers of cms verify.
. "$(dirname "$0")/validate-lib.sh"
start_http
cp "$PKI/crl.der" "$TESTDIR/www/ca.crl"
CRL=(--crl-url "$CRL_HTTP/ca.crl")
# Nothing listens on OCSP_PORT (no responder is started): OCSP is unavailable.
export INKAN_VALIDATE_CONF=

attempts () { json_get '[a["method"] for a in r["methods"]]'; }

cat >"$TESTDIR/validate.conf" <<'CONF'
# per profile; the rest by "methods"
methods = crl,ocsp
methods.gpki = scvp,crl
   methods.npki=ocsp,crl
timeout.ocsp = 2000
CONF

expect 0 "a GPKI leaf takes the order of methods.gpki" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" "${CRL[@]}" --config "$TESTDIR/validate.conf"
contains "scvp (nothing to ask), then the CRL decides" "$(attempts)" "['scvp', 'crl']"
contains "the report says where the order came from" \
	"$(json_get 'r["order"]["from"], r["order"]["profile"], r["order"]["line"], r["order"]["file"].endswith("validate.conf")')" \
	"('config', 'gpki', 3, True)"

expect 0 "an NPKI leaf takes the order of methods.npki" -- \
	"$INKAN" --json validate "$PKI/npki.pem" "${TRUST[@]}" "${CRL[@]}" --config "$TESTDIR/validate.conf"
contains "OCSP (unreachable) first, then the CRL" "$(attempts)" "['ocsp', 'crl']"
contains "the OCSP attempt was unavailable" "$(json_get 'r["methods"][0]["outcome"]')" "unavailable"
contains "order from methods.npki" "$(json_get 'r["order"]["profile"], r["order"]["line"]')" "('npki', 4)"

expect 0 "in text, the order names the file, line and profile" -- \
	"$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" "${CRL[@]}" --config "$TESTDIR/validate.conf"
contains "order: scvp,crl from FILE:3 [gpki]" "$OUT" "scvp,crl from $TESTDIR/validate.conf:3 [gpki]"

expect 0 "--methods overrides the configuration" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" "${CRL[@]}" --config "$TESTDIR/validate.conf" --methods crl
contains "only the CRL, from --methods" "$(attempts; json_get 'r["order"]["from"], r["order"]["file"]')" \
	"['crl']
('set', None)"

grep -v gpki "$TESTDIR/validate.conf" >"$TESTDIR/general.conf"
expect 0 "a profile without its line takes \"methods\" (INKAN_VALIDATE_CONF)" -- \
	env INKAN_VALIDATE_CONF="$TESTDIR/general.conf" "$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" "${CRL[@]}"
contains "crl first, from methods, no profile" "$(attempts; json_get 'r["order"]["profile"], r["order"]["line"]')" \
	"['crl']
(None, 2)"

expect 0 "with no configuration, crl,ocsp as before" -- \
	"$INKAN" --json validate "$PKI/npki.pem" "${TRUST[@]}" "${CRL[@]}"
contains "built in" "$(attempts; json_get 'r["order"]["from"]')" "['crl']
builtin"

printf 'methods = ocsp,crl\ntimeout = 5000\ntimeout.ocsp = 400\n' >"$TESTDIR/timeout.conf"
start_silent
expect 0 "timeout.ocsp of the configuration wins over its timeout" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" "${CRL[@]}" --config "$TESTDIR/timeout.conf"
contains "OCSP gave up within its 400 ms" "$(json_get 'r["methods"][0]["outcome"], r["methods"][0]["duration_ms"] < 2000')" \
	"('unavailable', True)"
stop silent

mkdir -p "$TESTDIR/etc"
printf 'methods = crl\n# the anchor beside this file\nanchor = root.pem\n' >"$TESTDIR/etc/validate.conf"
cp "$PKI/root.pem" "$TESTDIR/etc/"
expect 0 "an anchor line, relative to the configuration's directory" -- \
	"$INKAN" validate "$PKI/good.pem" --chain "$PKI/ca.pem" "${CRL[@]}" --config "$TESTDIR/etc/validate.conf"

printf '# GPKI\nmethods = crl\nmethods.gpki = crl,dns\n' >"$TESTDIR/bad.conf"
expect 2 "a malformed configuration is a usage error" -- \
	"$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" "${CRL[@]}" --config "$TESTDIR/bad.conf"
contains "it names the file, the line and the fault" "$ERR" "$TESTDIR/bad.conf:3: unknown method \"dns\""
printf 'methods = crl\nmethod.npki = crl\n' >"$TESTDIR/bad.conf"
expect 2 "an unknown setting is refused" -- \
	env INKAN_VALIDATE_CONF="$TESTDIR/bad.conf" "$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" "${CRL[@]}"
contains "named with its line" "$ERR" "bad.conf:2: unknown setting \"method.npki\""
printf 'methods = crl\nmethods = ocsp\n' >"$TESTDIR/bad.conf"
expect 2 "a setting given twice is refused" -- \
	"$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" --config "$TESTDIR/bad.conf"
contains "both lines named" "$ERR" "bad.conf:2: \"methods\" was already set on line 1"
expect 2 "even when --methods would override it" -- \
	"$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" --config "$TESTDIR/bad.conf" --methods crl
expect 3 "a --config that is not there" -- \
	"$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" --config "$TESTDIR/none.conf"

# Pinned CAs as anchors: the root comes as an intermediate, --anchor is not given.
fp () { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }
printf 'sha256 %s GPKI test root\n' "$(fp "$PKI/root.pem")" >"$TESTDIR/root.pins"
printf 'sha256 %s only the CA\n' "$(fp "$PKI/ca.pem")" >"$TESTDIR/wrong.pins"
PINNED=(--chain "$PKI/ca.pem" --chain "$PKI/root.pem" --methods crl "${CRL[@]}")
expect 0 "a pinned self-signed CA from --chain is the anchor" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${PINNED[@]}" --anchor-pins "$TESTDIR/root.pins"
contains "the report names the pin" "$(json_get 'r["verdict"], r["anchor_pin"], len(r["chain"])')" \
	"('good', 'GPKI test root', 3)"
expect 0 "in text too" -- "$INKAN" validate "$PKI/good.pem" "${PINNED[@]}" --anchor-pins "$TESTDIR/root.pins"
contains "trusted by the pin" "$OUT" "trusted by the pin \"GPKI test root\""
expect 1 "a self-signed CA no pin names is no anchor" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${PINNED[@]}" --anchor-pins "$TESTDIR/wrong.pins"
contains "invalid, and why" "$(json_get 'r["verdict"], r["why"], r["anchor_pin"]')" \
	"('invalid', 'certificate 2 in the path (C=KR, O=Government of Korea, OU=GPKI, CN=GPKIRootCA1): the self-signed certificate is not a trust anchor: NOT pinned: a self-signed CA certificate, but no pin has its fingerprint', None)"
expect 1 "without pins it is no anchor either" -- "$INKAN" --json validate "$PKI/good.pem" "${PINNED[@]}"
contains "OpenSSL's reason" "$(json_get 'r["why"]')" "self-signed certificate in certificate chain"
expect 0 "a configured anchor is not reported as pinned" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" --methods crl "${CRL[@]}" --anchor-pins "$TESTDIR/root.pins"
contains "no pin" "$(json_get 'r["anchor_pin"]')" "None"
# A pin on a certificate that is not a CA does not make it one.
printf 'sha256 %s a leaf\n' "$(fp "$PKI/good.pem")" >"$TESTDIR/leaf.pins"
expect 1 "a pinned leaf is no anchor" -- \
	"$INKAN" --json validate "$PKI/good.pem" --chain "$PKI/ca.pem" --methods crl "${CRL[@]}" --anchor-pins "$TESTDIR/leaf.pins"

# Key usage: enc.pem may only encipher keys.
expect 0 "without a purpose the key usage is not asked about" -- \
	"$INKAN" validate "$PKI/enc.pem" "${TRUST[@]}" --methods crl "${CRL[@]}"
expect 1 "--purpose sign: a key for encipherment only is invalid" -- \
	"$INKAN" --json validate "$PKI/enc.pem" "${TRUST[@]}" --methods crl "${CRL[@]}" --purpose sign
contains "the reason names the usage" "$(json_get 'r["verdict"], r["why"], len(r["methods"])')" \
	"('invalid', 'certificate 0 in the path (C=KR, O=Government of Korea, OU=Group of Server, CN=SVR1741597007): the key usage (keyEncipherment) allows no signatures: digitalSignature or nonRepudiation is required', 0)"
expect 0 "--purpose sign: good.pem has digitalSignature" -- \
	"$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" --methods crl "${CRL[@]}" --purpose sign
expect 1 "--purpose auth: no clientAuth needed without EKU, but the OCSP responder's has OCSPSigning only" -- \
	"$INKAN" --json validate "$PKI/ocsp.pem" "${TRUST[@]}" --methods crl "${CRL[@]}" --purpose auth
contains "names clientAuth" "$(json_get 'r["why"]')" "clientAuth"
expect 0 "--purpose auth: good.pem (digitalSignature, no EKU)" -- \
	"$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" --methods crl "${CRL[@]}" --purpose auth
expect 2 "an unknown purpose is a usage error" -- \
	"$INKAN" validate "$PKI/good.pem" "${TRUST[@]}" --purpose encrypt

# A signer must be able to sign: cms verify asks it of the engine.
echo "document" >"$TESTDIR/doc"
for who in good enc; do
	openssl cms -sign -binary -nodetach -in "$TESTDIR/doc" -signer "$PKI/$who.pem" -inkey "$PKI/$who.key" \
		-outform DER -out "$TESTDIR/$who.p7" 2>/dev/null
done
expect 0 "cms verify: the signer is good, anchored by a pin" -- \
	"$INKAN" cms verify --in "$TESTDIR/good.p7" "${PINNED[@]}" --anchor-pins "$TESTDIR/root.pins"
expect 1 "cms verify: a signer whose key may not sign is refused" -- \
	"$INKAN" cms verify --in "$TESTDIR/enc.p7" "${PINNED[@]}" --anchor-pins "$TESTDIR/root.pins"
contains "with the reason" "$ERR" "allows no signatures"
expect 0 "cms verify --purpose any lets it through" -- \
	"$INKAN" cms verify --in "$TESTDIR/enc.p7" "${PINNED[@]}" --anchor-pins "$TESTDIR/root.pins" --purpose any
finish
