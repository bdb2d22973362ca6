# Sourced by bench/sign-raw.sh and bench/inkand.sh: a throw-away SoftHSM2
# token "bench" under $dir (which the caller made) with a P-256 key "p256"
# and an RSA-2048 key "rsa2048", PIN in $dir/user.pin.  Needs $build, $module.
mkdir "$dir/tokens"
export SOFTHSM2_CONF=$dir/softhsm2.conf
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$dir/tokens" >"$SOFTHSM2_CONF"
printf '123456\n' >"$dir/user.pin"
softhsm2-util --init-token --free --label bench --so-pin 12345678 --pin 123456 >/dev/null
for key in ec:P-256:p256 rsa:2048:rsa2048; do
	"$build/cli/inkan" --module "$module" keygen --token pkcs11:token=bench --type "${key%:*}" \
		--label "${key##*:}" --pin "file:$dir/user.pin" >/dev/null
done
