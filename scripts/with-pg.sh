#!/bin/sh
# Runs a command with a PostgreSQL server of its own: a cluster made by the
# Debian package's initdb in a temporary folder (as the postgres system user
# when run as root), listening on a Unix socket there only, trust
# authentication on it; FK_TEST_PG holds its libpq target for the command.
# The server is stopped and the folder removed at the end, whatever the
# command's outcome, whose exit status this returns.
#   sh scripts/with-pg.sh CMD [ARGS...]
set -eu
BIN=${FK_PG_BIN:-/usr/lib/postgresql/15/bin}
dir=$(mktemp -d "${TMPDIR:-/tmp}/fk-pg-XXXXXX")
as=""
if [ "$(id -u)" -eq 0 ]; then
	chown postgres: "$dir"
	as="runuser -u postgres --"
fi
stop() {
	$as "$BIN/pg_ctl" -D "$dir/data" -s -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap stop EXIT INT TERM
$as "$BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
$as "$BIN/pg_ctl" -D "$dir/data" -w -s -l "$dir/server.log" \
	-o "-k $dir -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start
export FK_TEST_PG="host=$dir user=postgres dbname=postgres"
set +e
"$@"
status=$?
set -e
exit $status
