# GUI tests: the real program under Xvfb with a private D-Bus session,
# driven through AT-SPI (atspi.py).  Source FIRST, before lib.sh: the script
# runs itself again inside the session.  Programs: $INKAN_VIEWER (empty when
# the build has no GUI: the test is skipped).
#   gui_start PROGRAM ARGS...  start it and wait until it is on the bus
#   gui_stop                   close it; it must not have crashed
#   atspi COMMAND ARGS...      atspi.py against it (see there)
#   gui_shot NAME              a screenshot, NAME.png in $GUI_SHOTS
# TAP: a plan of 1..0 with SKIP, and exit 0, is how a TAP test skips
# (exit 77 would be an error).
if [ -z "${INKAN_VIEWER:-}" ]; then
	echo "1..0 # SKIP no GUI in this build (-Dgui=disabled, or GTK4 missing)"
	exit 0
fi
# Under ASan, GTK driven through AT-SPI runs past any sane time limit on a
# CI machine, and GTK's and GLib's own allocations (system libraries
# without frame pointers) cannot be told apart from ours in a leak report.
# The library the programs stand on is tested under the sanitizers; the
# windows are tested in the plain build.
if [ -n "${INKAN_GUI_SANITIZED:-}" ]; then
	echo "1..0 # SKIP GUI tests run in the build without sanitizers ($INKAN_GUI_SANITIZED)"
	exit 0
fi
if [ -z "${INKAN_GUI_SESSION:-}" ]; then
	export INKAN_GUI_SESSION=1
	# The accessibility bus's socket is $XDG_RUNTIME_DIR/at-spi/bus (else
	# one in ~/.cache for all): sessions running side by side need their own.
	XDG_RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/inkan-gui-run.XXXXXX") || exit 1
	export XDG_RUNTIME_DIR
	# The session's services write to its stdout: to stderr with them, and
	# the test's own stdout (TAP) through fd 3.
	exec 3>&1
	exec dbus-run-session -- xvfb-run -a -s "-screen 0 1024x768x24" \
		bash -c 'exec 1>&3 3>&-; exec bash "$0" "$@"' "$0" "$@" >&2
fi

GUI_SHOTS=${GUI_SHOTS:-${BUILDDIR:-.}/meson-logs/gui-shots}
mkdir -p "$GUI_SHOTS"
# No settings daemon, no portal: GTK's own file chooser, settings in memory.
export GSETTINGS_BACKEND=memory GTK_USE_PORTAL=0
GUI_PID=
GUI_APP=inkan-viewer

atspi () { /usr/bin/python3 "$SRCDIR/tests/gui/atspi.py" --app "$GUI_APP" "$@"; }

gui_setup () {
	cleanup_hooks+=('rm -rf "$XDG_RUNTIME_DIR"')
	# The program's own HOME: recent files and settings stay in the test.
	export HOME=$TESTDIR/home XDG_CONFIG_HOME=$TESTDIR/home/.config XDG_DATA_HOME=$TESTDIR/home/.local/share
	mkdir -p "$HOME"
	# The registry first, so the program finds it when it starts.
	atspi ping 2>/dev/null
}

gui_start () {
	"$@" >>"$TESTDIR/gui.log" 2>&1 &
	GUI_PID=$!
	cleanup_hooks+=("gui_stop >/dev/null")
	atspi --timeout 30 dump >/dev/null
}

gui_stop () {
	local rc
	[ -n "$GUI_PID" ] || return 0
	kill -TERM "$GUI_PID" 2>/dev/null
	wait "$GUI_PID" 2>/dev/null
	rc=$?
	GUI_PID=
	# The viewer quits on SIGTERM: 0, or 143 for a program without a
	# handler; anything else (a crash, a sanitizer's report) is not fine.
	[ "$rc" = 0 ] || [ "$rc" = 143 ] || { sed 's/^/#   gui: /' "$TESTDIR/gui.log" | tail -40; return 1; }
}

gui_shot () {
	# Let the last change be drawn before the picture is taken.
	sleep 0.5
	import -window root "$GUI_SHOTS/$1.png"
}

# gui_has DESCRIPTION NAME...: every NAME is shown (as an accessible's name).
gui_has () { local what=$1; shift; check "$what" -- atspi wait "$@"; }
# gui_dump: what is shown, ROLE<TAB>NAME a line, in $SHOWN.
gui_dump () { SHOWN=$(atspi dump); }
