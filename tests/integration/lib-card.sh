# Card tests: a pcscd with vpcd, and inkan-vcard as the card in it.
# Source after lib.sh. pcscd 1.9.9 serves one socket per host, so a running
# pcscd is reused and only one we started is stopped again.
: "${INKAN_VCARD:?INKAN_VCARD must name the inkan-vcard binary}"
OPENSC_MODULE=${OPENSC_MODULE:-/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so}
VCARD_PORT=${VCARD_PORT:-35963}
# vpcd's first reader listens on 35963, the next on 35964.
VCARD_READER="Virtual PCD 00 0$((VCARD_PORT - 35963))"
VCARD_STATE=$TESTDIR/card.state
VCARD_PID=

# wait_for SECONDS COMMAND...: retries the command every 0.1 s.
wait_for () {
	local tries=$(($1 * 10))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

reader_has_card () { opensc-tool -l 2>/dev/null | grep -q "Yes .*$VCARD_READER\$"; }
reader_is_empty () { opensc-tool -l 2>/dev/null | grep -q "No .*$VCARD_READER\$"; }

card_pcscd () {
	if ! pgrep -x pcscd >/dev/null; then
		pcscd -f >"$TESTDIR/pcscd.log" 2>&1 &
		PCSCD_PID=$!
		cleanup_hooks+=("kill $PCSCD_PID 2>/dev/null; wait $PCSCD_PID 2>/dev/null")
	fi
	wait_for 10 reader_is_empty || {
		echo "Bail out! no vpcd reader \"$VCARD_READER\" in pcscd"
		exit 1
	}
}

# card_init PROFILE [inkan-vcard init options...]
card_init () {
	local profile=$1
	shift
	rm -f "$VCARD_STATE"
	"$INKAN_VCARD" init --profile "$profile" --state "$VCARD_STATE" "$@"
}

# card_start [run options...]: inserts the card and waits until pcscd sees it.
card_start () {
	"$INKAN_VCARD" run --state "$VCARD_STATE" --port "$VCARD_PORT" "$@" \
		>>"$TESTDIR/vcard.log" 2>&1 &
	VCARD_PID=$!
	cleanup_hooks+=("kill $VCARD_PID 2>/dev/null; wait $VCARD_PID 2>/dev/null")
	wait_for 10 reader_has_card || {
		sed 's/^/#   vcard: /' "$TESTDIR/vcard.log" | tail -20
		return 1
	}
}

# card_stop [SIGNAL]: removes the card (TERM: clean removal) and waits for
# the reader to say so.
card_stop () {
	[ -n "$VCARD_PID" ] || return 0
	kill "-${1:-TERM}" "$VCARD_PID" 2>/dev/null
	wait "$VCARD_PID" 2>/dev/null
	VCARD_PID=
	wait_for 10 reader_is_empty
}

# p11 ARGS...: pkcs11-tool on OpenSC's module.
p11 () { pkcs11-tool --module "$OPENSC_MODULE" "$@"; }

# jpki_card: inkan on an emulated JPKI card through OpenSC's jpki driver.
# Sets the two tokens' URIs, $SIGN and $AUTH, and writes the card's PINs
# (for card_init) to sign.pin and auth.pin in the current directory.
jpki_card () {
	export OPENSC_DRIVER=jpki INKAN_MODULE=$OPENSC_MODULE
	SIGN="pkcs11:token=JPKI%20(Digital%20Signature%20PIN)"
	AUTH="pkcs11:token=JPKI%20(User%20Authentication%20PIN)"
	printf 'SIGN12\n' >sign.pin
	printf '4321\n' >auth.pin
}
