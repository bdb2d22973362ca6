# The test CMP CA (tests/cmp-ca) for the enrolment tests.  Source after
# lib.sh; needs $INKAN_TEST_CMP_CA.
#   cmp_pki                     makes $CMP_PKI (make-pki.sh: the CAs, an RA,
#                               a MAC reference and secret), once per test
#   cmp_ca_start NAME CA [ARGS...]  starts a CA NAME with CA jpki|npki, the
#                               MAC and the RA trusted, ARGS passed on
#                               (--profile, --reject, --poll, --vanish ...);
#                               stopped when the test ends
#   cmp_ca_port NAME, cmp_ca_log NAME, cmp_ca_state NAME, cmp_ca_stop NAME
: "${INKAN_TEST_CMP_CA:?INKAN_TEST_CMP_CA must name inkan-test-cmp-ca}"

cmp_pki () {
	CMP_PKI=$TESTDIR/cmp-pki
	[ -f "$CMP_PKI/mac.secret" ] && return 0
	"$SRCDIR/tests/cmp-ca/make-pki.sh" "$CMP_PKI" >"$TESTDIR/cmp-pki.log" 2>&1 ||
		{ cat "$TESTDIR/cmp-pki.log"; echo "Bail out! cannot make the CMP test PKI"; exit 1; }
	CMP_REF=$(cat "$CMP_PKI/mac.ref")
}

cmp_ca_port () { cat "$TESTDIR/cmp-ca-$1/port"; }
cmp_ca_log () { echo "$TESTDIR/cmp-ca-$1/log"; }
cmp_ca_state () { echo "$TESTDIR/cmp-ca-$1/state"; }

cmp_ca_start () {
	local name=$1 ca=$2 dir=$TESTDIR/cmp-ca-$1 i
	shift 2
	cmp_pki
	mkdir -p "$dir/state"
	rm -f "$dir/port"
	"$INKAN_TEST_CMP_CA" --ca-cert "$CMP_PKI/$ca-ca.pem" --ca-key "$CMP_PKI/$ca-ca.key" --state "$dir/state" \
		--port-file "$dir/port" --ref "$CMP_REF" --secret-file "$CMP_PKI/mac.secret" \
		--trust "$CMP_PKI/ra-root.pem" "$@" 2>>"$dir/log" &
	echo $! >"$dir/pid"
	cleanup_hooks+=("cmp_ca_stop $name")
	for i in $(seq 100); do
		[ -s "$dir/port" ] && return 0
		kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/# /' "$dir/log"
	echo "Bail out! the test CMP CA $name did not start"
	exit 1
}

cmp_ca_stop () {
	local pidfile=$TESTDIR/cmp-ca-$1/pid
	[ -f "$pidfile" ] || return 0
	kill "$(cat "$pidfile")" 2>/dev/null
	wait "$(cat "$pidfile")" 2>/dev/null
	rm -f "$pidfile"
}
