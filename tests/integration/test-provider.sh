#!/usr/bin/env bash
# inkan's OpenSSL provider: EVP_DigestSign, X509_sign_ctx, X509_REQ_sign_ctx
# and CMS_sign on token keys made by another tool (provider-check.c).
. "$(dirname "$0")/lib.sh"
: "${PROVIDER_CHECK:?PROVIDER_CHECK must name the provider-check program}"
softhsm_token

pkcs11_keygen rsa:2048 01 rsa
pkcs11_keygen EC:prime256v1 02 p256
pkcs11_keygen EC:secp384r1 03 p384

for key in rsa p256 p384; do
	"$PROVIDER_CHECK" "$TOKEN;object=$key;type=private" "$USER_PIN" >"$TESTDIR/$key.tap" 2>&1
	status=$?
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "$key: ${line#* - }" ;;
		"not ok "*) not_ok "$key: ${line#* - }" ;;
		"1.."*) ;;
		*) echo "# $line" ;;
		esac
	done <"$TESTDIR/$key.tap"
	check "provider-check on $key exits 0 (it exited $status)" -- test "$status" = 0
done
finish
