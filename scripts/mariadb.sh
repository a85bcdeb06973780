#!/usr/bin/env bash
# mariadb.sh start|stop|wipe [DIR] - a private MariaDB server (Debian's packages) for erphub's tests,
# listening only on 127.0.0.1 and on a socket inside DIR.
#
#   start  installs the packages if missing, creates the data directory once
#          (mariadb-install-db), starts mariadbd, creates the database `erphub` and the user
#          `erphub` (password `erphub`, all rights on erphub.*), then prints KEY=VALUE lines on
#          stdout: MARIADB_URL MARIADB_HOST MARIADB_PORT MARIADB_USER MARIADB_PASSWORD
#          MARIADB_DB MARIADB_SOCKET MARIADB_PID MARIADB_DATA_DIR. Progress goes to stderr.
#          A second start while the server runs only prints the lines.
#   stop   stops the server of the same directory.
#   wipe   stops it and deletes its data (the next start creates them afresh).
#
# Run as root (as CI does), the server runs as the unprivileged user `mysql` and DIR is given
# to it.
#
# Environment:
#   MARIADB_DATA_DIR   the directory when DIR is not given (default build/mariadb in the
#                      checkout): my.cnf, data/, mariadb.sock, mariadb.log. Run as root with DIR
#                      out of the server user's reach (under /root), all but my.cnf go to
#                      /tmp/erphub-mariadb-HASH instead (MARIADB_SERVER_DIR).
#   MARIADB_PORT       port on 127.0.0.1 (default 53306)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOST=127.0.0.1
PORT=${MARIADB_PORT:-53306}
DB=erphub
DB_USER=erphub
DB_PASSWORD=erphub
RUN_AS=mysql
DIR=${2:-${MARIADB_DATA_DIR:-$ROOT/build/mariadb}}
START_TIMEOUT=${MARIADB_START_TIMEOUT:-60}
PACKAGES=(mariadb-server libmariadb-dev)

say() { echo "mariadb.sh: $*" >&2; }
# shellcheck source=scripts/server_support.sh
source "$(dirname "${BASH_SOURCE[0]}")/server_support.sh"
fail() { say "error: $*"; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] || fail "MARIADB_PORT must be a number, not '$PORT'"
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
SERVER_DIR=$(server_dir mariadb "$DIR" "$RUN_AS")
DATA=$SERVER_DIR/data
SOCKET=$SERVER_DIR/mariadb.sock
PID_FILE=$SERVER_DIR/mariadb.pid
LOG=$SERVER_DIR/mariadb.log
CNF=$DIR/my.cnf

server_pid() {
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$CNF" || return 1
  echo "$pid"
}

# The port of the running server, from its config.
running_port() { sed -n 's/^port *= *//p' "$CNF"; }

client() { mariadb --no-defaults --socket="$SOCKET" -u root "$@"; }

answers() { client -e 'SELECT 1' >/dev/null 2>&1; }

print_coordinates() {
  echo "MARIADB_URL=mariadb://$DB_USER@$HOST:$2/$DB"
  echo "MARIADB_HOST=$HOST"
  echo "MARIADB_PORT=$2"
  echo "MARIADB_USER=$DB_USER"
  echo "MARIADB_PASSWORD=$DB_PASSWORD"
  echo "MARIADB_DB=$DB"
  echo "MARIADB_SOCKET=$SOCKET"
  echo "MARIADB_PID=$1"
  echo "MARIADB_DATA_DIR=$DIR"
  echo "MARIADB_SERVER_DIR=$SERVER_DIR"
}

start() {
  local pid
  if pid=$(server_pid) && answers; then
    print_coordinates "$pid" "$(running_port)"
    return 0
  fi
  [ -n "${pid:-}" ] && fail "mariadbd (pid $pid) does not answer; see $LOG"
  if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then
    fail "$HOST:$PORT is taken by another process (set MARIADB_PORT)"
  fi
  install_packages "${PACKAGES[@]}"
  [ ${#SOCKET} -le 100 ] || fail "$SOCKET is too long for a socket; use a shorter DIR"
  local user_opt=()
  mkdir -p "$SERVER_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$RUN_AS" "$SERVER_DIR"
    user_opt=(--user="$RUN_AS")
  fi
  cat >"$CNF" <<EOF
# written by erphub's scripts/mariadb.sh
[mysqld]
datadir = $DATA
socket = $SOCKET
pid-file = $PID_FILE
log-error = $LOG
bind-address = $HOST
port = $PORT
skip-name-resolve
max_connections = 200
innodb_buffer_pool_size = 64M
innodb_log_file_size = 32M
innodb_flush_log_at_trx_commit = 2
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
default-time-zone = '+00:00'
EOF
  chmod 644 "$CNF"
  if [ ! -d "$DATA/mysql" ]; then
    say "creating the data directory $DATA"
    mariadb-install-db --defaults-file="$CNF" "${user_opt[@]}" --auth-root-authentication-method=socket \
      --skip-test-db >"$SERVER_DIR/install-db.log" 2>&1 ||
      { tail -n 20 "$SERVER_DIR/install-db.log" >&2; fail "mariadb-install-db failed"; }
  fi
  # setsid: a test runner killing its process group does not take the server down with it.
  setsid /usr/sbin/mariadbd --defaults-file="$CNF" "${user_opt[@]}" \
    >>"$SERVER_DIR/mariadbd.out" 2>&1 </dev/null 9>&- &
  local launcher=$! deadline=$((SECONDS + START_TIMEOUT))
  until pid=$(server_pid) && answers; do
    if ! kill -0 "$launcher" 2>/dev/null; then
      tail -n 20 "$LOG" >&2
      fail "mariadbd exited at start-up"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$LOG" >&2
      fail "mariadbd did not answer within ${START_TIMEOUT}s"
    fi
    sleep 0.2
  done
  client -e "CREATE DATABASE IF NOT EXISTS $DB;
    CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
    CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
    GRANT ALL ON $DB.* TO '$DB_USER'@'127.0.0.1';
    GRANT ALL ON $DB.* TO '$DB_USER'@'localhost';" ||
    fail "could not create the database and user"
  say "mariadbd runs (pid $pid) on $HOST:$PORT, log $LOG"
  print_coordinates "$pid" "$PORT"
}

stop() {
  local pid
  if ! pid=$(server_pid); then
    say "not running"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  say "stopped mariadbd (pid $pid)"
}

# One start or stop at a time per directory (parallel test runners).
exec 9>"$DIR/.lock"
flock -w 300 9 || fail "waited too long for $DIR/.lock"

wipe() {
  stop
  rm -rf "$DATA" "$SOCKET" "$PID_FILE" "$LOG"
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
