#!/usr/bin/env bash
# Delivery under faults, the figures of the fault-injection issue:
#  1. Drain after an outage: 100,000 signed Shopify orders through the shop-orders example
#     (signature, journal with fsync: full, validate -> map -> validate, HTTP with
#     Idempotency-Key) to erphub-receiver. First undisturbed (the receiver up all along: time
#     from the first order sent to the last delivered), then with the receiver down from the
#     first order until OUTAGE seconds have passed (or, if sending takes longer, until the last
#     order is accepted): time from the receiver's return to the last delivery. Prints both and
#     their ratio.
#  2. The fault suite's case 1 at full size (kill -9 five times while orders arrive and are
#     delivered): acknowledged vs delivered vs duplicated.
#  3. The fault suite's case 4 (a burst far above the target's rate): 503s and the hub's peak RSS.
# The ctest suite (tests/faults, `ctest -L faults`) runs cases 1 and 4 too, but never the outage
# drain: a 10-minute outage does not belong in a test run.
#
#   bench/faults/run.sh [BUILD_DIR]     (default build/release; `make bench` builds it)
# Environment: MESSAGES (backlog size, default 100000), OUTAGE (seconds, default 600),
# MAX_DELAY (the flow's retry max_delay during the outage, default 30s), CONNECTIONS (default
# 16), CASE1_MESSAGES (default 5000), SKIP_DRAIN=1 (only the fault-suite figures).
# The outage run also shows how fast the hub takes input while its target is down (the
# "accepted in" figure beside the undisturbed one).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
build=$(cd "${1:-build/release}" && pwd)
messages=${MESSAGES:-100000}
outage=${OUTAGE:-600}
max_delay=${MAX_DELAY:-30s}
connections=${CONNECTIONS:-16}
case1_messages=${CASE1_MESSAGES:-5000}
secret=shpss_erphub_bench_faults_2c7e
example=$root/examples/shop-orders-to-http
template=$example/samples/order-1045-returning-business-customer.json

for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "bench/faults: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
for binary in erphub erphub-receiver erphub-loadgen tests/fault_tests; do
  [ -x "$build/$binary" ] || { echo "bench/faults: $build/$binary is missing (make build)" >&2; exit 1; }
done

script_name=bench/faults
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }

# The example flow with absolute paths, no backlog bound in the way, and a retry policy that
# rides out a long outage (the example's 10 attempts would dead-letter during it).
sed -e "s|schema: shopify-order.schema.json|schema: $example/shopify-order.schema.json|" \
  -e "s|file: shopify-to-sales-order.jsonata|file: $example/shopify-to-sales-order.jsonata|" \
  -e "s|schema: ../../schemas/|schema: $root/schemas/|" \
  -e "s|^    retry: .*|    retry: {initial: 1s, max_delay: $max_delay, max_attempts: 100000, max_age: 24h}|" \
  "$example/erphub.yaml" >"$work/erphub.yaml"

start_receiver() {  # PORT
  "$build/erphub-receiver" --listen "127.0.0.1:$1" >"$work/receiver.log" 2>&1 &
  receiver_pid=$!
  pids+=("$receiver_pid")
  wait_until 10 "erphub-receiver" curl -sf "http://127.0.0.1:$1/_receiver/stats"
}

start_hub() {  # STORE_FILE RECEIVER_PORT
  hub_port=$(free_port)
  ERPHUB_LISTEN=127.0.0.1:$hub_port ERPHUB_STORE=sqlite:$1 SHOP_WEBHOOK_SECRET=$secret \
    ERP_URL=http://127.0.0.1:$2 \
    "$build/erphub" run "$work/erphub.yaml" --max-backlog $((messages * 2)) --log-level warn \
    >"$work/hub.log" 2>&1 &
  hub_pid=$!
  pids+=("$hub_pid")
  if ! wait_until 30 "erphub /ready" curl -sf "http://127.0.0.1:$hub_port/ready"; then
    cat "$work/hub.log" >&2
    exit 1
  fi
}

stop() {  # PID: SIGTERM and wait
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

delivered() {  # RECEIVER_PORT: orders the receiver took
  curl -s "http://127.0.0.1:$1/_receiver/stats" | jq -r '.delivered // 0'
}

send_orders() {  # OUT_JSON: sends $messages signed orders as fast as the hub takes them
  "$build/erphub-loadgen" send --url "http://127.0.0.1:$hub_port/webhooks/shop/orders" \
    --secret "$secret" --template "$template" --count "$messages" --rate 0 \
    --connections "$connections" --json >"$1" || true
}

# wait_delivered PORT COUNT: polls until the receiver took COUNT orders (no deadline: the figure
# is how long this takes; a hub that stops delivering shows in the receiver's count).
wait_delivered() {
  local last=-1 same=0 count
  while :; do
    count=$(delivered "$1")
    [ "$count" -ge "$2" ] && return 0
    if [ "$count" = "$last" ]; then same=$((same + 1)); else same=0; fi
    if [ "$same" -ge 1200 ]; then  # 2 minutes without progress
      echo "bench/faults: delivery stalled at $count of $2" >&2
      return 1
    fi
    last=$count
    sleep 0.1
  done
}

if [ "${SKIP_DRAIN:-0}" != 1 ]; then
  echo "== Drain of a $messages-order backlog after a ${outage}s target outage (shop-orders example, fsync: full, $(nproc) cores)"

  # Undisturbed: the receiver takes every order as it comes.
  receiver_port=$(free_port)
  start_receiver "$receiver_port"
  start_hub "$work/undisturbed.db" "$receiver_port"
  t0=$(now)
  send_orders "$work/undisturbed.json"
  t_sent=$(now)
  accepted=$(jq -r '.answers["202"] // 0' "$work/undisturbed.json")
  wait_delivered "$receiver_port" "$accepted"
  t_done=$(now)
  undisturbed_dups=$(curl -s "http://127.0.0.1:$receiver_port/_receiver/stats" | jq -r '.duplicates')
  stop "$hub_pid"
  stop "$receiver_pid"
  awk -v a="$accepted" -v s="$(calc "$t_sent - $t0")" -v d="$(calc "$t_done - $t0")" \
    -v r="$undisturbed_dups" 'BEGIN {
    printf "undisturbed: %d orders accepted in %.1f s, all delivered %.1f s after the first was sent (%.0f/s), %d re-sent keys\n", a, s, d, a / d, r }'
  undisturbed_seconds=$(calc "$t_done - $t0")

  # Outage: the receiver is down (connections refused) while the orders arrive and after.
  receiver_port=$(free_port)
  start_hub "$work/outage.db" "$receiver_port"
  t0=$(now)
  send_orders "$work/outage.json"
  t_sent=$(now)
  accepted=$(jq -r '.answers["202"] // 0' "$work/outage.json")
  remaining=$(calc "$outage - ($t_sent - $t0)")
  echo "outage: $accepted orders accepted in $(printf %.1f "$(calc "$t_sent - $t0")") s while the target is down"
  if [ "$(calc "($remaining > 0)")" = 1 ]; then
    sleep "$remaining"
  fi
  failed_attempts=$(curl -s "http://127.0.0.1:$hub_port/metrics" |
    awk '/^erphub_failed_attempts_total\{flow="shop-orders",output="http"\}/ { print $2 }')
  t_up=$(now)
  echo "outage: the target was down $(printf %.0f "$(calc "$t_up - $t0")") s"
  start_receiver "$receiver_port"
  wait_delivered "$receiver_port" "$accepted"
  t_done=$(now)
  stats=$(curl -s "http://127.0.0.1:$receiver_port/_receiver/stats")
  dead=$(curl -s "http://127.0.0.1:$hub_port/metrics" |
    awk '/^erphub_backlog\{flow="shop-orders",state="dead"\}/ { print $2 }')
  stop "$hub_pid"
  stop "$receiver_pid"
  drain_seconds=$(calc "$t_done - $t_up")
  awk -v a="$accepted" -v d="$drain_seconds" -v u="$undisturbed_seconds" -v o="$outage" \
    -v f="${failed_attempts:-0}" -v dup="$(jq -r .duplicates <<<"$stats")" \
    -v del="$(jq -r .delivered <<<"$stats")" -v dead="${dead:-0}" -v md="$max_delay" 'BEGIN {
    printf "after the outage: %d orders delivered %.1f s after the target returned (%.0f/s); %d failed attempts during the outage; %d re-sent keys, %d dead letters\n", del, d, a / d, f, dup, dead
    printf "drain after a %ds outage / undisturbed run: %.2fx   (the first attempt after the return waits for the circuit breaker\x27s cool-down, 30 s by default, and the retry delay, at most %s)\n", o, d / u, md }'
  echo
fi

echo "== Fault suite figures (tests/faults; the same cases run in ctest with smaller sizes where noted)"
FAULT_MESSAGES=$case1_messages "$build/tests/fault_tests" \
  --gtest_filter='FaultTest.KilledHub*:FaultTest.Burst*' >"$work/faults.log" 2>&1 || {
  cat "$work/faults.log" >&2
  echo "bench/faults: the fault cases failed" >&2
  exit 1
}
figure() {  # CASE NAME: one value of a FAULT-FIGURES line
  awk -v c="$1" -v n="$2" '$1 == "FAULT-FIGURES" && $2 == c {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == n) print kv[2] } }' "$work/faults.log"
}
echo "case 1 (kill -9 x $(figure case1 kills), target down while the orders arrive): $(figure case1 messages) sent, acknowledged $(figure case1 acknowledged), delivered $(figure case1 delivered), duplicated $(figure case1 duplicated)   (goal N = N, 0 duplicates; $(figure case1 resent_same_key) re-sends absorbed by the Idempotency-Key, $(figure case1 seconds) s)"
echo "case 4 (burst of $(figure case4 sent) to a 200/s target, backlog bound 500): accepted $(figure case4 accepted), refused 503 $(figure case4 refused_503), delivered $(figure case4 delivered), duplicated $(figure case4 duplicated); peak RSS $(($(figure case4 peak_rss_kib) / 1024)) MiB (idle $(($(figure case4 idle_rss_kib) / 1024)) MiB)"
