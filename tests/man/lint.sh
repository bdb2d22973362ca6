#!/usr/bin/env bash
# The manual pages as built: groff warns of nothing (-ww) and mandoc finds
# no fault at warning level or above.  One mandoc message is let through:
# scdoc starts every paragraph with .PP, also right after .SH, which mandoc
# calls "skipping paragraph macro" -- its markup, not our text.
# Usage: lint.sh PAGE...
set -u
n=0 failures=0
echo "1..$#"
for page in "$@"; do
	n=$((n + 1))
	out=$( { groff -man -ww -z "$page" 2>&1; mandoc -T lint -W warning "$page" 2>&1; } |
		grep -v 'WARNING: skipping paragraph macro')
	if [ -z "$out" ]; then
		echo "ok $n - ${page##*/}"
	else
		failures=$((failures + 1))
		echo "not ok $n - ${page##*/}"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
done
[ "$failures" -eq 0 ]
