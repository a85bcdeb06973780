#!/usr/bin/env bash
# erphub's JSONata engine vs the reference implementation (jsonata 2.2.2 under node) and jq,
# measured in the same run on the same inputs. Prints both rates and the ratios.
#   bench/jsonata/run.sh [BUILD_DIR]     (default build/release; `make bench` builds it)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
here=bench/jsonata
data=tests/data/bench
dataset5=tests/data/jsonata-test-suite/datasets/dataset5.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -d "$here/node_modules/jsonata" ]; then
  (cd "$here" && npm install --no-audit --no-fund --silent >/dev/null)
fi

echo "== JSONata: erphub vs reference (one core each)"
"$build/bench/jsonata_bench" --benchmark_format=json --benchmark_min_time=2 >"$work/erphub.json"
rate() { jq -r --arg n "$1" '.benchmarks[] | select(.name == $n) | .items_per_second' "$work/erphub.json"; }
micros() { jq -r --arg n "$1" '.benchmarks[] | select(.name == $n) | .cpu_time / 1000' "$work/erphub.json"; }

node "$here/reference.js" "$data/order-to-erp.jsonata" "$data/order.json" 3000 >"$work/ref-order.json"
node "$here/reference.js" "Account.Order.Product.Price" "$dataset5" 200000 >"$work/ref-path.json"

report() {  # name erphub_rate reference_rate goal
  awk -v n="$1" -v e="$2" -v r="$3" -v g="$4" 'BEGIN {
    printf "%-28s erphub %12.0f/s   reference %10.0f/s   ratio %6.1fx   (goal >= %sx)\n", n, e, r, e / r, g }'
}
report "order mapping eval" "$(rate BM_EvaluateOrderMapping)" "$(jq .evals_per_second "$work/ref-order.json")" 25
report "simple path eval" "$(rate BM_EvaluateSimplePath)" "$(jq .evals_per_second "$work/ref-path.json")" 10
awk -v e="$(micros BM_CompileOrderMapping)" -v r="$(jq .compile_us "$work/ref-order.json")" 'BEGIN {
  printf "%-28s erphub %10.1f us    reference %8.1f us    ratio %6.1fx\n", "order mapping compile", e, r, r / e }'

# Output check: erphub's result must equal the expected file as JSON (jq normalizes key order and
# number text).
"$build/erphub" map "$data/order-to-erp.jsonata" "$data/order.json" | jq -S . >"$work/ours.json"
jq -S . "$data/erp-order.json" >"$work/expected.json"
if cmp -s "$work/ours.json" "$work/expected.json"; then
  echo "order mapping output: identical to erp-order.json (after jq -S normalization)"
else
  echo "order mapping output: DIFFERS from erp-order.json:"
  diff "$work/expected.json" "$work/ours.json" || true
fi

echo
echo "== NDJSON stream mapping (parse, evaluate, serialize): erphub vs jq"
records=${NDJSON_RECORDS:-300000}
awk -v n="$records" 'BEGIN { srand(7); for (i = 1; i <= n; i++)
  printf "{\"id\":%d,\"sku\":\"sku-%05d\",\"name\":\"item %d\",\"qty\":%d,\"price\":\"%d.%02d\",\"tags\":[\"a\",\"b\"],\"active\":%s}\n",
    i, i % 50000, i, 1 + i % 9, 1 + i % 300, i % 100, (i % 3 ? "true" : "false") }' >"$work/records.ndjson"
echo '{"id": id, "sku": $uppercase(sku), "qty": qty, "total": qty * $number(price), "active": active}' >"$work/filter.jsonata"
jq_filter='{id: .id, sku: (.sku | ascii_upcase), qty: .qty, total: (.qty * (.price | tonumber)), active: .active}'

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
ours=$(seconds "$build/erphub" map --ndjson "$work/filter.jsonata" "$work/records.ndjson")
theirs=$(seconds jq -c "$jq_filter" "$work/records.ndjson")
head -1000 "$work/records.ndjson" >"$work/sample.ndjson"
# jq computes in binary doubles (9.089999999999998 where erphub has 9.09): compare at 9 places.
normalize='walk(if type == "number" then (. * 1e9 | round) / 1e9 else . end)'
"$build/erphub" map --ndjson "$work/filter.jsonata" "$work/sample.ndjson" | jq -cS "$normalize" >"$work/ours.ndjson"
jq -c "$jq_filter" "$work/sample.ndjson" | jq -cS "$normalize" >"$work/theirs.ndjson"
same=$(cmp -s "$work/ours.ndjson" "$work/theirs.ndjson" && echo "same output" || echo "OUTPUT DIFFERS")
awk -v n="$records" -v e="$ours" -v j="$theirs" -v s="$same" 'BEGIN {
  printf "%-28s erphub %12.0f rec/s   jq %14.0f rec/s   ratio %6.1fx   (goal >= 10x; %s)\n",
    "ndjson stream", n / e, n / j, j / e, s }'
