#!/usr/bin/env bash
# Remakes the fuzz targets' seed corpora in tests/fuzz/seeds/TARGET: real
# inputs, made by the test PKI scripts, openssl, and inkan on a SoftHSM2
# token, so that libFuzzer starts past each parser's first check.
#   tests/fuzz/make-seeds.sh BUILD-DIR   (a plain build, for inkan)
# The seeds are committed; run this only to refresh them.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
INKAN=$(cd "$1" && pwd)/cli/inkan
S=$top/tests/fuzz/seeds
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"
for t in crl ocsp scvp records view-token ldap-text validate-conf audit-rows inkand-request inkand-config npki-key pin-record card-answers cmp-answer; do
	rm -rf "${S:?}/$t"
	mkdir -p "$S/$t"
done

# Certificates: the profiles' test PKI (cert/ keeps its two hand-picked ones).
bash "$top/tests/pki/cert-pki.sh" "$W/cert" >/dev/null 2>&1
for c in gpki-server npki-crosscert-corp generic; do
	openssl x509 -in "cert/$c.pem" -outform DER -out "$S/cert/$c.der"
done
cp cert/jpki-ca.pem "$S/cert/jpki-ca.pem"
openssl crl2pkcs7 -nocrl -certfile cert/jpki-ca.pem -certfile cert/jpki-sign.pem -outform DER \
	-out "$S/cert/bundle.p7b"
cp "$top/data/ca-pins" "$S/cert/ca-pins"

# NPKI key files, both encryptions, with the target's password.
. "$top/tests/pki/npki-key.sh"
npki_key "$S/npki-key/kisa.der" 79EA7568A2D3776604E18BCD3A1B1B85B7DA0872 fuzz kisa
npki_key "$S/npki-key/pbes2.der" 79EA7568A2D3776604E18BCD3A1B1B85B7DA0872 fuzz pbes2

# PIN records as inkan writes them.
for n in 0 3 255; do printf 'inkan-pin-record 1 failures %d\n' $n >"$S/pin-record/r$n"; done

# CRLs (current, stale, base and delta) and OCSP responses, from the
# validation PKI; SCVP messages from the shared captures.
OCSP_URL=http://127.0.0.1:1/ocsp CRL_DP=http://127.0.0.1:1/crl.der bash "$top/tests/pki/validate-pki.sh" "$W/v" \
	>/dev/null 2>&1
cp v/crl.der v/crl-stale.der v/base.der v/delta.der "$S/crl/"
for leaf in good revoked unknown; do
	openssl ocsp -issuer v/ca.pem -cert "v/$leaf.pem" -reqout "$leaf.req" -no_nonce >/dev/null 2>&1
	openssl ocsp -index v/ca/index.txt -rsigner v/ocsp.pem -rkey v/ocsp.key -CA v/ca.pem -reqin "$leaf.req" \
		-respout "$S/ocsp/$leaf.der" -ndays 1 >/dev/null 2>&1
done
# The chain fuzz-ocsp judges the answers against.
mkdir -p "$top/tests/fuzz/data/ocsp"
cp v/root.pem v/ca.pem v/good.pem "$top/tests/fuzz/data/ocsp/"
# fuzz-scvp reads a pick byte, then a CVResponse or CVRequest: the captures'
# content (the response's eContent at offset 62, the request's at 17).
scvp=/work/shared/data/scvp
[ -d "$scvp" ] || scvp=$top/tests/data/scvp
openssl asn1parse -inform DER -in "$scvp/cvresp.der" -strparse 62 -noout -out cvresp.der >/dev/null
openssl asn1parse -inform DER -in "$scvp/cvreq.der" -strparse 17 -noout -out cvreq.der >/dev/null
for m in cvresp cvreq; do
	for pick in 0 3; do { printf "\\x0$pick"; cat $m.der; } >"$S/scvp/$m-$pick"; done
done

# Registration records, evidence and view tokens, signed on a token key.
export SOFTHSM2_CONF=$W/softhsm2.conf INKAN_MODULE=/usr/lib/softhsm/libsofthsm2.so XDG_STATE_HOME=$W/state
mkdir -p tokens
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$W/tokens" >"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label seeds --so-pin 12345678 --pin 123456 >/dev/null
printf '123456\n' >pin
T="pkcs11:token=seeds"
"$INKAN" keygen --token "$T" --type ec:P-256 --label k --pin file:pin >/dev/null
"$INKAN" pubkey --key "$T;object=k" --out k.pub
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -subj "/O=Seed CA" \
	-days 3650 -out ca.pem 2>/dev/null
openssl x509 -new -force_pubkey k.pub -subj "/O=Seed/CN=relay" -CA ca.pem -CAkey ca.key -days 3650 -out k.pem \
	2>/dev/null
printf 'a document\n' >doc
"$INKAN" register sign --document doc --sender s@example.kr --recipient r@example.kr --key "$T;object=k" \
	--cert k.pem --out "$S/records/register.p7" --pin file:pin >/dev/null
openssl cms -verify -binary -inform DER -in "$S/records/register.p7" -noverify -out "$S/records/register.der" \
	2>/dev/null
for kind in original distribution; do
	"$INKAN" evidence issue --kind $kind --issuer "seed $kind" --document doc --key "$T;object=k" --cert k.pem \
		--out "$S/records/$kind.p7" --pin file:pin >/dev/null
done
openssl cms -verify -binary -inform DER -in "$S/records/original.p7" -noverify -out "$S/records/original.der" \
	2>/dev/null
"$INKAN" token issue --key "$T;object=k" --cert k.pem --recipient user@relay.example --document doc --ttl 10m \
	--pin file:pin >"$S/view-token/recipient.jws"
"$INKAN" token issue --key "$T;object=k" --cert k.pem --ci CI-0123456789 --document doc --pin file:pin \
	>"$S/view-token/ci.jws"

# libcurl's text of LDAP results: a binary CRL, and a plain value.
{ printf 'DN: cn=CA131100001,o=Government of Korea,c=KR\n\tcertificateRevocationList;binary: '
  base64 -w0 v/crl.der; printf '\n\n'; } >"$S/ldap-text/crl.txt"
printf 'DN: cn=x,c=KR\n\tmail: ca@example.go.kr\n\n' >"$S/ldap-text/plain.txt"

# validate.conf: the shipped one, and one with every setting.
cp "$top/data/validate.conf" "$S/validate-conf/shipped.conf"
cat >"$S/validate-conf/all.conf" <<'CONF'
methods = crl,ocsp
methods.gpki = crl,scvp,ocsp
methods.npki = ocsp,crl
methods.jpki = crl
timeout = 10000
timeout.ocsp = 3000
deadline = 30000
scvp-url = http://ivs.example.go.kr/scvp
scvp-cert = scvp.pem
anchor = anchors
anchor-pins = ca-pins
CONF

# Audit rows (format in fuzz-audit-rows.c): chained records, a checkpoint
# over them, and rows of the wrong types.
python3 - "$S/audit-rows" <<'PY'
import struct, sys
d = sys.argv[1]
def i8(v): return bytes([4, v])
def i64(v): return bytes([0]) + struct.pack(">q", v)
def text(s): b = s.encode(); return bytes([1, len(b)]) + b
def blob(b): return bytes([2, len(b)]) + b
null = bytes([3])
def record(seq, t, fixed=True):
    r = bytes([2 if fixed else 0]) + i8(seq) + i64(t) + text("unix:relay") + text("pkcs11:token=t;object=k") \
        + text("sign") + blob(bytes(32)) + text("ok")
    return r if fixed else r + blob(bytes(32)) + blob(bytes(32))
checkpoint = bytes([3]) + i64(1767225600000) + text("ecdsa-sha256") + text("pkcs11:token=t;object=audit") \
    + blob(bytes(91)) + blob(bytes(72))
chain = b"".join(record(s, 1767225600000 + s) for s in range(1, 4))
open(d + "/chain", "wb").write(chain)
open(d + "/checkpoint", "wb").write(chain + checkpoint + record(4, 1767225600100))
open(d + "/unchained", "wb").write(record(1, 1767225600000, False) + record(3, 1767225500000, False))
open(d + "/types", "wb").write(bytes([2]) + text("1") + blob(b"t") + i8(5) + null + text("sign") + text("d") + text("ok"))
PY

# inkand: requests (header lines, an empty line, the body) and configurations.
req () { printf 'Host: inkand\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' "${#2}" "$2" \
	>"$S/inkand-request/$1"; }
req sign '{"key": "ec", "data": "dG8gYmUgc2lnbmVk", "hash": "sha384", "scheme": "ecdsa", "format": "raw"}'
req batch '{"key": "ec", "digests": ["3q2+7w==", "AAAA"], "hash": "sha256"}'
req cms '{"key": "rsa", "data": "ZG9j", "scheme": "pss", "detached": true}'
req token '{"key": "ec", "digest": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "recipient": "a@b.kr", "ttl": 600}'
req verify '{"key": "ec", "data": "ZG9j", "signature": "MEUCIQ==", "scheme": "pkcs1"}'
printf 'Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}' >"$S/inkand-request/two-lengths"
cat >"$S/inkand-config/full.json" <<'JSON'
{
  "listen": [{ "unix": "/run/inkand/inkand.sock", "mode": "0660" },
             { "tcp": "[::1]:8443", "cert": "server.pem", "key": "server.key", "client_ca": "ca.pem",
               "identity": "dn" }],
  "module": "/usr/lib/softhsm/libsofthsm2.so",
  "token": "pkcs11:token=relay",
  "pin": "cred:inkand-pin",
  "pin_record_dir": "/var/lib/inkand/pin",
  "workers": 4, "queue": 64, "max_body": 1048576, "max_connections": 1024, "request_timeout": 30,
  "rate_limit": { "rate": 100, "burst": 200 },
  "audit": { "path": "/var/lib/inkand/audit.db", "max_batch": 1024, "linger_us": 2000,
             "checkpoint_key": "audit", "checkpoint_interval": 300, "checkpoint_every": 1000 },
  "keys": { "seal": { "uri": "pkcs11:token=relay;object=seal", "cert": "seal.pem" },
            "audit": { "uri": "pkcs11:token=relay;object=audit-checkpoint" } },
  "clients": { "cn:relay1": { "keys": { "seal": ["sign", "cms-sign", "token-issue", "verify"] } },
               "unix:relay": { "keys": { "seal": ["verify"] } } }
}
JSON
cat >"$S/inkand-config/minimal.json" <<'JSON'
{ "listen": [{ "unix": "s" }], "token": "pkcs11:token=t", "pin": "file:p", "audit": { "path": "a.db" },
  "keys": { "k": { "uri": "pkcs11:object=k" } }, "clients": { "uid:0": { "keys": { "k": ["sign"] } } } }
JSON

# Card answers (format in fuzz-card-answers.c): PC/SC up, one reader
# holding an OpenPGP card (state PRESENT), then every exchange answered
# 90 00, with the tries query answering 63 C3; and a card that answers
# with no status word.
python3 - "$S/card-answers" <<'PY'
import sys
d = sys.argv[1]
name = b"Fuzz Reader 00 00"
atr = bytes.fromhex("3BDA18FF81B1FE751F030031C573C001400090000C")
listing = b"\0" + bytes([len(name), 0]) + name + b"\0" + b"\x02\x00" + bytes([len(atr)]) + atr
names = b"\0" + bytes([len(name), 0]) + name
def answer(*sw): return bytes([len(sw), 0]) + bytes(sw)
pin = b"\x01\x00" + b"\x00" + answer(0x90, 0x00) + answer(0x90, 0x00) + answer(0x63, 0xC3) + answer(0x90, 0x00) * 4
open(d + "/openpgp", "wb").write(listing + names + pin * 8)
open(d + "/mute", "wb").write(listing + names + (b"\x00\x00\x00" + b"\x00\x00") * 8)
PY

# CMP answers (format in fuzz-cmp-answer.c): OpenSSL's server accepting
# with the right certificate, trusted or not, with another key's, a
# revocation, a rejection with failure bits and text; and, as a raw answer,
# the PKIMessage openssl cmp sent (a request is no answer: it must be
# refused as one).
python3 - "$S/cmp-answer" <<'PY'
import sys
d = sys.argv[1]
def tlv(tag, body):
    n = len(body)
    return bytes([tag]) + (bytes([n]) if n < 128 else bytes([0x81, n])) + body
text = "本人確認の書類が足りません\x07\x1b[2J".encode()
pkisi = tlv(0x30, tlv(0x02, b"\x02") + tlv(0x30, tlv(0x0c, text)) + tlv(0x03, b"\x06\x40\x40"))
def l2(b): return len(b).to_bytes(2, "big") + b
for name, data in {"accepted": b"\x00\x00", "trusted": b"\x04\x00", "other-key": b"\x00\x01",
                   "revoked": b"\x02", "rejected": b"\x00\x00" + l2(pkisi),
                   "rr-rejected": b"\x02" + l2(pkisi)}.items():
    open(d + "/" + name, "wb").write(data)
PY
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=seed -keyout /dev/null -out csr.pem \
	2>/dev/null
openssl cmp -cmd p10cr -server 127.0.0.1:1 -ref seed -secret pass:seed -csr csr.pem -reqout req.der -msg_timeout 1 \
	>/dev/null 2>&1 || true
{ printf '\001'; cat req.der; } >"$S/cmp-answer/raw-p10cr"
