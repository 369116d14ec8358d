#!/bin/sh
# bench/mobilise.sh - `make bench`: mobilisation, at a scale set by
# MOB_PEOPLE (the demo's residents; default 100000: about 3,600 volunteers,
# six weeks of shifts in every community of 武昌区) and MOB_RECIPIENTS
# (accounts an announcement goes to; default 50000).  The issue's targets
# are for a city (100,000 volunteers, 5 M shifts, 1 M tasks); this measures
# a district and says so.
#
# 1. The demo (`fangkong demo --people MOB_PEOPLE --cases 0`) on a fresh
#    database; MOB_RECIPIENTS volunteer accounts added to one community
#    with sqlite3 (a bench-only shortcut: one password hash for all, no
#    sign-in needed for them).
# 2. A server; the street's officer, a district commander and one
#    volunteer with a shift on now sign in.
# 3. p99 (wrk --latency, 2 connections, 4 s each) of: GET /health (the
#    server's ceiling on this machine, in the same run), the board of the
#    street with the most posts (target <= 20 ms), a volunteer's duty record
#    with their hours (the hours over a year: target <= 5 ms), check-ins of
#    the volunteer on their shift (each kept: target <= 20 ms at 200/s; wrk
#    sends as fast as it can, the rate is reported), the read count of the
#    announcement (the list's first row, <= 20 ms).
# 4. An announcement to the MOB_RECIPIENTS accounts: the time of the POST
#    (its receipts are made in it; target <= 1 s).
# Everything listens on 127.0.0.1 and is stopped by PID on exit.
set -eu
cd "$(dirname "$0")/.."

BIN=${FK_BIN:-build/release/fangkong}
PEOPLE=${MOB_PEOPLE:-100000}
RECIPIENTS=${MOB_RECIPIENTS:-50000}
. bench/lib.sh
bench_init mobilise

# 1. the district with its volunteers and shifts
start=$(date +%s)
"$BIN" demo --db "$TMP/srv.db" --people "$PEOPLE" --days 1 --cases 0 > "$TMP/demo.txt"
echo "mobilise: demo of $PEOPLE residents built in $(( $(date +%s) - start )) s: $(grep '^mobilisation' "$TMP/demo.txt")"
STREET=$(sqlite3 "$TMP/srv.db" "SELECT substr(region, 1, 9) s FROM posts GROUP BY s ORDER BY count(*) DESC LIMIT 1")
COMM=$(sqlite3 "$TMP/srv.db" "SELECT min(region) FROM posts WHERE region LIKE '$STREET%'")
HASH=$(sqlite3 "$TMP/srv.db" "SELECT password_hash FROM users WHERE username = 'volunteer'")
sqlite3 "$TMP/srv.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $RECIPIENTS)
	INSERT INTO users (username, display_name, password_hash, role, region, created_at, updated_at)
	SELECT 'bench-vol-' || i, '', '$HASH', 'volunteer', '$COMM', 0, 0 FROM n"
sqlite3 "$TMP/srv.db" "SELECT 'mobilise: ' || (SELECT count(*) FROM volunteers) || ' volunteers, ' ||
	(SELECT count(*) FROM shifts) || ' shifts, ' || (SELECT count(*) FROM shift_people) || ' people on shifts, ' ||
	(SELECT count(*) FROM checkins) || ' check-ins, ' || (SELECT count(*) FROM service_tasks) || ' tasks, ' ||
	(SELECT count(*) FROM users) || ' accounts'"
NPOSTS=$(sqlite3 "$TMP/srv.db" "SELECT count(*) FROM posts WHERE region LIKE '$STREET%'")
VOL=$(sqlite3 "$TMP/srv.db" "SELECT volunteer_id FROM shift_people GROUP BY volunteer_id ORDER BY count(*) DESC LIMIT 1")
NSHIFTS=$(sqlite3 "$TMP/srv.db" "SELECT count(*) FROM shift_people WHERE volunteer_id = $VOL")

# 2. the server and its users
echo "bench-password-1" | "$BIN" user add mobofficer --role officer --region "$STREET" --db "$TMP/srv.db" >/dev/null
echo "bench-password-2" | "$BIN" user add mobcommander --role commander --region 420106 --db "$TMP/srv.db" >/dev/null
echo "bench-password-3" | "$BIN" user add mobvol --role volunteer --region "$COMM" --db "$TMP/srv.db" >/dev/null
bench_serve "$TMP/srv.db"
OFFICER=$(bench_signin mobofficer bench-password-1)
CMD=$(bench_signin mobcommander bench-password-2)
VOLT=$(bench_signin mobvol bench-password-3)
post() { # token path body -> the answer in $TMP/post.json, the status printed
	curl -s -o "$TMP/post.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
		-H 'X-Requested-With: fangkong' -d "$3" "$URL/api/v1$2"
}
id_of() { sed -n 's/^{"id":\([0-9]*\).*/\1/p' "$TMP/post.json"; }
[ "$(post "$OFFICER" /volunteers "{\"region\":\"$COMM\",\"name\":\"压测志愿者\",\"username\":\"mobvol\"}")" = 201 ] || { cat "$TMP/post.json"; exit 1; }
ME=$(id_of)
[ "$(post "$OFFICER" /posts "{\"region\":\"$COMM\",\"name\":\"压测岗\",\"kind\":\"gate\",\"required\":2}")" = 201 ] || { cat "$TMP/post.json"; exit 1; }
PST=$(id_of)
S0=$(TZ=Asia/Shanghai date -d '-30 min' +%H:%M)
S1=$(TZ=Asia/Shanghai date -d '+2 hours' +%H:%M)
[ "$(post "$OFFICER" /shifts "{\"post_id\":$PST,\"date\":\"$(TZ=Asia/Shanghai date +%F)\",\"start\":\"$S0\",\"end\":\"$S1\"}")" = 201 ] || { cat "$TMP/post.json"; exit 1; }
SH=$(id_of)
[ "$(post "$OFFICER" "/shifts/$SH/people" "{\"volunteer_id\":$ME}")" = 201 ] || { cat "$TMP/post.json"; exit 1; }
SP=$(id_of)

# 4. the announcement (before the probes: its read count is one of them)
t=$(curl -s -o "$TMP/ann.json" -w '%{time_total}' -X POST -H "Authorization: Bearer $CMD" -H 'Content-Type: application/json' \
	-H 'X-Requested-With: fangkong' \
	-d "{\"region\":\"$COMM\",\"roles\":[\"volunteer\"],\"urgent\":true,\"title\":\"压测通知\",\"body\":\"全体志愿者请注意\"}" \
	"$URL/api/v1/announcements")
N=$(sed -n 's/.*"recipients":\([0-9]*\).*/\1/p' "$TMP/ann.json")
echo "mobilise: an announcement to $N recipients sent in $(awk -v t="$t" 'BEGIN { printf "%.0f ms", t * 1000 }') (target <= 1000 ms for 50,000)"

# 3. latencies
probe() { # name path target token [script]
	FK_BENCH_TOKEN="$4" FK_BENCH_PATH="$2" wrk -t1 -c2 -d4s --latency -s "${5:-bench/probe.lua}" "$URL" > "$TMP/probe.txt" 2>&1
	p99=$(awk '/^ +99%/ {print $2}' "$TMP/probe.txt")
	rps=$(awk '/^Requests\/sec/ {print $2}' "$TMP/probe.txt")
	bad=$(grep -c "probe: HTTP" "$TMP/probe.txt" || true)
	echo "mobilise: $1 p99 $p99 ($rps req/s, $bad failed; target <= $3)"
}
echo "mobilise: load average at start of the probes: $(cut -d' ' -f1-3 /proc/loadavg)"
# the server's own ceiling in the same run: GET /health (no database), for the ratios below
probe "health (the ceiling)" "/api/v1/health" "-" "$OFFICER"
probe "board of street $STREET ($NPOSTS posts)" "/api/v1/mobilise/board?region=$STREET" "20 ms" "$OFFICER"
probe "duty record with hours (volunteer $VOL, $NSHIFTS shifts)" "/api/v1/volunteers/$VOL" "5 ms" "$CMD"
probe "read count of the announcement" "/api/v1/announcements?region=$COMM&limit=1" "20 ms" "$CMD"
cat > "$TMP/checkin.lua" <<EOF
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Requested-With"] = "fangkong"
wrk.headers["Authorization"] = "Bearer $VOLT"
request = function() return wrk.format(nil, "/api/v1/shift-people/$SP/checkin") end
response = function(status, headers, body) if status ~= 200 then io.write("probe: HTTP " .. status .. "\n") end end
EOF
probe "check-in (kept each time)" "" "20 ms at 200/s" "$VOLT" "$TMP/checkin.lua"
echo "mobilise: check-ins kept: $(sqlite3 "$TMP/srv.db" "SELECT count(*) FROM checkins WHERE shift_person_id = $SP")"
echo "mobilise: server VmRSS $(sed -n 's/VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/$SRV/status | awk '{ printf "%d MB", $1 / 1024 }')"
