#!/usr/bin/env bash
# inkan-viewer on certificate files, as a person uses it: a JPKI signing
# certificate under Japanese, Korean and English (the four basic items,
# the era date of birth), Details gcr-style with fingerprints, the TEST
# mark, the CA check of a pinned and a forged CA, export as PEM and DER,
# a malformed file, and the NPKI certificates of the home directory.
. "$(dirname "$0")/lib-gui.sh"
. "$SRCDIR/tests/integration/lib.sh"
gui_setup
# No pcscd for these: a card another test has in a reader stays out of it.
export PCSCLITE_CSOCK_NAME=$TESTDIR/no-pcscd.sock
export INKAN_LOCALEDIR=$BUILDDIR/po
PKI=$TESTDIR/pki
"$SRCDIR/tests/pki/cert-pki.sh" "$PKI" >"$TESTDIR/pki.log" 2>&1 ||
	{ cat "$TESTDIR/pki.log"; echo "Bail out! cannot make the test PKI"; exit 1; }

# catalog LOCALE MSGID: the text users of LOCALE see for MSGID.
catalog () { LC_ALL=$1 TEXTDOMAINDIR=$INKAN_LOCALEDIR gettext inkan "$2"; }

# --- Japanese: the library's labels and the era date ----------------------
LC_ALL=ja_JP.UTF-8 gui_start "$INKAN_VIEWER" "$PKI/jpki-sign.pem"
gui_has "ja: the holder's name" "山田　太郎"
gui_has "ja: the date of birth as an era date" "昭和52年11月7日"
gui_has "ja: sex and address" "男" "東京都千代田区霞が関二丁目1番2号"
gui_has "ja: the labels in Japanese (the library's catalog)" "氏名" "生年月日" "性別" "住所"
# VIEWER-L10N: the viewer's own strings are in the catalog's language once
# the lead has translated them (until then the catalog gives English back).
gui_has "ja: the viewer's own buttons, from the catalog" \
	"$(catalog ja_JP.UTF-8 'Check validity')" "$(catalog ja_JP.UTF-8 'Details')"
gui_shot viewer-file-ja
check "ja: closes cleanly" -- gui_stop

# --- Korean ------------------------------------------------------------------
LC_ALL=ko_KR.UTF-8 gui_start "$INKAN_VIEWER" "$PKI/jpki-sign.pem"
gui_has "ko: name and address" "山田　太郎" "東京都千代田区霞が関二丁目1番2号"
gui_has "ko: the labels in Korean (the library's catalog)" "성명" "생년월일" "성별" "주소"
gui_dump
check "ko: no Japanese era date outside Japanese" -- bash -c '! grep -q 昭和52年 <<<"$1"' _ "$SHOWN"
# VIEWER-L10N, as above.
gui_has "ko: the viewer's own buttons, from the catalog" \
	"$(catalog ko_KR.UTF-8 'Check validity')" "$(catalog ko_KR.UTF-8 'Export PEM…')"
gui_shot viewer-file-ko
check "ko: closes cleanly" -- gui_stop

# --- English: labels, details, fingerprints, export --------------------------
LC_ALL=C.UTF-8 gui_start "$INKAN_VIEWER" "$PKI/jpki-sign.pem"
gui_has "C: the labels in English" "Name" "Date of birth" "Sex" "Address"
gui_has "C: the date of birth, Gregorian" "1977-11-07"
gui_has "C: Details in sections" "Subject Name" "Issuer Name" "Validity" "Public Key Info" "Extensions" \
	"Fingerprints"
sha256=$(openssl x509 -in "$PKI/jpki-sign.pem" -noout -fingerprint -sha256 | cut -d= -f2)
gui_has "C: the SHA-256 fingerprint as openssl computes it" "$sha256"
gui_has "C: each extension, criticality said" "critical: Digital Signature, Non Repudiation"
gui_has "C: a copy button per fingerprint" "Copy"
gui_shot viewer-file-c

check "export PEM: the button" -- atspi click "Export PEM…"
check "export PEM: the file name" -- atspi type "Name:" "$TESTDIR/out.pem"
check "export PEM: save" -- atspi click "Save"
gui_has "export PEM: the page says where" "Saved to $TESTDIR/out.pem"
check "export PEM: the same certificate, PEM" -- \
	test "$(openssl x509 -in "$TESTDIR/out.pem" -outform DER | sha256sum)" = \
	     "$(openssl x509 -in "$PKI/jpki-sign.pem" -outform DER | sha256sum)"
check "export DER: the button" -- atspi click "Export DER…"
check "export DER: the file name" -- atspi type "Name:" "$TESTDIR/out.cer"
check "export DER: save" -- atspi click "Save"
gui_has "export DER: the page says where" "Saved to $TESTDIR/out.cer"
check "export DER: the same certificate, DER" -- \
	test "$(sha256sum <"$TESTDIR/out.cer")" = "$(openssl x509 -in "$PKI/jpki-sign.pem" -outform DER | sha256sum)"
check "C: closes cleanly" -- gui_stop

# --- a test hierarchy, a malformed file, several at once ---------------------
LC_ALL=C.UTF-8 gui_start "$INKAN_VIEWER" "$PKI/npki-test.pem"
gui_has "a test hierarchy's certificate has the TEST mark" "TEST"
gui_shot viewer-file-test-mark
check "closes cleanly" -- gui_stop
LC_ALL=C.UTF-8 gui_start "$INKAN_VIEWER" "$PKI/broken/garbage.bin"
check "a malformed file: a message in the window" -- atspi contains "Cannot open $PKI/broken/garbage.bin"
gui_shot viewer-file-malformed
check "and no crash" -- gui_stop

# --- NPKI folders in the home directory ---------------------------------------
# As Korean banking software keeps them: NPKI/<CA>/USER/<holder>/signCert.der,
# the holder's key beside it; a second CA's certificate without its key.
npki=$HOME/NPKI/yessign/USER/cn=hong,ou=personal4IB,o=yessign,c=kr
corp=$HOME/NPKI/crosscert/USER/cn=corp,o=crosscert,c=kr
mkdir -p "$npki" "$corp"
openssl x509 -in "$PKI/npki-yessign.pem" -outform DER -out "$npki/signCert.der"
head -c 1200 /dev/urandom >"$npki/signPri.key"
openssl x509 -in "$PKI/npki-crosscert-corp.pem" -outform DER -out "$corp/signCert.der"
holder=$(openssl x509 -in "$PKI/npki-yessign.pem" -noout -subject -nameopt multiline,-esc_msb,utf8 |
	sed -n 's/^ *commonName *= *//p')
corp_holder=$(openssl x509 -in "$PKI/npki-crosscert-corp.pem" -noout -subject -nameopt multiline,-esc_msb,utf8 |
	sed -n 's/^ *commonName *= *//p')
LC_ALL=C.UTF-8 gui_start "$INKAN_VIEWER"
gui_has "NPKI: the sidebar has the section" "NPKI certificates"
rows=$(atspi under Sources)
check "NPKI: each certificate listed, its holder's name with its CA's folder" -- bash -c \
	'grep -qxF "label	$1" <<<"$3" && grep -qxF "label	yessign" <<<"$3" &&
	 grep -qxF "label	$2" <<<"$3" && grep -qxF "label	crosscert" <<<"$3"' _ "$holder" "$corp_holder" "$rows"
check "NPKI: nothing shown until one is chosen" -- atspi wait "Insert a card, or open a certificate file."
check "NPKI: select the yessign certificate" -- atspi select "$holder"
gui_has "NPKI: its page, with the holder's name and the key beside it" "$holder" \
	"$npki/signCert.der, with its private key $npki/signPri.key beside it"
gui_has "NPKI: the holder as the library reads it, under its NPKI labels" "Policy" "Real name" "홍길동"
gui_shot viewer-npki
check "NPKI: select the crosscert certificate" -- atspi select "$corp_holder"
gui_has "NPKI: its page, no key said" "$corp/signCert.der"
check "NPKI: closes cleanly" -- gui_stop
rm -r "$HOME/NPKI"

# --- the CA check: a genuine JPKI CA and a forged one ----------------------
CA=$SRCDIR/tests/data/jpki-ca/sign_ca_2023.pem
LC_ALL=C.UTF-8 gui_start "$INKAN_VIEWER" --pins "$SRCDIR/data/jpki.pins" "$CA"
check "the genuine CA: Check the CA" -- atspi click "Check the CA"
check "a CA in its validity period: valid, with the days left" -- atspi contains "valid, " "days left"
check "genuine, named by its pin" -- atspi contains "Genuine: matches the published fingerprint of JPKI 署名用認証局 2023"
sha256=$(openssl x509 -in "$CA" -noout -fingerprint -sha256 | cut -d= -f2)
sha1=$(openssl x509 -in "$CA" -noout -fingerprint -sha1 | cut -d= -f2)
check "with both fingerprints" -- atspi contains "SHA-256: $sha256" "SHA-1: $sha1"
gui_shot viewer-ca-genuine
check "closes cleanly" -- gui_stop

# A forgery: the real CA's subject on a certificate of another key.
subject=$(openssl x509 -in "$CA" -noout -subject -nameopt RFC2253,-esc_msb | sed 's/^subject=//')
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TESTDIR/forged.key" -days 30 -utf8 \
	-subj "/$(tr ',' '\n' <<<"$subject" | tac | paste -sd/)" -out "$TESTDIR/forged.pem" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
check "the forgery has the genuine subject" -- \
	test "$(openssl x509 -in "$TESTDIR/forged.pem" -noout -subject)" = "$(openssl x509 -in "$CA" -noout -subject)"
LC_ALL=C.UTF-8 gui_start "$INKAN_VIEWER" --pins "$SRCDIR/data/jpki.pins" "$TESTDIR/forged.pem"
check "the forged CA: Check the CA" -- atspi click "Check the CA"
fsha256=$(openssl x509 -in "$TESTDIR/forged.pem" -noout -fingerprint -sha256 | cut -d= -f2)
check "not genuine, with its fingerprints" -- atspi contains "Not genuine" "SHA-256: $fsha256"
gui_shot viewer-ca-forged
check "closes cleanly" -- gui_stop

finish
