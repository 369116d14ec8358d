#!/bin/sh
# `make run`: the demo database (made once, logins kept in
# var/demo-logins.txt), the server with its request log in var/fangkong.log,
# and the logins printed last, once the server answers.  Ctrl-C stops it.
set -eu
cd "$(dirname "$0")/.."
BIN=${FK_BIN:-build/release/fangkong}
DB=${DEMO_DB:-var/demo.db}
LISTEN=${FK_LISTEN:-127.0.0.1:8080}
LOG=${FK_LOG_FILE:-var/fangkong.log}
mkdir -p "$(dirname "$DB")" "$(dirname "$LOG")"
if [ ! -f "$DB" ]; then
	echo "building the demo district (武汉市武昌区) in $DB ..."
	"$BIN" demo --db "$DB" > var/demo-logins.txt.tmp
	mv var/demo-logins.txt.tmp var/demo-logins.txt
fi
start=$(($( (wc -c < "$LOG") 2>/dev/null || echo 0) + 1))
"$BIN" serve --db "$DB" --listen "$LISTEN" 2>> "$LOG" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; exit 0' INT TERM
# wait until it says it is serving (or has stopped), at most 30 s
i=0
until tail -c +$start "$LOG" | grep -q "^fangkong serving"; do
	if ! kill -0 $pid 2>/dev/null || [ $i -ge 300 ]; then
		echo "fangkong serve did not start; the end of $LOG:" >&2
		tail -5 "$LOG" >&2
		kill $pid 2>/dev/null || true
		exit 1
	fi
	sleep 0.1
	i=$((i + 1))
done
echo
cat var/demo-logins.txt
echo
echo "request log: $LOG; logins kept in var/demo-logins.txt"
echo "open http://$LISTEN/ and sign in with one of the logins above (Ctrl-C stops)"
wait $pid
