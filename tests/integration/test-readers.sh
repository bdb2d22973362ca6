#!/usr/bin/env bash
# inkan readers: the listing, card types, the watch (insert, remove, a pcscd
# restart, signals) and no service, against the real pcscd with vpcd.
# One pcscd serves the host (FACTS.md): use the one that runs, or start one
# and stop it after; only a pcscd we started is ever killed.  The card is
# a stub in vpcd's second reader, so the emulator's tests (first reader)
# can run beside these.
. "$(dirname "$0")/lib.sh"
STUB=$SRCDIR/tests/integration/vpcd-card.py
PORT=35964
READER="Virtual PCD 00 01"
JPKI_ATR=3be000ff8131fe4514

if ! command -v pcscd >/dev/null || [ ! -e /etc/reader.conf.d/vpcd ]; then
	echo "1..0 # SKIP pcscd or vsmartcard-vpcd is not installed"
	exit 0
fi

now_ms () { echo $(( $(date +%s%N) / 1000000 )); }

# wait_until MS COMMAND...: poll COMMAND until it succeeds or MS pass.
wait_until () {
	local end=$(( $(now_ms) + $1 ))
	shift
	until "$@"; do
		[ "$(now_ms)" -lt "$end" ] || return 1
		sleep 0.02
	done
}

PCSCD_PID=
start_pcscd () { # [pcscd options]
	pcscd -f "$@" >>"$TESTDIR/pcscd.log" 2>&1 &
	PCSCD_PID=$!
}
stop_pcscd () {
	[ -n "$PCSCD_PID" ] || return 0
	kill "$PCSCD_PID" 2>/dev/null
	wait "$PCSCD_PID" 2>/dev/null
	PCSCD_PID=
}
cleanup_hooks+=("stop_pcscd")

service_up () { "$INKAN" readers >/dev/null 2>&1; }
if ! service_up; then
	start_pcscd
	# Another test may have started one at the same moment: then ours
	# exits at once and theirs serves us.
	if ! wait_until 5000 service_up; then
		echo "1..0 # SKIP pcscd did not start: $(tail -3 "$TESTDIR/pcscd.log")"
		exit 0
	fi
	kill -0 "$PCSCD_PID" 2>/dev/null || PCSCD_PID=
fi
if ! "$INKAN" readers | grep -qx "$READER"; then
	echo "1..0 # SKIP the running pcscd has no \"$READER\" (vpcd not loaded)"
	exit 0
fi

# The card: start_card NAME starts a stub, waits until vpcd has it, and
# sets CARD_PID and CARD_AT (ms of the connection).
STUBS=()
stop_stubs () { local p; for p in "${STUBS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
cleanup_hooks+=("stop_stubs")
start_card () {
	python3 "$STUB" --port "$PORT" --atr "$JPKI_ATR" >"$TESTDIR/$1.out" 2>&1 &
	CARD_PID=$!
	STUBS+=("$CARD_PID")
	wait_until 10000 grep -q '^connected' "$TESTDIR/$1.out" || return 1
	CARD_AT=$(( $(awk '/^connected/ { print $2 }' "$TESTDIR/$1.out") / 1000000 ))
}
remove_card () {
	kill "$CARD_PID"
	wait "$CARD_PID" 2>/dev/null
	CARD_AT=$(now_ms)
}

reader_state () {
	"$INKAN" --json readers | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["reader"] == sys.argv[1]: print(r["state"])' "$READER"
}
state_is () { [ "$(reader_state)" = "$1" ]; }

# --- the listing -----------------------------------------------------------
expect 0 "readers lists the vpcd readers" -- "$INKAN" --json readers
check "both vpcd readers, each with a state" -- python3 -c '
import json, sys
rs = {r["reader"]: r for r in json.loads(sys.argv[1])}
for name in ("Virtual PCD 00 00", "Virtual PCD 00 01"):
    assert name in rs, rs
    assert rs[name]["state"] in ("empty", "present", "in-use", "mute", "unavailable"), rs[name]
' "$OUT"
check "the stub's reader starts empty" -- wait_until 3000 state_is empty

check "the stub card reaches vpcd" -- start_card card1
check "the listing sees the card" -- wait_until 3000 state_is present
expect 0 "readers --json with a card" -- "$INKAN" readers --json
check "state present, the JPKI ATR in hex, card type jpki" -- python3 -c '
import json, sys
r = [r for r in json.loads(sys.argv[1]) if r["reader"] == sys.argv[2]][0]
assert r["state"] == "present", r
assert r["atr"].lower() == sys.argv[3], r
assert r["card"] == "jpki" and r["card_description"], r
' "$OUT" "$READER" "$JPKI_ATR"
expect 0 "readers as text" -- "$INKAN" readers
contains "the text names the card type" "$OUT" "jpki"
contains "the text shows the ATR" "$OUT" "$JPKI_ATR"
remove_card
check "the listing sees the card go" -- wait_until 3000 state_is empty

expect 2 "a stray argument is a usage error" -- "$INKAN" readers extra

# --- the watch ---------------------------------------------------------------
WATCH_OUT=$TESTDIR/watch.out
WATCH_PID=
stop_watch () { [ -z "$WATCH_PID" ] || { kill "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null; }; }
cleanup_hooks+=("stop_watch")
# A background job in a script inherits SIGINT ignored: give it back.
env --default-signal=INT "$INKAN" readers --watch --json >"$WATCH_OUT" 2>"$TESTDIR/watch.err" &
WATCH_PID=$!

# seen EVENT [READER]: a line for it after line $MARK of the watch's output.
MARK=0
seen () {
	local want="{\"event\":\"$1\""
	[ $# -lt 2 ] || want="$want,\"reader\":\"$2\""
	tail -n +$((MARK + 1)) "$WATCH_OUT" | grep -qF "$want"
}
mark () { MARK=$(wc -l <"$WATCH_OUT"); }

# within MS DESCRIPTION EVENT [READER]: the event shows within MS of CARD_AT.
within () {
	local ms=$1 what=$2
	shift 2
	if wait_until 3000 seen "$@"; then
		local took=$(( $(now_ms) - CARD_AT ))
		if [ "$took" -le "$ms" ]; then ok "$what (${took} ms)"; else not_ok "$what: took ${took} ms"; fi
	else
		not_ok "$what: not reported"
		sed 's/^/#   watch: /' "$WATCH_OUT" "$TESTDIR/watch.err" | tail -10
	fi
}

check "the watch begins with the readers there are" -- wait_until 3000 seen reader-added "$READER"
mark
check "the stub card reaches vpcd" -- start_card card2
within 1000 "card-inserted within a second" card-inserted "$READER"
check "the event carries the ATR and the card type" -- python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
ins = [e for e in evs if e["event"] == "card-inserted" and e["reader"] == sys.argv[2]]
assert len(ins) == 1, evs
assert ins[0]["atr"] == sys.argv[3] and ins[0]["card"] == "jpki", ins
' "$WATCH_OUT" "$READER" "$JPKI_ATR"
mark
remove_card
within 1000 "card-removed within a second" card-removed "$READER"

# --- a pcscd restart under the watch ------------------------------------------
if [ -n "$PCSCD_PID" ]; then
	mark
	stop_pcscd
	check "the watch says the service is lost" -- wait_until 5000 seen service-lost
	start_pcscd
	check "and that it is back once pcscd is" -- wait_until 10000 seen service-back
	check "the watch is still running" -- kill -0 "$WATCH_PID"
	check "the stub card reaches the new pcscd's vpcd" -- start_card card3
	within 1000 "card-inserted after the restart, within a second" card-inserted "$READER"
	mark
	remove_card
	within 1000 "card-removed after the restart, within a second" card-removed "$READER"

	# A pcscd with an empty reader.conf.d: the readers go; back with vpcd.
	mkdir "$TESTDIR/no-readers"
	mark
	stop_pcscd
	start_pcscd -c "$TESTDIR/no-readers"
	check "a pcscd without vpcd: reader-removed" -- wait_until 10000 seen reader-removed "$READER"
	mark
	stop_pcscd
	start_pcscd
	check "vpcd back: reader-added" -- wait_until 10000 seen reader-added "$READER"
else
	for what in "service-lost on a pcscd restart" "service-back" "watch survives" \
	            "card-inserted after restart" "card-removed after restart" \
	            "reader-removed" "reader-added"; do
		checks=$((checks + 1))
		echo "ok $checks - $what # SKIP pcscd was running already: not ours to restart"
	done
fi

check "every line is one JSON object with event, reader and atr" -- python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    assert set(("event", "reader", "atr")) <= set(e), e
    assert e["event"] in ("reader-added", "reader-removed", "card-inserted",
                          "card-removed", "service-lost", "service-back"), e
' "$WATCH_OUT"

kill -INT "$WATCH_PID"
t0=$(now_ms)
wait "$WATCH_PID"
rc=$?
took=$(( $(now_ms) - t0 ))
WATCH_PID=
[ "$rc" = 0 ] && ok "SIGINT ends the watch, exit 0 (${took} ms)" || not_ok "SIGINT: exit $rc"
[ "$took" -le 2000 ] && ok "promptly" || not_ok "SIGINT took ${took} ms"

# --- no service ----------------------------------------------------------------
# pcscd ignores PCSCLITE_CSOCK_NAME, but the client honours it: a socket
# nobody listens on is a host without pcscd, whatever else runs here.
export PCSCLITE_CSOCK_NAME=$TESTDIR/no-pcscd.comm
expect 3 "no pcscd: the listing fails with exit 3" -- "$INKAN" readers
contains "the message names pcscd" "$ERR" "pcscd"
expect 3 "no pcscd, --json" -- "$INKAN" --json readers
contains "the JSON error says no-service" "$OUT" '"error": "no-service"'

"$INKAN" readers --watch --json >"$WATCH_OUT" 2>"$TESTDIR/watch.err" &
WATCH_PID=$!
MARK=0
check "a watch begun without pcscd says service-lost and waits" -- wait_until 3000 seen service-lost
check "still waiting" -- kill -0 "$WATCH_PID"
kill -TERM "$WATCH_PID"
wait "$WATCH_PID"
rc=$?
WATCH_PID=
[ "$rc" = 0 ] && ok "SIGTERM ends it, exit 0" || not_ok "SIGTERM: exit $rc"
unset PCSCLITE_CSOCK_NAME

if [ -n "$PCSCD_PID" ]; then
	stop_pcscd
	expect 3 "pcscd stopped for real: exit 3" -- "$INKAN" readers
	contains "with a clear message" "$ERR" "cannot reach pcscd"
fi
finish
