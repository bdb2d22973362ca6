# Shared by the test-validate-*.sh scripts: a fresh GPKI-style PKI and the
# peers that serve it (openssl ocsp, an HTTP server, slapd, a responder that
# never answers), each a child of the test on 127.0.0.1, stopped at exit.
. "$(dirname "$0")/lib.sh"

PKI=$TESTDIR/pki
export INKAN_CACHE_DIR=$TESTDIR/cache

free_port () {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port () { # PORT
	local i
	for i in $(seq 100); do
		python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$1" \
			2>/dev/null && return 0
		sleep 0.1
	done
	echo "# nothing listens on port $1" >&2
	return 1
}

# A probe connection would stall openssl ocsp (it serves one connection
# at a time and waits for a request on it), so wait for it to say it listens.
wait_log () { # NAME TEXT
	local i
	for i in $(seq 100); do
		grep -q "$2" "$TESTDIR/$1.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "# $1 never said \"$2\"" >&2
	return 1
}

# start NAME COMMAND...: a background child, killed at exit; its pid in $NAME_pid.
start () {
	local name=$1
	shift
	"$@" >"$TESTDIR/$name.log" 2>&1 &
	eval "${name}_pid=$!"
	cleanup_hooks+=("stop $name")
}

stop () { # NAME
	local pid
	eval "pid=\${${1}_pid:-}"
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	eval "${1}_pid="
}

OCSP_PORT=$(free_port)
LDAP_PORT=$(free_port)
HTTP_PORT=$(free_port)
OCSP_URL=http://127.0.0.1:$OCSP_PORT/
CRL_HTTP=http://127.0.0.1:$HTTP_PORT
# As in real GPKI certificates, the DN in the URL has plain spaces.
CRL_DP="ldap://127.0.0.1:$LDAP_PORT/cn=crl1p1dp1,cn=CA131100001,ou=GPKI,o=Government of Korea,c=KR?certificateRevocationList;binary"
# A test that must change the CRL under a running validator serves it over HTTP instead.
[ -z "${CRL_OVER_HTTP:-}" ] || CRL_DP=$CRL_HTTP/ca.crl
OCSP_URL=$OCSP_URL CRL_DP=$CRL_DP DELTA_URL=$CRL_HTTP/delta.crl \
	CA_ISSUERS_URL=$CRL_HTTP/ca.der ROOT_CRL_URL=$CRL_HTTP/root.crl "$SRCDIR/tests/pki/validate-pki.sh" "$PKI" >"$TESTDIR/pki.log" 2>&1 ||
	{ cat "$TESTDIR/pki.log"; echo "Bail out! cannot make the test PKI"; exit 1; }

# The options every validation in these tests shares.
TRUST=(--anchor "$PKI/root.pem" --chain "$PKI/ca.pem")

# openssl ocsp answering from the CA's database, signed by SIGNER (ocsp: the
# delegated responder; rogue: a certificate without id-kp-OCSPSigning).
start_ocsp () { # SIGNER
	start ocsp openssl ocsp -index "$PKI/ca/index.txt" -port "$OCSP_PORT" -CA "$PKI/ca.pem" \
		-rsigner "$PKI/$1.pem" -rkey "$PKI/$1.key" -ndays 1
	wait_log ocsp "waiting for OCSP client connections"
}

# Accepts connections on OCSP_PORT and never answers.
start_silent () {
	start silent python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
held = []
while True:
    c, _ = s.accept(); held.append(c)
' "$OCSP_PORT"
	wait_port "$OCSP_PORT"
}

# The SCVP test responder on SCVP_PORT, signing with SIGNER (scvp: the
# configured server; rogue: another key); "bad-nonce" to answer as a replay,
# "now" to judge as of now whatever time the request asks about.
SCVP_PORT=$(free_port)
SCVP_URL=http://127.0.0.1:$SCVP_PORT/
start_scvp () { # SIGNER [bad-nonce|now]
	start scvp python3 "$SRCDIR/tests/scvp/scvp-server.py" "$SCVP_PORT" "$SCVP_ANSWER" \
		"$PKI/$1.pem" "$PKI/$1.key" "$PKI/ca/index.txt" ${2:+"$2"}
	wait_port "$SCVP_PORT"
}

# Answers every POST on OCSP_PORT with the bytes of FILE: a replay.
start_replay () { # FILE
	start replay python3 -c '
import http.server, sys
answer = open(sys.argv[2], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/ocsp-response")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
' "$OCSP_PORT" "$1"
	wait_port "$OCSP_PORT"
}

# CRLs over HTTP from $TESTDIR/www.
start_http () {
	mkdir -p "$TESTDIR/www"
	start http python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$TESTDIR/www"
	wait_port "$HTTP_PORT"
}

# slapd with a throwaway cn=config, publishing CRL (a DER file) in
# certificateRevocationList;binary of the entry the leaves' CRL DP names.
start_slapd () { # CRL
	local d=$TESTDIR/slapd
	mkdir -p "$d/conf" "$d/db"
	cat >"$d/config.ldif" <<LDIF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $d/slapd.pid

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcDbDirectory: $d/db
olcSuffix: o=Government of Korea,c=KR
olcAccess: {0}to * by * read
olcDbMaxSize: 10485760
LDIF
	cat >"$d/data.ldif" <<LDIF
dn: o=Government of Korea,c=KR
objectClass: organization
o: Government of Korea

dn: ou=GPKI,o=Government of Korea,c=KR
objectClass: organizationalUnit
ou: GPKI

dn: cn=CA131100001,ou=GPKI,o=Government of Korea,c=KR
objectClass: cRLDistributionPoint
cn: CA131100001

dn: cn=crl1p1dp1,cn=CA131100001,ou=GPKI,o=Government of Korea,c=KR
objectClass: cRLDistributionPoint
cn: crl1p1dp1
certificateRevocationList;binary:< file://$1
LDIF
	slapadd -q -n0 -F "$d/conf" -l "$d/config.ldif" >"$TESTDIR/slapadd.log" 2>&1 &&
		slapadd -q -n1 -F "$d/conf" -l "$d/data.ldif" >>"$TESTDIR/slapadd.log" 2>&1 ||
		{ cat "$TESTDIR/slapadd.log"; return 1; }
	# -d keeps slapd in the foreground, our child, whatever the system runs.
	start slapd /usr/sbin/slapd -F "$d/conf" -h "ldap://127.0.0.1:$LDAP_PORT/" -d 0
	wait_port "$LDAP_PORT"
}

# json_get EXPRESSION: evaluate a Python expression over the report in $OUT (as r).
json_get () {
	python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$OUT" "$1"
}
