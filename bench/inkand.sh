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
#
# And each of these, raw loop included, with the cores placed two ways:
#   - shared: nothing pinned.  SoftHSM2 signs on the host's own cores, so
#     inkand's HTTP, JSON and audit work and the load generator take CPU
#     from the token: this measures inkand's CPU cost per signature;
#   - hsm: the threads that call the token (sign-raw's, inkand's workers)
#     on TOKEN_CPUS (default: the first half of the cores), everything
#     else (inkand's loop and audit writer, the load generator) on the
#     other cores.  That is a host with a hardware HSM, whose signatures
#     cost the host no CPU: this measures whether inkand keeps the token
#     as busy as the raw loop does.  Needs 2 cores or more.
#
# The machine is shared and its load comes and goes, so the runs take
# turns: ROUNDS rounds (default 3), each ratio taken within its round, and
# the median of the rounds printed last.  Also printed: the load average
# before each round, the CPU time per signature of inkand
# (inkand_cpu_us_per_sig, from /proc) and of the load generator
# (load_cpu_us_per_sig).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top/build}
seconds=${1:-3}
threads=${2:-2}
clients=${CLIENTS:-128}
batch=${BATCH:-16}
rounds=${ROUNDS:-3}
module=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
ncpu=$(nproc)
token_cpus=${TOKEN_CPUS:-0-$((ncpu / 2 - 1))}
placements=shared
# The host's cores: those of 0..ncpu-1 not in the list TOKEN_CPUS (as
# taskset -c takes it: 0-1,3).
host_cpus=$(awk -v t="$token_cpus" -v n="$ncpu" 'BEGIN {
	k = split(t, r, ",")
	for (i = 1; i <= k; i++) { m = split(r[i], ab, "-"); for (c = ab[1] + 0; c <= ab[m] + 0; c++) token[c] = 1 }
	for (c = 0; c < n; c++) if (!(c in token)) out = out (out == "" ? "" : ",") c
	print out }')
[ "$ncpu" -ge 2 ] && [ -n "$host_cpus" ] && placements="shared hsm"

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
# load PLACEMENT LABEL NAME CONNS BATCH: one inkand-load run against the
# running inkand, with inkand's own CPU time per signature added to its line.
load () {
	local before after out where=$1
	shift
	before=$(ticks "$pid")
	out=$($(on "$where" host) "$build/bench/inkand-load" --socket "$dir/sock" --key "$1" --clients "$3" \
		--batch "$4" --seconds "$seconds" --label "$2")
	after=$(ticks "$pid")
	awk -v s="$out" -v d="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$(value sigs "$out")" \
		'BEGIN { printf "%s inkand_cpu_us_per_sig=%.1f\n", s, (n > 0 ? d * 1e6 / hz / n : 0) }'
}
ratio () { awk -v a="$(value sigs_per_s "$1")" -v b="$(value sigs_per_s "$2")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
median () { tr ' ' '\n' <<<"$*" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# on PLACEMENT ROLE: the taskset prefix that puts a program of ROLE (token:
# it calls the token; host: anything else) under PLACEMENT.
on () {
	case $1:$2 in
	shared:*) ;;
	hsm:token) echo taskset -c "$token_cpus" ;;
	hsm:host) echo taskset -c "$host_cpus" ;;
	esac
}
# start PLACEMENT: inkand in the background, its workers moved onto the
# token's cores under hsm.
start () {
	local t n=0
	$(on "$1" host) "$build/inkand/inkand" --config "$dir/inkand.json" 2>"$dir/inkand.log" &
	pid=$!
	for _ in $(seq 100); do [ -S "$dir/sock" ] && break; sleep 0.05; done
	[ "$1" = hsm ] || return 0
	for t in /proc/"$pid"/task/*; do
		[ "$(cat "$t/comm")" = inkand-worker ] || continue
		taskset -c -p "$token_cpus" "${t##*/}" >/dev/null
		n=$((n + 1))
	done
	[ "$n" = "$threads" ] || { echo "bench: found $n of inkand's $threads workers" >&2; exit 1; }
}

echo "# $ncpu cores; placements: $placements${host_cpus:+ (hsm: token on CPU $token_cpus, host on CPU $host_cpus)}"
for run in ecdsa:p256:ecdsa-p256 rsa-pkcs:rsa2048:rsa-2048; do
	mech=${run%%:*} rest=${run#*:}
	label=${rest%%:*} name=${rest#*:}
	declare -A singles=() batches=()
	for round in $(seq "$rounds"); do
		echo "round $round, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
		for where in $placements; do
			raw=$($(on "$where" token) "$build/bench/sign-raw" --module "$module" --token bench \
				--key-label "$label" --mech "$mech" --threads "$threads" --seconds "$seconds" \
				--pin "file:$dir/user.pin")
			echo "$where $raw"
			# Not at the same time as sign-raw: one process per token directory.
			start "$where"
			one=$(load "$where" "$label" "$name" "$clients" 1)
			echo "$where $one"
			many=$(load "$where" "$label" "$name-batch$batch" $(((clients + batch - 1) / batch)) "$batch")
			echo "$where $many"
			kill -TERM "$pid"
			wait "$pid" || true
			pid=
			singles[$where]+=" $(ratio "$one" "$raw")" batches[$where]+=" $(ratio "$many" "$raw")"
		done
	done
	for where in $placements; do
		echo "ratio $name $where inkand/raw=$(median ${singles[$where]}) (median of rounds:${singles[$where]})"
		echo "ratio $name $where batch=$batch inkand/raw=$(median ${batches[$where]}) (median of rounds:${batches[$where]})"
	done
done
