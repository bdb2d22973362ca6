#!/usr/bin/env bash
# The public API suffices for a front end: examples/inkan-example.c is
# built against the *installed* tree alone (meson install into a scratch
# root, then cc with pkg-config's flags into it: no header of src/ is
# reachable), and run on a SoftHSM2 token and on the emulated JPKI card.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-card.sh"
: "${SRCDIR:?}" "${BUILDDIR:?}"
cd "$TESTDIR"

dest=$TESTDIR/dest
check "meson installs libinkan, its headers and inkan.pc" -- \
	meson install -C "$BUILDDIR" --no-rebuild --quiet --destdir "$dest"
pc=$(find "$dest" -name inkan.pc | head -n 1)
check "inkan.pc is installed" -- test -n "$pc"
export PKG_CONFIG_PATH=${pc%/*} PKG_CONFIG_SYSROOT_DIR=$dest
# pkg-config puts the sysroot before what it answers, libdir too
libdir=$(pkg-config --variable=libdir inkan)
check "its flags name the installed tree only" -- \
	bash -c '! pkg-config --cflags --libs inkan | grep -qF -- "$1"' _ "$SRCDIR"
# Under ASan the installed libinkan wants the runtime loaded first: the
# program is built with the same sanitizers, as a user's would be.
sanitize=()
case ${INKAN_SANITIZE:-none} in none|'') ;; *) sanitize=(-fsanitize="$INKAN_SANITIZE") ;; esac
expect 0 "the example compiles against the installed headers and library" -- \
	cc -std=c11 -Wall -Wextra -Werror "${sanitize[@]}" -o inkan-example "$SRCDIR/examples/inkan-example.c" \
	$(pkg-config --cflags --libs inkan)
export LD_LIBRARY_PATH=$libdir
check "and runs on the installed libinkan" -- \
	bash -c 'ldd ./inkan-example | grep -F "libinkan.so" | grep -qF "$1"' _ "$dest"

# A file: the basic view of a JPKI-style signing certificate.
PKI=$TESTDIR/pki
"$SRCDIR/tests/pki/cert-pki.sh" "$PKI" >pki.log 2>&1 ||
	{ cat pki.log; echo "Bail out! cannot make the test PKI"; exit 1; }
expect 0 "example certs FILE" -- ./inkan-example certs "$PKI/jpki-sign.pem"
contains "the profile" "$OUT" "certificate 1: jpki-sign"
contains "the holder's name" "$OUT" "Name: 山田　太郎"
contains "the date of birth" "$OUT" "1977-11-07"

# A SoftHSM2 token: its certificate, and its PIN in no reader.
softhsm_token example
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem -out c.pem \
	-subj "/O=inkan/CN=Example Holder" -days 30 2>/dev/null
expect 0 "a certificate on the token" -- \
	"$INKAN" cert import --token "$TOKEN" --in c.pem --label holder --id 01 --pin "$USER_PIN"
expect 0 "example certs URI" -- ./inkan-example certs "$TOKEN;type=cert"
contains "shows the token's certificate" "$OUT" "Example Holder"
expect 0 "example readers" -- ./inkan-example readers
contains "the HSM's token, in no reader" "$OUT" 'token "example" (generic)'
contains "its PIN's tries, before any PIN is sent" "$OUT" "ok, 5 of 5 tries left"

# The emulated JPKI card: the reader, its two tokens, their PINs' maxima.
jpki_card
card_pcscd
check "init a JPKI card" -- card_init jpki --pin file:sign.pin --auth-pin file:auth.pin
check "the card is inserted" -- card_start
expect 0 "example readers with the card" -- ./inkan-example readers
contains "the card's reader, with the card's type" "$OUT" "reader \"$VCARD_READER\": present, My Number card (JPKI)"
contains "its signing token" "$OUT" 'token "JPKI (Digital Signature PIN)" (jpki)'
contains "the signing password's tries, from the card" "$OUT" "ok, 5 of 5 tries left (from card)"
contains "the authentication PIN's tries, from the card" "$OUT" "ok, 3 of 3 tries left (from card)"
expect 0 "example certs on the card's authentication token" -- ./inkan-example certs "$AUTH;type=cert"
contains "the authentication certificate" "$OUT" "Subject: inkan test JPKI authentication"
finish
