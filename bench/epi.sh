#!/bin/sh
# bench/epi.sh - `make bench`: the epidemiology reads at the scale of a large
# outbreak in one district.
#
# 1. The district (bench/district.sh) plus an epidemic made by bench/gen_epi
#    through the core functions: EPI_CASES cases (default 50000) over 90
#    days, EPI_CONTACTS close contacts (default 500000), those still under
#    observation (about 200,000) with their twice-daily follow-ups.  Cached
#    in var/bench/ per day (the dates are relative to today).
# 2. A server on a copy; a district-wide doctor signs in.
# 3. Clusters after a change: a contact links two cases of different
#    clusters (POST /contacts), then GET /clusters for the district — the
#    whole graph is rebuilt from the database on each read; 5 rounds, the
#    slowest is the figure (target <= 1 s).
# 4. p99 (wrk --latency, 2 connections, 4 s each) of: the due-follow-up
#    worklist of the community with the most observations (first page of
#    50; target <= 20 ms), Rt for the district (<= 10 ms), daily statistics
#    for the city over 90 days (<= 20 ms); and the server's VmRSS.
# Everything listens on 127.0.0.1 and is stopped by PID on exit.
set -eu
cd "$(dirname "$0")/.."

BIN=${FK_BIN:-build/release/fangkong}
CASES=${EPI_CASES:-50000}
CONTACTS=${EPI_CONTACTS:-500000}
B=$(dirname "$BIN")
. bench/lib.sh
bench_init epi

# 1. the epidemic, on the project's own objects (make all built them)
cc -std=c17 -D_GNU_SOURCE -O2 -Isrc -I"$B" -pthread -o "$TMP/gen_epi" bench/gen_epi.c \
	$(ls "$B"/*/*.o "$B"/*/*/*.o | grep -v '/main\.o$') "$B/schema.o" \
	$(pkg-config --cflags --libs libmicrohttpd jansson sqlite3 libsodium gsl) -lcsv -lm
DISTRICT=$(sh bench/district.sh)
EPI="${DISTRICT%.db}-epi-$CASES-$CONTACTS-$(date +%F).db"
if [ ! -f "$EPI" ]; then
	rm -f "${DISTRICT%.db}"-epi-*.db "${DISTRICT%.db}"-epi-*.db.key
	cp "$DISTRICT" "$TMP/epi.db"
	cp "$DISTRICT.key" "$TMP/epi.db.key"
	start=$(date +%s)
	"$TMP/gen_epi" "$TMP/epi.db" "$CASES" "$CONTACTS" | tee "$TMP/gen.txt"
	echo "epi: built in $(( $(date +%s) - start )) s"
	mv "$TMP/epi.db.key" "$EPI.key"
	mv "$TMP/epi.db" "$EPI"
fi
cp "$EPI" "$TMP/srv.db"
cp "$EPI.key" "$TMP/srv.db.key"
sqlite3 "$TMP/srv.db" "SELECT 'epi: ' || (SELECT count(*) FROM cases) || ' cases, ' ||
	(SELECT count(*) FROM contacts) || ' contacts, ' ||
	(SELECT count(*) FROM observations WHERE state = 'active') || ' under observation, ' ||
	(SELECT count(*) FROM followups) || ' follow-ups'"
COMM=$(sqlite3 "$TMP/srv.db" "SELECT substr(region, 1, 12) c FROM observations WHERE state = 'active'
	GROUP BY c ORDER BY count(*) DESC LIMIT 1")
NCOMM=$(sqlite3 "$TMP/srv.db" "SELECT count(*) FROM observations WHERE state = 'active' AND region LIKE '$COMM%'")
# two cases in different clusters, for the change
PAIR=$(sqlite3 "$TMP/srv.db" "SELECT a.id || ' ' || b.person_id FROM cases a, cases b
	WHERE a.id = (SELECT max(id) FROM cases) AND b.id = (SELECT min(id) FROM cases)")

# 2. the server
echo "bench-password-1" | "$BIN" user add epibench --role doctor --region 420106 --db "$TMP/srv.db" >/dev/null
echo "bench-password-2" | "$BIN" user add citybench --role commander --region 4201 --db "$TMP/srv.db" >/dev/null
bench_serve "$TMP/srv.db"
TOKEN=$(bench_signin epibench bench-password-1)
CITY=$(bench_signin citybench bench-password-2)
AUTH="Authorization: Bearer $TOKEN"
sleep 1 # the start-up sweep of the last slot

# 3. clusters after a change
SRC=${PAIR% *}
PERSON=${PAIR#* }
TODAY=$(date +%F)
worst=0
for round in 1 2 3 4 5; do
	code=$(curl -s -o "$TMP/contact.json" -w '%{http_code}' -X POST -H "$AUTH" -H 'Content-Type: application/json' \
		-H 'X-Requested-With: fangkong' \
		-d "{\"source_case_id\":$SRC,\"person_id\":$PERSON,\"setting\":\"work\",\"first_exposure\":\"$TODAY\",\"last_exposure\":\"$TODAY\"}" \
		"$URL/api/v1/contacts")
	[ "$code" = 201 ] || { echo "epi: POST /contacts answered $code: $(cat "$TMP/contact.json")"; exit 1; }
	t=$(curl -s -o "$TMP/clusters.json" -w '%{time_total}' -H "$AUTH" "$URL/api/v1/clusters?region=420106&limit=20")
	worst=$(awk -v a="$worst" -v b="$t" 'BEGIN { print (b > a) ? b : a }')
done
TOTAL=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$TMP/clusters.json")
TOP=$(sed -n 's/^{"items":\[{[^}]*"size":\([0-9]*\).*/\1/p' "$TMP/clusters.json")
echo "epi: clusters after a change: slowest of 5 $(awk -v t="$worst" 'BEGIN { printf "%.0f ms", t * 1000 }') (target <= 1000 ms); $TOTAL clusters, the largest ${TOP:-?} cases"

# 4. read latencies
probe() { # name path target [token]
	FK_BENCH_TOKEN="${4:-$TOKEN}" FK_BENCH_PATH="$2" wrk -t1 -c2 -d4s --latency -s bench/probe.lua "$URL" > "$TMP/probe-$1.txt" 2>&1
	p99=$(awk '/^ +99%/ {print $2}' "$TMP/probe-$1.txt")
	rps=$(awk '/^Requests\/sec/ {print $2}' "$TMP/probe-$1.txt")
	bad=$(grep -c "probe: HTTP" "$TMP/probe-$1.txt" || true)
	echo "epi: $1 p99 $p99 ($rps req/s, $bad failed; target <= $3)"
}
probe "due worklist ($COMM, $NCOMM under observation)" "/api/v1/observations/due?region=$COMM&limit=50" "20 ms"
probe "rt (district)" "/api/v1/stats/rt?region=420106" "10 ms"
FROM=$(date -d '89 days ago' +%F)
probe "daily statistics (city, 90 days)" "/api/v1/stats/daily?region=4201&from=$FROM&to=$TODAY" "20 ms" "$CITY"
echo "epi: server VmRSS $(sed -n 's/VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/$SRV/status | awk '{ printf "%d MB", $1 / 1024 }')"
