#!/bin/sh
# bench/ledger.sh - the public ledger and the stock ledger.
#
# 1. bench/gen_ledger (the core functions): LEDGER_ENTRIES entries (default
#    10,000,000; the issue's scale) appended LEDGER_BATCH (500) per durable
#    transaction, as the writer's group commit makes them (target >= 20,000
#    entries/s), beside the same rows into a bare table (the machine's limit
#    for that shape); then LEDGER_MOVES stock movements (default 1,000,000)
#    over 1,000 items of one warehouse.
# 2. A server on it: p99 over HTTP (wrk --latency, 2 connections, 4 s) of an
#    inclusion proof and a consistency proof at the latest checkpoint
#    (target <= 2 ms), and of the warehouse's stock on hand with days of
#    supply and lots (target <= 20 ms; the sums are kept on write).
# Prints the figures and the load average before and after.
set -eu
cd "$(dirname "$0")/.."
BIN=${FK_BIN:-build/release/fangkong}
N=${LEDGER_ENTRIES:-10000000}
MOVES=${LEDGER_MOVES:-1000000}
BATCH=${LEDGER_BATCH:-500}
B=$(dirname "$BIN")
. bench/lib.sh
bench_init ledger
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
cc -std=c17 -D_GNU_SOURCE -O2 -Isrc -I"$B" -pthread -o "$TMP/gen_ledger" bench/gen_ledger.c \
	$(ls "$B"/*/*.o "$B"/*/*/*.o | grep -v '/main\.o$') "$B/schema.o" \
	$(pkg-config --cflags --libs libmicrohttpd jansson sqlite3 libsodium gsl libzip expat freexl xlsxwriter zlib pangocairo cairo-pdf) -lcsv -lm
FK_QUIET=1 "$BIN" init --db "$TMP/l.db" > /dev/null
FK_SYNC=FULL "$TMP/gen_ledger" "$TMP/l.db" "$N" "$MOVES" "$BATCH" | tee "$TMP/gen.txt"
WH=$(sed -n 's/^stock_moves .* warehouse \([0-9]*\)$/\1/p' "$TMP/gen.txt")
printf 'bench-keeper-pass\n' | FK_QUIET=1 "$BIN" user add benchkeeper --role keeper --region 420106 --db "$TMP/l.db" > /dev/null
bench_serve "$TMP/l.db"
TOKEN=$(bench_signin benchkeeper bench-keeper-pass)
# the first checkpoint covers the whole log
for i in $(seq 1 600); do
	S=$(curl -s "$URL/api/v1/ledger/checkpoint" | sed -n 2p)
	[ "${S:-0}" -ge "$N" ] && break
	sleep 0.5
done
echo "checkpoint size: $S"
probe() { # name path token
	FK_BENCH_TOKEN="$3" FK_BENCH_PATH="$2" wrk -t1 -c2 -d4s --latency -s bench/probe.lua "$URL" > "$TMP/probe-$1.txt" 2>&1
	printf '%s p99 %s, %s\n' "$1" "$(awk '/ 99%/ {print $2}' "$TMP/probe-$1.txt")" \
		"$(awk '/Requests\/sec/ {print $2 " req/s"}' "$TMP/probe-$1.txt")"
}
probe inclusion "/api/v1/ledger/proof/inclusion?index=$((N / 3))&size=$S" "$TOKEN"
probe consistency "/api/v1/ledger/proof/consistency?first=$((N / 3))&second=$S" "$TOKEN"
probe stock "/api/v1/stock?warehouse=$WH" "$TOKEN"
echo "server VmRSS: $(awk '/VmRSS/ {print $2 " " $3}' /proc/$SRV/status)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
