#!/usr/bin/env bash
# bench/tryton/run.sh [BUILD_DIR]: confirmed sales orders per second into a real Tryton, through
# erphub (webhook -> tryton output, orders batched) and through a plain client that creates,
# quotes and confirms one order at a time over JSON-RPC (plain_client.py), in the same run on the
# same server; then the time from webhook to confirmed sale at a steady pace. The plain client
# sending whole batches per call shows what Tryton itself allows.
#
# For each side it also shows when every sale was fully processed (invoice and shipment exist:
# Tryton's `process`, run by `confirm`) and the CPU-seconds trytond spent per order, which, unlike
# rates, hardly depends on what else the machine is doing.
#
# Environment: ORDERS (default 100) per side, BATCH (default 20) the output's batch.max_size,
# PACE_ORDERS (default 40) and PACE_RATE (orders/s, default 1) for the latency run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/release}
script_name=bench/tryton
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
orders=${ORDERS:-100}
batch=${BATCH:-20}
pace_orders=${PACE_ORDERS:-40}
pace_rate=${PACE_RATE:-1}
customers=12
products=8
prefix=b$$

export TRYTON_DATA_DIR=$work/tryton TRYTON_PORT=$(free_port)
export TRYTON_CACHE_DIR=${TRYTON_CACHE_DIR:-$root/build/tryton-cache}
at_exit+=('"$root/scripts/tryton.sh" stop >/dev/null 2>&1')
eval "$("$root/scripts/tryton.sh" start)"
export TRYTON_URL TRYTON_DB TRYTON_USER TRYTON_PASSWORD

# Each side has its own customers and products: Tryton's stock check and processing read every
# stock move of a sale's products, so sides sharing products would slow down one after the other.
sides=(plain hub batched paced)
echo "== Setting up $customers customers and $products products (in stock) per side in Tryton"
for side in "${sides[@]}"; do
  count=$orders
  [ "$side" = paced ] && count=$pace_orders
  python3 "$here/plain_client.py" setup "$prefix$side" "$customers" "$products"
  python3 "$here/plain_client.py" orders "$prefix$side" "$count" "$customers" "$products" \
    >"$work/$side.ndjson"
done

# CPU-seconds trytond has used so far (fields 14 and 15 of its stat: user and system time).
tryton_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' \
    "/proc/$TRYTON_PID/stat"
}
# Seconds from the end of a side's run until all its sales have their invoice and shipment.
processing_wait() {
  python3 "$here/plain_client.py" processed "$1" 600 |
    jq -r 'if .processed == .orders then .waited else error("\(.orders - .processed) sales unprocessed") end'
}

echo "== Plain client: $orders orders, create + quote + confirm each"
cpu0=$(tryton_cpu)
plain=$(python3 "$here/plain_client.py" run "$work/plain.ndjson")
plain_cpu=$(echo "($(tryton_cpu) - $cpu0) / $orders" | bc -l)
plain_rate=$(jq -r '.orders / .seconds' <<<"$plain")
plain_processed=$(jq -r --argjson w "$(processing_wait "$work/plain.ndjson")" \
  '.orders / (.seconds + $w)' <<<"$plain")

echo "== Tryton's own ceiling: the plain client sending $orders orders $batch at a time"
cpu0=$(tryton_cpu)
batched=$(python3 "$here/plain_client.py" run "$work/batched.ndjson" "$batch")
batched_cpu=$(echo "($(tryton_cpu) - $cpu0) / $orders" | bc -l)
batched_rate=$(jq -r '.orders / .seconds' <<<"$batched")
batched_processed=$(jq -r --argjson w "$(processing_wait "$work/batched.ndjson")" \
  '.orders / (.seconds + $w)' <<<"$batched")

hub_port=$(free_port)
cat >"$work/erphub.yaml" <<YAML
listen: 127.0.0.1:$hub_port
store: {url: "sqlite:$work/hub.db"}
flows:
  orders:
    from: {webhook: {path: /orders}}
    key: external_id
    to:
      - tryton:
          url: \${TRYTON_URL}
          database: \${TRYTON_DB}
          user: \${TRYTON_USER}
          password: \${TRYTON_PASSWORD}
          operation: create_sales_order
          batch: {max_size: $batch}
YAML
"$build/erphub" run "$work/erphub.yaml" --workers $((batch + 4)) >"$work/hub.log" 2>&1 &
pids+=($!)
wait_until 20 "erphub" curl -sf "http://127.0.0.1:$hub_port/ready"

delivered() {
  curl -s "http://127.0.0.1:$hub_port/metrics" |
    awk '/^erphub_delivered_total\{flow="orders",output="tryton"\}/ { print $2 }'
}
delivered_at_least() { [ "$(delivered)" -ge "$1" ] 2>/dev/null; }
post_all() {
  xargs -d '\n' -P 8 -I{} curl -sf -o /dev/null -H 'Content-Type: application/json' -d '{}' \
    "http://127.0.0.1:$hub_port/orders" <"$1"
}

echo "== erphub: $orders orders posted at once, batches of up to $batch"
cpu0=$(tryton_cpu)
start=$(date +%s.%N)
post_all "$work/hub.ndjson"
end=$(reached_at 900 "erphub's deliveries" "$orders" delivered)
hub_seconds=$(echo "$end - $start" | bc)
hub_cpu=$(echo "($(tryton_cpu) - $cpu0) / $orders" | bc -l)
hub_rate=$(echo "$orders / $hub_seconds" | bc -l)
hub_processed=$(echo "$orders / ($hub_seconds + $(processing_wait "$work/hub.ndjson"))" | bc -l)
dead=$(curl -s "http://127.0.0.1:$hub_port/metrics" |
  awk '/^erphub_dead_lettered_total\{flow="orders",output="tryton"\}/ { print $2 }')

echo "== erphub: $pace_orders orders at $pace_rate/s, webhook to confirmed sale"
while read -r order; do
  curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$order" \
    "http://127.0.0.1:$hub_port/orders" &
  sleep "$(echo "1 / $pace_rate" | bc -l)"
done <"$work/paced.ndjson"
wait_until 600 "the paced deliveries" delivered_at_least $((orders + pace_orders))
jq -r '.external_id' "$work/paced.ndjson" | while read -r key; do
  "$build/erphub" trace "$key" --json --store "sqlite:$work/hub.db"
done | jq -s '
  def secs: (sub("\\.[0-9]+Z$"; "Z") | fromdate) + ((capture("(?<f>\\.[0-9]+)Z$").f // "0") | tonumber);
  [.[][] | (.deliveries[] | select(.output == "tryton") | .finished_at | secs) - (.message.received_at | secs)]
  | sort' >"$work/latency.json"

echo
jq -r --argjson plain "$plain_rate" --argjson hub "$hub_rate" --arg dead "${dead:-0}" \
  --argjson batched "$batched_rate" --arg batch "$batch" \
  --argjson plain_p "$plain_processed" --argjson hub_p "$hub_processed" \
  --argjson batched_p "$batched_processed" --argjson plain_cpu "$plain_cpu" \
  --argjson hub_cpu "$hub_cpu" --argjson batched_cpu "$batched_cpu" \
  --argjson calls "$plain" '
  def pct(p): .[((length - 1) * p | floor)];
  def r: . * 100 | round / 100 | tostring;
  def col(w): tostring | . + " " * ([w - length, 0] | max);
  "\("" | col(38))\("confirmed/s" | col(13))\("processed/s" | col(13))trytond CPU s/order",
  "\("plain client (one order per call)" | col(38))\($plain | r | col(13))\($plain_p | r | col(13))\($plain_cpu | r)",
  "\("erphub (batches of up to \($batch))" | col(38))\($hub | r | col(13))\($hub_p | r | col(13))\($hub_cpu | r)   (dead-lettered: \($dead))",
  "\("plain client, \($batch) orders per call" | col(38))\($batched | r | col(13))\($batched_p | r | col(13))\($batched_cpu | r)   (what Tryton itself allows)",
  "erphub / plain client: \($hub / $plain | r)x confirmed/s (goal >= 2x; Tryton allows \($batched / $plain | r)x)",
  "plain client, seconds per order in create \($calls.create / $calls.orders | r), quote \($calls.quote / $calls.orders | r), confirm \($calls.confirm / $calls.orders | r) (confirm includes Tryton processing the sale: invoice and shipment)",
  "webhook -> confirmed sale at a steady pace: p50 \(pct(0.5) * 1000 | round) ms, p99 \(pct(0.99) * 1000 | round) ms (\(length) orders)"' \
  "$work/latency.json"
