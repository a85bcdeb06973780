#!/usr/bin/env bash
# tryton_fixture.sh start|stop DIR - the Tryton server of a test run (a ctest fixture).
#   start  stops what an earlier run left, starts a fresh copy of the configured database
#          (scripts/tryton.sh, database cached in TRYTON_CACHE_DIR, by default build/tryton-cache
#          of the checkout) on a free port, and writes its KEY=VALUE lines to DIR/tryton.env.
#          When Tryton cannot be installed, DIR/tryton.env says TRYTON_UNAVAILABLE=<why> and the
#          tests skip; any other failure fails.
#   stop   stops that server and removes DIR/tryton.env.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
DIR=${2:?usage: $0 start|stop DIR}
mkdir -p "$DIR"
export TRYTON_DATA_DIR=$DIR/server
export TRYTON_CACHE_DIR=${TRYTON_CACHE_DIR:-$ROOT/build/tryton-cache}

case "${1:-}" in
  start)
    rm -f "$DIR/tryton.env"
    "$ROOT/scripts/tryton.sh" stop 2>/dev/null || true
    rm -rf "$TRYTON_DATA_DIR/db"
    TRYTON_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18069)
    export TRYTON_PORT
    if "$ROOT/scripts/tryton.sh" start >"$DIR/tryton.env.tmp" 2>"$DIR/start.log"; then
      mv "$DIR/tryton.env.tmp" "$DIR/tryton.env"
    elif ! dpkg-query -W -f='${Status}' tryton-server 2>/dev/null | grep -q 'install ok installed'; then
      echo "TRYTON_UNAVAILABLE=Tryton could not be installed (see $DIR/start.log)" >"$DIR/tryton.env"
      cat "$DIR/start.log" >&2
    else
      cat "$DIR/start.log" >&2
      exit 1
    fi
    cat "$DIR/tryton.env"
    ;;
  stop)
    rm -f "$DIR/tryton.env"
    "$ROOT/scripts/tryton.sh" stop
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
