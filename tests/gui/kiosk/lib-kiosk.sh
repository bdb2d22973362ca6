# Shared by the kiosk's GUI tests: a display, a staff member's token, a
# settings file, the kiosk started and driven, screenshots kept.
#
# Needs INKAN, INKAN_KIOSK, SRCDIR, and ARTIFACTS (where screenshots go).
: "${INKAN_KIOSK?INKAN_KIOSK must name the inkan-kiosk binary}"
[ -n "$INKAN_KIOSK" ] || { echo "1..0 # SKIP built without the gui feature"; exit 0; }
# As for the viewer (tests/gui/lib-gui.sh): windows are tested in the plain
# build, the library under them in the sanitized one too.
[ -z "${INKAN_GUI_SANITIZED:-}" ] ||
	{ echo "1..0 # SKIP GUI tests run in the build without sanitizers ($INKAN_GUI_SANITIZED)"; exit 0; }

# Re-run this script on its own X display and session bus (AT-SPI lives
# on the bus, and its launcher puts its socket under XDG_RUNTIME_DIR: one
# of the test's own, or tests in parallel would share one); 77 when the
# machine has neither.
if [ -z "${KIOSK_INNER:-}" ]; then
	for tool in xvfb-run dbus-run-session import /usr/bin/python3; do
		command -v "$tool" >/dev/null || { echo "1..0 # SKIP no $tool"; exit 0; }
	done
	/usr/bin/python3 -c 'import pyatspi' 2>/dev/null || { echo "1..0 # SKIP no pyatspi"; exit 0; }
	KIOSK_INNER=$(mktemp -d "${TMPDIR:-/tmp}/inkan-kiosk-run.XXXXXX")
	export KIOSK_INNER XDG_RUNTIME_DIR=$KIOSK_INNER NO_AT_BRIDGE=0 GTK_A11Y=atspi
	dbus-run-session -- xvfb-run -a -s "-screen 0 1024x768x24" bash "$0" "$@" \
		>"$KIOSK_INNER.out" 2>"$KIOSK_INNER.err"
	rc=$?
	# The session's daemons talk on its output too; only the test's lines count.
	grep -v -e SpiRegistry "$KIOSK_INNER.out"
	grep -v -e dbus-daemon -e "^$" "$KIOSK_INNER.err" >&2
	rm -rf "$KIOSK_INNER" "$KIOSK_INNER.out" "$KIOSK_INNER.err"
	exit $rc
fi
. "$SRCDIR/tests/integration/lib.sh"

# The viewer's harness (tests/gui/atspi.py), only what is on screen counting.
DRIVE="/usr/bin/python3 $SRCDIR/tests/gui/atspi.py --app inkan-kiosk --showing"
/usr/libexec/at-spi-bus-launcher --launch-immediately >/dev/null 2>&1 &
cleanup_hooks+=("kill $! 2>/dev/null")
OPENSC_MODULE=${OPENSC_MODULE:-/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so}
KIOSK_PID=

# A staff member's token on SoftHSM2: an EC key and a certificate from the
# office's CA: files CA.pem and CA.key (the CMP CA's trusted RA root), or
# a throw-away one made here ($TESTDIR/office-ca.pem).
staff_token () {
	local ca=${1:-$TESTDIR/office-ca}
	softhsm_token staff
	unset INKAN_MODULE
	pkcs11_keygen EC:prime256v1 01 staff
	[ -f "$ca.pem" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj "/O=Minato City/CN=Office CA" -keyout "$ca.key" -out "$ca.pem" 2>/dev/null
	"$INKAN" --module "$SOFTHSM_MODULE" csr --key "pkcs11:token=staff;id=%01;type=private" \
		--subject "/O=Minato City/OU=Counter 3/CN=Sato Hanako" --pin "$USER_PIN" --out "$TESTDIR/staff.csr"
	openssl x509 -req -in "$TESTDIR/staff.csr" -CA "$ca.pem" -CAkey "$ca.key" \
		-set_serial "0x$(openssl rand -hex 8)" -days 30 -outform DER -out "$TESTDIR/staff.der" 2>/dev/null
	pkcs11-tool --module "$SOFTHSM_MODULE" --login --pin 123456 --write-object "$TESTDIR/staff.der" \
		--type cert --id 01 --label staff >/dev/null 2>&1
}

# kiosk.conf for CA_URL, with TRUSTED as the CA certificates.
kiosk_conf () {
	KIOSK_LOG=$TESTDIR/journal.db
	cat >"$TESTDIR/kiosk.conf" <<CONF
[kiosk]
ca-url = $1
protection = signer
trusted = $2
card-profile = openpgp
audit-log = $KIOSK_LOG
staff-module = $SOFTHSM_MODULE
card-module = $OPENSC_MODULE
staff-token = pkcs11:token=staff
timeout = 10
holder-data = jpki
key-type = rsa:2048
CONF
}

kiosk_start () {
	"$INKAN_KIOSK" --config "$TESTDIR/kiosk.conf" >>"$TESTDIR/kiosk.log" 2>&1 &
	KIOSK_PID=$!
	cleanup_hooks+=("kill $KIOSK_PID 2>/dev/null; wait $KIOSK_PID 2>/dev/null")
}

kiosk_kill () {
	kill "-${1:-TERM}" "$KIOSK_PID" 2>/dev/null
	wait "$KIOSK_PID" 2>/dev/null
	KIOSK_PID=
}

# A screenshot of the whole display, kept as ARTIFACTS/NAME.png.
shot () {
	mkdir -p "$ARTIFACTS"
	sleep 0.5
	import -window root "$ARTIFACTS/$1.png" 2>/dev/null && ok "screenshot $1" || not_ok "screenshot $1"
}

drive () {
	local what=$1
	shift
	check "$what" -- $DRIVE "$@"
}

# Type the first line of FILE into entry NAME (a PIN never on a command line).
drive_type () { check "$1" -- drive_type_file "$2" "$3"; }
drive_type_file () { $DRIVE type "$1" <"$2"; }

journal_verify () {
	expect 0 "the journal verifies ($1)" -- "$INKAN" audit verify --log "$KIOSK_LOG"
}

# For the issuance tests (after lib-card.sh and cmp-ca-lib.sh): the
# resident's PINs, OpenSC told how to set a user PIN after the admin PIN,
# the CMP test PKI, the staff RA token, pcscd.
kiosk_card_setup () {
	cd "$TESTDIR" || exit 1
	cat >opensc.conf <<'CONF'
app default {
	framework pkcs15 {
	}
}
app opensc-pkcs11 {
	pkcs11 {
		user_pin_unblock_style = init_pin_in_so_session;
	}
}
CONF
	export OPENSC_CONF=$TESTDIR/opensc.conf OPENSC_DRIVER=openpgp
	printf 'transport1\n' >transport.pin
	printf 'admin5678\n' >admin.pin
	printf 'resident42\n' >resident.pin
	printf '山田\u3000花子\n' >name.txt
	printf '1977-11-07\n' >birth.txt
	printf '東京都港区芝公園1-5-25\n' >address.txt
	cmp_pki
	staff_token "$CMP_PKI/ra-root"
	card_pcscd
}

# kiosk.conf for the CA started as "ca".
kiosk_card_conf () { kiosk_conf "http://127.0.0.1:$(cmp_ca_port ca)/pkix/" "$CMP_PKI/jpki-ca.pem"; }

# A counter with its CA up (as "ca") and a fresh OpenPGP card, not yet in
# the reader (card_start, with the emulator's options the test needs).
kiosk_counter_fresh_card () {
	kiosk_card_setup
	cmp_ca_start ca jpki --profile jpki-sign
	kiosk_card_conf
	check "a fresh OpenPGP card (RSA-2048 slots)" -- card_init openpgp --pin file:transport.pin --admin-pin file:admin.pin
}

kiosk_sign_in () {
	drive "the sign-in page shows" button "Sign in"
	drive_type "the staff PIN typed" "Staff PIN" "$TESTDIR/user.pin"
	drive "sign in" click "Sign in"
	drive "the home page" contains "Welcome, Sato Hanako"
}

kiosk_holder () {
	drive "the holder step" contains "The holder, as the resident record has it"
	drive_type "the name" "Name" name.txt
	drive_type "the date of birth" "Date of birth" birth.txt
	drive "female" click "Female"
	drive_type "the address" "Address" address.txt
	[ -z "${1:-}" ] || shot "$1"
	drive "continue" click "Continue"
}

# From the home page to the work on the card and with the CA.
kiosk_issue_fresh () {
	drive "Issue" click "Issue a certificate on a card"
	drive "the card step" contains "Put the resident's card in the reader"
	[ -z "${1:-}" ] || shot "$1-card"
	drive "read the card" click "Read the card"
	kiosk_holder "${1:+$1-holder}"
	drive "the PIN step shows the card's rule" contains "The resident chooses a PIN"
	drive_type "the resident's PIN" "Resident's PIN" resident.pin
	drive_type "again" "Resident's PIN again" resident.pin
	drive_type "the office's admin PIN" "Office admin PIN" admin.pin
	[ -z "${1:-}" ] || shot "$1-pins"
	drive "issue" click "Issue the certificate"
}

# kiosk_issue_acknowledged: a whole issuance, its receipt acknowledged,
# back on the home page (the start of the tests that act on an issued card)
kiosk_issue_acknowledged () {
	kiosk_issue_fresh
	drive "the receipt" --timeout 90 contains "SHA-256 fingerprint"
	drive "acknowledged" click "Done: the resident has the receipt"
	drive "back home" contains "Welcome, Sato Hanako"
}
