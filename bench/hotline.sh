#!/bin/sh
# bench/hotline.sh - `make bench`: the hotline at scale.
#
# 1. A small demo district (BENCH_HOTLINE_PEOPLE residents, default 2000)
#    with HOTLINE_TICKETS tickets (default 1000000, the issue's scale) over
#    90 days made by bench/gen_hotline through the core functions; cached in
#    var/bench/ per day.  A reduced run sets HOTLINE_TICKETS lower and says
#    so.
# 2. A server on a copy; an operator and a supervisor of the district, an
#    officer of the busiest street and a commander of the city sign in.
# 3. wrk --latency (1 thread, 2 connections, 4 s each; closed loop, so the
#    rate is what two clients get, not a fixed 200/s): creating tickets, a
#    unit's inbox, the chase board, a caller's history, a page of 100
#    tickets with their deadlines computed, the city's measures over 90
#    days; and GET /health as the machine's own limit in the same run.
# Everything listens on 127.0.0.1 and is stopped by PID on exit.
set -eu
cd "$(dirname "$0")/.."

BIN=${FK_BIN:-build/release/fangkong}
N=${HOTLINE_TICKETS:-1000000}
PEOPLE=${BENCH_HOTLINE_PEOPLE:-2000}
B=$(dirname "$BIN")
. bench/lib.sh
bench_init hotline

cc -std=c17 -D_GNU_SOURCE -O2 -Isrc -I"$B" -pthread -o "$TMP/gen_hotline" bench/gen_hotline.c \
	$(ls "$B"/*/*.o "$B"/*/*/*.o | grep -v '/main\.o$') "$B/schema.o" \
	$(pkg-config --cflags --libs libmicrohttpd jansson sqlite3 libsodium gsl libzip expat freexl xlsxwriter zlib pangocairo cairo-pdf) \
	-lcsv -lm
mkdir -p var/bench
VERSION=$(ls schema/ | tail -1 | sed 's/^0*\([0-9]*\)_.*/\1/')
DB="var/bench/hotline-$PEOPLE-$N-v$VERSION-$(date +%F).db"
if [ ! -f "$DB" ]; then
	rm -f var/bench/hotline-*.db var/bench/hotline-*.db.key
	"$BIN" demo --db "$TMP/h.db" --people "$PEOPLE" --days 1 --cases 0 > /dev/null
	start=$(date +%s)
	"$TMP/gen_hotline" "$TMP/h.db" "$N"
	echo "hotline: built in $(( $(date +%s) - start )) s"
	mv "$TMP/h.db.key" "$DB.key"
	mv "$TMP/h.db" "$DB"
fi
cp "$DB" "$TMP/srv.db"
cp "$DB.key" "$TMP/srv.db.key"
sqlite3 "$TMP/srv.db" "SELECT 'hotline: ' || (SELECT count(*) FROM tickets) || ' tickets, ' ||
	(SELECT count(*) FROM ticket_events) || ' events, ' ||
	(SELECT count(*) FROM tickets WHERE due_at < strftime('%s', 'now')) || ' past a deadline'"
STREET=$(sqlite3 "$TMP/srv.db" "SELECT unit FROM tickets WHERE unit IS NOT NULL GROUP BY unit ORDER BY count(*) DESC LIMIT 1")
PHONE=$(sqlite3 "$TMP/srv.db" "SELECT hex(phone_hash) FROM tickets GROUP BY phone_hash ORDER BY count(*) DESC LIMIT 1")

echo "bench-password-1" | "$BIN" user add hlop --role operator --region 420106 --db "$TMP/srv.db" >/dev/null
echo "bench-password-2" | "$BIN" user add hlsup --role supervisor --region 420106 --db "$TMP/srv.db" >/dev/null
echo "bench-password-3" | "$BIN" user add hloff --role officer --region "$STREET" --db "$TMP/srv.db" >/dev/null
echo "bench-password-4" | "$BIN" user add hlcity --role commander --region 4201 --db "$TMP/srv.db" >/dev/null
bench_serve "$TMP/srv.db"
OP=$(bench_signin hlop bench-password-1)
SUP=$(bench_signin hlsup bench-password-2)
OFF=$(bench_signin hloff bench-password-3)
CITY=$(bench_signin hlcity bench-password-4)
# the busiest caller's number: the history is looked up by it (the hash is
# keyed, so take a number the server answers for)
CALLER=$(curl -s -H "Authorization: Bearer $OP" "$URL/api/v1/tickets?limit=1" | sed -n 's/.*"id":\([0-9]*\).*/\1/p' | head -1)
NUMBER=$(curl -s -X POST -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' -H 'X-Requested-With: fangkong' \
	-d '{"reason":"基准测试"}' "$URL/api/v1/tickets/$CALLER/reveal" | sed -n 's/.*"phone":"\([0-9]*\)".*/\1/p')

probe() { # name path target token
	FK_BENCH_TOKEN="$4" FK_BENCH_PATH="$2" wrk -t1 -c2 -d4s --latency -s bench/probe.lua "$URL" > "$TMP/probe.txt" 2>&1
	p99=$(awk '/^ +99%/ {print $2}' "$TMP/probe.txt")
	rps=$(awk '/^Requests\/sec/ {print $2}' "$TMP/probe.txt")
	bad=$(grep -c "probe: HTTP" "$TMP/probe.txt" || true)
	echo "hotline: $1 p99 $p99 ($rps req/s, $bad failed; target <= $3)"
}

cat > "$TMP/create.lua" <<'LUA'
-- POST /tickets with a fresh caller each time
function init(args)
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("FK_BENCH_TOKEN")
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Requested-With"] = "fangkong"
end
request = function()
  local phone = string.format("13%09d", math.random(0, 999999999))
  local body = '{"channel":"phone","category":"consultation.pass","urgency":"general","phone":"' .. phone ..
    '","region":"' .. os.getenv("FK_BENCH_REGION") .. '","text":"基准测试来电"}'
  return wrk.format("POST", "/api/v1/tickets", nil, body)
end
response = function(status, headers, body)
  if status ~= 201 then io.stderr:write("probe: HTTP " .. status .. " " .. body:sub(1, 200) .. "\n") end
end
LUA
COMM=$(sqlite3 "$TMP/srv.db" "SELECT region FROM tickets WHERE unit = '$STREET' LIMIT 1")
FK_BENCH_TOKEN="$OP" FK_BENCH_REGION="$COMM" wrk -t1 -c2 -d4s --latency -s "$TMP/create.lua" "$URL" > "$TMP/create.txt" 2>&1
echo "hotline: create a ticket p99 $(awk '/^ +99%/ {print $2}' "$TMP/create.txt") at $(awk '/^Requests\/sec/ {print $2}' "$TMP/create.txt") tickets/s ($(grep -c 'probe: HTTP' "$TMP/create.txt" || true) failed; target p99 <= 20 ms at 200/s)"

probe "inbox of $STREET (first 50)" "/api/v1/tickets/inbox?limit=50" "20 ms" "$OFF"
probe "chase board (district, first 50)" "/api/v1/tickets/chase?limit=50" "20 ms" "$SUP"
echo "hotline: the caller: ${NUMBER:-none}"
probe "caller's history" "/api/v1/tickets?phone=$NUMBER&limit=50" "20 ms" "$OP"
probe "a page of 100 tickets with deadlines" "/api/v1/tickets?limit=100" "5 ms for the deadlines" "$OP"
FROM=$(date -d '89 days ago' +%F)
TODAY=$(date +%F)
probe "measures (city, 90 days)" "/api/v1/hotline/measures?region=4201&from=$FROM&to=$TODAY" "20 ms" "$CITY"
probe "health (the machine's own limit)" "/api/v1/health" "-" "$OP"
echo "hotline: server VmRSS $(sed -n 's/VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/$SRV/status | awk '{ printf "%d MB", $1 / 1024 }')"
