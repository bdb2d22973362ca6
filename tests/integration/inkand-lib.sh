# inkand's tests: the daemon started and stopped.  Source after lib.sh, with
# $T (the test's directory, for inkand.log) and $SOCK (its UNIX socket) set.
: "${INKAND:?INKAND must name the inkand binary}"
PID=
start () { # CONFIG: inkand in the background, up when its socket answers
	"$INKAND" --config "$1" 2>>"$T/inkand.log" &
	PID=$!
	local i
	for i in $(seq 100); do
		curl -s --unix-socket "$SOCK" -o /dev/null http://inkand/healthz && return 0
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
stop () { # the exit code of inkand after SIGTERM
	kill -TERM "$PID"
	wait "$PID"
}
cleanup_hooks+=('[ -n "$PID" ] && kill -9 $PID 2>/dev/null')
