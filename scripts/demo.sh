#!/usr/bin/env bash
# The demo: order to cash. A web shop's day goes through erphub into a real Tryton ERP:
# signed Shopify order webhooks become processed sales (customers and products created on first
# sight, invoices and shipments made by Tryton), signed Stripe payments pay the invoices, and
# Tryton's stock levels go back to the shop's inventory endpoint (erphub-receiver standing in for
# Shopify's inventory_levels/set.json). Tryton, the receiver and erphub run on free local ports
# with throw-away data, and stop at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
script_name=demo
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
build=${BUILD_DIR:-build/release}
erphub=$build/erphub
receiver=$build/erphub-receiver
example=examples/order-to-cash
orders_dir=examples/shop-orders-to-http/samples
stripe_sample=tests/data/webhooks/payloads/stripe/payment_intent.succeeded.json
shop_secret=shpss_demo_$(date +%s)
stripe_secret=whsec_demo_$(date +%s)
inventory_path=/admin/api/2024-07/inventory_levels/set.json

for tool in "$erphub" "$receiver"; do
  [ -x "$tool" ] || { echo "demo: $tool is missing: run make build" >&2; exit 1; }
done
for tool in curl openssl jq; do
  command -v "$tool" >/dev/null || { echo "demo: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done

fail() {
  echo "demo: $1" >&2
  for log in "$work"/*.log; do
    echo "--- $log" >&2
    tail -20 "$log" >&2
  done
  exit 1
}

metric() {  # SERIES: its value on /metrics (0 when absent)
  curl -s "$hub/metrics" | awk -v s="$1" '$1 == s { print $2; found = 1 } END { if (!found) print 0 }'
}
metric_at_least() { awk -v v="$(metric "$1")" -v n="$2" 'BEGIN { exit !(v >= n) }'; }

# post_order FILE: a Shopify orders/create webhook, signed like Shopify does (base64
# HMAC-SHA256 of the raw body); prints the answer's status.
post_order() {
  local signature
  signature=$(openssl dgst -sha256 -hmac "$shop_secret" -binary <"$1" | base64)
  curl -s -o /dev/null -w 'HTTP %{http_code}' -X POST "$hub/webhooks/shop/orders" \
    -H 'Content-Type: application/json' -H 'X-Shopify-Topic: orders/create' \
    -H 'X-Shopify-Shop-Domain: erphub-demo.myshopify.com' \
    -H "X-Shopify-Webhook-Id: demo-$(jq -r .id "$1")" -H "X-Shopify-Hmac-Sha256: $signature" \
    --data-binary @"$1"
}

# post_stripe TYPE ORDER_FILE: a Stripe event about the order's card payment, made from Stripe's
# sample and signed like Stripe does (t=<now>,v1=hex HMAC-SHA256 of "<t>.<body>").
post_stripe() {
  local type=$1 order=$2 number cents body=$work/stripe.json t signature
  number=$(jq -r .order_number "$order")
  cents=$(jq -r '.total_price | sub("\\."; "") | tonumber' "$order")
  t=$(date +%s)
  jq --arg type "$type" --arg number "$number" --argjson cents "$cents" --argjson t "$t" \
    --arg email "$(jq -r .email "$order")" --arg currency "$(jq -r '.currency | ascii_downcase' "$order")" '
      .id = "evt_demo_\($type | gsub("[.]"; "_"))_\($number)" | .type = $type | .created = $t
      | .data.object |= (.id = "pi_demo_\($number)" | .amount = $cents | .currency = $currency
          | .amount_received = (if $type == "payment_intent.succeeded" then $cents else 0 end)
          | .status = (if $type == "payment_intent.succeeded" then "succeeded"
                       else "requires_payment_method" end)
          | .description = "Web order #\($number)" | .receipt_email = $email
          | .metadata = {shop_order: $number} | .latest_charge = null)' "$stripe_sample" >"$body"
  signature=$( { printf '%s.' "$t"; cat "$body"; } | openssl dgst -sha256 -hmac "$stripe_secret" -r | cut -d' ' -f1)
  curl -s -o /dev/null -w 'HTTP %{http_code}' -X POST "$hub/webhooks/stripe" \
    -H 'Content-Type: application/json; charset=utf-8' \
    -H "Stripe-Signature: t=$t,v1=$signature" --data-binary @"$body"
}

levels_received() {  # COUNT: the shop's inventory endpoint got levels of COUNT items
  [ "$(jq -s '[.[] | select(.path == "'$inventory_path'") | .json.inventory_item_id] | unique | length' \
    "$work/shop-inventory.ndjson")" -ge "$1" ]
}

echo "== Starting Tryton (scripts/tryton.sh: Debian's packages, SQLite), the shop's inventory"
echo "   endpoint (erphub-receiver) and erphub"
tryton_port=$(free_port)
export TRYTON_DATA_DIR=$work/tryton TRYTON_PORT=$tryton_port
export TRYTON_CACHE_DIR=${TRYTON_CACHE_DIR:-$PWD/build/tryton-cache}
at_exit+=("scripts/tryton.sh stop 2>/dev/null")
scripts/tryton.sh start >"$work/tryton.env" 2>"$work/tryton.log" || fail "Tryton did not start"
while IFS='=' read -r name value; do
  case $name in TRYTON_URL | TRYTON_DB | TRYTON_USER | TRYTON_PASSWORD) export "$name=$value" ;; esac
done <"$work/tryton.env"
echo "   Tryton 6.0 on $TRYTON_URL  database $TRYTON_DB"

"$receiver" --listen 127.0.0.1:0 --port-file "$work/receiver.port" \
  --record "$work/shop-inventory.ndjson" >"$work/receiver.log" 2>&1 &
pids+=($!)
wait_until 10 "erphub-receiver" test -s "$work/receiver.port" || fail "no receiver"
receiver_port=$(cat "$work/receiver.port")
touch "$work/shop-inventory.ndjson"

hub_port=$(free_port)
hub=http://127.0.0.1:$hub_port
ERPHUB_LISTEN=127.0.0.1:$hub_port ERPHUB_STORE=sqlite:$work/hub.db \
  SHOP_WEBHOOK_SECRET=$shop_secret STRIPE_WEBHOOK_SECRET=$stripe_secret \
  SHOP_INVENTORY_URL=http://127.0.0.1:$receiver_port$inventory_path \
  "$erphub" run "$example/erphub.yaml" >"$work/hub.log" 2>&1 &
hub_pid=$!
pids+=("$hub_pid")
wait_until 20 "erphub to be ready" curl -sf "$hub/ready" || fail "erphub is not ready"
echo "   erphub run $example/erphub.yaml   listening on $hub   store $work/hub.db"
echo "   shop inventory endpoint http://127.0.0.1:$receiver_port$inventory_path"
echo

# The day: five orders; four paid by card through Stripe, the business customer's second order
# on account (paid later by bank transfer, so its invoice stays open).
orders=("$orders_dir/order-1042-new-customer.json" "$orders_dir/order-1043-returning-customer.json"
  "$orders_dir/order-1044-new-business-customer.json"
  "$orders_dir/order-1045-returning-business-customer.json"
  "$example/samples/order-1046-new-customer-awkward-prices.json")
unpaid=1044
echo "== The shop's day: Shopify order webhooks, and Stripe events for the card payments"
for order in "${orders[@]}"; do
  number=$(jq -r .order_number "$order")
  printf '   order #%s  %-22s %-8s %7s %s   Shopify -> %s\n' "$number" \
    "$(jq -r '.customer | "\(.first_name) \(.last_name)"' "$order")" \
    "$(jq -r '.line_items | length | if . == 1 then "1 line" else "\(.) lines" end' "$order")" \
    "$(jq -r .total_price "$order")" \
    "$(jq -r .currency "$order")" "$(post_order "$order")"
  if [ "$number" != "$unpaid" ]; then
    printf '   %-56s Stripe  -> %s\n' "   payment_intent.created (not a payment yet)" \
      "$(post_stripe payment_intent.created "$order")"
    printf '   %-56s Stripe  -> %s\n' "   payment_intent.succeeded" \
      "$(post_stripe payment_intent.succeeded "$order")"
  fi
done
printf '   %-56s Shopify -> %s\n' "the first order again (Shopify retries the webhook)" \
  "$(post_order "${orders[0]}")"
paid=$((${#orders[@]} - 1))
echo

echo "== erphub at work (waiting until Tryton has every sale and payment)"
wait_until 300 "the sales in Tryton" metric_at_least \
  'erphub_delivered_total{flow="shop-orders",output="tryton"}' "${#orders[@]}" ||
  fail "the sales did not all reach Tryton"
echo "   ${#orders[@]} sales created, quoted, confirmed and processed in Tryton"
wait_until 300 "the payments in Tryton" metric_at_least \
  'erphub_delivered_total{flow="payments",output="tryton"}' "$paid" ||
  fail "the payments did not all reach Tryton"
echo "   $paid payments recorded against their invoices"
echo

echo "== In the afternoon the warehouse counts its shelves (a Tryton inventory)"
counts=()
for order in "${orders[@]}"; do
  while read -r sku; do counts+=("$sku=$((20 + ${#sku} * 3))"); done < <(jq -r '.line_items[].sku' "$order")
done
mapfile -t counts < <(printf '%s\n' "${counts[@]}" | sort -u)
/usr/bin/python3 scripts/demo_tryton.py stock "${counts[@]}" || fail "the inventory failed"
wait_until 120 "the stock levels at the shop" levels_received "${#counts[@]}" ||
  fail "the stock levels did not reach the shop"
echo "   ${#counts[@]} stock levels sent to the shop's inventory endpoint, e.g.:"
jq -c 'select(.path == "'$inventory_path'") | .json' "$work/shop-inventory.ndjson" | head -2 |
  sed 's/^/     POST ...inventory_levels\/set.json /'
echo

echo "== Does everything agree? (Tryton read over JSON-RPC)"
jq -n --argjson unpaid "$unpaid" '{orders: [inputs | {number: (.order_number | tostring),
      customer: (.customer | "\(.first_name) \(.last_name)"), customer_id: .customer.id,
      total: .total_price}]}
    | .payments = [.orders[] | select(.number != ($unpaid | tostring))
                   | {order: .number, amount: .total}]' "${orders[@]}" >"$work/shop.json"
agree=0
/usr/bin/python3 scripts/demo_tryton.py report "$work/shop.json" "$work/shop-inventory.ndjson" \
  "$example/erphub.yaml" || agree=$?
echo

echo "== Where to look"
echo "   GET $hub/metrics, the lines of interest:"
curl -s "$hub/metrics" | grep -E '^erphub_(accepted|duplicates|delivered|filtered|dead_lettered)_total' |
  grep -v '@steps' | sed 's/^/     /'
echo "   erphub trace 1043 --store sqlite:$work/hub.db   (an order number: its Stripe events)"
"$erphub" trace 1043 --store "sqlite:$work/hub.db" | sed 's/^/     /'
echo "   erphub trace 5849301229845   (a Shopify order id: the order's way into Tryton)"
"$erphub" trace 5849301229845 --store "sqlite:$work/hub.db" | sed 's/^/     /'
echo

echo "== Stopping (SIGTERM: intake stops, work in flight drains, exit 0)"
kill -TERM "$hub_pid"
status=0
wait "$hub_pid" || status=$?
echo "   erphub exited with status $status"
[ "$status" -eq 0 ] || fail "erphub exited with $status"
[ "$agree" -eq 0 ] || fail "the systems do not agree"
