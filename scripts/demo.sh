#!/usr/bin/env bash
# The demo: erphub receives signed Shopify order webhooks, keeps them durably, maps them to the
# canonical sales order and delivers them to an ERP's HTTP API (here erphub-receiver, a small
# stand-in that records what it gets). Everything runs on free local ports with a throw-away
# store, and stops cleanly at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build/release}
erphub=$build/erphub
receiver=$build/erphub-receiver
example=examples/shop-orders-to-http
secret=shpss_demo_$(date +%s)

for tool in "$erphub" "$receiver"; do
  [ -x "$tool" ] || { echo "demo: $tool is missing: run make build" >&2; exit 1; }
done
for tool in curl openssl jq; do
  command -v "$tool" >/dev/null || { echo "demo: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done

work=$(mktemp -d)
hub_pid=
receiver_pid=
cleanup() {
  for pid in $hub_pid $receiver_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $hub_pid $receiver_pid; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "demo: $1" >&2
  for log in "$work"/*.log; do
    echo "--- $log" >&2
    tail -20 "$log" >&2
  done
  exit 1
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND until it succeeds or the deadline passes.
wait_until() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "gave up waiting for $what"
    sleep 0.05
  done
}

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# post FILE WEBHOOK_ID [SIGNATURE]: POSTs a Shopify order webhook, signed like Shopify does
# (base64 HMAC-SHA256 of the raw body); prints the status and the answer.
post() {
  local signature=${3:-$(openssl dgst -sha256 -hmac "$secret" -binary <"$1" | base64)}
  curl -s -w ' -> HTTP %{http_code}' -X POST "$hub/webhooks/shop/orders" \
    -H 'Content-Type: application/json' -H 'X-Shopify-Topic: orders/create' \
    -H 'X-Shopify-Shop-Domain: erphub-demo.myshopify.com' \
    -H "X-Shopify-Webhook-Id: $2" -H "X-Shopify-Hmac-Sha256: $signature" \
    --data-binary @"$1" | sed -E 's/^(.*) -> (HTTP [0-9]+)$/\2 \1/'
  echo
}

delivered() {  # COUNT: the receiver has taken at least COUNT sales orders
  [ "$(curl -s "http://127.0.0.1:$receiver_port/_receiver/stats" | jq .delivered)" -ge "$1" ]
}

echo "== Starting erphub-receiver (standing in for the ERP's HTTP API) and erphub"
"$receiver" --listen 127.0.0.1:0 --port-file "$work/receiver.port" \
  --record "$work/received.ndjson" >"$work/receiver.log" 2>&1 &
receiver_pid=$!
wait_until 10 "erphub-receiver" test -s "$work/receiver.port"
receiver_port=$(cat "$work/receiver.port")
hub_port=$(free_port)
hub=http://127.0.0.1:$hub_port
ERPHUB_LISTEN=127.0.0.1:$hub_port ERPHUB_STORE=sqlite:$work/hub.db SHOP_WEBHOOK_SECRET=$secret \
  ERP_URL=http://127.0.0.1:$receiver_port "$erphub" run "$example/erphub.yaml" >"$work/hub.log" 2>&1 &
hub_pid=$!
wait_until 20 "erphub to be ready" curl -sf "$hub/ready"
echo "   erphub run $example/erphub.yaml   listening on $hub"
echo "   ERP_URL=http://127.0.0.1:$receiver_port   store $work/hub.db (fsync: full)"
echo

echo "== Shopify sends four orders (two new customers, two returning), each signed"
samples=("$example"/samples/*.json)
for sample in "${samples[@]}"; do
  printf '   %-44s ' "$(basename "$sample")"
  post "$sample" "demo-$(basename "$sample" .json)"
done
echo "   ... and one of them again (Shopify retries; same X-Shopify-Webhook-Id):"
printf '   %-44s ' "$(basename "${samples[0]}")"
post "${samples[0]}" "demo-$(basename "${samples[0]}" .json)"
echo "   ... and a forged one (wrong signature):"
printf '   %-44s ' "$(basename "${samples[1]}")"
post "${samples[1]}" demo-forged "$(openssl dgst -sha256 -hmac not-the-secret -binary <"${samples[1]}" | base64)"
echo

wait_until 20 "the ${#samples[@]} deliveries" delivered "${#samples[@]}"
echo "== What the ERP received: POST /sales-orders, one canonical sales order each"
jq -r '[.json.external_id, "#" + .json.order_number, .json.customer.name,
        (.json.lines | length | if . == 1 then "1 line" else "\(.) lines" end),
        .json.totals.gross + " " + .json.currency, "Idempotency-Key " + .headers["Idempotency-Key"]]
       | @tsv' "$work/received.ndjson" |
  awk -F'\t' '{ printf "   %-24s %-8s %-12s %-8s %-12s %s\n", $1, $2, $3, $4, $5, $6 }'
echo
echo "   The first one in full:"
head -1 "$work/received.ndjson" | jq .json | sed 's/^/   /'
echo

echo "== Metrics (GET /metrics, the lines of interest)"
curl -s "$hub/metrics" >"$work/metrics.txt"
grep -E '^erphub_(accepted|duplicates|rejected|delivered|dead_lettered)_total' "$work/metrics.txt" |
  grep -v '@steps' | sed 's/^/   /'
awk '/^erphub_delivery_latency_seconds_(sum|count)\{flow="shop-orders",output="http"\}/ {
       if ($1 ~ /_sum/) sum = $2; else count = $2 }
     END { if (count > 0) printf "   (erphub_delivery_latency_seconds: %d deliveries, %.1f ms on average from acceptance)\n",
                                 count, 1000 * sum / count }' "$work/metrics.txt"
echo

echo "== Its lineage: erphub trace 5849301229845 (the shop's order id is the business key)"
"$erphub" trace 5849301229845 --store "sqlite:$work/hub.db" | sed 's/^/   /'
echo

echo "== Stopping (SIGTERM: intake stops, work in flight drains, exit 0)"
kill -TERM "$hub_pid"
status=0
wait "$hub_pid" || status=$?
hub_pid=
echo "   erphub exited with status $status"
kill -TERM "$receiver_pid"
wait "$receiver_pid" || true
receiver_pid=
sed 's/^/   /' "$work/receiver.log" | grep -v listening
[ "$status" -eq 0 ] || fail "erphub exited with $status"
echo

echo "== JSONata mappings are evaluated natively, with exact money"
expr=$work/check.jsonata
echo '$sum([1..1000].(0.10)) = 100 and 0.1 + 0.2 = 0.3' >"$expr"
printf '   $sum of 1,000 x 0.10 = 100 and 0.1 + 0.2 = 0.3: '
"$erphub" map "$expr"
echo '$money($sum([1..3].(33.33)), "EUR")' >"$expr"
printf '   $money(3 x 33.33, "EUR") = '
"$erphub" map "$expr" | tr -d '\n '
echo
