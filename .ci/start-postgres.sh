#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster on 127.0.0.1 for the database tests and print its URL.
# Usage: eval "$(bash .ci/start-postgres.sh)"   → exports STREETLEDGER_TEST_PG
set -euo pipefail
port="${PGPORT_TEST:-54329}"
# Another server (an earlier run's) may hold the port: take the next free one.
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
dir=$(mktemp -d /tmp/streetledger-pg.XXXXXX)
chown postgres:postgres "$dir" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
echo "export STREETLEDGER_TEST_PG=postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
echo "export STREETLEDGER_TEST_PG_DIR=$dir"
