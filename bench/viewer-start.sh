#!/usr/bin/env bash
# bench/viewer-start.sh [ROUNDS] [FILE]: start to certificate page, inkan-viewer
# beside gcr-viewer on the same file, in one Xvfb, alternating, ROUNDS each
# (default 9).  A round is the time from exec to the program's window being
# viewable (xwininfo, polled every 10 ms): both build the certificate's page
# before they map the window, so the first frame is the page.  Prints each
# program's median and the ratio inkan/gcr, e.g.
#   inkan-viewer median_ms=410 rounds=9
#   gcr-viewer median_ms=380 rounds=9
#   ratio inkan/gcr=1.08
# FILE defaults to a JPKI-style signing certificate made by tests/pki/cert-pki.sh.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top/build}
rounds=${1:-9}
if [ -z "${INKAN_BENCH_SESSION:-}" ]; then
	export INKAN_BENCH_SESSION=1
	XDG_RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/inkan-bench-run.XXXXXX")
	export XDG_RUNTIME_DIR
	trap 'rm -rf "$XDG_RUNTIME_DIR"' EXIT
	dbus-run-session -- xvfb-run -a -s "-screen 0 1024x768x24" bash "$0" "$@" 2> >(grep -v -e 'fd limit' -e dbus-daemon -e SpiRegistry >&2)
	exit
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/inkan-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
file=${2:-}
if [ -z "$file" ]; then
	"$top/tests/pki/cert-pki.sh" "$dir/pki" >/dev/null 2>&1
	file=$dir/pki/jpki-sign.pem
fi
# No PC/SC service: the reader watch starts, as it always does, and waits.
export PCSCLITE_CSOCK_NAME=$dir/no-pcscd.sock GSETTINGS_BACKEND=memory LC_ALL=C.UTF-8 HOME=$dir

now_ms () { date +%s%3N; }
# once TITLE COMMAND...: milliseconds from exec to TITLE's window viewable.
once () {
	local title=$1 t0 pid
	shift
	t0=$(now_ms)
	"$@" >"$dir/$(basename "$1").log" 2>&1 &
	pid=$!
	until xwininfo -name "$title" 2>/dev/null | grep -q IsViewable; do
		# A program that died, or a minute gone: no figure, and say so.
		if ! kill -0 "$pid" 2>/dev/null || [ $(($(now_ms) - t0)) -gt 60000 ]; then
			echo "bench: $1 never showed its window: $(tail -3 "$dir/$(basename "$1").log")" >&2
			kill "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			return 1
		fi
		sleep 0.01
	done
	echo $(($(now_ms) - t0))
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}
median () { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; file $(basename "$file")"
: >"$dir/inkan.ms"
: >"$dir/gcr.ms"
for _ in $(seq "$rounds"); do
	once Certificates "$build/gui-gtk/viewer/inkan-viewer" "$file" >>"$dir/inkan.ms"
	once "$(basename "$file")" gcr-viewer "$file" >>"$dir/gcr.ms"
done
inkan=$(median <"$dir/inkan.ms")
gcr=$(median <"$dir/gcr.ms")
echo "inkan-viewer median_ms=$inkan rounds=$rounds all=$(paste -sd, "$dir/inkan.ms")"
echo "gcr-viewer median_ms=$gcr rounds=$rounds all=$(paste -sd, "$dir/gcr.ms")"
awk -v a="$inkan" -v b="$gcr" 'BEGIN { printf "ratio inkan/gcr=%.2f\n", a / b }'
