#!/usr/bin/env bash
# inkand's reading of requests: Content-Length headers that differ are a
# 400 and the connection's end; a body member no endpoint knows (a misspelt
# option) is a 400 that names it, not a signature made with the default;
# /readyz says not ready when the audit log's disk is full, before any
# append fails.
. "$(dirname "$0")/lib.sh"
softhsm_token
T=$TESTDIR
SOCK=$T/inkand.sock
ME=unix:$(id -un)
pkcs11_keygen EC:prime256v1 01 ec
printf 'to be signed\n' | base64 -w0 >"$T/data.b64"

# config FILE [AUDIT-DIR]: a UNIX listener and one key, the log in AUDIT-DIR ($T by default)
config () {
	jq -n --arg sock "$SOCK" --arg tok "$TOKEN" --arg t "$T" --arg me "$ME" --arg mod "$SOFTHSM_MODULE" \
		--arg log "${2:-$T}/audit.db" '{
		listen: [{unix: $sock}], module: $mod, token: $tok, pin: "file:\($t)/user.pin",
		pin_record_dir: "\($t)/pin", workers: 1, audit: {path: $log},
		keys: {ec: {uri: "\($tok);object=ec"}}, clients: {($me): {keys: {ec: ["sign", "cms-sign", "token-issue", "verify"]}}}}' >"$1"
}
. "$(dirname "$0")/inkand-lib.sh"
# req PATH JSON: $STATUS and $BODY
req () {
	STATUS=$(curl -s --max-time 30 --unix-socket "$SOCK" -o "$T/body" -w '%{http_code}' \
		-H 'Content-Type: application/json' --data-binary "$2" "http://inkand$1")
	BODY=$(cat "$T/body")
}

config "$T/inkand.json"
check "inkand starts" -- start "$T/inkand.json"

# ---- Content-Length ----
# raw REQUEST: sends REQUEST as it is; the answers' status lines, and
# "closed" when inkand closed the connection.
raw () {
	python3 - "$SOCK" "$1" <<'PY'
import re, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode().decode('unicode_escape').encode('latin-1'))
got = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            got += b"\nclosed"
            break
        got += chunk
except socket.timeout:
    pass
print(" ".join(re.findall(r"HTTP/1\.1 (\d{3})", got.decode("latin-1"))), "closed" if got.endswith(b"closed") else "open")
PY
}
body='{"key": "ec", "data": "'"$(cat "$T/data.b64")"'"}'
len=${#body}
OUT=$(raw "POST /v1/sign HTTP/1.1\r\nHost: inkand\r\nContent-Type: application/json\r\nContent-Length: $len\r\nContent-Length: $((len + 40))\r\n\r\n$body")
check "two Content-Length headers that differ: 400, and the connection closed ($OUT)" -- test "$OUT" = "400 closed"
OUT=$(raw "POST /v1/sign HTTP/1.1\r\nHost: inkand\r\nContent-Type: application/json\r\nContent-Length: $len\r\nContent-Length: $len\r\n\r\n$body")
check "two that agree are one length: 200 ($OUT)" -- test "${OUT%% *}" = 200

# ---- unknown members ----
req /v1/sign '{"key": "ec", "data": "'"$(cat "$T/data.b64")"'", "fromat": "raw"}'
contains "/v1/sign with a misspelt \"format\": 400" "$STATUS" 400
contains "naming the member" "$(jq -r .message <<<"$BODY")" 'unknown member "fromat"'
req /v1/sign '{"key": "ec", "data": "'"$(cat "$T/data.b64")"'", "format": "raw"}'
contains "spelt right: 200" "$STATUS" 200
check "and raw (64 bytes r||s)" -- test "$(jq -r .signature <<<"$BODY" | base64 -d | wc -c)" = 64
for ep in "/v1/cms/sign detahced" "/v1/token/issue recipent" "/v1/verify sheme"; do
	set -- $ep
	req "$1" '{"key": "ec", "data": "'"$(cat "$T/data.b64")"'", "'"$2"'": true}'
	contains "$1 with \"$2\": 400" "$STATUS" 400
	contains "naming it" "$(jq -r .message <<<"$BODY")" "unknown member \"$2\""
done
check "inkand exits 0 on SIGTERM" -- stop

# ---- /readyz and a full disk ----
mkdir "$T/disk"
if ! mount -t tmpfs -o size=4m tmpfs "$T/disk" 2>/dev/null; then
	skip "readyz on a full disk: cannot mount a small tmpfs here (not root)"
	finish
	exit
fi
cleanup_hooks+=('umount "$T/disk" 2>/dev/null')
config "$T/full.json" "$T/disk"
check "inkand starts with its log on a 4 MiB file system" -- start "$T/full.json"
STATUS=$(curl -s --unix-socket "$SOCK" -o "$T/body" -w '%{http_code}' http://inkand/readyz)
contains "readyz: 200 with room" "$STATUS" 200
dd if=/dev/zero of="$T/disk/fill" bs=64k 2>/dev/null
STATUS=$(curl -s --unix-socket "$SOCK" -o "$T/body" -w '%{http_code}' http://inkand/readyz)
contains "the disk full: readyz 503 before any append failed" "$STATUS" 503
contains "saying why" "$(jq -r .audit "$T/body")" "free on its file system"
STATUS=$(curl -s --unix-socket "$SOCK" -o /dev/null -w '%{http_code}' http://inkand/healthz)
contains "while healthz, which reports failures, stays 200" "$STATUS" 200
rm "$T/disk/fill"
STATUS=$(curl -s --unix-socket "$SOCK" -o "$T/body" -w '%{http_code}' http://inkand/readyz)
contains "room again: readyz 200" "$STATUS" 200
check "inkand exits 0 on SIGTERM" -- stop
finish
