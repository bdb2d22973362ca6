#!/usr/bin/env bash
# inkan tokens: listing, URI filters, JSON, missing module.
. "$(dirname "$0")/lib.sh"
softhsm_token alpha

expect 0 "tokens lists the token" -- "$INKAN" tokens
contains "text output names the label" "$OUT" "label:         alpha"

expect 0 "tokens --json" -- "$INKAN" --json tokens "pkcs11:token=alpha"
check "json has exactly the one token, with its fields" -- python3 -c '
import json, sys
t = json.loads(sys.argv[1])
assert len(t) == 1, t
assert t[0]["label"] == "alpha" and t[0]["model"] == "SoftHSM v2"
assert t[0]["uri"].startswith("pkcs11:") and "token=alpha" in t[0]["uri"]
assert "token-initialized" in t[0]["flags"]
for k in ("manufacturer", "serial", "module", "slot"): assert k in t[0], k
' "$OUT"

expect 0 "a filter that matches nothing is an empty list" -- "$INKAN" --json tokens "pkcs11:token=nope"
contains "empty JSON array" "$OUT" "[]"

expect 2 "a malformed URI is a usage error" -- "$INKAN" tokens "http://example"
contains "the error says it is not a PKCS#11 URI" "$ERR" "not a PKCS#11 URI"
one_line "the malformed-URI error" "$ERR"
# p11-kit parses a misspelt attribute and then matches nothing with it: an
# empty list here, "no token matches" elsewhere.  It is a usage error.
expect 2 "a misspelt attribute is a usage error, not an empty list" -- "$INKAN" tokens "pkcs11:tokn=alpha"
contains "the error quotes the URI" "$ERR" "pkcs11:tokn=alpha"
one_line "the misspelt-attribute error" "$ERR"
expect 2 "a misspelt type= is a usage error, not \"no token matches\"" -- "$INKAN" objects "pkcs11:token=alpha;type=privat"

expect 3 "a missing module is an environment failure" -- "$INKAN" --module /nonexistent/module.so tokens
contains "the error names the module" "$ERR" "/nonexistent/module.so"
one_line "the missing-module error" "$ERR"

INKAN_MODULE=/nonexistent/env.so expect 3 "INKAN_MODULE is honoured" -- "$INKAN" tokens
contains "the error names INKAN_MODULE's module" "$ERR" "/nonexistent/env.so"
one_line "the missing INKAN_MODULE error" "$ERR"
expect 3 "a file that is not a PKCS#11 module is an environment failure" -- "$INKAN" --module /etc/passwd tokens
one_line "the not-a-module error" "$ERR"

expect 2 "an unknown verb is a usage error" -- "$INKAN" frobnicate

# Without --module, the modules registered with p11-kit: Debian's softhsm2
# package registers its module there.
if [ -f /usr/share/p11-kit/modules/softhsm2.module ]; then
	expect 0 "p11-kit's registry finds the SoftHSM2 token" -- env -u INKAN_MODULE "$INKAN" --json tokens "pkcs11:token=alpha"
	contains "with the module p11-kit names" "$OUT" "libsofthsm2.so"
	expect 0 "keygen through the registry" -- env -u INKAN_MODULE "$INKAN" keygen --token "pkcs11:token=alpha" \
		--type ec:P-256 --label viareg --pin "$USER_PIN"
	printf 'x' >"$TESTDIR/x"
	expect 0 "sign through the registry" -- env -u INKAN_MODULE "$INKAN" sign --key "pkcs11:token=alpha;object=viareg" \
		--in "$TESTDIR/x" --out "$TESTDIR/x.sig" --pin "$USER_PIN"
else
	skip "softhsm2 is not registered with p11-kit"
fi
finish
