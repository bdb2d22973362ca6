#!/usr/bin/env bash
# bench/viewer-cards.sh [CYCLES] [DWELL]: inkan-viewer's memory over card
# insertions.  The emulated JPKI card goes in and out of the vpcd reader
# CYCLES times (default 200), DWELL seconds in (default 1: the viewer reads
# it, or is pulled mid-read); the viewer's RSS is read after 10 warm-up
# cycles and after all of them.  Prints e.g.
#   rss_kb warm=61234 after=61890 cycles=200 growth_kb_per_cycle=3.3
# One pcscd per host: run under  flock /tmp/inkan-pcscd.lock bench/viewer-cards.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top/build}
export SRCDIR=$top BUILDDIR=$build INKAN=$build/cli/inkan INKAN_VCARD=$build/tests/vcard/inkan-vcard \
	INKAN_VIEWER=$build/gui-gtk/viewer/inkan-viewer
. "$top/tests/gui/lib-gui.sh"
. "$top/tests/integration/lib.sh"
. "$top/tests/integration/lib-card.sh"
set +e
cycles=${1:-200}
dwell=${2:-1}
gui_setup
cd "$TESTDIR"
jpki_card
card_pcscd
card_init jpki --pin file:sign.pin --auth-pin file:auth.pin >/dev/null
rss () { awk '/^VmRSS:/ { print $2 }' "/proc/$GUI_PID/status"; }
cycle () { card_start && sleep "$dwell" && card_stop; }

echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
LC_ALL=C.UTF-8 gui_start "$INKAN_VIEWER"
for _ in $(seq 10); do cycle; done
sleep 2
warm=$(rss)
for _ in $(seq "$cycles"); do cycle; done
sleep 2
after=$(rss)
awk -v w="$warm" -v a="$after" -v n="$cycles" \
	'BEGIN { printf "rss_kb warm=%d after=%d cycles=%d growth_kb_per_cycle=%.1f\n", w, a, n, (a - w) / n }'
gui_stop && echo "# the viewer was still running and closed cleanly"
