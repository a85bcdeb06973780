#!/usr/bin/env bash
# erphub's durable webhook intake against nginx answering a fixed 202 and Node-RED's
# http in -> function -> http response, measured in the same run with the same signed ~2 KB
# Shopify order (wrk, 50 connections, 10 s); then acceptance-to-delivery latency at a fixed
# 1,000 orders/s to a local receiver. Prints the rates, the ratios and the goals, erphub's CPU
# per accepted order, the rate of its HTTP layer alone (GET /health), and the rate of the least
# work any durable intake must do on that HTTP layer (intake_floor) as the ceiling for its own.
#   bench/intake/run.sh [BUILD_DIR]     (default build/release; `make bench` builds it)
# Environment: DURATION (seconds per wrk run, default 10), CONNECTIONS (default 50),
# RATE and RATE_SECONDS for the latency run (default 1000 and 10).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(cd "${1:-build/release}" && pwd)
here=bench/intake
duration=${DURATION:-10}
connections=${CONNECTIONS:-50}
rate=${RATE:-1000}
rate_seconds=${RATE_SECONDS:-10}
secret=shpss_erphub_bench_8d1f0c2b4a6e
example=examples/shop-orders-to-http
template=$example/samples/order-1045-returning-business-customer.json

for tool in wrk nginx node curl jq; do
  command -v "$tool" >/dev/null || { echo "bench/intake: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
if [ ! -d "$here/node_modules/node-red" ]; then
  (cd "$here" && npm install --no-audit --no-fund --silent >/dev/null)
fi

script_name=bench/intake
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

answers_202() {  # URL: a POST of the order is answered 202
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H "X-Shopify-Webhook-Id: probe-$RANDOM$RANDOM" \
    -H "X-Shopify-Hmac-Sha256: $(openssl dgst -sha256 -hmac "$secret" -binary <"$template" | base64)" \
    --data-binary @"$template" "$1")" = 202 ]
}

# run_wrk NAME URL [PID]: prints the request rate; stops the benchmark when any answer was not
# 2xx. With PID, the CPU seconds that process used during the measured run go to cpu-NAME.txt.
run_wrk() {
  local out="$work/wrk-$1.txt" cpu_before
  wrk -t 2 -c "$connections" -d 2s -s "$work/orders.lua" "$2" >/dev/null  # warm-up
  [ -n "${3:-}" ] && cpu_before=$(cpu_seconds "$3")
  wrk -t 2 -c "$connections" -d "${duration}s" --latency -s "$work/orders.lua" "$2" >"$out"
  [ -n "${3:-}" ] && awk -v a="$cpu_before" -v b="$(cpu_seconds "$3")" 'BEGIN { print b - a }' \
    >"$work/cpu-$1.txt"
  if grep -q -E 'Non-2xx|Socket errors' "$out"; then
    echo "bench/intake: $1 answered errors:" >&2
    cat "$out" >&2
    exit 1
  fi
  awk '/^Requests\/sec:/ { print $2 }' "$out"
}

cpu_per_request() {  # NAME: microseconds of CPU per request in its measured wrk run
  awk -v cpu="$(cat "$work/cpu-$1.txt")" -v n="$(awk '/ requests in / { print $1 }' "$work/wrk-$1.txt")" \
    'BEGIN { printf "%.0f", 1e6 * cpu / n }'
}

latency_of() {  # NAME: wrk's 50% and 99% latency
  awk '/^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 } END { printf "p50 %s, p99 %s", p50, p99 }' \
    "$work/wrk-$1.txt"
}

start_receiver() {  # RECORD_FILE_OR_EMPTY: starts erphub-receiver; sets receiver_port
  local args=(--listen 127.0.0.1:0 --port-file "$work/receiver.port")
  [ -n "$1" ] && args+=(--record "$1")
  rm -f "$work/receiver.port"
  "$build/erphub-receiver" "${args[@]}" >"$work/receiver.log" 2>&1 &
  receiver_pid=$!
  pids+=("$receiver_pid")
  wait_until 10 "erphub-receiver" test -s "$work/receiver.port"
  receiver_port=$(cat "$work/receiver.port")
}

start_hub() {  # STORE_FILE: starts erphub with the example config; sets hub_port
  hub_port=$(free_port)
  ERPHUB_LISTEN=127.0.0.1:$hub_port ERPHUB_STORE=sqlite:$1 SHOP_WEBHOOK_SECRET=$secret \
    ERP_URL=http://127.0.0.1:$receiver_port \
    "$build/erphub" run "$example/erphub.yaml" >"$work/hub.log" 2>&1 &
  hub_pid=$!
  pids+=("$hub_pid")
  if ! wait_until 20 "erphub /ready" curl -sf "http://127.0.0.1:$hub_port/ready"; then
    cat "$work/hub.log" >&2
    exit 1
  fi
}

stop() {  # PID: SIGTERM and wait
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

metric() {  # NAME_AND_LABELS: its value on the hub's /metrics (0 when absent)
  curl -s "http://127.0.0.1:$hub_port/metrics" |
    awk -v s="$1" 'index($0, s " ") == 1 { v = $2 } END { print (v == "" ? 0 : v) }'
}

"$build/erphub-loadgen" wrk-script --secret "$secret" --template "$template" --variants 200 \
  --out "$work/orders.lua" 2>/dev/null
body_bytes=$(wc -c <"$template")

echo "== Webhook intake: signed Shopify order (~$((body_bytes / 100 * 100)) bytes), wrk -t2 -c$connections -d${duration}s, $(nproc) cores"

# erphub: the example flow (signature check, journal with fsync: full, 202 after the commit);
# the receiver takes the deliveries that follow. Its CPU per accepted order is measured too.
start_receiver ""
start_hub "$work/hub.db"
answers_202 "http://127.0.0.1:$hub_port/webhooks/shop/orders" || {
  echo "bench/intake: erphub does not answer 202" >&2
  cat "$work/hub.log" >&2
  exit 1
}
# First erphub's HTTP layer alone, while nothing else runs: GET /health, no body, no work (the
# ceiling of any of its routes).
wrk -t 2 -c "$connections" -d 2s "http://127.0.0.1:$hub_port/health" >/dev/null  # warm-up
wrk -t 2 -c "$connections" -d "${duration}s" "http://127.0.0.1:$hub_port/health" >"$work/wrk-health.txt"
health_rate=$(awk '/^Requests\/sec:/ { print $2 }' "$work/wrk-health.txt")
erphub_rate=$(run_wrk erphub "http://127.0.0.1:$hub_port/webhooks/shop/orders" "$hub_pid")
accepted=$(metric 'erphub_accepted_total{flow="shop-orders"}')
transactions=$(metric 'erphub_store_transactions')
stop "$hub_pid"
stop "$receiver_pid"

# The least a durable intake can do, on erphub's HTTP server: append the body to one file and
# answer 202 after an fdatasync shared by the requests waiting for it (no store, no delivery);
# then the same with the Shopify signature check and JSON parse. Ceilings for erphub's own rate.
start_floor() {  # ARGS...: starts intake_floor; sets floor_port, floor_pid
  rm -f "$work/floor.port"
  "$build/bench/intake_floor" --log "$work/floor.log" --port-file "$work/floor.port" "$@" \
    2>>"$work/floor.err" &
  floor_pid=$!
  pids+=("$floor_pid")
  wait_until 10 "intake_floor" test -s "$work/floor.port"
  floor_port=$(cat "$work/floor.port")
}
start_floor
floor_rate=$(run_wrk floor "http://127.0.0.1:$floor_port/webhooks/shop/orders" "$floor_pid")
stop "$floor_pid"
start_floor --secret "$secret"
answers_202 "http://127.0.0.1:$floor_port/webhooks/shop/orders" || {
  echo "bench/intake: intake_floor does not answer 202" >&2
  exit 1
}
floor_signed_rate=$(run_wrk floor-signed "http://127.0.0.1:$floor_port/webhooks/shop/orders" "$floor_pid")
stop "$floor_pid"

# nginx: a fixed 202, nothing stored.
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    location /webhooks/shop/orders {
      default_type application/json;
      return 202 '{"id":"00000000-0000-7000-8000-000000000000"}';
    }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!
pids+=("$nginx_pid")
wait_until 10 "nginx" answers_202 "http://127.0.0.1:$nginx_port/webhooks/shop/orders"
nginx_rate=$(run_wrk nginx "http://127.0.0.1:$nginx_port/webhooks/shop/orders")
stop "$nginx_pid"

# Node-RED: http in -> function (answers 202) -> http response; nothing stored.
node_port=$(free_port)
mkdir -p "$work/node-red"
cp "$here/node-red-flows.json" "$work/node-red/flows.json"
node "$here/node_modules/node-red/red.js" --userDir "$work/node-red" \
  --settings "$here/node-red-settings.js" --port "$node_port" >"$work/node-red.log" 2>&1 &
node_pid=$!
pids+=("$node_pid")
wait_until 60 "Node-RED" answers_202 "http://127.0.0.1:$node_port/webhooks/shop/orders"
node_rate=$(run_wrk node-red "http://127.0.0.1:$node_port/webhooks/shop/orders")
stop "$node_pid"

awk -v e="$erphub_rate" -v n="$nginx_rate" -v r="$node_rate" -v el="$(latency_of erphub)" \
  -v nl="$(latency_of nginx)" -v rl="$(latency_of node-red)" -v a="$accepted" -v t="$transactions" \
  -v h="$health_rate" -v ec="$(cpu_per_request erphub)" -v f="$floor_rate" -v fs="$floor_signed_rate" \
  -v fc="$(cpu_per_request floor)" -v fsc="$(cpu_per_request floor-signed)" 'BEGIN {
  printf "%-44s %9.0f req/s   (%s)\n", "erphub (signature, journal, fsync: full)", e, el
  printf "%-44s %9.0f req/s   (%s)\n", "nginx (fixed 202, nothing stored)", n, nl
  printf "%-44s %9.0f req/s   (%s)\n", "Node-RED 4 (http in -> function -> response)", r, rl
  printf "erphub / nginx    %6.0f%%   (goal >= 40%%)\n", 100 * e / n
  printf "erphub / Node-RED %6.1fx   (goal >= 10x)\n", e / r
  if (t > 0) printf "erphub accepted %d orders with %d store write transactions in all (intake, steps and deliveries share commits)\n", a, t
  printf "erphub CPU per accepted order: %.0f us (the whole process, deliveries running alongside)\n", ec
  printf "erphub GET /health (its HTTP layer, no work): %.0f req/s, %.0f%% of nginx\n", h, 100 * h / n
  printf "least durable intake on the same HTTP server (append + shared fdatasync, nothing else):\n"
  printf "  %-42s %9.0f req/s   %3.0f%% of nginx, %4.1fx Node-RED, %3.0f us CPU per request\n", "body only", f, 100 * f / n, f / r, fc
  printf "  %-42s %9.0f req/s   %3.0f%% of nginx, %4.1fx Node-RED, %3.0f us CPU per request\n", "with signature check and JSON parse", fs, 100 * fs / n, fs / r, fsc
}'

echo
echo "== Acceptance to delivery at $rate orders/s for ${rate_seconds}s (erphub -> local receiver)"
start_receiver "$work/received.ndjson"
start_hub "$work/latency.db"
"$build/erphub-loadgen" send --url "http://127.0.0.1:$hub_port/webhooks/shop/orders" \
  --secret "$secret" --template "$template" --rate "$rate" --duration "$rate_seconds" \
  --connections 16 --record "$work/received.ndjson" --json >"$work/latency.json" || true
stop "$hub_pid"
stop "$receiver_pid"
jq -r '"sent \(.sent) at \(.rate)/s: answers \(.answers | tostring), delivered \(.delivered), repeated deliveries \(.repeats)",
  "202 -> delivered: p50 \(.accept_to_delivery_ms.p50) ms, p90 \(.accept_to_delivery_ms.p90) ms, p99 \(.accept_to_delivery_ms.p99) ms, max \(.accept_to_delivery_ms.max) ms   (goal p99 <= 20 ms)",
  "send -> 202:      p50 \(.send_to_accept_ms.p50) ms, p99 \(.send_to_accept_ms.p99) ms"' \
  "$work/latency.json"
