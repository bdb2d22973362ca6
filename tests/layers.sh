#!/usr/bin/env bash
# The library's layers run one way: a file includes headers of its own
# layer or of those below, never above.  Programs include only the public
# <inkan/...> headers and headers of their own directory.  The order is
# written here once (README.md's architecture part mirrors it).
#
# usage: layers.sh [SRCDIR]
set -u
cd "${1:-$(dirname "$0")/..}" || exit 2

# Bottom to top; a layer is the directories on its line.
LAYERS=(
	"util:src/util"
	"devices:pkcs11 src/reader"
	"card:src/card"
	"pin:src/pin"
	"crypto:src/crypto"
	"services:src/cert src/validate src/cms src/audit src/enroll"
)
PROGRAMS="cli inkand gui-gtk examples"

bad=0
complain () { echo "layers: $*"; bad=1; }

# Every quoted or angled include, as "FILE HEADER" lines.
includes () { grep -H -o -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*"' "$@" |
	sed -E 's/:.*"(.*)"$/ \1/'; }
angled () { grep -H -o -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*<[^>]*>' "$@" |
	sed -E 's/:.*<(.*)>$/ \1/'; }

# One awk over every include of the library: a file in no layer, a header
# in no layer, a header above the file's layer.
while IFS= read -r line; do complain "$line"; done < <(
	includes $(find src pkcs11 -name '*.[ch]' | sort) | awk -v layers="${LAYERS[*]}" '
	BEGIN {
		n = split(layers, entry, " ")
		nl = 0
		for (i = 1; i <= n; i++) {
			if (entry[i] ~ /:/) { split(entry[i], kv, ":"); name[nl] = kv[1]; d = kv[2]; nl++ }
			else d = entry[i]
			dirs[d] = nl - 1
		}
	}
	function layer(path,   d, best, bestlen) {
		best = -1; bestlen = 0
		for (d in dirs)
			if (index(path, d "/") == 1 && length(d) > bestlen) { best = dirs[d]; bestlen = length(d) }
		return best
	}
	{
		mine = layer($1); theirs = layer($2)
		if (mine < 0) print $1 ": in no layer (add its directory to LAYERS in tests/layers.sh)"
		else if (theirs < 0) print $1 " (" name[mine] ") includes \"" $2 "\", which is in no layer of the library"
		else if (theirs > mine) print $1 " (" name[mine] ") includes \"" $2 "\" (" name[theirs] "), a layer above it"
	}')

# A program's own directory: the deepest of PROGRAMS that holds FILE.
program_of () {
	local p best=
	for p in $PROGRAMS; do
		case "$1" in "$p"/*) [ ${#p} -gt ${#best} ] && best=$p ;; esac
	done
	echo "$best"
}

dirs=()
for top in $PROGRAMS; do
	[ -d "$top" ] && dirs+=("$top")
done
files=()
[ ${#dirs[@]} -gt 0 ] && files=($(find "${dirs[@]}" -name '*.[ch]' | sort -u))
if [ ${#files[@]} -gt 0 ]; then
	while read -r file hdr; do
		own=$(program_of "$file")
		case "$hdr" in
		*/*) [ "$(dirname "$hdr")" = "$own" ] ||
			complain "$file includes \"$hdr\": a program includes only <inkan/...> and \"$own/...\"" ;;
		esac
	done < <(includes "${files[@]}")
	while read -r file hdr; do
		case "$hdr" in
		src/* | pkcs11/* | cli/* | inkand/* | gui-gtk/* | examples/*)
			complain "$file includes <$hdr>: a program includes only <inkan/...>" ;;
		esac
	done < <(angled "${files[@]}")
fi

[ "$bad" = 0 ] && echo "layers: every include runs down: ${LAYERS[*]%%:*}"
exit "$bad"
