#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster on 127.0.0.1 for the database tests and print its URL.
# Usage: eval "$(bash .ci/start-postgres.sh)"   → exports STREETLEDGER_TEST_PG
#
# As an office's server would be: every TCP connection authenticates with a password (scram-sha-256), and
# the tests connect as a database owner that is not a superuser (a superuser bypasses every row-level
# policy and privilege, so tests run as one would prove nothing about them). The owner may create
# databases (each test makes its own) and roles (init/upgrade create the per-database roles and the
# function-owning role; see docs/trust.md). The superuser `postgres` is reachable only through the
# cluster's private socket directory.
set -euo pipefail
port="${PGPORT_TEST:-54329}"
# Another server (an earlier run's) may hold the port: take the next free one.
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
dir=$(mktemp -d /tmp/streetledger-pg.XXXXXX)
chown postgres:postgres "$dir" 2>/dev/null || true
chmod 700 "$dir"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
superuser=$([ "$(id -u)" = 0 ] && echo postgres || id -un)
owner=streetledger_owner
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 24)
# local (the private socket): trust, for the superuser's setup below; TCP: passwords only.
as_pg "$bindir/initdb" -D "$dir/data" -U "$superuser" --auth-local=trust --auth-host=scram-sha-256 \
  --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c unix_socket_permissions=0700 -c fsync=off \
      -c max_connections=300 -c password_encryption=scram-sha-256" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
as_pg "$bindir/psql" -h "$dir" -p "$port" -U "$superuser" -d postgres -q -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE $owner LOGIN CREATEDB CREATEROLE PASSWORD '$password'" >/dev/null
echo "export STREETLEDGER_TEST_PG=postgresql+psycopg://$owner:$password@127.0.0.1:$port/postgres"
echo "export STREETLEDGER_TEST_PG_DIR=$dir"
