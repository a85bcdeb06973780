#!/usr/bin/env bash
# server_fixture.sh NAME start|stop|wipe DIR - the database server of a test run (a ctest fixture),
# for NAME postgres (scripts/postgres.sh) or mariadb (scripts/mariadb.sh).
#   start  stops what an earlier run left, starts a fresh server on a free port of 127.0.0.1
#          with its data in DIR/server, and writes its KEY=VALUE lines to DIR/NAME.env.
#          When the server cannot be installed, DIR/NAME.env says <NAME>_UNAVAILABLE=<why> and
#          the tests skip; any other failure fails.
#   stop   stops that server and removes DIR/NAME.env.
#   wipe   stops it and deletes its data too (a server a single test started for itself).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NAME=${1:?usage: $0 postgres|mariadb start|stop|wipe DIR}
DIR=${3:?usage: $0 postgres|mariadb start|stop|wipe DIR}
case "$NAME" in
  postgres) PREFIX=POSTGRES PACKAGE=postgresql ;;
  mariadb) PREFIX=MARIADB PACKAGE=mariadb-server ;;
  *)
    echo "$0: unknown server $NAME" >&2
    exit 2
    ;;
esac
SCRIPT=$ROOT/scripts/$NAME.sh
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
ENV_FILE=$DIR/$NAME.env
export "${PREFIX}_DATA_DIR=$DIR/server"

case "${2:-}" in
  start)
    rm -f "$ENV_FILE"
    "$SCRIPT" wipe 2>/dev/null || true
    rm -rf "$DIR/server"
    port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
    export "${PREFIX}_PORT=$port"
    if "$SCRIPT" start >"$ENV_FILE.tmp" 2>"$DIR/start.log"; then
      mv "$ENV_FILE.tmp" "$ENV_FILE"
    elif ! dpkg-query -W -f='${Status}' "$PACKAGE" 2>/dev/null | grep -q 'install ok installed'; then
      echo "${PREFIX}_UNAVAILABLE=$NAME could not be installed (see $DIR/start.log)" >"$ENV_FILE"
      cat "$DIR/start.log" >&2
    else
      cat "$DIR/start.log" >&2
      exit 1
    fi
    cat "$ENV_FILE"
    ;;
  stop | wipe)
    rm -f "$ENV_FILE"
    "$SCRIPT" "$2"
    ;;
  *)
    echo "usage: $0 postgres|mariadb start|stop|wipe DIR" >&2
    exit 2
    ;;
esac
