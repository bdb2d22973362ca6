#!/usr/bin/env bash
# bench/inkand.sh [SECONDS] [THREADS]: on one throw-away SoftHSM2 token, in
# one run, the raw C_Sign loop (bench/sign-raw, THREADS sessions) against
# inkand end to end (THREADS workers, audit log on, loopback HTTP over its
# UNIX socket from bench/inkand-load), for ECDSA P-256 and RSA-2048; then
# the ratio inkand/raw of signatures per second.  Defaults: 3 s, 2 threads.
#
# inkand is measured two ways, each with CLIENTS signatures in flight
# (default 128: a relay has many requests in flight, and the audit log
# commits the records that wait together):
#   - one digest per request, on CLIENTS keep-alive connections;
#   - BATCH digests per request ("digests", default 16), on CLIENTS/BATCH
#     connections: what a relay with many documents a second can send.
# The machine is shared and its load comes and goes, so the runs take
# turns: ROUNDS rounds (default 3) of raw, inkand, inkand batched, each
# ratio taken within its round, and the median of the rounds printed last.
# Also printed: the load average before each round, the CPU time per
# signature of inkand (inkand_cpu_us_per_sig, from /proc) and of the load
# generator (load_cpu_us_per_sig), which share the cores with the token.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top/build}
seconds=${1:-3}
threads=${2:-2}
clients=${CLIENTS:-128}
batch=${BATCH:-16}
rounds=${ROUNDS:-3}
module=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

dir=$(mktemp -d "${TMPDIR:-/tmp}/inkand-bench.XXXXXX")
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
. "$top/bench/softhsm-token.sh"
cat >"$dir/inkand.json" <<JSON
{ "listen": [{"unix": "$dir/sock"}], "module": "$module", "token": "pkcs11:token=bench",
  "pin": "file:$dir/user.pin", "pin_record_dir": "$dir/pin", "workers": $threads, "queue": $((clients * 2)),
  "rate_limit": {"rate": 1e9, "burst": 1e9}, "audit": {"path": "$dir/audit.db"},
  "keys": {"p256": {"uri": "pkcs11:token=bench;object=p256"}, "rsa2048": {"uri": "pkcs11:token=bench;object=rsa2048"}},
  "clients": {"unix:$(id -un)": {"keys": {"p256": ["sign"], "rsa2048": ["sign"]}}} }
JSON

value () { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }
# User and system CPU time of process $1, in clock ticks.
ticks () { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# load LABEL NAME CONNS BATCH: one inkand-load run against the running
# inkand, with inkand's own CPU time per signature added to its line.
load () {
	local before after out
	before=$(ticks "$pid")
	out=$("$build/bench/inkand-load" --socket "$dir/sock" --key "$1" --clients "$3" --batch "$4" \
		--seconds "$seconds" --label "$2")
	after=$(ticks "$pid")
	awk -v s="$out" -v d="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$(value sigs "$out")" \
		'BEGIN { printf "%s inkand_cpu_us_per_sig=%.1f\n", s, (n > 0 ? d * 1e6 / hz / n : 0) }'
}
ratio () { awk -v a="$(value sigs_per_s "$1")" -v b="$(value sigs_per_s "$2")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
median () { tr ' ' '\n' <<<"$*" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for run in ecdsa:p256:ecdsa-p256 rsa-pkcs:rsa2048:rsa-2048; do
	mech=${run%%:*} rest=${run#*:}
	label=${rest%%:*} name=${rest#*:}
	singles= batches=
	for round in $(seq "$rounds"); do
		echo "round $round, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
		raw=$("$build/bench/sign-raw" --module "$module" --token bench --key-label "$label" --mech "$mech" \
			--threads "$threads" --seconds "$seconds" --pin "file:$dir/user.pin")
		echo "$raw"
		# Not at the same time as sign-raw: one process per token directory.
		"$build/cli/inkand/inkand" --config "$dir/inkand.json" 2>"$dir/inkand.log" &
		pid=$!
		for _ in $(seq 100); do [ -S "$dir/sock" ] && break; sleep 0.05; done
		one=$(load "$label" "$name" "$clients" 1)
		echo "$one"
		many=$(load "$label" "$name-batch$batch" $(((clients + batch - 1) / batch)) "$batch")
		echo "$many"
		kill -TERM "$pid"
		wait "$pid" || true
		pid=
		singles+=" $(ratio "$one" "$raw")" batches+=" $(ratio "$many" "$raw")"
	done
	echo "ratio $name inkand/raw=$(median $singles) (median of rounds:$singles)"
	echo "ratio $name batch=$batch inkand/raw=$(median $batches) (median of rounds:$batches)"
done
