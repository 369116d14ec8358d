#!/bin/sh
# bench/district.sh - prints the path of the benchmark district database,
# building it first when it is not cached: `fangkong demo` with BENCH_PEOPLE
# residents (default 1200000, 武昌区's real size) and BENCH_DAYS days of
# screening history (default 7), no outbreak, in var/bench/ keyed by size and
# schema version.  Building takes minutes; the callers copy it.
set -eu
cd "$(dirname "$0")/.."
BIN=${FK_BIN:-build/release/fangkong}
PEOPLE=${BENCH_PEOPLE:-1200000}
DAYS=${BENCH_DAYS:-7}
CACHE=var/bench
mkdir -p "$CACHE"
VERSION=$(ls schema/ | tail -1 | sed 's/^0*\([0-9]*\)_.*/\1/')
DB="$CACHE/district-$PEOPLE-$DAYS-v$VERSION.db"
if [ ! -f "$DB" ]; then
	echo "district: building $PEOPLE residents, $DAYS days of history into $DB" >&2
	rm -f "$DB" "$DB.key" "$DB-wal" "$DB-shm" "$DB.tmp" "$DB.tmp.key"
	start=$(date +%s)
	"$BIN" demo --db "$DB.tmp" --people "$PEOPLE" --days "$DAYS" --cases 0 > "$CACHE/logins.txt"
	mv "$DB.tmp.key" "$DB.key"
	mv "$DB.tmp" "$DB"
	echo "district: built in $(( $(date +%s) - start )) s" >&2
fi
echo "$DB"
