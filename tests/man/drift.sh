#!/usr/bin/env bash
# The manual and the programs cannot drift apart: every verb `inkan --help`
# lists has its page, built (listed in doc/man/meson.build) and named in
# inkan(1); every option a verb's --help prints is described in its page;
# inkan's and inkand's own options are in inkan(1) and inkand(8); and no
# built page is left for a verb that is gone.  A verb's page is
# doc/man/inkan-WORD[-WORD].1.scd ("cert show": inkan-cert-show.1), or for
# a two-word verb its group's, inkan-WORD.1 ("cmp ir": inkan-cmp.1), which
# then describes every verb of the group and all their options.
# Usage: drift.sh INKAN INKAND SRC_MAN_DIR BUILD_MAN_DIR
set -u
inkan=$1 inkand=$2 src=$3 built=$4
export LC_ALL=C.UTF-8
unset LANGUAGE
n=0 failures=0
ok () { n=$((n + 1)); echo "ok $n - $*"; }
not_ok () { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }

# options PAGE OPTION...: each is described in the page: a line of its
# own that starts with an option in bold ("*-m*, *--module* _PATH_").
options () {
	local page=$1 opt missing=()
	shift
	for opt in "$@"; do
		grep '^\*-' "$src/$page.scd" | grep -qF -- "*$opt*" || missing+=("$opt")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		ok "$page: all $# options"
	else
		not_ok "$page lacks ${missing[*]}"
	fi
}

# The long and short options a usage text names ("--pin", "-v").
named () { grep -oE -- '(^|[[ |(])--?[a-zA-Z][a-zA-Z0-9-]*' | grep -oE -- '--?[a-zA-Z][a-zA-Z0-9-]*' | sort -u; }

help=$("$inkan" --help)
mapfile -t verbs < <(printf '%s\n' "$help" | sed -n '/^verbs:/,/^$/s/^  \([a-z]\+\( [a-z]\+\)\?\)  .*/\1/p')
[ ${#verbs[@]} -gt 0 ] || { echo "1..0 # SKIP"; echo "# no verbs in inkan --help"; exit 1; }

mapfile -t global < <(printf '%s\n' "$help" | head -1 | named)
options inkan.1 "${global[@]}" --help --version

for verb in "${verbs[@]}"; do
	page=inkan-${verb// /-}.1
	[[ ! -f $src/$page.scd && $verb == *' '* && -f $src/inkan-${verb%% *}.1.scd ]] && page=inkan-${verb%% *}.1
	if [ ! -f "$src/$page.scd" ]; then
		not_ok "$verb: no page doc/man/$page.scd (copy a verb's page and add it to doc/man/meson.build)"
		continue
	fi
	if [ -f "$built/$page" ]; then ok "$verb: $page built"; else not_ok "$verb: $page not built (add it to doc/man/meson.build)"; fi
	if grep -qF -- "*$verb*" "$src/inkan.1.scd"; then ok "$verb: in inkan(1)"; else not_ok "$verb: not listed in inkan(1)"; fi
	# shellcheck disable=SC2086
	mapfile -t opts < <("$inkan" $verb --help | named)
	options "$page" "${opts[@]}" --help
done

# Pages written ahead of their verbs (doc/man/*.scd not in meson.build yet)
# are not built, and not checked.
for page in "$built"/inkan-*.1; do
	name=${page##*/inkan-}
	name=${name%.1}
	# The desktop programs' pages, not verbs'.
	case $name in viewer | kiosk) continue ;; esac
	found=
	for verb in "${verbs[@]}"; do [[ ${verb// /-} == "$name" || ${verb%% *} == "$name" ]] && found=1; done
	if [ -n "$found" ]; then ok "inkan-$name.1: a verb's"; else not_ok "inkan-$name.1: no such verb in inkan --help"; fi
done

mapfile -t dopts < <("$inkand" --help | named)
options inkand.8 "${dopts[@]}"

echo "1..$n"
[ "$failures" -eq 0 ]
