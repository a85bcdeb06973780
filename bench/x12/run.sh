#!/usr/bin/env bash
# erphub's X12 reader (tokenize + envelope validation + loops + JSON text) vs node-x12 1.7.1
# (parse + JSON.stringify) under node, measured in the same run on generated 850 mailbags;
# then erphub's peak memory while streaming a 1 GB mailbag.
#   bench/x12/run.sh [BUILD_DIR]     (default build/release; `make bench` builds it)
# Sizes: X12_BENCH_BYTES (erphub's file, default 50 MB), NODE_X12_BYTES (node-x12's file,
# default 10 MB: node-x12 needs gigabytes of memory for 50 MB), X12_STREAM_BYTES (default 1 GB).
# Rates are input MB per second of processor time (the machines are shared, so wall time mostly
# measures the neighbours; node's processor time includes its garbage collector's threads), with
# the wall-clock ratio beside.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
here=bench/x12
bench="$build/bench/x12_bench"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -d "$here/node_modules/node-x12" ]; then
  (cd "$here" && npm install --no-audit --no-fund --silent >/dev/null)
fi

big=${X12_BENCH_BYTES:-50000000}
small=${NODE_X12_BYTES:-10000000}
stream=${X12_STREAM_BYTES:-1000000000}
"$bench" generate "$big" >"$work/big.edi"
"$bench" generate "$small" >"$work/small.edi"

echo "== X12 850 mailbag -> JSON: erphub vs node-x12 (processor time)"
"$bench" parse "$work/big.edi" 3 >"$work/erphub-big.json"
"$bench" parse "$work/small.edi" 3 >"$work/erphub-small.json"
node --max-old-space-size=8192 "$here/node-x12.js" "$work/small.edi" >"$work/node.json"

mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
e_big=$(jq .mb_per_s "$work/erphub-big.json")
e_small=$(jq .mb_per_s "$work/erphub-small.json")
n_small=$(jq .mb_per_s "$work/node.json")
printf "%-34s %8.1f MB/s   (goal >= 300 MB/s)\n" "erphub on $(mb "$(jq .bytes "$work/erphub-big.json")")" "$e_big"
printf "%-34s %8.1f MB/s\n" "erphub on $(mb "$(jq .bytes "$work/erphub-small.json")")" "$e_small"
printf "%-34s %8.2f MB/s   peak RSS %.0f MB\n" "node-x12 on $(mb "$(jq .bytes "$work/node.json")")" \
  "$n_small" "$(jq .peak_rss_mb "$work/node.json")"
if [ "$small" != "$big" ]; then
  echo "(node-x12 gets the smaller file: it needs gigabytes of memory for 50 MB)"
fi
awk -v e="$e_small" -v n="$n_small" -v ew="$(jq .wall_mb_per_s "$work/erphub-small.json")" \
    -v nw="$(jq .wall_mb_per_s "$work/node.json")" 'BEGIN {
  printf "%-34s %8.1fx     (goal >= 100x; wall clock: %.1fx)\n", "ratio on the same file", e / n,
    ew / nw }'

echo
echo "== erphub streaming a $(mb "$stream") mailbag from a pipe (1 MiB chunks)"
"$bench" generate "$stream" | "$bench" stream >"$work/stream.json"
awk -v r="$(jq .peak_rss_mb "$work/stream.json")" -v m="$(jq .mb_per_s "$work/stream.json")" \
    -v b="$(jq .bytes "$work/stream.json")" 'BEGIN {
  printf "%-34s peak RSS %.1f MB (goal <= 64 MB), %.1f MB/s\n", sprintf("%.2f GB in", b / 1e9), r, m }'
