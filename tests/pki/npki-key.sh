# npki_key OUT R_HEX PASSWORD kisa|pbes2: an NPKI private-key file
# (signPri.key) holding R in its PKCS#8 attributes, encrypted as Korean
# toolkits do, made with openssl's command line alone so that it checks
# libinkan's decryption independently of it.
npki_key () {
	local out=$1 r=$2 pw=$3 how=$4 dir salt key iv i
	dir=$(mktemp -d)
	openssl ecparam -name prime256v1 -genkey -noout -outform DER -out "$dir/ec.der"
	cat >"$dir/pki.cnf" <<CNF
asn1=SEQUENCE:pki
[pki]
version=INTEGER:0
alg=SEQUENCE:alg
key=FORMAT:HEX,OCTETSTRING:$(xxd -p "$dir/ec.der" | tr -d '\n')
attrs=IMPLICIT:0,SET:attrs
[alg]
oid=OID:id-ecPublicKey
curve=OID:prime256v1
[attrs]
a=SEQUENCE:rattr
[rattr]
oid=OID:1.2.410.200004.10.1.1.3
vals=SET:rvals
[rvals]
r=FORMAT:HEX,BITSTRING:$r
CNF
	openssl asn1parse -genconf "$dir/pki.cnf" -out "$dir/pki.der" >/dev/null
	salt=$(openssl rand -hex 8)
	if [ "$how" = kisa ]; then
		# PBKDF1-SHA1, 5 rounds; key = DK[0..16), IV = SHA1(DK[16..20))[0..16)
		{ printf '%s' "$pw"; xxd -r -p <<<"$salt"; } | openssl dgst -sha1 -binary >"$dir/dk"
		for i in 2 3 4 5; do openssl dgst -sha1 -binary <"$dir/dk" >"$dir/dk2"; mv "$dir/dk2" "$dir/dk"; done
		key=$(head -c 16 "$dir/dk" | xxd -p)
		iv=$(tail -c 4 "$dir/dk" | openssl dgst -sha1 -binary | head -c 16 | xxd -p)
		printf '[alg]\noid=OID:1.2.410.200004.1.15\np=SEQUENCE:pbe\n[pbe]\nsalt=FORMAT:HEX,OCTETSTRING:%s\niter=INTEGER:5\n' \
			"$salt" >"$dir/alg.cnf"
	else
		key=$(openssl kdf -keylen 16 -kdfopt digest:SHA1 -kdfopt "pass:$pw" -kdfopt "hexsalt:$salt" \
			-kdfopt iter:2048 PBKDF2 | tr -d ':')
		iv=$(openssl rand -hex 16)
		printf '%s\n' '[alg]' 'oid=OID:1.2.840.113549.1.5.13' 'p=SEQUENCE:pbes2' '[pbes2]' 'kdf=SEQUENCE:kdf' 'enc=SEQUENCE:enc' \
			'[kdf]' 'oid=OID:1.2.840.113549.1.5.12' 'p=SEQUENCE:kdfp' '[kdfp]' "salt=FORMAT:HEX,OCTETSTRING:$salt" \
			'iter=INTEGER:2048' '[enc]' 'oid=OID:1.2.410.200004.1.4' "iv=FORMAT:HEX,OCTETSTRING:$iv" >"$dir/alg.cnf"
	fi
	openssl enc -e -seed-cbc -K "$key" -iv "$iv" -provider legacy -provider default \
		-in "$dir/pki.der" -out "$dir/ct"
	{
		printf 'asn1=SEQUENCE:epki\n[epki]\nalg=SEQUENCE:alg\ndata=FORMAT:HEX,OCTETSTRING:%s\n' \
			"$(xxd -p "$dir/ct" | tr -d '\n')"
		cat "$dir/alg.cnf"
	} >"$dir/epki.cnf"
	openssl asn1parse -genconf "$dir/epki.cnf" -out "$out" >/dev/null
	rm -rf "$dir"
}
