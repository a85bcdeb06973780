#!/usr/bin/env bash
# The demo: a web-shop order mapped to an ERP sales order by erphub's JSONata engine, and exact
# money where binary floating point goes wrong.
set -euo pipefail
cd "$(dirname "$0")/.."
erphub=build/erphub

echo "== A Shopify-style order mapped to an ERP sales order (examples/mapping/order-to-erp.jsonata)"
"$erphub" map examples/mapping/order-to-erp.jsonata examples/mapping/order.json | head -40
echo "   ..."
echo
echo "== Exact money: 1,000 order lines of 0.10"
expr=$(mktemp)
trap 'rm -f "$expr"' EXIT
echo '$sum([1..1000].(0.10)) = 100 and 0.1 + 0.2 = 0.3' >"$expr"
printf '   $sum of 1,000 x 0.10 = 100 and 0.1 + 0.2 = 0.3: '
"$erphub" map "$expr"
echo '$money($sum([1..3].(33.33)), "EUR")' >"$expr"
printf '   $money(3 x 33.33, "EUR") = '
"$erphub" map "$expr" | tr -d '\n '
echo
