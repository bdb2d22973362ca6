#!/usr/bin/env bash
# inkan-p11shim.so: inkan through the fault-injecting shim (transparent when
# the control file is empty; C_Sign faults, once, delays, token removal), and
# one long-lived process (shim-check) across a removal and a counted fault.
. "$(dirname "$0")/lib.sh"
: "${INKAN_SHIM:?INKAN_SHIM must name inkan-p11shim.so}"
softhsm_token
export INKAN_SHIM_MODULE=$SOFTHSM_MODULE
export INKAN_SHIM_CONTROL=$TESTDIR/shim.control
: >"$INKAN_SHIM_CONTROL"
printf 'to be signed\n' >"$TESTDIR/data"
KEY="$TOKEN;object=p256"

shim () { "$INKAN" --module "$INKAN_SHIM" "$@"; }
control () { printf '%s\n' "$@" >"$INKAN_SHIM_CONTROL"; }
sign () { shim sign --key "$KEY" --in "$TESTDIR/data" --out "$TESTDIR/sig" --pin "$USER_PIN"; }
ms_now () { echo $(($(date +%s%N) / 1000000)); }

expect 0 "keygen through the shim" -- shim keygen --token "$TOKEN" --type ec:P-256 --label p256 --pin "$USER_PIN"
expect 0 "tokens through the shim" -- shim tokens
contains "it lists the token" "$OUT" "token=test"
expect 0 "sign through the shim" -- sign
expect 0 "pubkey straight from SoftHSM2" -- "$INKAN" --module "$SOFTHSM_MODULE" pubkey --key "$KEY" \
	--out "$TESTDIR/p256.pem"
check "the signature verifies" -- openssl dgst -sha256 -verify "$TESTDIR/p256.pem" -signature "$TESTDIR/sig" \
	"$TESTDIR/data"

control 'C_Sign=CKR_DEVICE_REMOVED'
expect 3 "C_Sign=CKR_DEVICE_REMOVED: sign fails, an environment failure" -- sign
contains "it says the device was removed" "$ERR" "Token or card was removed"
contains "with the token's code" "$ERR" "0x00000032"
expect 3 "and fails again" -- sign

control '# a comment, and a blank line' '' 'C_Sign=CKR_DEVICE_ERROR:once'
expect 3 ":once: the next sign fails" -- sign
contains "with CKR_DEVICE_ERROR" "$ERR" "0x00000030"
expect 0 ":once: the one after works (counts are shared by processes)" -- sign

control 'C_Sign=CKR_SESSION_HANDLE_INVALID:count=2'
expect 3 ":count=2: first fails" -- sign
expect 3 ":count=2: second fails" -- sign
expect 0 ":count=2: third works" -- sign

control 'C_Login=CKR_PIN_INCORRECT:once'
expect 1 "C_Login=CKR_PIN_INCORRECT: a wrong PIN, exit 1" -- sign
expect 0 "then the PIN works again" -- sign

control 'C_Sign=delay:300'
t0=$(ms_now)
expect 0 "C_Sign=delay:300: sign still works" -- sign
took=$(($(ms_now) - t0))
if [ "$took" -ge 300 ]; then ok "it took at least 300 ms ($took)"; else not_ok "it took $took ms, under 300"; fi

control '*=CKR_DEVICE_REMOVED'
expect 3 "*=CKR_DEVICE_REMOVED: sign fails" -- sign
expect 3 "objects fail too" -- shim objects "$TOKEN"
: >"$INKAN_SHIM_CONTROL"
expect 0 "cleared: sign works again" -- sign
check "and verifies" -- openssl dgst -sha256 -verify "$TESTDIR/p256.pem" -signature "$TESTDIR/sig" "$TESTDIR/data"

control 'C_Bogus=CKR_DEVICE_ERROR' 'C_Sign=nonsense' 'C_Sign=delay:x'
expect 0 "malformed lines are ignored" -- sign
contains "and named" "$ERR" "shim.control:3"

# One process across the changes: removal loses its sessions and login.
: >"$INKAN_SHIM_CONTROL"
"$SHIM_CHECK" "$INKAN_SHIM" "$TESTDIR/check.control" p256 >"$TESTDIR/check.tap" 2>"$TESTDIR/check.err"
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "shim-check: ${line#ok * - }" ;;
	"not ok "*) not_ok "shim-check: ${line#not ok * - }" ;;
	esac
done <"$TESTDIR/check.tap"
if [ "$rc" -le 1 ]; then ok "shim-check ran to the end"; else not_ok "shim-check: exit $rc"; sed 's/^/#   /' "$TESTDIR/check.err"; fi

finish
