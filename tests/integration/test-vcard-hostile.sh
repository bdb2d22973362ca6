#!/usr/bin/env bash
# A hostile card (truncated answers, garbage, wrong lengths, status words
# out of place): OpenSC's tools fail cleanly, nothing crashes or hangs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-card.sh"
cd "$TESTDIR"

# A tool survived when it exited by itself: no signal, no timeout (124).
survived () {
	"$@" >/dev/null 2>&1
	local rc=$?
	[ "$rc" -lt 124 ] || { echo "exit $rc"; return 1; }
}

card_pcscd
pcscd_pid=$(pgrep -x pcscd)
for profile in jpki openpgp; do
	export OPENSC_DRIVER=$profile
	check "$profile: init" -- card_init "$profile"
	for mode in truncate short garbage bad-length sw-swap; do
		check "$profile/$mode: inserted" -- card_start --hostile "$mode"
		check "$profile/$mode: pkcs15-tool --list-pins exits cleanly" -- \
			survived timeout 60 pkcs15-tool --reader "$VCARD_READER" --list-pins
		check "$profile/$mode: reading a certificate exits cleanly" -- \
			survived timeout 60 pkcs15-tool --reader "$VCARD_READER" --read-certificate 01
		check "$profile/$mode: pkcs11-tool -O exits cleanly" -- \
			survived timeout 60 pkcs11-tool --module "$OPENSC_MODULE" -O
		check "$profile/$mode: signing exits cleanly" -- \
			survived timeout 60 pkcs11-tool --module "$OPENSC_MODULE" --login --pin ABC123 \
			--token-label "JPKI (Digital Signature PIN)" -s -m SHA256-RSA-PKCS --id 02 -i "$0" -o sig
		check "$profile/$mode: pcscd still runs" -- kill -0 "$pcscd_pid"
		check "$profile/$mode: removed" -- card_stop
	done
done
export OPENSC_DRIVER=jpki
check "init a JPKI card" -- card_init jpki
# The modes that touch data must make the certificate unusable, else the
# test proves nothing.
check "garbage: the certificate is not what the card holds" -- card_start --hostile garbage
expect 1 "garbage: no certificate comes back" -- \
	pkcs15-tool --reader "$VCARD_READER" --read-certificate 01
card_stop
check "a sane card afterwards still works" -- card_start
expect 0 "reads the certificate" -- pkcs15-tool --reader "$VCARD_READER" --read-certificate 01
card_stop
finish
