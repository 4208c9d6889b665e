#!/usr/bin/env bash
# Starts a throw-away PostgreSQL on loopback for the tests of b24-app and exports its URL:
#
#   source .ci/postgres.sh        # sets B24_TEST_POSTGRES=postgres://postgres@127.0.0.1:PORT/b24test
#   b24_postgres_stop             # stops it and removes its data directory
#
# Installs Debian's `postgresql` when no server binary is found, runs the server as the
# `postgres` user (never root) on a free port, with its data and socket in a fresh temporary
# directory, trust authentication on loopback only.

b24_postgres_start() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  local dir port
  dir=$(mktemp -d /tmp/b24-postgres.XXXXXX)
  chown postgres: "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
  runuser -u postgres -- "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres b24test
  export B24_POSTGRES_DIR="$dir" B24_POSTGRES_BIN="$bin"
  export B24_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/b24test"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $B24_TEST_POSTGRES"
}

b24_postgres_stop() {
  if [ -n "${B24_POSTGRES_DIR:-}" ]; then
    runuser -u postgres -- "$B24_POSTGRES_BIN/pg_ctl" -D "$B24_POSTGRES_DIR/data" -m fast stop >/dev/null || true
    rm -rf "$B24_POSTGRES_DIR"
    unset B24_POSTGRES_DIR B24_TEST_POSTGRES
  fi
}

b24_postgres_start
