#!/usr/bin/env bash
# The bash completion, driven as bash drives it: COMP_WORDS split the way
# bash splits them (":" and "=" are words of their own), COMP_CWORD,
# COMP_LINE, COMP_POINT, then _inkan and its COMPREPLY.  URIs come from a
# SoftHSM2 token with a key on it.
. "$SRCDIR/tests/integration/lib.sh"
BASH_COMPLETION=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
if [ ! -r "$BASH_COMPLETION" ]; then
	echo "1..0 # SKIP bash-completion is not installed"
	exit 0
fi
# bash_completion reads these unset, and wants its word breaks.
set +u
. "$BASH_COMPLETION"
. "$SRCDIR/completion/inkan"
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'

# complete_line LINE: COMPREPLY for a TAB at the end of LINE.  Not in a
# subshell: the completion's cache of usages lives on between calls, as in
# an interactive shell.
complete_line () {
	local line=$1 w= c i
	local -a words=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		case $c in
		' ') [[ -n $w ]] && words+=("$w"); w= ;;
		[=:]) [[ -n $w && $w != [=:]* ]] && { words+=("$w"); w=; }; w+=$c ;;
		*) [[ $w == [=:]* ]] && { words+=("$w"); w=; }; w+=$c ;;
		esac
	done
	[[ -n $w ]] && words+=("$w")
	[[ $line == *' ' ]] && words+=("")
	COMP_WORDS=("${words[@]}")
	COMP_CWORD=$((${#words[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	# compopt needs a real completion under way; its complaint is not ours.
	_inkan "${words[0]}" "${words[COMP_CWORD]}" "${words[COMP_CWORD - 1]}" 2>/dev/null
}

# has DESCRIPTION LINE WANTED...: completing LINE offers each of WANTED.
has () {
	local what=$1 line=$2 got w missing=()
	shift 2
	complete_line "$line"
	got=$(printf '%s\n' "${COMPREPLY[@]}")
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$got" || missing+=("$w")
	done
	if [ ${#missing[@]} -eq 0 ]; then ok "$what"; else not_ok "$what: no ${missing[*]} among: $(echo $got)"; fi
}
# lacks DESCRIPTION LINE PATTERN: no candidate matches the grep PATTERN.
lacks () {
	local got
	complete_line "$2"
	got=$(printf '%s\n' "${COMPREPLY[@]}")
	if grep -q -- "$3" <<<"$got"; then not_ok "$1: $(echo $got)"; else ok "$1"; fi
}

softhsm_token "comp test"
"$INKAN" keygen --token "pkcs11:token=comp%20test" --type ec:P-256 --label seal --pin "$USER_PIN" >/dev/null ||
	not_ok "keygen on the test token"
touch "$TESTDIR/doc.pdf"

if complete -p inkan | grep -q -- '-F _inkan inkan$'; then ok "complete -p inkan: _inkan"; else not_ok "complete -p inkan: $(complete -p inkan)"; fi
has "verbs, first words" "$INKAN " sign tokens cert pin audit help
lacks "no second words among the first" "$INKAN " '^import$'
has "a verb's start" "$INKAN ce" cert
has "second words" "$INKAN cert " import export show vid
has "help: the verbs" "$INKAN help " sign cert
has "help: second words" "$INKAN help cert " import show
has "global options" "$INKAN --" --module --json --verbose --pin-record-dir --pin-max-tries
has "--hash values" "$INKAN sign --hash " sha256 sha384 sha512
has "--type values after the colon" "$INKAN keygen --type ec:" P-256 P-384
has "--format values" "$INKAN sign --format " der raw
has "a list, item by item" "$INKAN validate --methods crl,o" crl,ocsp
has "PIN sources" "$INKAN sign --pin " env: file: fd: stdin
has "a PIN file" "$INKAN sign --pin file:$TESTDIR/us" "$TESTDIR/user.pin"
has "files" "$INKAN sign --in $TESTDIR/do" "$TESTDIR/doc.pdf"
has "files or URIs" "$INKAN cert show $TESTDIR/do" "$TESTDIR/doc.pdf"

# URIs, whole and short, of the token and its (public) objects.
full=$("$INKAN" --json objects "pkcs11:token=comp%20test" | sed -n 's/^ *"uri": "\(.*\)",$/\1/p' | head -1)
tok=$("$INKAN" --json tokens "pkcs11:token=comp%20test" | sed -n 's/^ *"uri": "\(.*\)",$/\1/p' | head -1)
if [[ $full == pkcs11:*object=seal* && $tok == pkcs11:* ]]; then ok "the token lists its key"; else not_ok "objects: $full, token: $tok"; fi
has "key URIs" "$INKAN sign --key " "$full" "pkcs11:token=comp%20test;object=seal;type=public" "pkcs11:token=comp%20test"
has "URIs after the last break" "$INKAN sign --key pkcs11:token=comp" "comp%20test;object=seal;type=public" "comp%20test"
has "a token URI where a token is wanted" "$INKAN keygen --token " "$tok" "pkcs11:token=comp%20test"
lacks "no object where a token is wanted" "$INKAN pin status " 'object='
has "--module is passed on" "$INKAN --module $SOFTHSM_MODULE objects " "pkcs11:token=comp%20test"
lacks "another module, not the test token" "$INKAN --module /nonexistent.so objects " 'comp'

# Every option of every verb, from the program's own --help.
mapfile -t verbs < <("$INKAN" --help | sed -n '/^verbs:/,/^$/s/^  \([a-z]\+\( [a-z]\+\)\?\)  .*/\1/p')
for verb in "${verbs[@]}"; do
	# shellcheck disable=SC2086
	mapfile -t opts < <("$INKAN" $verb --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
	has "options of $verb" "$INKAN $verb --" "${opts[@]}" --help
done

finish
