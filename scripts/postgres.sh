#!/usr/bin/env bash
# postgres.sh start|stop|wipe [DIR] - a private PostgreSQL 15 cluster (Debian's packages) for erphub's
# tests and demo, listening only on 127.0.0.1 and on a socket inside DIR.
#
#   start  installs the packages if missing, creates the cluster once (initdb; superuser
#          `erphub`, trust authentication, as only local clients reach it), starts it and
#          creates the database `erphub`, then prints KEY=VALUE lines on stdout:
#          POSTGRES_URL POSTGRES_HOST POSTGRES_PORT POSTGRES_USER POSTGRES_DB
#          POSTGRES_SOCKET_DIR POSTGRES_PID POSTGRES_DATA_DIR. Progress goes to stderr.
#          A second start while the server runs only prints the lines (with the port it runs on).
#   stop   stops the server of the same directory.
#   wipe   stops it and deletes its cluster (the next start creates a fresh one).
#
# The cluster is configured for tests: max_connections 200, and wal_level=logical with
# replication slots and WAL senders for change-data-capture. PostgreSQL refuses to run as root:
# run as root (as CI does), the server runs as the unprivileged user `postgres` (created if
# missing) and DIR is given to it.
#
# Environment:
#   POSTGRES_DATA_DIR   the directory when DIR is not given (default build/postgres in the
#                       checkout): data/ (the cluster), socket/, postgres.log. Run as root with
#                       DIR out of the server user's reach (under /root), these go to
#                       /tmp/erphub-postgres-HASH instead (POSTGRES_SERVER_DIR).
#   POSTGRES_PORT       port on 127.0.0.1 (default 55432)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOST=127.0.0.1
PORT=${POSTGRES_PORT:-55432}
DB=erphub
DB_USER=erphub
RUN_AS=postgres
DIR=${2:-${POSTGRES_DATA_DIR:-$ROOT/build/postgres}}
START_TIMEOUT=${POSTGRES_START_TIMEOUT:-60}
PACKAGES=(postgresql libpq-dev)

say() { echo "postgres.sh: $*" >&2; }
# shellcheck source=scripts/server_support.sh
source "$(dirname "${BASH_SOURCE[0]}")/server_support.sh"
fail() { say "error: $*"; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] || fail "POSTGRES_PORT must be a number, not '$PORT'"
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
SERVER_DIR=$(server_dir postgres "$DIR" "$RUN_AS")
DATA=$SERVER_DIR/data
SOCKET_DIR=$SERVER_DIR/socket
LOG=$SERVER_DIR/postgres.log

# Runs a command as the user the server runs as.
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$RUN_AS" -- "$@"
  else
    "$@"
  fi
}

# The newest installed server's bin directory (Debian 12: /usr/lib/postgresql/15/bin).
find_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] && [ -x "$bin/pg_ctl" ] || return 1
  echo "$bin"
}

# The postmaster's pid and port, from its pid file, when it runs.
server_pid() {
  local pid
  pid=$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$DATA" || return 1
  echo "$pid"
}
running_port() { sed -n 4p "$DATA/postmaster.pid"; }

answers() {
  "$BIN/pg_isready" -q -h "$HOST" -p "$1" -d postgres -U "$DB_USER" -t 2 2>/dev/null
}

print_coordinates() {
  echo "POSTGRES_URL=postgresql://$DB_USER@$HOST:$2/$DB"
  echo "POSTGRES_HOST=$HOST"
  echo "POSTGRES_PORT=$2"
  echo "POSTGRES_USER=$DB_USER"
  echo "POSTGRES_DB=$DB"
  echo "POSTGRES_SOCKET_DIR=$SOCKET_DIR"
  echo "POSTGRES_PID=$1"
  echo "POSTGRES_DATA_DIR=$DIR"
  echo "POSTGRES_SERVER_DIR=$SERVER_DIR"
}

init_cluster() {
  [ -f "$DATA/PG_VERSION" ] && return 0
  say "creating the cluster in $DATA"
  rm -rf "$DATA"
  as_server_user "$BIN/initdb" -D "$DATA" -U "$DB_USER" --auth=trust -E UTF8 --no-locale \
    >"$SERVER_DIR/initdb.log" 2>&1 || { tail -n 20 "$SERVER_DIR/initdb.log" >&2; fail "initdb failed"; }
  cat >>"$DATA/postgresql.conf" <<EOF

# written by erphub's scripts/postgres.sh
include_if_exists = 'erphub.conf'
max_connections = 200
wal_level = logical
max_replication_slots = 20
max_wal_senders = 20
max_prepared_transactions = 0
shared_buffers = 128MB
log_min_messages = warning
log_connections = off
EOF
}

start() {
  local pid
  BIN=$(find_bin) || true
  if [ -n "${BIN:-}" ] && pid=$(server_pid) && answers "$(running_port)"; then
    print_coordinates "$pid" "$(running_port)"
    return 0
  fi
  [ -n "${pid:-}" ] && fail "postgres (pid $pid) does not answer; see $LOG"
  if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then
    fail "$HOST:$PORT is taken by another process (set POSTGRES_PORT)"
  fi
  install_packages "${PACKAGES[@]}"
  BIN=$(find_bin) || fail "no PostgreSQL server found in /usr/lib/postgresql"
  if [ "$(id -u)" -eq 0 ]; then
    getent passwd "$RUN_AS" >/dev/null ||
      useradd --system --home-dir /var/lib/postgresql --shell /bin/bash "$RUN_AS"
    if ! as_server_user test -x "$SERVER_DIR" 2>/dev/null; then
      SERVER_DIR=/tmp/erphub-postgres-$(echo "$DIR" | sha256sum | cut -c1-16)
      DATA=$SERVER_DIR/data SOCKET_DIR=$SERVER_DIR/socket LOG=$SERVER_DIR/postgres.log
    fi
    mkdir -p "$SERVER_DIR"
    chown "$RUN_AS" "$SERVER_DIR"
    as_server_user test -x "$SERVER_DIR" || fail "user $RUN_AS cannot enter $SERVER_DIR"
  fi
  # Unix socket paths are limited to 107 bytes.
  [ ${#SOCKET_DIR} -le 90 ] || fail "$SOCKET_DIR is too long for a socket; use a shorter DIR"
  as_server_user mkdir -p "$SOCKET_DIR"
  init_cluster
  as_server_user tee "$DATA/erphub.conf" >/dev/null <<EOF
# written by erphub's scripts/postgres.sh at each start
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = '$SOCKET_DIR'
EOF
  # setsid: a test runner killing its process group does not take the server down with it.
  as_server_user setsid "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t "$START_TIMEOUT" start \
    >"$SERVER_DIR/pg_ctl.log" 2>&1 </dev/null 9>&- ||
    { tail -n 20 "$LOG" >&2; fail "postgres did not start (see $LOG)"; }
  pid=$(server_pid) || fail "postgres started but wrote no pid file"
  local exists
  exists=$("$BIN/psql" -h "$SOCKET_DIR" -p "$PORT" -U "$DB_USER" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB'")
  if [ "$exists" != 1 ]; then
    "$BIN/psql" -h "$SOCKET_DIR" -p "$PORT" -U "$DB_USER" -d postgres -qc \
      "CREATE DATABASE $DB" >&2
  fi
  say "postgres runs (pid $pid) on $HOST:$PORT, log $LOG"
  print_coordinates "$pid" "$PORT"
}

stop() {
  local pid
  BIN=$(find_bin) || { say "not installed"; return 0; }
  if ! pid=$(server_pid); then
    say "not running"
    return 0
  fi
  as_server_user "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2 ||
    { kill -KILL "$pid" 2>/dev/null || true; }
  say "stopped postgres (pid $pid)"
}

# One start or stop at a time per directory (parallel test runners).
exec 9>"$DIR/.lock"
flock -w 300 9 || fail "waited too long for $DIR/.lock"

wipe() {
  stop
  rm -rf "$DATA" "$SOCKET_DIR" "$LOG"
  [ "$SERVER_DIR" = "$DIR" ] || rm -rf "$SERVER_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  wipe) wipe ;;
  *)
    echo "usage: $0 start|stop|wipe [DIR]" >&2
    exit 2
    ;;
esac
