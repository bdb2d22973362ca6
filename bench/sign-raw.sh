#!/usr/bin/env bash
# bench/sign-raw.sh [SECONDS]: the raw C_Sign loop on a throw-away SoftHSM2
# token, ECDSA P-256 and RSA-2048, with 1 and 2 threads, SECONDS each
# (default 3).  One line per run from bench/sign-raw, e.g.
#   raw ecdsa-p256 threads=2 seconds=3.00 sigs=55200 sigs_per_s=18400 p50_us=98 p99_us=240 cpu_us_per_sig=108.2
# and the load average before, as figures on a busy machine are not the token's.
# BUILDDIR names the build tree (default ./build); SOFTHSM_MODULE the module.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top/build}
seconds=${1:-3}
module=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

dir=$(mktemp -d "${TMPDIR:-/tmp}/inkan-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
. "$top/bench/softhsm-token.sh"

echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
for run in ecdsa:p256 rsa-pkcs:rsa2048; do
	for threads in 1 2; do
		"$build/bench/sign-raw" --module "$module" --token bench --key-label "${run#*:}" --mech "${run%%:*}" \
			--threads "$threads" --seconds "$seconds" --pin "file:$dir/user.pin"
	done
done
