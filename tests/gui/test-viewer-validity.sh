#!/usr/bin/env bash
# inkan-viewer's Check validity with the user's settings (validate.conf:
# OCSP first, then the CRL) against `openssl ocsp` and a CRL over HTTP of a
# fresh test PKI: good and revoked shown as such, each method in the
# report; the responder killed, the CRL decides and the report says why.
. "$(dirname "$0")/lib-gui.sh"
. "$SRCDIR/tests/integration/lib.sh"
gui_setup
export PCSCLITE_CSOCK_NAME=$TESTDIR/no-pcscd.sock INKAN_CACHE_DIR=
PKI=$TESTDIR/pki
port () { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listening () { python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$1"; }
wait_port () { local i; for i in $(seq 100); do listening "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
OCSP_PORT=$(port)
HTTP_PORT=$(port)
OCSP_URL=http://127.0.0.1:$OCSP_PORT/
CRL_URL=http://127.0.0.1:$HTTP_PORT/ca.crl
OCSP_URL=$OCSP_URL CRL_DP=$CRL_URL "$SRCDIR/tests/pki/validate-pki.sh" "$PKI" >"$TESTDIR/pki.log" 2>&1 ||
	{ cat "$TESTDIR/pki.log"; echo "Bail out! cannot make the test PKI"; exit 1; }
mkdir -p "$TESTDIR/www"
cp "$PKI/crl.der" "$TESTDIR/www/ca.crl"
python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$TESTDIR/www" >"$TESTDIR/http.log" 2>&1 &
HTTP_PID=$!
openssl ocsp -index "$PKI/ca/index.txt" -port "$OCSP_PORT" -CA "$PKI/ca.pem" \
	-rsigner "$PKI/ocsp.pem" -rkey "$PKI/ocsp.key" -ndays 1 >"$TESTDIR/ocsp.log" 2>&1 &
OCSP_PID=$!
cleanup_hooks+=("kill $HTTP_PID $OCSP_PID 2>/dev/null; wait $HTTP_PID $OCSP_PID 2>/dev/null")
check "the CRL server listens" -- wait_port "$HTTP_PORT"
# openssl ocsp serves one connection at a time: a probe would hold it up.
wait_log () { local i; for i in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
check "the OCSP responder listens" -- wait_log "$TESTDIR/ocsp.log" "waiting for OCSP client connections"

# The user's settings: their method order and their anchor.
printf 'methods = ocsp,crl\ntimeout.ocsp = 3000\nanchor = %s\n' "$PKI/root.pem" >"$TESTDIR/validate.conf"
export INKAN_VALIDATE_CONF=$TESTDIR/validate.conf
# A leaf with its CA certificate, as CAs hand them out.
for c in good revoked; do cat "$PKI/$c.pem" "$PKI/ca.pem" >"$TESTDIR/$c-bundle.pem"; done

LC_ALL=C.UTF-8 gui_start "$INKAN_VIEWER" "$TESTDIR/good-bundle.pem"
check "a good certificate: Check validity" -- atspi click "Check validity"
check "the verdict: good" -- atspi contains "Valid: the certificate is good and not revoked."
check "what was asked, expanded" -- atspi click "What was asked"
check "the report: OCSP asked at the responder, and decisive" -- \
	atspi contains "ocsp (certificate 0): good, decisive" "asked: $OCSP_URL"
check "the chain to the anchor" -- atspi contains "Chain to the anchor" "CN=GPKIRootCA1"
gui_shot viewer-validity-good
check "closes cleanly" -- gui_stop

LC_ALL=C.UTF-8 gui_start "$INKAN_VIEWER" "$TESTDIR/revoked-bundle.pem"
check "a revoked certificate: Check validity" -- atspi click "Check validity"
check "the verdict: revoked, with the reason" -- atspi contains "Revoked (keyCompromise)."
check "what was asked, expanded" -- atspi click "What was asked"
check "OCSP said so" -- atspi contains "ocsp (certificate 0): revoked, decisive"
gui_shot viewer-validity-revoked

kill "$OCSP_PID"
wait "$OCSP_PID" 2>/dev/null
check "the responder down: Check validity again" -- atspi click "Check validity"
check "the CRL decides: revoked" -- atspi contains "crl (certificate 0): revoked, decisive" \
	"asked: $CRL_URL"
check "the report says why OCSP did not" -- atspi contains "ocsp (certificate 0): unavailable"
gui_dump
contains "and names the connection" "$SHOWN" "onnect"
gui_shot viewer-validity-fallback
check "closes cleanly" -- gui_stop
finish
