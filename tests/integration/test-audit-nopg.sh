#!/usr/bin/env bash
# A build without PostgreSQL (-Dpostgresql=disabled): a postgresql:// or
# postgres:// audit log is refused with one line that says so, by the
# library (its own callers, the CLI, inkand), never opened as an SQLite
# file of that name, and with nothing of the URI's password shown.
. "$(dirname "$0")/lib.sh"
: "${AUDIT_WRITER:?AUDIT_WRITER must name the audit-writer helper}"
: "${INKAND:?INKAND must name the inkand binary}"
if [ "${INKAN_POSTGRESQL:-}" != no ]; then
	echo "1..0 # SKIP built with PostgreSQL (test-audit-pg.sh tests it)"
	exit 0
fi

SECRET=s3cret-never-shown
cd "$TESTDIR" || exit 1
# What the build promises: nothing links libpq.
for bin in "$INKAN" "$INKAND" "$AUDIT_WRITER"; do
	check "${bin##*/} links no libpq (nor does the libinkan it loads)" -- \
		bash -c '! ldd "$1" | grep -q libpq' _ "$bin"
done
for uri in "postgresql://inkand:$SECRET@db.example/audit" "postgres://inkand:$SECRET@/audit?host=$TESTDIR"; do
	scheme=${uri%%://*}
	expect 3 "$scheme:// through the library: refused" -- "$AUDIT_WRITER" "$uri" 1 1
	contains "saying the build has no PostgreSQL" "$ERR" "this inkan was built without PostgreSQL support"
	expect 3 "inkan audit verify --log $scheme://...: refused" -- "$INKAN" audit verify --log "$uri"
	contains "saying so" "$ERR" "this inkan was built without PostgreSQL support"
	one_line "the error" "$ERR"
	check "without the password" -- eval '! grep -q "$SECRET" <<<"$ERR$OUT"'
	check "and no SQLite file made of the URI" -- test -z "$(find "$TESTDIR" -name 'postgres*' -print -quit)"
done

# inkand refuses to start on such a log: the start-up failure, exit 3.
softhsm_token
pkcs11_keygen EC:prime256v1 01 seal
jq -n --arg sock "$TESTDIR/sock" --arg mod "$SOFTHSM_MODULE" --arg tok "$TOKEN" --arg t "$TESTDIR" \
	--arg me "unix:$(id -un)" --arg log "postgresql://inkand:$SECRET@/audit" '{
	listen: [{unix: $sock}], module: $mod, token: $tok, pin: "file:\($t)/user.pin",
	pin_record_dir: "\($t)/pin", workers: 1, queue: 4, audit: {path: $log},
	keys: {seal: {uri: "\($tok);object=seal"}}, clients: {($me): {keys: {seal: ["sign"]}}}}' >"$TESTDIR/inkand.json"
expect 3 "inkand with a postgresql:// audit log does not start" -- timeout 20 "$INKAND" --config "$TESTDIR/inkand.json"
contains "and says why" "$ERR" "this inkan was built without PostgreSQL support"
check "without the password" -- eval '! grep -q "$SECRET" <<<"$ERR$OUT"'
finish
