#!/usr/bin/env bash
# Starts a throw-away Redis on loopback for the tests of the shared budget stores and exports
# its URL:
#
#   source .ci/redis.sh           # sets B24_TEST_REDIS=redis://127.0.0.1:PORT/0
#   b24_redis_stop                # stops it and removes its directory
#
# Installs Debian's `redis-server` when it is missing, runs it on a free port bound to
# 127.0.0.1 only, without persistence, with its files in a fresh temporary directory.

b24_redis_start() {
  if ! command -v redis-server >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  local dir port
  dir=$(mktemp -d /tmp/b24-redis.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/log" >/dev/null
  for _ in $(seq 100); do
    redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  export B24_REDIS_DIR="$dir"
  export B24_TEST_REDIS="redis://127.0.0.1:$port/0"
  echo "Redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') at $B24_TEST_REDIS"
}

b24_redis_stop() {
  if [ -n "${B24_REDIS_DIR:-}" ]; then
    [ -f "$B24_REDIS_DIR/redis.pid" ] && kill "$(cat "$B24_REDIS_DIR/redis.pid")" 2>/dev/null || true
    rm -rf "$B24_REDIS_DIR"
    unset B24_REDIS_DIR B24_TEST_REDIS
  fi
}

b24_redis_start
