#!/usr/bin/env bash
# Accepted-and-delivered throughput of 1, 2 and 3 erphub nodes sharing one PostgreSQL store
# (scripts/postgres.sh, a private cluster), beside one node on SQLite, in the same run: COUNT
# signed Shopify orders split over the nodes (a load generator per node, as behind a load
# balancer), each accepted (202), run through the example flow's steps and delivered to a local
# receiver. The rate is COUNT over the time from the first order sent to the last delivered.
#   bench/nodes/run.sh [BUILD_DIR]     (default build/release; `make bench` builds it)
# Environment: COUNT (default 4000), CONNECTIONS per node (default 8), NODES (default "1 2 3"),
# PG_DELAY_US: the nodes reach PostgreSQL through erphub-netdelay, which holds the data this many
# microseconds each way, as a network between them would (default 0: directly).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(cd "${1:-build/release}" && pwd)
count=${COUNT:-4000}
connections=${CONNECTIONS:-8}
node_counts=${NODES:-1 2 3}
pg_delay_us=${PG_DELAY_US:-0}
secret=shpss_erphub_bench_8d1f0c2b4a6e
example=examples/shop-orders-to-http
template=$example/samples/order-1045-returning-business-customer.json

for tool in curl jq psql; do
  command -v "$tool" >/dev/null || { echo "bench/nodes: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done

script_name=bench/nodes
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

pg_dir="$work/postgres"
eval "$(POSTGRES_PORT=$(free_port) scripts/postgres.sh start "$pg_dir" | sed 's/^/export /')"
at_exit+=("scripts/postgres.sh stop '$pg_dir' >/dev/null 2>&1")

pg_port=$POSTGRES_PORT
if [ "$pg_delay_us" -gt 0 ]; then
  "$build/erphub-netdelay" --to "$POSTGRES_PORT" --delay-us "$pg_delay_us" \
    --port-file "$work/netdelay.port" >"$work/netdelay.log" 2>&1 &
  pids+=($!)
  wait_until 10 "erphub-netdelay" test -s "$work/netdelay.port"
  pg_port=$(cat "$work/netdelay.port")
fi

ready() { curl -sf "http://127.0.0.1:$1/ready"; }

# run STORE_KIND NODES: prints "orders/s", then the CPU milliseconds per order of erphub's nodes
# and of PostgreSQL, for COUNT orders over NODES nodes.
run() {
  local kind=$1 nodes=$2 dir="$work/$1-$2" store
  mkdir -p "$dir"
  if [ "$kind" = postgresql ]; then
    psql -q "$POSTGRES_URL" -c "DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench" 2>/dev/null
    store="postgresql://$POSTGRES_USER@127.0.0.1:$pg_port/$POSTGRES_DB?options=-csearch_path%3Dbench"
  else
    store="sqlite:$dir/hub.db"
  fi
  "$build/erphub-receiver" --listen 127.0.0.1:0 --port-file "$dir/receiver.port" \
    --record "$dir/received.ndjson" >"$dir/receiver.log" 2>&1 &
  local receiver=$!
  pids+=("$receiver")
  wait_until 10 "the receiver" test -s "$dir/receiver.port"
  local ports=() hubs=() n
  for n in $(seq 1 "$nodes"); do
    local port
    port=$(free_port)
    ports+=("$port")
    ERPHUB_LISTEN=127.0.0.1:$port ERPHUB_STORE="$store" SHOP_WEBHOOK_SECRET=$secret \
      ERP_URL="http://127.0.0.1:$(cat "$dir/receiver.port")" \
      "$build/erphub" run "$example/erphub.yaml" --node "node-$n" --log-level warn \
      >"$dir/hub$n.log" 2>&1 &
    hubs+=($!)
    pids+=($!)
  done
  for port in "${ports[@]}"; do wait_until 30 "erphub on $port" ready "$port"; done
  local per=$((count / nodes)) senders=() start end hub_cpu pg_cpu
  hub_cpu=$(cpu_seconds "${hubs[@]}")
  pg_cpu=$(cpu_seconds postgres)
  start=$(date +%s.%N)
  for n in $(seq 1 "$nodes"); do
    "$build/erphub-loadgen" send --url "http://127.0.0.1:${ports[$((n - 1))]}/webhooks/shop/orders" \
      --secret "$secret" --template "$template" --rate 0 --count "$per" \
      --connections "$connections" --first-id $((n * 100000000)) \
      --record "$dir/received.ndjson" --settle 120 --json >"$dir/load$n.json" 2>"$dir/load$n.err" &
    senders+=($!)
  done
  for pid in "${senders[@]}"; do wait "$pid"; done
  end=$(date +%s.%N)
  hub_cpu=$(awk -v a="$hub_cpu" -v b="$(cpu_seconds "${hubs[@]}")" 'BEGIN { print b - a }')
  pg_cpu=$(awk -v a="$pg_cpu" -v b="$(cpu_seconds postgres)" 'BEGIN { print b - a }')
  local delivered=0
  for n in $(seq 1 "$nodes"); do
    delivered=$((delivered + $(jq '.delivered' "$dir/load$n.json")))
  done
  kill "${hubs[@]}" "$receiver" 2>/dev/null || true
  for pid in "${hubs[@]}" "$receiver"; do wait "$pid" 2>/dev/null || true; done
  if [ "$delivered" -ne $((per * nodes)) ]; then
    echo "bench/nodes: $kind with $nodes nodes delivered $delivered of $((per * nodes))" >&2
    exit 1
  fi
  awk -v n="$delivered" -v s="$start" -v e="$end" -v h="$hub_cpu" -v p="$pg_cpu" -v k="$kind" \
    'BEGIN { printf "%8.0f orders/s   erphub %.2f ms CPU/order", n / (e - s), 1000 * h / n
             if (k == "postgresql") printf ", PostgreSQL %.2f ms CPU/order", 1000 * p / n }'
}

echo "accepted and delivered, $count orders, $connections connections per node:"
[ "$pg_delay_us" -gt 0 ] && echo "(PostgreSQL reached through erphub-netdelay, $pg_delay_us µs each way)"
printf '  %-22s %s\n' "sqlite, 1 node" "$(run sqlite 1)"
for nodes in $node_counts; do
  printf '  %-22s %s\n' "postgresql, $nodes node(s)" "$(run postgresql "$nodes")"
done
echo "($(nproc) cores; CPU per order counts every process of the run: when the cores are busy,"
echo " a node added adds no capacity, only its own work and the coordination through PostgreSQL)"
