# Shared by the integration tests: a fresh SoftHSM2 token per test, and
# checks that say what they expected.  Source it; call `finish` last.
set -u
: "${INKAN:?INKAN must name the inkan binary}"
SOFTHSM_MODULE=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
# Tests read inkan's English messages whatever locale the caller has.
export LC_ALL=C.UTF-8
unset LANGUAGE
failures=0
checks=0

TESTDIR=$(mktemp -d "${TMPDIR:-/tmp}/inkan-test.XXXXXX")
# inkan keeps PIN records under the state directory: one per test.
export XDG_STATE_HOME=$TESTDIR/state
cleanup_hooks=()
cleanup () {
	local h
	# A subshell that dies (of set -u, say) runs this trap too: only the
	# script itself may tear its directory down.
	[ "$BASHPID" = "$$" ] || return 0
	for h in "${cleanup_hooks[@]}"; do eval "$h"; done
	rm -rf "$TESTDIR"
}
trap cleanup EXIT

# A fresh SoftHSM2 token directory with one token LABEL (default "test").
# Sets SOFTHSM2_CONF, INKAN_MODULE, and the PIN files $USER_PIN / $SO_PIN.
softhsm_token () {
	local label=${1:-test}
	mkdir -p "$TESTDIR/tokens"
	export SOFTHSM2_CONF=$TESTDIR/softhsm2.conf
	printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
		"$TESTDIR/tokens" >"$SOFTHSM2_CONF"
	export INKAN_MODULE=$SOFTHSM_MODULE
	printf '123456\n' >"$TESTDIR/user.pin"
	printf '12345678\n' >"$TESTDIR/so.pin"
	USER_PIN=file:$TESTDIR/user.pin
	SO_PIN=file:$TESTDIR/so.pin
	softhsm2-util --init-token --free --label "$label" --so-pin 12345678 --pin 123456 >/dev/null
	TOKEN="pkcs11:token=$label"
}

# A key pair made by another tool: pkcs11_keygen TYPE ID LABEL, with
# pkcs11-tool's types (rsa:2048, EC:prime256v1, EC:secp384r1).
pkcs11_keygen () {
	pkcs11-tool --module "$SOFTHSM_MODULE" --login --pin 123456 --keypairgen --key-type "$1" \
		--id "$2" --label "$3" >/dev/null 2>&1
}

ok () { checks=$((checks + 1)); echo "ok $checks - $*"; }
skip () { checks=$((checks + 1)); echo "ok $checks # SKIP $*"; }
not_ok () { checks=$((checks + 1)); failures=$((failures + 1)); echo "not ok $checks - $*"; }

# expect CODE DESCRIPTION -- COMMAND...: the command exits with CODE.
# Its stdout is kept in $OUT, its stderr in $ERR.
expect () {
	local want=$1 what=$2 got
	shift 3
	"$@" >"$TESTDIR/out" 2>"$TESTDIR/err"
	got=$?
	OUT=$(cat "$TESTDIR/out")
	ERR=$(cat "$TESTDIR/err")
	if [ "$got" = "$want" ]; then
		ok "$what"
	else
		not_ok "$what (exit $got, wanted $want)"
		sed 's/^/#   stderr: /' "$TESTDIR/err" | head -20
	fi
}

# check DESCRIPTION -- COMMAND...: the command succeeds (a plain assertion).
check () {
	local what=$1
	shift 2
	if "$@" >"$TESTDIR/check.out" 2>&1; then
		ok "$what"
	else
		not_ok "$what"
		sed 's/^/#   /' "$TESTDIR/check.out" | head -20
	fi
}

# contains DESCRIPTION TEXT NEEDLE
contains () {
	case "$2" in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1: \"$3\" not in: $2" ;;
	esac
}

# one_line DESCRIPTION TEXT: TEXT (an error's stderr) is exactly one
# non-empty line, so a script or a log can take it whole.
one_line () {
	local n=0
	[ -z "$2" ] || n=$(printf '%s\n' "$2" | wc -l)
	if [ "$n" -eq 1 ]; then
		ok "$1 is one line"
	else
		not_ok "$1 is one line, not $n:"
		printf '%s\n' "$2" | sed 's/^/#   /' | head -20
	fi
}

finish () {
	echo "1..$checks"
	[ "$failures" -eq 0 ]
}
