#!/usr/bin/env bash
# Translations reach users: Japanese and Korean messages from the built and
# the installed catalogs, columns that line up, English by default, and po
# files that msgfmt accepts and that translate every message, down to the
# labels of `inkan cert show` and the Japanese era of a date of birth.
. "$(dirname "$0")/lib.sh"
: "${SRCDIR:?}" "${BUILDDIR:?}" "${LOCALEDIR:?}"
softhsm_token test
printf '000000\n' >"$TESTDIR/wrong.pin"
WRONG_PIN=file:$TESTDIR/wrong.pin

for po in "$SRCDIR"/po/ja.po "$SRCDIR"/po/ko.po; do
	check "msgfmt --check accepts ${po##*/}" -- msgfmt --check -o /dev/null "$po"
	# msgfmt leaves fuzzy entries out of the catalog: users never see them.
	check "${po##*/} has no fuzzy entries" -- \
		bash -c 'test -z "$(msgattrib --only-fuzzy --no-obsolete "$1")"' _ "$po"
	# A message added to the sources must be translated when the catalogs
	# are refreshed (ninja inkan-update-po), or users see it in English.
	check "${po##*/} has no untranslated entries" -- \
		bash -c 'test -z "$(msgattrib --untranslated --no-obsolete "$1")"' _ "$po"
done

# A JPKI-style signing certificate: the four basic items in the SAN, the
# date of birth 319771107 (Showa, 1977-11-07).
PKI=$TESTDIR/pki
"$SRCDIR/tests/pki/cert-pki.sh" "$PKI" >"$TESTDIR/pki.log" 2>&1 ||
	{ cat "$TESTDIR/pki.log"; echo "Bail out! cannot make the test PKI"; exit 1; }

# The installed layout must be where LOCALEDIR, compiled in, looks.
dest=$TESTDIR/dest
check "meson installs the catalogs" -- \
	meson install -C "$BUILDDIR" --no-rebuild --tags i18n --destdir "$dest"

# Tests read the build tree's catalogs; LANGUAGE would override LC_ALL.
unset LANGUAGE
export INKAN_LOCALEDIR=$BUILDDIR/po

# translated MSGID: $T is the catalog's text for MSGID, which must not be
# the English (else the checks below could pass on English output).
translated () {
	T=$(LC_ALL=$loc TEXTDOMAINDIR=$INKAN_LOCALEDIR gettext inkan "$1")
	[ "$T" != "$1" ] || not_ok "$lang: the catalog translates \"$1\""
}

for loc in ja_JP.UTF-8 ko_KR.UTF-8; do
	lang=${loc%%_*}
	if ! locale -a | grep -qix "${loc%%.*}.utf-\?8"; then
		not_ok "locale $loc is installed (scripts/install-deps generates it)"
		continue
	fi

	LC_ALL=$loc expect 2 "$lang: a usage error" -- "$INKAN" tokens a b
	translated "usage: inkan tokens [TOKEN-URI]"
	usage=$T
	contains "$lang: the usage is translated" "$ERR" "inkan tokens: $usage"

	LC_ALL=$loc expect 0 "$lang: --help" -- "$INKAN" --help
	translated "list slots and tokens"
	contains "$lang: verb summaries are translated" "$OUT" "$T"

	LC_ALL=$loc expect 1 "$lang: a wrong PIN" -- "$INKAN" objects "$TOKEN" --pin "$WRONG_PIN"
	translated "Wrong PIN"
	contains "$lang: the error is translated" "$ERR" "inkan: $T: "
	translated "user PIN"
	contains "$lang: the library's detail is translated" "$ERR" "$T"

	# Values start in one column although labels differ in bytes per
	# character: 4 spaces, 14 columns of label, 1 space.
	LC_ALL=$loc expect 0 "$lang: tokens" -- "$INKAN" tokens "$TOKEN"
	translated "label:"
	line=$(printf '%s\n' "$OUT" | grep -F "$T")
	check "$lang: the label's value starts at column 20" -- \
		test "$(printf '%s' "${line%test}" | LC_ALL=$loc wc -L)" = 19
	translated "serial:"
	line=$(printf '%s\n' "$OUT" | grep -F "$T")
	check "$lang: so does the serial's" -- \
		test "$(printf '%s' "${line%%[0-9a-f]*}" | LC_ALL=$loc wc -L)" = 19

	# The state column fits the longer of the two translated PIN names.
	LC_ALL=$loc expect 0 "$lang: pin status" -- "$INKAN" pin status "$TOKEN"
	translated "user PIN"
	line=$(printf '%s\n' "$OUT" | grep -F "    $T ")
	so=$(printf '%s\n' "$OUT" | grep -F "    SO PIN ")
	check "$lang: the PIN states start in one column" -- \
		test "$(printf '%s' "${line%%[a-z]*}" | LC_ALL=$loc wc -L)" = "$(printf '%s' "${so%%[a-z]*}" | LC_ALL=$loc wc -L)"

	# cert show: every basic label as the catalog has it, none in English.
	LC_ALL=$loc expect 0 "$lang: cert show of a JPKI signing certificate" -- \
		"$INKAN" cert show "$PKI/jpki-sign.pem" --section basic
	for msgid in "Kind" "Name" "Date of birth" "Sex" "Address" "Substitute characters in the name" \
		"Substitute characters in the address" "Issued" "Expires" "Status" "Issuer"; do
		translated "$msgid"
		check "$lang: cert show labels \"$msgid\" as \"$T\"" -- \
			grep -q "^$T  *[^ ]" <<<"$OUT"
	done
	check "$lang: cert show prints no English label" -- \
		bash -c '! grep -E "^(Kind|Name|Date of birth|Sex|Address|Issued|Expires|Status|Issuer) " <<<"$1"' _ "$OUT"
	translated "JPKI signing certificate"
	kind=$T
	translated "Kind"
	check "$lang: the kind is translated" -- grep -qx "$T  *$kind" <<<"$OUT"
	translated "male"
	male=$T
	translated "Sex"
	check "$lang: the sex is translated" -- grep -qx "$T  *$male" <<<"$OUT"
	translated "Date of birth"
	birth=$(grep "^$T " <<<"$OUT")
	if [ "$lang" = ja ]; then
		contains "ja: the date of birth in the Japanese era, as the JPKI viewer prints it" \
			"$birth" "昭和52年11月7日"
	else
		contains "$lang: the date of birth in the Gregorian year" "$birth" "1977"
		check "$lang: no Japanese era outside ja" -- bash -c '! grep -q "昭和" <<<"$1"' _ "$birth"
	fi

	check "$lang: the catalog is installed under LOCALEDIR" -- \
		test -f "$dest$LOCALEDIR/$lang/LC_MESSAGES/inkan.mo"
	LC_ALL=$loc INKAN_LOCALEDIR=$dest$LOCALEDIR expect 2 "$lang: a usage error, installed catalog" -- \
		"$INKAN" tokens a b
	contains "$lang: the installed catalog translates" "$ERR" "inkan tokens: $usage"
done

# English stays the default, with or without catalogs.
LC_ALL=C expect 2 "C: a usage error" -- "$INKAN" tokens a b
contains "C: the usage is English" "$ERR" "inkan tokens: usage: inkan tokens [TOKEN-URI]"
LC_ALL=C.UTF-8 expect 1 "C.UTF-8: a wrong PIN" -- "$INKAN" objects "$TOKEN" --pin "$WRONG_PIN"
contains "C.UTF-8: the error is English" "$ERR" "inkan: Wrong PIN: wrong user PIN for token \"test\""
LC_ALL=C expect 0 "C: tokens" -- "$INKAN" tokens "$TOKEN"
contains "C: labels line up as before" "$OUT" "    label:         test"
finish
