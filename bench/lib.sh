# bench/lib.sh - what the benchmark scripts share; sourced, not run.
#   bench_init NAME     a temporary directory in $TMP, removed on exit with
#                       every process in $PIDS (stopped by PID)
#   bench_serve DB      starts `fangkong serve` on DB on a free 127.0.0.1 port,
#                       quiet; sets SRV (its PID) and URL
#   bench_signin U P    prints a bearer token, or exits naming the user

bench_init() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/fk-$1-XXXXXX")
	PIDS=""
	BENCH_NAME=$1
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

bench_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$TMP"
}

bench_serve() {
	FK_QUIET=1 "$BIN" serve --db "$1" --listen 127.0.0.1:0 2> "$TMP/serve.log" &
	SRV=$!
	PIDS="$PIDS $SRV"
	for i in $(seq 1 100); do
		grep -q "serving http" "$TMP/serve.log" && break
		sleep 0.1
	done
	URL=$(sed -n 's/.*serving \(http:\/\/[0-9.:]*\)\/.*/\1/p' "$TMP/serve.log")
	[ -n "$URL" ] || { echo "$BENCH_NAME: the server did not start" >&2; cat "$TMP/serve.log" >&2; exit 1; }
}

bench_signin() {
	t=$(curl -s -X POST -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\"}" "$URL/api/v1/session" |
		sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
	[ -n "$t" ] || { echo "$BENCH_NAME: $1 cannot sign in" >&2; cat "$TMP/serve.log" >&2; exit 1; }
	echo "$t"
}
