#!/usr/bin/env bash
# bench/validate.sh [ENTRIES] [SECONDS]: validations per second, in one run,
# against one CRL of ENTRIES revoked serials (default 1000000) served over
# HTTP, for a good and a revoked leaf in turn:
#   - inkand's POST /v1/validate with a warm cache (2 workers, the CRL
#     fetched and indexed once), from bench/inkand-load on CLIENTS
#     keep-alive connections (default 32);
#   - OpenSSL's own X509_verify_cert with X509_V_FLAG_CRL_CHECK in a C
#     loop on 2 threads, the CRL parsed once (bench/validate-openssl loop:
#     OpenSSL checks the CRL's signature again at every call);
#   - the same loop verifying the path only, then X509_CRL_get0_by_serial
#     on the CRL whose signature was checked once (validate-openssl lookup);
#   - `inkan validate`, one process per check, as a relay that shells out
#     does (its disk cache on: each process reads and indexes the CRL again);
# then the ratios inkand/openssl (both loops) and inkand/cli.  Default 3 s a measurement
# (the CLI: CLI_RUNS processes, default 5).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top/build}
entries=${1:-1000000}
seconds=${2:-3}
clients=${CLIENTS:-32}
cli_runs=${CLI_RUNS:-5}
module=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
d=$(mktemp -d "${TMPDIR:-/tmp}/inkan-vbench.XXXXXX")
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$d"' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# The PKI: a root, a CA under it, a good and a revoked leaf naming the CRL.
cd "$d"
ec () { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; }
ec root
openssl req -x509 -new -key root.key -subj "/O=Bench/CN=Root" -days 30 -out root.pem \
	-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign
ec ca
openssl req -new -key ca.key -subj "/O=Bench/CN=CA" |
	openssl x509 -req -CA root.pem -CAkey root.key -days 30 -out ca.pem -extfile <(printf \
		'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n') \
		2>/dev/null
for leaf in good revoked; do
	ec "$leaf"
	openssl req -new -key "$leaf.key" -subj "/O=Bench/CN=$leaf" |
		openssl x509 -req -CA ca.pem -CAkey ca.key -days 30 -out "$leaf.pem" -extfile <(printf \
			'keyUsage=critical,digitalSignature\ncrlDistributionPoints=URI:http://127.0.0.1:%s/big.crl\n' "$port") \
			2>/dev/null
done
mkdir www
t0=$(date +%s.%N)
"$build/bench/validate-openssl" make-crl ca.pem ca.key "$entries" www/big.crl revoked.pem
printf 'crl entries=%s bytes=%s made_in_s=%.1f\n' "$((entries + 1))" "$(stat -c %s www/big.crl)" \
	"$(echo "$(date +%s.%N) - $t0" | bc)"
python3 -m http.server "$port" --bind 127.0.0.1 --directory www >http.log 2>&1 &
pids+=($!)
for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

# inkand: a throw-away SoftHSM2 token (inkand serves keys too, and wants one).
export SOFTHSM2_CONF=$d/softhsm2.conf
mkdir tokens
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$d/tokens" >"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label bench --so-pin 12345678 --pin 123456 >/dev/null
pkcs11-tool --module "$module" --login --pin 123456 --keypairgen --key-type EC:prime256v1 --id 01 --label k \
	>/dev/null 2>&1
printf '123456\n' >user.pin
printf 'anchor = %s/root.pem\nmethods = crl\ntimeout = 60000\ndeadline = 60000\n' "$d" >validate.conf
jq -n --arg d "$d" --arg mod "$module" --arg me "unix:$(id -un)" '{
	listen: [{unix: "\($d)/inkand.sock"}], module: $mod, token: "pkcs11:token=bench", pin: "file:\($d)/user.pin",
	workers: 2, queue: 256, audit: {path: "\($d)/audit.db"}, rate_limit: {rate: 1000000, burst: 1000000},
	validate: {config: "\($d)/validate.conf", cache_mb: 4096},
	keys: {k: {uri: "pkcs11:token=bench;object=k"}}, clients: {($me): {operations: ["validate"]}}}' >inkand.json
"$build/inkand/inkand" --config inkand.json 2>inkand.log &
inkand_pid=$!
pids+=($inkand_pid)
for i in $(seq 100); do curl -s --unix-socket inkand.sock -o /dev/null http://inkand/healthz && break; sleep 0.1; done
b64 () { openssl x509 -in "$1" -outform DER | base64 -w0; }
for leaf in good revoked; do
	jq -nc --arg c "$(b64 "$leaf.pem")" --arg ca "$(b64 ca.pem)" '{cert: $c, chain: [$ca]}' >"$leaf.json"
done
# Warm: the first request fetches, parses and indexes the CRL.
t0=$(date +%s.%N)
curl -s --unix-socket inkand.sock -H 'Content-Type: application/json' --data-binary @good.json \
	http://inkand/v1/validate | jq -c '{verdict, answer: .methods[0].answer}'
printf 'inkand first request (fetch, parse, verify, index) s=%.2f\n' "$(echo "$(date +%s.%N) - $t0" | bc)"

rate () { sed -n 's/.* \(checks\|sigs\)_per_s=\([0-9]*\).*/\2/p'; }
# User and system CPU time of inkand, in clock ticks: what it spends per
# check, whatever else the shared machine runs meanwhile.
ticks () { awk '{ print $14 + $15 }' "/proc/$inkand_pid/stat"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for leaf in good revoked; do
	t0=$(ticks)
	line=$("$build/bench/inkand-load" --socket inkand.sock --validate "$leaf.json" --clients "$clients" \
		--seconds "$seconds" --label "$leaf")
	n=$(sed -n 's/.* sigs=\([0-9]*\).*/\1/p' <<<"$line")
	echo "$line inkand_cpu_us_per_check=$(echo "scale=1; ($(ticks) - $t0) * 1000000 / $(getconf CLK_TCK) / $n" | bc)"
	eval "inkand_$leaf=$(rate <<<"$line")"
	line=$(THREADS=2 "$build/bench/validate-openssl" loop root.pem ca.pem www/big.crl "$seconds" "$leaf.pem")
	echo "$line ($leaf)"
	eval "openssl_$leaf=$(rate <<<"$line")"
	line=$(THREADS=2 "$build/bench/validate-openssl" lookup root.pem ca.pem www/big.crl "$seconds" "$leaf.pem")
	echo "$line ($leaf)"
	eval "lookup_$leaf=$(rate <<<"$line")"
done
curl -s --unix-socket inkand.sock http://inkand/metrics | grep -E '^inkand_vcache_(fetches|hits)_total\{kind="crl"\}|^inkand_vcache_bytes '

# The CLI, one process per check, its disk cache warm (the first run fills it).
export INKAN_CACHE_DIR=$d/cache INKAN_VALIDATE_CONF=$d/validate.conf
"$build/cli/inkan" validate good.pem --chain ca.pem >/dev/null
t0=$(date +%s.%N)
for i in $(seq "$cli_runs"); do
	"$build/cli/inkan" validate good.pem --chain ca.pem >/dev/null
done
cli_s=$(echo "$(date +%s.%N) - $t0" | bc)
cli=$(echo "scale=3; $cli_runs / $cli_s" | bc)
printf 'cli one process per check runs=%s seconds=%.2f checks_per_s=%s\n' "$cli_runs" "$cli_s" "$cli"
ratio () { echo "scale=4; $1 / $2" | bc; }
printf 'ratio inkand/openssl-loop good=%.2f revoked=%.2f\n' "$(ratio "$inkand_good" "$openssl_good")" \
	"$(ratio "$inkand_revoked" "$openssl_revoked")"
printf 'ratio inkand/openssl-lookup good=%.2f revoked=%.2f\n' "$(ratio "$inkand_good" "$lookup_good")" \
	"$(ratio "$inkand_revoked" "$lookup_revoked")"
printf 'ratio inkand/cli good=%.0f\n' "$(echo "scale=4; $inkand_good / $cli" | bc)"
