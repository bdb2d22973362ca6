#!/usr/bin/env bash
# udev/: the rules parse with this host's udev, a broken rule is caught by
# the same check, and meson installs them into udev's rules directory.
. "$(dirname "$0")/lib.sh"
RULES=$SRCDIR/udev/70-inkan-readers.rules
NAME=$(basename "$RULES")

if ! command -v udevadm >/dev/null; then
	echo "1..0 # SKIP udevadm is not installed"
	exit 0
fi

# rules_parse FILE: udev reads FILE without a complaint.  udev >= 253 has
# `udevadm verify`; older ones only parse rules from their own directories
# (and then log, not fail), so the file goes into a private /run/udev/rules.d
# in a mount namespace of its own and every message about it counts as a
# failure.
if udevadm verify --help >/dev/null 2>&1; then
	HOW="udevadm verify"
	rules_parse () { udevadm verify "$1"; }
elif unshare -m true 2>/dev/null && [ -e /sys/class/net/lo ]; then
	HOW="udevadm test in a mount namespace"
	rules_parse () {
		local log
		log=$(unshare -m sh -c '
			mount -t tmpfs none /run &&
			mkdir -p /run/udev/rules.d &&
			cp "$1" /run/udev/rules.d/"$2" &&
			udevadm test /sys/class/net/lo 2>&1' sh "$1" "$NAME")
		echo "$log" | grep -q "^Reading rules file: /run/udev/rules.d/$NAME\$" || {
			echo "udev did not read the rules file"; return 1; }
		if echo "$log" | grep "^/run/udev/rules.d/$NAME:[0-9]"; then
			return 1
		fi
	}
else
	echo "1..0 # SKIP no udevadm verify, and no mount namespace for udevadm test"
	exit 0
fi
echo "# checking with $HOW"

check "the rules parse" -- rules_parse "$RULES"

# caught DESCRIPTION LINE: the rules with LINE appended do not pass.
caught () {
	cp "$RULES" "$TESTDIR/broken.rules"
	echo "$2" >>"$TESTDIR/broken.rules"
	if rules_parse "$TESTDIR/broken.rules" >"$TESTDIR/broken.log" 2>&1; then
		not_ok "$1"
	else
		ok "$1: $(head -1 "$TESTDIR/broken.log")"
	fi
}
caught "an unknown key is caught" 'SUBSYSTEM=="usb", FROB{idVendor}=="1050", TAG+="uaccess"'
caught "a broken quote is caught" 'SUBSYSTEM=="usb", ATTR{idVendor}=="1050, TAG+="uaccess"'

# uaccess is acted on by 73-seat-late.rules: only rules before it count.
check "the rules sort before 73-seat-late.rules" -- test "$NAME" \< "73-seat-late.rules"
check "CCID devices (interface class 0b) get uaccess" -- \
	grep -q '^ENV{ID_USB_INTERFACES}=="\*:0b????:\*", TAG+="uaccess"' "$RULES"

udevdir=$(pkg-config --variable=udevdir udev 2>/dev/null)
udevdir=${udevdir:-/usr/lib/udev}
check "meson installs them into $udevdir/rules.d" -- python3 -c '
import json, subprocess, sys
installed = json.loads(subprocess.check_output(
    ["meson", "introspect", "--installed", sys.argv[1]]))
dest = [d for s, d in installed.items() if s.endswith("/udev/" + sys.argv[2])]
assert dest == [sys.argv[3] + "/rules.d/" + sys.argv[2]], (dest, sys.argv[3])
' "$BUILDDIR" "$NAME" "$udevdir"
finish
