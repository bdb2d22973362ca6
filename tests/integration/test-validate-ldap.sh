#!/usr/bin/env bash
# GPKI publishes CRLs in LDAP: slapd serves the CRL from the entry the
# certificate's own distribution point names, and that CRL decides.
. "$(dirname "$0")/validate-lib.sh"
start_slapd "$PKI/crl.der"

expect 0 "the LDAP-published CRL says good" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" --methods crl
contains "asked the certificate's LDAP distribution point" \
	"$(json_get '[(m["method"], m["url"], m["outcome"]) for m in r["methods"]]')" \
	"[('crl', '$CRL_DP', 'good')]"

expect 1 "the LDAP-published CRL says revoked" -- \
	"$INKAN" --json validate "$PKI/revoked.pem" "${TRUST[@]}" --methods crl --no-cache
contains "revoked, keyCompromise" "$(json_get 'r["verdict"], r["reason"]')" "('revoked', 'keyCompromise')"

expect 0 "with the OCSP responder down (ocsp,crl), LDAP decides" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" --methods ocsp,crl --no-cache
contains "ocsp unavailable, then crl good" "$(json_get '[(m["method"], m["outcome"]) for m in r["methods"]]')" \
	"[('ocsp', 'unavailable'), ('crl', 'good')]"

stop slapd
expect 3 "slapd down: the CRL cannot be fetched" -- \
	"$INKAN" --json validate "$PKI/good.pem" "${TRUST[@]}" --methods crl --no-cache
contains "the report names the LDAP failure" "$(json_get 'r["methods"][0]["outcome"]')" "unavailable"
finish
