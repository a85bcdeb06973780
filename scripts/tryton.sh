#!/usr/bin/env bash
# tryton.sh start|stop - a local Tryton 6.0 ERP (Debian's packages, SQLite) for erphub's tests
# and demo.
#
#   start  installs the packages if missing, creates and configures the database once (company,
#          fiscal years, chart of accounts, taxes, payment term and method, warehouse; see
#          tryton_setup.py), starts trytond on 127.0.0.1 and prints KEY=VALUE lines on stdout:
#          TRYTON_URL TRYTON_DB TRYTON_USER TRYTON_PASSWORD (and TRYTON_PID, TRYTON_DATA_DIR).
#          Progress goes to stderr. A second start while the server runs only prints the lines.
#   stop   stops the server started from the same data directory.
#
# Environment:
#   TRYTON_DATA_DIR    where the database, config, pid file and logs live (default build/tryton
#                      in the checkout)
#   TRYTON_PORT        port on 127.0.0.1 (default 8000)
#   TRYTON_CACHE_DIR   optional: a configured database is copied from here instead of being
#                      created (about 40 s saved), and stored here after it was created, so a
#                      test suite pays for the creation once per build directory
#   TRYTON_CURRENCY    EUR (default) or USD, at creation only
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOST=127.0.0.1
PORT=${TRYTON_PORT:-8000}
DB=erphub
USER_LOGIN=admin
PASSWORD=erphub-Tryton-admin
DATA_DIR=${TRYTON_DATA_DIR:-$ROOT/build/tryton}
CACHE_DIR=${TRYTON_CACHE_DIR:-}
START_TIMEOUT=${TRYTON_START_TIMEOUT:-120}
# `sale` brings account, account_invoice, account_invoice_stock, stock, product, party...;
# `sale_stock_quantity` asks before selling what the warehouse does not have (stock_warning).
MODULES=(sale sale_stock_quantity)
PACKAGES=(tryton-server tryton-proteus tryton-modules-sale tryton-modules-sale-stock-quantity curl)

say() { echo "tryton.sh: $*" >&2; }
# shellcheck source=scripts/server_support.sh
source "$(dirname "${BASH_SOURCE[0]}")/server_support.sh"
fail() { say "error: $*"; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] || fail "TRYTON_PORT must be a number, not '$PORT'"
mkdir -p "$DATA_DIR"
DATA_DIR=$(cd "$DATA_DIR" && pwd)
CONF=$DATA_DIR/trytond.conf
PID_FILE=$DATA_DIR/trytond.pid
DB_DIR=$DATA_DIR/db
URL="http://$HOST:$PORT/"

# The pid of the trytond serving this data directory, if it runs.
server_pid() {
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # trytond leaves its pid file behind when killed; trust it only if the process is ours.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "trytond -c $CONF" || return 1
  echo "$pid"
}

answers() {
  curl -s -m 5 -H 'Content-Type: application/json' \
    -d '{"method":"common.server.version","params":[],"id":0}' "$URL" 2>/dev/null |
    grep -q '"result"'
}

stop() {
  local pid
  if ! pid=$(server_pid); then
    say "not running"
    rm -f "$PID_FILE"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  rm -f "$PID_FILE"
  say "stopped trytond (pid $pid)"
}

# tryton-server recommends PostgreSQL, LibreOffice and more: they are left out.
install_tryton() {
  install_packages "${PACKAGES[@]}"
  # Where no policy-rc.d prevents it, the package starts its own service on port 8000.
  if [ -e /run/trytond/trytond.pid ] && command -v invoke-rc.d >/dev/null; then
    "${sudo[@]}" invoke-rc.d tryton-server stop >&2 || true
  fi
}

# What the configured database was made from: a change rebuilds or updates it.
stamp() {
  echo "server=$(dpkg-query -W -f='${Version}' tryton-server) modules=${MODULES[*]}" \
    "setup=$(sha256sum "$ROOT/scripts/tryton_setup.py" | cut -c1-16) year=$(date +%Y)" \
    "currency=${TRYTON_CURRENCY:-EUR}"
}

create_database() {
  rm -f "$DB_DIR/$DB.sqlite"
  touch "$DB_DIR/$DB.sqlite"  # trytond-admin refuses a SQLite database file that does not exist
  say "creating database $DB (about 40 s)"
  # --email: otherwise trytond-admin asks for the admin's address on the terminal.
  TRYTONPASSFILE=$DATA_DIR/password /usr/bin/trytond-admin -c "$CONF" -d "$DB" \
    --email admin@example.com -u "${MODULES[@]}" --activate-dependencies \
    >"$DATA_DIR/trytond-admin.log" 2>&1 ||
    { tail -n 20 "$DATA_DIR/trytond-admin.log" >&2; fail "trytond-admin failed"; }
}

update_database() {
  /usr/bin/trytond-admin -c "$CONF" -d "$DB" --all -u "${MODULES[@]}" \
    --activate-dependencies >"$DATA_DIR/trytond-admin.log" 2>&1 ||
    { tail -n 20 "$DATA_DIR/trytond-admin.log" >&2; fail "trytond-admin update failed"; }
}

configure_database() {
  /usr/bin/python3 -W ignore "$ROOT/scripts/tryton_setup.py" "$CONF" "$DB" \
    >"$DATA_DIR/setup.log" 2>&1 ||
    { tail -n 20 "$DATA_DIR/setup.log" >&2; fail "tryton_setup.py failed"; }
}

# Brings $DB_DIR/$DB.sqlite to the wanted stamp: from the cache, by an update, or made anew.
prepare_database() {
  local want have=""
  want=$(stamp)
  [ -f "$DB_DIR/stamp" ] && have=$(cat "$DB_DIR/stamp")
  [ "$have" = "$want" ] && return 0
  if [ -z "$have" ] && [ -n "$CACHE_DIR" ] && [ -f "$CACHE_DIR/stamp" ] &&
    [ "$(cat "$CACHE_DIR/stamp")" = "$want" ]; then
    cp "$CACHE_DIR/$DB.sqlite" "$DB_DIR/$DB.sqlite.tmp"
    mv "$DB_DIR/$DB.sqlite.tmp" "$DB_DIR/$DB.sqlite"
    echo "$want" >"$DB_DIR/stamp"
    say "database copied from $CACHE_DIR"
    return 0
  fi
  if [ -z "$have" ] || [ "${have%% setup=*}" != "${want%% setup=*}" ]; then
    if [ -n "$have" ]; then update_database; else create_database; fi
  fi
  configure_database
  echo "$want" >"$DB_DIR/stamp"
  if [ -n "$CACHE_DIR" ]; then
    mkdir -p "$CACHE_DIR"
    cp "$DB_DIR/$DB.sqlite" "$CACHE_DIR/$DB.sqlite.tmp.$$"
    mv "$CACHE_DIR/$DB.sqlite.tmp.$$" "$CACHE_DIR/$DB.sqlite"
    echo "$want" >"$CACHE_DIR/stamp"
  fi
}

print_coordinates() {
  echo "TRYTON_URL=$URL"
  echo "TRYTON_DB=$DB"
  echo "TRYTON_USER=$USER_LOGIN"
  echo "TRYTON_PASSWORD=$(cat "$DATA_DIR/password")"
  echo "TRYTON_PID=$1"
  echo "TRYTON_DATA_DIR=$DATA_DIR"
}

start() {
  local pid
  if pid=$(server_pid) && answers; then
    print_coordinates "$pid"
    return 0
  fi
  [ -n "${pid:-}" ] && fail "trytond (pid $pid) does not answer on $URL; see $DATA_DIR/trytond.log"
  if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then
    fail "$HOST:$PORT is taken by another process (set TRYTON_PORT)"
  fi
  install_tryton
  mkdir -p "$DB_DIR"
  [ -s "$DATA_DIR/password" ] || (umask 077 && echo "$PASSWORD" >"$DATA_DIR/password")
  cat >"$CONF" <<EOF
# written by erphub's scripts/tryton.sh
[database]
uri = sqlite://
path = $DB_DIR
language = en

[web]
listen = $HOST:$PORT
root = $DATA_DIR/www
EOF
  if [ -n "$CACHE_DIR" ]; then
    # One creation at a time fills the cache; the others then copy it.
    mkdir -p "$CACHE_DIR"
    exec 8>"$CACHE_DIR/.lock"
    flock -w 900 8 || fail "waited too long for $CACHE_DIR/.lock"
  fi
  prepare_database
  [ -n "$CACHE_DIR" ] && exec 8>&-
  # setsid: a test runner killing its process group does not take the server down with it.
  setsid /usr/bin/trytond -c "$CONF" -d "$DB" --pidfile "$PID_FILE" \
    >>"$DATA_DIR/trytond.log" 2>&1 </dev/null 9>&- &
  local launcher=$! deadline=$((SECONDS + START_TIMEOUT))
  until pid=$(server_pid) && answers; do
    if ! kill -0 "$launcher" 2>/dev/null && ! wait "$launcher"; then
      tail -n 20 "$DATA_DIR/trytond.log" >&2
      fail "trytond exited at start-up"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$DATA_DIR/trytond.log" >&2
      fail "trytond did not answer on $URL within ${START_TIMEOUT}s"
    fi
    sleep 0.2
  done
  say "trytond runs (pid $pid) on $URL, log $DATA_DIR/trytond.log"
  print_coordinates "$pid"
}

# One start or stop at a time per data directory (parallel test runners).
exec 9>"$DATA_DIR/.lock"
flock -w 900 9 || fail "waited too long for $DATA_DIR/.lock"

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
