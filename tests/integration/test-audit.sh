#!/usr/bin/env bash
# The audit log: records from several threads, checkpoints signed on a
# SoftHSM2 token, tampering with the sqlite3 shell found and located, and
# kill -9 of a writer mid-run losing nothing it acknowledged.
. "$(dirname "$0")/lib.sh"
: "${AUDIT_WRITER:?AUDIT_WRITER must name the audit-writer helper}"
softhsm_token
"$INKAN" keygen --token "$TOKEN" --type ec:P-256 --label audit --pin "$USER_PIN" >/dev/null
"$INKAN" keygen --token "$TOKEN" --type rsa:2048 --label audit-rsa --pin "$USER_PIN" >/dev/null
"$INKAN" pubkey --key "$TOKEN;object=audit;type=public" --out "$TESTDIR/audit.pem"
"$INKAN" pubkey --key "$TOKEN;object=audit-rsa;type=public" --out "$TESTDIR/audit-rsa.pem"
LOG=$TESTDIR/audit.db

# field FILE EXPR: a value from the JSON document in FILE (j is the document).
field () { python3 -c "import json, sys; j = json.load(open(sys.argv[1])); print($2)" "$1"; }
verify_json () { "$INKAN" audit verify --log "$1" --pubkey "$TESTDIR/audit.pem" --json >"$TESTDIR/v.json"; }
# A copy of the log to tamper with: SQLite's own backup, WAL included.
copy_log () { rm -f "$2"; sqlite3 "$1" ".backup '$2'"; }
untrigger="DROP TRIGGER records_append_only_u; DROP TRIGGER records_append_only_d;"

expect 0 "200 records from 4 threads" -- "$AUDIT_WRITER" "$LOG" 4 50
check "every append printed its seq" -- test "$(printf '%s\n' "$OUT" | wc -l)" = 200
check "seqs 1..200, each once" -- test "$(printf '%s\n' "$OUT" | cut -d' ' -f1 | sort -n | tr '\n' ' ')" = \
	"$(seq 1 200 | tr '\n' ' ')"
expect 0 "checkpoint with the token's EC key" -- \
	"$INKAN" audit checkpoint --log "$LOG" --key "$TOKEN;object=audit" --pin "$USER_PIN"
contains "it covers seq 200" "$OUT" "checkpoint of seq 200"
expect 0 "verify against the checkpoint key" -- "$INKAN" audit verify --log "$LOG" --pubkey "$TESTDIR/audit.pem"
contains "says intact" "$OUT" "intact: 200 records (last seq 200), 1 of 1 checkpoints valid"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TESTDIR/ca.key" \
	-subj "/CN=Audit CA" -days 30 -out "$TESTDIR/ca.pem" 2>/dev/null
openssl x509 -new -force_pubkey "$TESTDIR/audit.pem" -subj "/CN=inkand audit" -CA "$TESTDIR/ca.pem" \
	-CAkey "$TESTDIR/ca.key" -days 10 -out "$TESTDIR/audit-cert.pem" 2>/dev/null
expect 0 "verify against the checkpoint key's certificate" -- \
	"$INKAN" audit verify --log "$LOG" --cert "$TESTDIR/audit-cert.pem"
expect 1 "a certificate of another key refuses the checkpoint" -- \
	"$INKAN" audit verify --log "$LOG" --cert "$TESTDIR/ca.pem"
contains "as not the trusted key" "$OUT" "checkpoint-untrusted-key"
expect 0 "verify --json" -- verify_json "$LOG"
check "one JSON document: intact, the checkpoint valid and trusted" -- test \
	"$(field "$TESTDIR/v.json" '(j["intact"], j["checkpoints_valid"], j["last_checkpoint_seq"], j["key_trusted"])')" = \
	"(True, 1, 200, True)"
check "the stored checkpoint names its key and scheme, with the public key" -- test \
	"$(sqlite3 "$LOG" "SELECT key_uri LIKE 'pkcs11:%object=audit%', scheme, length(spki) > 50 FROM checkpoints")" = \
	"1|ecdsa-sha256|1"

"$AUDIT_WRITER" "$LOG" 2 5 >/dev/null
expect 0 "an RSA checkpoint (PSS) on top" -- \
	"$INKAN" audit checkpoint --log "$LOG" --key "$TOKEN;object=audit-rsa" --pin "$USER_PIN"
expect 0 "without a trusted key, both checkpoints check against the keys they carry" -- \
	"$INKAN" audit verify --log "$LOG"
contains "2 valid" "$OUT" "2 of 2 checkpoints valid, the last at seq 210"
contains "and it says what that does not show" "$OUT" "--pubkey or --cert"
expect 1 "with the EC key trusted, the RSA one is refused" -- verify_json "$LOG"
check "as a checkpoint by another key, at seq 210" -- test \
	"$(field "$TESTDIR/v.json" '[(p["kind"], p["seq"]) for p in j["problems"]][0]')" = "('checkpoint-untrusted-key', 210)"
expect 1 "with the RSA key trusted, the EC one is refused and the RSA one is good" -- \
	"$INKAN" audit verify --log "$LOG" --pubkey "$TESTDIR/audit-rsa.pem" --json
check "so" -- test "$(printf '%s' "$OUT" | python3 -c 'import json,sys; j = json.load(sys.stdin); print(j["checkpoints_valid"], [(p["kind"], p["seq"]) for p in j["problems"]][0])')" = \
	"1 ('checkpoint-untrusted-key', 200)"
expect 0 "show --from" -- "$INKAN" --json audit show --log "$LOG" --from 208
check "gives 208..210" -- test "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print([r["seq"] for r in json.load(sys.stdin)])')" = "[208, 209, 210]"

# tampered NAME SQL KIND SEQ: a copy edited by SQL is refused, at SEQ.
tampered () {
	local t=$TESTDIR/$1.db
	copy_log "$LOG" "$t"
	sqlite3 "$t" "$untrigger $2"
	expect 1 "$1: verify refuses" -- "$INKAN" audit verify --log "$t" --pubkey "$TESTDIR/audit.pem" --json
	printf '%s\n' "$OUT" >"$TESTDIR/v.json"
	check "$1: first bad seq $4, $3" -- test \
		"$(field "$TESTDIR/v.json" '(j["first_bad_seq"], [p["kind"] for p in j["problems"] if p["seq"] == j["first_bad_seq"]][0])')" = \
		"($4, '$3')"
}
copy_log "$LOG" "$TESTDIR/base.db"
sqlite3 "$TESTDIR/base.db" "DELETE FROM checkpoints WHERE scheme != 'ecdsa-sha256'"
LOG=$TESTDIR/base.db
expect 0 "the EC-only copy is intact" -- "$INKAN" audit verify --log "$LOG" --pubkey "$TESTDIR/audit.pem"
contains "and names the tail no checkpoint covers" "$OUT" "past the last valid checkpoint: 10 records"
expect 0 "--json gives the tail too" -- verify_json "$LOG"
check "as 10 records" -- test "$(field "$TESTDIR/v.json" 'j["unprotected_records"]')" = 10
expect 0 "--max-unprotected 10 accepts 10" -- "$INKAN" audit verify --log "$LOG" --max-unprotected 10
expect 1 "--max-unprotected 9 refuses 10" -- "$INKAN" audit verify --log "$LOG" --max-unprotected 9 --json
contains "saying why" "$ERR" "10 records lie past the last valid checkpoint, more than --max-unprotected 9"
expect 2 "--max-unprotected takes a number" -- "$INKAN" audit verify --log "$LOG" --max-unprotected -1
# The seconds run from the last valid checkpoint to the last record.
"$AUDIT_WRITER" "$TESTDIR/tail.db" 1 3 >/dev/null
expect 1 "a log without checkpoints is all tail" -- "$INKAN" audit verify --log "$TESTDIR/tail.db" --max-unprotected 2
"$INKAN" audit checkpoint --log "$TESTDIR/tail.db" --key "$TOKEN;object=audit" --pin "$USER_PIN" >/dev/null
sleep 2
"$AUDIT_WRITER" "$TESTDIR/tail.db" 1 2 >/dev/null
expect 0 "after a checkpoint, 2 s and 2 records" -- verify_json "$TESTDIR/tail.db"
check "are counted so" -- test "$(field "$TESTDIR/v.json" '(j["unprotected_records"], 2 <= j["unprotected_seconds"] <= 30)')" = \
	"(2, True)"
tampered altered "UPDATE records SET client = 'mallory' WHERE seq = 57" hash-mismatch 57
tampered digest "UPDATE records SET digest = zeroblob(32) WHERE seq = 3" hash-mismatch 3
tampered result "UPDATE records SET result = 'pin-incorrect' WHERE seq = 150" hash-mismatch 150
tampered deleted "DELETE FROM records WHERE seq = 100" seq-gap 100
tampered swapped "UPDATE records SET seq = -1 WHERE seq = 10; UPDATE records SET seq = 10 WHERE seq = 11;
	UPDATE records SET seq = 11 WHERE seq = -1" chain-break 10
tampered inserted "UPDATE records SET seq = seq + 100000 WHERE seq >= 20; UPDATE records SET seq = seq - 99999 WHERE seq >= 100000;
	INSERT INTO records SELECT 20, time, 'intruder', key_uri, operation, digest, result, hash, randomblob(32) FROM records WHERE seq = 19" \
	hash-mismatch 20
tampered truncated "DELETE FROM records WHERE seq > 150" checkpoint-missing-seq 151
tampered appended "INSERT INTO records SELECT 211, time, client, key_uri, operation, digest, result, hash, hash FROM records WHERE seq = 210" \
	hash-mismatch 211
tampered checkpoint "UPDATE checkpoints SET seq = 199, head_hash = (SELECT hash FROM records WHERE seq = 199)" \
	checkpoint-bad-signature 199
expect 1 "text output names the place too" -- "$INKAN" audit verify --log "$TESTDIR/deleted.db"
contains "first bad seq" "$OUT" "TAMPERED: first bad seq 100"
contains "and what" "$OUT" "record 100 is missing"
check "triggers refuse an edit through SQLite that does not drop them" -- \
	sh -c "sqlite3 '$LOG' \"UPDATE records SET client = 'x' WHERE seq = 1\" 2>&1 | grep -q append-only"

expect 3 "a missing log is an environment failure" -- "$INKAN" audit verify --log "$TESTDIR/none.db"
printf 'not a database\n' >"$TESTDIR/text.db"
expect 3 "so is a file that is no audit log" -- "$INKAN" audit verify --log "$TESTDIR/text.db" --json
check "with a JSON error document" -- test "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["error"])')" = io
expect 2 "--pubkey and --cert together are a usage error" -- \
	"$INKAN" audit verify --log "$LOG" --pubkey a --cert b

# Crash: kill -9 the writer at random moments, a checkpoint by another
# process in between; every seq it printed must be in the log, as printed.
CRASH=$TESTDIR/crash.db
: >"$TESTDIR/acked"
for i in 1 2 3 4 5; do
	"$AUDIT_WRITER" "$CRASH" 4 0 >>"$TESTDIR/acked" 2>"$TESTDIR/writer.err" &
	pid=$!
	sleep "0.$((3 + RANDOM % 5))"
	if [ "$i" = 3 ]; then
		"$INKAN" audit checkpoint --log "$CRASH" --key "$TOKEN;object=audit" --pin "$USER_PIN" >/dev/null ||
			echo "# checkpoint during the run failed"
	fi
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	# A line cut in half by the kill was never a whole acknowledgement.
	[ -z "$(tail -c1 "$TESTDIR/acked")" ] || printf '\n' >>"$TESTDIR/acked"
done
check "the killed writers had acknowledged records ($(wc -l <"$TESTDIR/acked"))" -- test "$(wc -l <"$TESTDIR/acked")" -gt 20
expect 0 "verify after 5 kills -9" -- "$INKAN" audit verify --log "$CRASH" --pubkey "$TESTDIR/audit.pem" --json
check "with the checkpoint taken mid-run" -- test "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["checkpoints_valid"])')" = 1
"$INKAN" --json audit show --log "$CRASH" >"$TESTDIR/crash.json"
check "every acknowledged seq is in the log with its client and digest" -- \
	python3 "$SRCDIR/tests/integration/acked-in-log.py" "$TESTDIR/crash.json" "$TESTDIR/acked"
finish
