#!/usr/bin/env bash
# The audit log in PostgreSQL, on a throw-away cluster of the test's own
# (UNIX socket only): two writer processes appending to one chain at once,
# kill -9 of writers mid-run, tampering with psql found and located, a
# password never shown, checkpoints, and inkand failing closed when the
# database goes away under it.
. "$(dirname "$0")/lib.sh"
: "${AUDIT_WRITER:?AUDIT_WRITER must name the audit-writer helper}"
: "${INKAND:?INKAND must name the inkand binary}"

PGBIN=$(pg_config --bindir 2>/dev/null)
[ -x "$PGBIN/initdb" ] || PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
if [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_ctl" ] || [ ! -x "$PGBIN/psql" ]; then
	echo "1..0 # SKIP no PostgreSQL server binaries (initdb, pg_ctl)"
	exit 0
fi

# The server refuses to run as root: the cluster belongs to the postgres
# user then, in a directory of its own that it can reach.
PGROOT=$(mktemp -d "${TMPDIR:-/tmp}/inkan-pg.XXXXXX")
AS_PG=()
if [ "$(id -u)" -eq 0 ]; then
	chown postgres: "$PGROOT"
	AS_PG=(runuser -u postgres --)
fi
pg_ctl () { "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" "$@"; }
cleanup_hooks+=('pg_ctl -m immediate stop >/dev/null 2>&1; rm -rf "$PGROOT"')
"${AS_PG[@]}" "$PGBIN/initdb" -D "$PGROOT/data" -A trust -U postgres -E UTF8 --no-sync >"$PGROOT/initdb.log" 2>&1 ||
	{ sed 's/^/# /' "$PGROOT/initdb.log"; exit 1; }
pg_start () {
	pg_ctl -w -l "$PGROOT/server.log" -o "-c listen_addresses='' -c unix_socket_directories='$PGROOT'" start >/dev/null
}
pg_start || { sed 's/^/# /' "$PGROOT/server.log"; exit 1; }
psql () { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$PGROOT" -U postgres "$@"; }
psql -d postgres -c "CREATE DATABASE audit"
LOG="postgresql:///audit?host=$PGROOT&user=postgres"

softhsm_token
"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label audit --pin "$USER_PIN" >/dev/null
"$INKAN" pubkey --key "$TOKEN;object=audit;type=public" --out "$TESTDIR/audit.pem"
lacks () { ! grep -q -- "$1" <<<"$2"; } # NEEDLE TEXT
field () { python3 -c "import json, sys; j = json.load(open(sys.argv[1])); print($2)" "$1"; }

# ---- two processes on one chain ----
"$AUDIT_WRITER" "$LOG" 2 100 >"$TESTDIR/w1" 2>"$TESTDIR/w1.err" &
w1=$!
"$AUDIT_WRITER" "$LOG" 2 100 >"$TESTDIR/w2" 2>"$TESTDIR/w2.err" &
w2=$!
check "writer 1 appended 200 records" -- wait "$w1"
check "writer 2 appended 200 records beside it" -- wait "$w2"
[ -s "$TESTDIR/w1.err" ] && sed 's/^/# /' "$TESTDIR/w1.err" "$TESTDIR/w2.err"
check "seqs 1..400 between them, each once" -- test "$(cat "$TESTDIR/w1" "$TESTDIR/w2" | cut -d' ' -f1 | sort -n |
	tr '\n' ' ')" = "$(seq 1 400 | tr '\n' ' ')"
# first FILE / last FILE: the lowest / highest seq a writer was given.
first () { cut -d' ' -f1 "$1" | sort -n | head -n1; }
last () { cut -d' ' -f1 "$1" | sort -n | tail -n1; }
check "their records interleave: both wrote at once" -- test "$(first "$TESTDIR/w1")" -lt "$(last "$TESTDIR/w2")" -a \
	"$(first "$TESTDIR/w2")" -lt "$(last "$TESTDIR/w1")"
expect 0 "verify postgresql://..." -- "$INKAN" audit verify --log "$LOG"
contains "says intact" "$OUT" "intact: 400 records (last seq 400)"
check "the session commits synchronously" -- test "$(psql -d audit -c "SELECT setting FROM pg_settings WHERE
	name = 'synchronous_commit'")" = on
check "the schema's types" -- test "$(psql -d audit -c "SELECT string_agg(column_name || ':' || data_type, ','
	ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'records'")" = \
	"seq:bigint,time:bigint,client:text,key_uri:text,operation:text,digest:bytea,result:text,prev_hash:bytea,hash:bytea"

# ---- checkpoints ----
expect 0 "checkpoint with the token's key into PostgreSQL" -- \
	"$INKAN" audit checkpoint --log "$LOG" --key "$TOKEN;object=audit" --pin "$USER_PIN"
contains "it covers seq 400" "$OUT" "checkpoint of seq 400"
expect 0 "verify against the checkpoint key" -- "$INKAN" audit verify --log "$LOG" --pubkey "$TESTDIR/audit.pem"
contains "the checkpoint is valid" "$OUT" "1 of 1 checkpoints valid, the last at seq 400"

# ---- a password in the URI is never shown ----
SECRET=s3cret-never-shown
PWLOG="postgresql://postgres:$SECRET@/audit?host=$PGROOT&connect_timeout=3"
expect 0 "verify with a password in the URI" -- "$INKAN" --json audit verify --log "$PWLOG"
check "the report names the log without it" -- lacks "$SECRET" "$OUT"
contains "but by its database" "$OUT" "dbname='audit'"
contains "with the URI's own parameters" "$OUT" "connect_timeout='3'"
expect 3 "a database that is not there" -- "$INKAN" audit verify --log "postgresql://postgres:$SECRET@/none?host=$PGROOT"
contains "says so" "$ERR" 'database "none" does not exist'
check "without the password" -- lacks "$SECRET" "$ERR$OUT"
one_line "the error" "$ERR"
expect 3 "a database without the log is no audit log" -- "$INKAN" audit verify --log "postgresql:///postgres?host=$PGROOT&user=postgres"
contains "so it says" "$ERR" "is not an inkan audit log"

# ---- another writer holding the chain's lock, and a writer's least rights ----
"$AUDIT_WRITER" "$LOG" 1 0 >"$TESTDIR/w3" 2>"$TESTDIR/w3.err" &
w3=$!
sleep 0.5
psql -d audit -c "BEGIN; SELECT pg_advisory_xact_lock (7597127687628485988); SELECT pg_sleep (7); COMMIT" >/dev/null &
locker=$!
wait "$w3"
check "a writer waits for another's lock on the chain no longer than its lock timeout (5 s)" -- test $? = 1
contains "then fails closed, saying so" "$(cat "$TESTDIR/w3.err")" "cannot be written (begin): ERROR:  canceling statement due to lock timeout"
check "having appended before" -- test -s "$TESTDIR/w3"
wait "$locker"
psql -d audit -c "CREATE ROLE appender LOGIN; GRANT SELECT, INSERT ON records, checkpoints, meta TO appender"
expect 0 "a role with only SELECT and INSERT appends to the log" -- \
	"$AUDIT_WRITER" "postgresql:///audit?host=$PGROOT&user=appender" 1 3
N=$(cut -d' ' -f1 "$TESTDIR/w3" | sort -n | tail -n1)
check "next to the last one: $((N + 1))..$((N + 3))" -- test "$(cut -d' ' -f1 <<<"$OUT" | tr '\n' ' ')" = \
	"$((N + 1)) $((N + 2)) $((N + 3)) "
check "but cannot alter it" -- sh -c "! '$PGBIN/psql' -X -h '$PGROOT' -U appender -d audit -c 'DELETE FROM records' 2>/dev/null"
cat "$TESTDIR/w1" "$TESTDIR/w2" "$TESTDIR/w3" - <<<"$OUT" >"$TESTDIR/w0"

# ---- tampering, on copies of the database ----
n=0
# tampered SQL KIND SEQ: a copy edited by SQL (the trigger dropped) is refused at SEQ.
tampered () {
	n=$((n + 1))
	psql -d postgres -c "CREATE DATABASE t$n TEMPLATE audit"
	psql -d "t$n" -c "DROP TRIGGER records_append_only ON records; $1"
	expect 1 "t$n: verify refuses (${1//[$'\n\t']/ })" -- "$INKAN" audit verify --log "postgresql:///t$n?host=$PGROOT&user=postgres" \
		--pubkey "$TESTDIR/audit.pem" --json
	printf '%s\n' "$OUT" >"$TESTDIR/v.json"
	check "t$n: first bad seq $3, $2" -- test \
		"$(field "$TESTDIR/v.json" '(j["first_bad_seq"], [p["kind"] for p in j["problems"] if p["seq"] == j["first_bad_seq"]][0])')" = \
		"($3, '$2')"
}
refused () { psql -d audit -c "$1" 2>&1 | grep -q append-only; }
check "the trigger refuses an UPDATE through psql" -- refused "UPDATE records SET client = 'x' WHERE seq = 1"
check "and a DELETE" -- refused "DELETE FROM records WHERE seq = 1"
tampered "UPDATE records SET client = 'mallory' WHERE seq = 57" hash-mismatch 57
tampered "DELETE FROM records WHERE seq = 100" seq-gap 100
tampered "UPDATE records SET digest = '\\x00' WHERE seq = 3" hash-mismatch 3
tampered "DELETE FROM records WHERE seq > 350" checkpoint-missing-seq 351
tampered "INSERT INTO records SELECT -7, time, client, key_uri, operation, digest, result, prev_hash, hash
	FROM records WHERE seq = 5" malformed 0
tampered "ALTER TABLE records ALTER COLUMN client TYPE varchar" malformed 1
tampered "ALTER TABLE records ALTER COLUMN seq TYPE numeric" malformed 0
tampered "UPDATE records SET prev_hash = '\\x00' WHERE seq = 20" malformed 20

# ---- kill -9 of writers mid-run, two at a time ----
: >"$TESTDIR/acked"
for i in 1 2 3; do
	"$AUDIT_WRITER" "$LOG" 2 0 >"$TESTDIR/a.$i" 2>/dev/null &
	a=$!
	"$AUDIT_WRITER" "$LOG" 2 0 >"$TESTDIR/b.$i" 2>/dev/null &
	b=$!
	sleep "0.$((4 + RANDOM % 5))"
	if [ "$i" = 2 ]; then
		"$INKAN" audit checkpoint --log "$LOG" --key "$TOKEN;object=audit" --pin "$USER_PIN" >/dev/null ||
			echo "# checkpoint during the run failed"
	fi
	kill -9 "$a"
	sleep 0.2
	kill -9 "$b"
	wait "$a" "$b" 2>/dev/null
	# A line cut in half by the kill was never a whole acknowledgement.
	for f in "$TESTDIR/a.$i" "$TESTDIR/b.$i"; do
		[ -z "$(tail -c1 "$f")" ] || printf '\n' >>"$f"
		cat "$f" >>"$TESTDIR/acked"
	done
done
check "the killed writers had acknowledged records ($(wc -l <"$TESTDIR/acked"))" -- test "$(wc -l <"$TESTDIR/acked")" -gt 20
expect 0 "verify after the kills" -- "$INKAN" audit verify --log "$LOG" --pubkey "$TESTDIR/audit.pem" --json
check "with the checkpoint taken mid-run" -- test "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["checkpoints_valid"])')" = 2
"$INKAN" --json audit show --log "$LOG" >"$TESTDIR/all.json"
check "every acknowledged seq is in the log with its client and digest" -- \
	python3 "$SRCDIR/tests/integration/acked-in-log.py" "$TESTDIR/all.json" "$TESTDIR/acked" "$TESTDIR/w0"

# ---- inkand on PostgreSQL, and the database stopped under it ----
T=$TESTDIR
SOCK=$T/inkand.sock
ME=unix:$(id -un)
pkcs11_keygen EC:prime256v1 01 seal
jq -n --arg sock "$SOCK" --arg mod "$SOFTHSM_MODULE" --arg tok "$TOKEN" --arg t "$T" --arg me "$ME" \
	--arg log "$PWLOG" '{
	listen: [{unix: $sock}], module: $mod, token: $tok, pin: "file:\($t)/user.pin",
	pin_record_dir: "\($t)/pin", workers: 2, queue: 32, audit: {path: $log},
	keys: {seal: {uri: "\($tok);object=seal"}}, clients: {($me): {keys: {seal: ["sign"]}}}}' >"$T/inkand.json"
"$INKAND" --config "$T/inkand.json" 2>"$T/inkand.log" &
PID=$!
cleanup_hooks+=('kill -9 $PID 2>/dev/null')
for _ in $(seq 100); do
	curl -s --unix-socket "$SOCK" -o /dev/null http://inkand/healthz && break
	sleep 0.05
done
printf 'to be signed\n' | base64 -w0 >"$T/data.b64"
sign () { STATUS=$(curl -s --max-time 20 --unix-socket "$SOCK" -o "$T/body" -w '%{http_code}' \
	--data-binary '{"key": "seal", "data": "'"$(cat "$T/data.b64")"'"}' http://inkand/v1/sign); }
sign
contains "inkand signs with its log in PostgreSQL: 200" "$STATUS" 200
SEQ=$(jq -r .audit_seq "$T/body")
check "its record is in the database" -- test "$(psql -d audit -c "SELECT count(*) FROM records WHERE seq = $SEQ
	AND client = '$ME' AND result = 'ok'")" = 1
pg_ctl -m immediate stop >/dev/null
sign
contains "with the database stopped, signing stops: 503" "$STATUS" 503
check "and no signature leaves" -- test -z "$(jq -r '.signature // empty' "$T/body")"
contains "the error says why" "$(jq -r .error "$T/body")" audit-failed
STATUS=$(curl -s --unix-socket "$SOCK" -o "$T/health" -w '%{http_code}' http://inkand/healthz)
contains "healthz: 503" "$STATUS" 503
contains "healthz names the failure" "$(jq -r .audit "$T/health")" "cannot be written"
check "without the password" -- lacks "$SECRET" "$(cat "$T/health" "$T/body" "$T/inkand.log")"
pg_start
sign
contains "the failure stays after the database is back (fail closed)" "$STATUS" 503
kill -TERM "$PID"
wait "$PID"
PID=
expect 0 "the log verifies after all that" -- "$INKAN" audit verify --log "$LOG" --pubkey "$TESTDIR/audit.pem"
finish
