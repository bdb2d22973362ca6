#!/usr/bin/env bash
# inkan cmp against `openssl cmp`'s mock server, the independent CMP
# implementation at hand: MAC and signature protection, every request type
# with keys on SoftHSM2, a rejection, polling, a wrong secret, a CA that
# issues for another key; and against servers that answer garbage or
# vanish.  The mock server listens on all interfaces, so the whole test
# runs in a network namespace of its own.
if [ -z "${INKAN_CMP_NETNS:-}" ]; then
	export INKAN_CMP_NETNS=1
	for ns in "unshare -n" "unshare -rn"; do
		# shellcheck disable=SC2016
		$ns true 2>/dev/null && exec $ns bash -c 'ip link set lo up && exec "$0"' "$0"
	done
	echo "1..0 # SKIP no network namespace of our own (unshare -n)"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
softhsm_token
pkcs11_keygen EC:prime256v1 01 ec
pkcs11_keygen rsa:2048 02 rsa
pkcs11_keygen EC:prime256v1 03 ra
KEY="$TOKEN;object"
cd "$TESTDIR" || exit 2

# A CA with software keys stands behind the mock server: its own CMP
# signing certificate, an RA certificate for the token key "ra", and the
# one certificate the mock hands out, made for whichever token key a case
# enrols.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
	-subj /CN=Mock-CA -days 30 -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout srv.key -out srv.csr \
	-subj /CN=Mock-CMP 2>/dev/null
printf 'keyUsage=critical,digitalSignature\n' >ee.ext
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -out srv.pem \
	-extfile ee.ext 2>/dev/null
issue_for () { # KEYLABEL SUBJECT OUT: a certificate of the CA for a token key
	"$INKAN" pubkey --key "$KEY=$1" --out "$1.pub" &&
	openssl x509 -req -in srv.csr -force_pubkey "$1.pub" -subj "$2" -CA ca.pem -CAkey ca.key \
		-CAcreateserial -days 30 -out "$3" -extfile ee.ext 2>/dev/null
}
issue_for ec /CN=Holder ec.pem
issue_for rsa /CN=Holder rsa.pem
issue_for ra /CN=Counter-RA ra.pem
printf 'counter-secret\n' >mac.pass
printf 'not-the-secret\n' >wrong.pass

PORT=8180
URL=http://127.0.0.1:$PORT/pkix/
MOCK=
mock_stop () {
	[ -n "$MOCK" ] || return 0
	kill "$MOCK" 2>/dev/null
	wait "$MOCK" 2>/dev/null
	MOCK=
}
cleanup_hooks+=(mock_stop)
# mock RSP_CERT [openssl cmp options...]: a fresh mock server.  It answers
# MAC-protected requests with a MAC, signed ones with a signature.
mock () {
	local cert=$1 i
	shift
	mock_stop
	: >mock.log
	openssl cmp -port "$PORT" -srv_ref counter -srv_secret pass:counter-secret -srv_cert srv.pem \
		-srv_key srv.key -srv_trusted ca.pem -rsp_cert "$cert" "$@" >mock.log 2>&1 &
	MOCK=$!
	for i in $(seq 50); do
		grep -q ACCEPT mock.log && return 0
		sleep 0.1
	done
	echo "# the mock server did not start:"; sed 's/^/#   /' mock.log
}
MAC=(--ref counter --secret file:mac.pass)
SIG=(--signer-cert ra.pem --signer-key "$KEY=ra" --trusted ca.pem)

same_key () { # CERT KEYLABEL: the certificate certifies the token key
	cmp <(openssl x509 -noout -pubkey -in "$1") "$2.pub"
}

# --- ir, MAC-protected, the proof of possession signed on the token.
mock ec.pem
expect 0 "ir with MAC protection, EC key on the token" -- "$INKAN" cmp ir --server "$URL" --key "$KEY=ec" \
	--subject /CN=Holder "${MAC[@]}" --pin "$USER_PIN" --out ir-ec.pem
check "the certificate certifies the token key" -- same_key ir-ec.pem ec
check "openssl verify accepts it" -- openssl verify -CAfile ca.pem ir-ec.pem
grep -q "Received request" mock.log
check "the mock server saw the requests" -- test "$(grep -c 'Received request' mock.log)" -ge 2

mock rsa.pem
expect 0 "ir with an RSA key, the certificate on stdout" -- "$INKAN" cmp ir --server "$URL" --key "$KEY=rsa" \
	--subject /CN=Holder --san DNS:holder.example "${MAC[@]}" --pin "$USER_PIN"
printf '%s\n' "$OUT" >ir-rsa.pem
check "it certifies the RSA token key" -- same_key ir-rsa.pem rsa

# A CA that hands out a certificate for another key is not believed.
expect 1 "a certificate for another key is refused" -- "$INKAN" cmp ir --server "$URL" --key "$KEY=ec" \
	--subject /CN=Holder "${MAC[@]}" --pin "$USER_PIN" --out other.pem
contains "the error says so" "$ERR" "issued a certificate for another key"
check "and nothing is written" -- test ! -e other.pem

expect 1 "a wrong MAC secret: the answer's protection does not verify" -- "$INKAN" cmp ir --server "$URL" \
	--key "$KEY=rsa" --subject /CN=Holder --ref counter --secret file:wrong.pass --pin "$USER_PIN"
contains "the error names the protection" "$ERR" "protection of the answer"

# --- cr, p10cr, kur with signature protection by the RA's token key.
mock ec.pem
expect 0 "cr signed by the RA key on the token" -- "$INKAN" cmp cr --server "$URL" --key "$KEY=ec" \
	--subject /CN=Holder "${SIG[@]}" --pin "$USER_PIN" --out cr.pem
check "it certifies the token key" -- same_key cr.pem ec
expect 1 "answers signed by a CA not trusted are refused" -- "$INKAN" cmp cr --server "$URL" --key "$KEY=ec" \
	--subject /CN=Holder --signer-cert ra.pem --signer-key "$KEY=ra" --trusted ra.pem --pin "$USER_PIN"
contains "the error names the protection" "$ERR" "protection of the answer"

"$INKAN" csr --key "$KEY=ec" --subject /CN=Holder --pin "$USER_PIN" --out ec.csr
expect 0 "p10cr for a request made by inkan csr" -- "$INKAN" cmp p10cr --server "$URL" --csr ec.csr \
	"${MAC[@]}" --out p10.pem
check "the certificate is for the request's key" -- same_key p10.pem ec
expect 0 "p10cr signed by the RA" -- "$INKAN" --json cmp p10cr --server "$URL" --csr ec.csr "${SIG[@]}" \
	--pin "$USER_PIN" --out p10s.pem
check "--json reports the status" -- test "$(printf '%s' "$OUT" | jq -r .status)" = accepted

expect 0 "kur signed by the old key, the new certificate imported" -- "$INKAN" cmp kur --server "$URL" \
	--key "$KEY=ec" --cert ec.pem --old-key "$KEY=ec" --trusted ca.pem --pin "$USER_PIN" --out kur.pem --import
contains "it says where it stored the certificate" "$ERR" "type=cert"
expect 0 "the certificate is on the token" -- "$INKAN" cert export "$TOKEN;id=%01;type=cert" \
	--out ontoken.pem --pin "$USER_PIN"
check "beside its key (same CKA_ID), as issued" -- cmp <(openssl x509 -in ontoken.pem -outform DER) \
	<(openssl x509 -in kur.pem -outform DER)

# --- rr.
expect 0 "rr with MAC protection" -- "$INKAN" cmp rr --server "$URL" --cert ec.pem --reason 1 "${MAC[@]}"
contains "it reports the revocation" "$OUT" "revoked"
expect 0 "rr signed by the RA, the certificate taken from the token" -- "$INKAN" cmp rr --server "$URL" \
	--cert "$TOKEN;id=%01;type=cert" "${SIG[@]}" --pin "$USER_PIN"
mock rsa.pem
expect 1 "rr of a certificate the mock does not know is rejected" -- "$INKAN" cmp rr --server "$URL" \
	--cert ec.pem "${MAC[@]}"

# --- A rejection: the status, every failure bit and the CA's text.
mock ec.pem -pkistatus 2 -failurebits $(((1 << 9) | (1 << 10) | (1 << 23))) -statusstring "see the counter"
expect 1 "a rejected ir exits 1" -- "$INKAN" cmp ir --server "$URL" --key "$KEY=ec" --subject /CN=Holder \
	"${MAC[@]}" --pin "$USER_PIN" --out rejected.pem
contains "it names the PKIStatus" "$ERR" "rejection"
contains "every failure bit" "$ERR" "(badPOP, certRevoked, notAuthorized)"
contains "and the CA's text" "$ERR" "see the counter"
one_line "the rejection" "$ERR"
check "no certificate was written" -- test ! -e rejected.pem
expect 1 "--json carries the CA's answer" -- "$INKAN" --json cmp ir --server "$URL" --key "$KEY=ec" \
	--subject /CN=Holder "${MAC[@]}" --pin "$USER_PIN"
check "status, failure bits and text" -- test "$(printf '%s' "$OUT" | jq -c '[.answer.status, .answer.fail_info, .answer.text]')" = \
	'["rejection",["badPOP","certRevoked","notAuthorized"],"see the counter"]'
# The mock's error message says badRequest and "error processing message".
mock ec.pem -send_error
expect 1 "an error message from the CA is a rejection too" -- "$INKAN" cmp rr --server "$URL" --cert ec.pem "${MAC[@]}"
contains "with the error's status, failure bit and text" "$ERR" "rejection (badRequest): error processing message"

# --- Polling: followed while it fits in --timeout.
mock ec.pem -poll_count 2 -check_after 1
expect 0 "ir answered after two polls" -- "$INKAN" cmp ir --server "$URL" --key "$KEY=ec" --subject /CN=Holder \
	"${MAC[@]}" --pin "$USER_PIN" --out polled.pem --timeout 20
check "with the certificate" -- same_key polled.pem ec
check "the client polled" -- test "$(grep -c 'Received request' mock.log)" -ge 4
mock ec.pem -poll_count 10 -check_after 2
expect 3 "polling past --timeout gives up" -- "$INKAN" cmp ir --server "$URL" --key "$KEY=ec" --subject /CN=Holder \
	"${MAC[@]}" --pin "$USER_PIN" --timeout 3
contains "saying how long it waited" "$ERR" "within 3 s"
mock_stop

# --- Servers that cannot be reached, answer garbage or vanish: exit 3, one clear line.
expect 3 "nobody listening" -- "$INKAN" cmp rr --server "$URL" --cert ec.pem "${MAC[@]}" --timeout 1
contains "it says it could not connect" "$ERR" "cannot connect to the CA at $URL"
for mode in garbage html close huge stall; do
	rm -f port
	python3 "$SRCDIR/tests/integration/cmp-hostile.py" "$mode" port &
	hostile=$!
	for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
	expect 3 "a server that answers $mode" -- "$INKAN" cmp ir --server "http://127.0.0.1:$(cat port)/" \
		--key "$KEY=ec" --subject /CN=Holder "${MAC[@]}" --pin "$USER_PIN" --timeout 2
	contains "the $mode answer is named unusable" "$ERR" "answer"
	one_line "the $mode failure" "$ERR"
	kill "$hostile"; wait "$hostile" 2>/dev/null
done

# --- Usage.
expect 2 "no protection" -- "$INKAN" cmp ir --server "$URL" --key "$KEY=ec" --subject /CN=Holder
expect 2 "both protections" -- "$INKAN" cmp rr --server "$URL" --cert ec.pem "${MAC[@]}" "${SIG[@]}"
expect 2 "a bad reason" -- "$INKAN" cmp rr --server "$URL" --cert ec.pem --reason 7 "${MAC[@]}"
expect 2 "kur takes no MAC" -- "$INKAN" cmp kur --server "$URL" --key "$KEY=ec" --cert ec.pem --old-key "$KEY=ec" \
	"${MAC[@]}"
expect 3 "https is not spoken" -- "$INKAN" cmp rr --server https://127.0.0.1/ --cert ec.pem "${MAC[@]}"
expect 2 "a URL with a query" -- "$INKAN" cmp rr --server "http://127.0.0.1/?x=1" --cert ec.pem "${MAC[@]}"

finish
