#!/usr/bin/env bash
# bench/inkand.sh [SECONDS] [THREADS]: on one throw-away SoftHSM2 token, in
# one run, the raw C_Sign loop (bench/sign-raw, THREADS sessions) against
# inkand end to end (THREADS workers, audit log on, loopback HTTP over its
# UNIX socket from bench/inkand-load), for ECDSA P-256 and RSA-2048; then
# the ratio inkand/raw of signatures per second.  Defaults: 3 s, 2 threads;
# CLIENTS concurrent keep-alive connections, one request in flight on each
# (default 128: a relay has many requests in flight, and the audit log
# commits the records that wait together, so throughput rises with them
# until the CPU is the limit).  Also printed: the load average before each
# run, the CPU time per signature of inkand (inkand_cpu_us_per_sig, from
# /proc) and of the load generator (load_cpu_us_per_sig), which share the
# machine's cores with the token's own work.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top/build}
seconds=${1:-3}
threads=${2:-2}
clients=${CLIENTS:-128}
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
for run in ecdsa:p256:ecdsa-p256 rsa-pkcs:rsa2048:rsa-2048; do
	mech=${run%%:*} rest=${run#*:}
	label=${rest%%:*} name=${rest#*:}
	echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	raw=$("$build/bench/sign-raw" --module "$module" --token bench --key-label "$label" --mech "$mech" \
		--threads "$threads" --seconds "$seconds" --pin "file:$dir/user.pin")
	echo "$raw"
	# Not at the same time as sign-raw: one process per token directory.
	"$build/cli/inkand/inkand" --config "$dir/inkand.json" 2>"$dir/inkand.log" &
	pid=$!
	for _ in $(seq 100); do [ -S "$dir/sock" ] && break; sleep 0.05; done
	before=$(ticks "$pid")
	served=$("$build/bench/inkand-load" --socket "$dir/sock" --key "$label" --clients "$clients" \
		--seconds "$seconds" --label "$name")
	after=$(ticks "$pid")
	awk -v s="$served" -v d="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$(value sigs "$served")" \
		'BEGIN { printf "%s inkand_cpu_us_per_sig=%.1f\n", s, (n > 0 ? d * 1e6 / hz / n : 0) }'
	kill -TERM "$pid"
	wait "$pid" || true
	pid=
	awk -v a="$(value sigs_per_s "$served")" -v b="$(value sigs_per_s "$raw")" -v n="$name" \
		'BEGIN { printf "ratio %s inkand/raw=%.2f\n", n, (b > 0 ? a / b : 0) }'
done
