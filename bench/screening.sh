#!/bin/sh
# bench/screening.sh - `make bench`: screening ingest over HTTP against the
# machine's own insert limit, read latencies during the ingest, the server's
# memory, and the CSV import of a district's registry.
#
# 1. A district database (bench/district.sh: BENCH_PEOPLE residents, default
#    1200000, 武昌区's real size, and BENCH_DAYS days of history, default 7),
#    cached in var/bench/ (it takes minutes to build) and copied fresh for
#    each run.
# 2. Baseline: bench/insert_baseline inserts BASELINE_RECORDS screening
#    records (a screenings row plus a findings row per person) with prepared
#    statements in 10,000-row transactions, synchronous=FULL, on a copy.
# 3. Ingest: wrk -t2 -c16 posts batches of 100 records for INGEST_SECONDS;
#    records/s = requests/s x 100; the ratio to the baseline is the figure.
#    Both sides use BENCH_UUID UUIDs: v7 (default; time-ordered, as the app
#    makes them) or v4 (random, as older phones did).
# 4. While it runs: p99 of district coverage, one grid's gaps and a person
#    search (wrk --latency, 2 connections each, one after another), the
#    server's peak VmRSS, and the size of the database's WAL file every 2 s
#    (printed, with its peak; the server's FK_WAL_LIMIT bounds it).
# 5. Import (skipped with BENCH_IMPORT=0): bench/gen-persons.mjs writes
#    IMPORT_PEOPLE rows (default the same 1.2 M) and `fangkong import
#    persons` loads them into a database holding only the regions and
#    grids; time and peak RSS.
# Everything listens on 127.0.0.1 and is stopped by PID on exit.
set -eu
cd "$(dirname "$0")/.."

BIN=${FK_BIN:-build/release/fangkong}
PEOPLE=${BENCH_PEOPLE:-1200000}
SECONDS_INGEST=${INGEST_SECONDS:-20}
BASELINE_RECORDS=${BASELINE_RECORDS:-100000}
IMPORT_PEOPLE=${IMPORT_PEOPLE:-$PEOPLE}
UUIDS=${BENCH_UUID:-v7}
. bench/lib.sh
bench_init screen

cc -O2 -o "$TMP/insert_baseline" bench/insert_baseline.c $(pkg-config --cflags --libs sqlite3)

echo "screening: machine load at start: $(uptime)"
DB=$(sh bench/district.sh)
"$TMP/insert_baseline" --dump "$DB" 20000 > "$TMP/households.txt"
echo "screening: $(wc -l < "$TMP/households.txt") households to screen"

# 2. baseline on a copy
cp "$DB" "$TMP/base.db"
"$TMP/insert_baseline" "$TMP/base.db" "$TMP/households.txt" "$BASELINE_RECORDS" "$UUIDS" | tee "$TMP/baseline.txt"
BASE=$(sed -n 's/.*= \([0-9]*\) records\/s/\1/p' "$TMP/baseline.txt")
rm -f "$TMP/base.db"*

# 3. the server on another copy, with a county-wide officer to record
cp "$DB" "$TMP/srv.db"
cp "$DB.key" "$TMP/srv.db.key"
echo "bench-password-1" | "$BIN" user add bench --role officer --region 420106 --db "$TMP/srv.db" >/dev/null
bench_serve "$TMP/srv.db"
TOKEN=$(bench_signin bench bench-password-1)
GRID=$(head -1 "$TMP/households.txt" | cut -d' ' -f2)

rss_peak=0
sample_rss() {
	r=$(sed -n 's/VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/$SRV/status 2>/dev/null || echo 0)
	[ "${r:-0}" -gt "$rss_peak" ] && rss_peak=$r
	return 0
}

# the server's CPU ticks (user + system) and bytes written (WAL and
# checkpoints: the request log is off): steadier per record than records/s
# on a shared machine
srv_usage() { echo "$(awk '{ print $14 + $15 }' /proc/$SRV/stat) $(awk '/^wchar/ { print $2 }' /proc/$SRV/io)"; }
USAGE0=$(srv_usage)
export FK_BENCH_TOKEN="$TOKEN" FK_BENCH_HOUSEHOLDS="$TMP/households.txt" FK_BENCH_UUID="$UUIDS"
wrk -t2 -c16 -d"${SECONDS_INGEST}s" -s bench/ingest.lua "$URL" > "$TMP/ingest.txt" 2> "$TMP/ingest.err" &
WRK=$!
PIDS="$PIDS $WRK"
# the WAL file's size every 2 s while wrk runs ("seconds bytes" lines)
(
	t=0
	while kill -0 $WRK 2>/dev/null; do
		echo "$t $(stat -c %s "$TMP/srv.db-wal" 2>/dev/null || echo 0)"
		sleep 2
		t=$((t + 2))
	done
) > "$TMP/wal.txt" &
WALS=$!
PIDS="$PIDS $WALS"
sleep 2
probe() { # name path
	FK_BENCH_PATH="$2" wrk -t1 -c2 -d4s --latency -s bench/probe.lua "$URL" > "$TMP/probe-$1.txt" 2>&1
	sample_rss
	p99=$(awk '/^ +99%/ {print $2}' "$TMP/probe-$1.txt")
	rps=$(awk '/^Requests\/sec/ {print $2}' "$TMP/probe-$1.txt")
	echo "screening: during ingest, $1 p99 $p99 ($rps req/s)"
}
probe coverage "/api/v1/coverage?region=420106"
probe gaps "/api/v1/coverage/gaps?grid=$GRID&limit=100"
probe search "/api/v1/persons?region=420106&name=%E7%8E%8B%E4%BC%9F&limit=20"
while kill -0 $WRK 2>/dev/null; do sample_rss; sleep 0.5; done
wait $WRK || true
wait $WALS || true
sample_rss
USAGE1=$(srv_usage)
REQS=$(awk '/^Requests\/sec/ {print $2}' "$TMP/ingest.txt")
ERRS=$(grep -c "ingest: HTTP" "$TMP/ingest.err" || true)
RATE=$(awk -v r="$REQS" 'BEGIN { printf "%.0f", r * 100 }')
cat "$TMP/ingest.txt"
echo "screening: ingest $RATE records/s over HTTP (batches of 100, 16 connections), $ERRS failed requests"
echo "screening: baseline $BASE records/s (prepared inserts, 10,000-row transactions)"
awk -v a="$RATE" -v b="$BASE" 'BEGIN { printf "screening: ratio %.2f (target >= 0.8)\n", a / b }'
echo "screening: server peak RSS $((rss_peak / 1024)) MB (target <= 256)"
N=$(awk '/requests in/ { print $1 * 100 }' "$TMP/ingest.txt")
echo "$USAGE0 $USAGE1" | awk -v n="$N" -v hz="$(getconf CLK_TCK)" '{ if (n > 0) printf \
	"screening: server CPU %.0f ms per 1,000 records, %.1f KB written (WAL, checkpoints) per record, %d records\n", \
	($3 - $1) * 1000 / hz * 1000 / n, ($4 - $2) / 1024 / n, n }'
echo "screening: uuids $UUIDS; WAL MB every 2 s: $(awk '{ s = s (NR > 1 ? " " : "") sprintf("%.0f", $2 / 1048576) } END { print s }' "$TMP/wal.txt")"
awk -v s="$SECONDS_INGEST" '$2 > p { p = $2 } END { printf "screening: WAL peak %.0f MB over a %d s ingest (FK_WAL_LIMIT default 256 MB)\n", p / 1048576, s }' "$TMP/wal.txt"
kill $SRV 2>/dev/null || true
wait $SRV 2>/dev/null || true
[ "${BENCH_IMPORT:-1}" = 0 ] && exit 0

# 5. import, measured on its own: the ingest's database copy removed and
# its dirty pages written out first, so their write-back is not timed here
rm -f "$TMP"/srv.db "$TMP"/srv.db-wal "$TMP"/srv.db-shm
sync
"$TMP/insert_baseline" --grids "$DB" > "$TMP/grids.txt" 2>/dev/null || true
node bench/gen-persons.mjs "$IMPORT_PEOPLE" "$TMP/grids.txt" > "$TMP/persons.csv"
"$BIN" demo --db "$TMP/imp.db" --people 0 > /dev/null
start=$(date +%s.%N)
"$BIN" import persons "$TMP/persons.csv" --db "$TMP/imp.db" > "$TMP/import.txt" &
IMP=$!
PIDS="$PIDS $IMP"
peak=0
while kill -0 $IMP 2>/dev/null; do
	r=$(sed -n 's/VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/$IMP/status 2>/dev/null || echo 0)
	[ "${r:-0}" -gt "$peak" ] && peak=$r
	sleep 0.2
done
wait $IMP
end=$(date +%s.%N)
cat "$TMP/import.txt" | head -3
awk -v s="$start" -v e="$end" -v n="$IMPORT_PEOPLE" 'BEGIN { printf "screening: import of %d persons in %.1f s (target <= 30 s)\n", n, e - s }'
echo "screening: import peak RSS $((peak / 1024)) MB"
