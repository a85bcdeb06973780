#!/usr/bin/env bash
# CSV -> JSON records: erphub vs Miller (mlr --icsv --ojson cat) on the same 1,000,000-row,
# 10-column file, in the same run; then erphub's peak RSS on a 1 GB CSV (generated, then deleted).
#   bench/csv/run.sh [BUILD_DIR]     (default build/release; `make bench` builds it)
#   CSV_ROWS (default 1000000) and CSV_BIG_MB (default 1024) resize the inputs.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
rows=${CSV_ROWS:-1000000}
big_mb=${CSV_BIG_MB:-1024}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Ten columns: ids, a quoted text with a comma, decimals, dates, flags; about 100 bytes a row.
generate() {  # rows
  awk -v n="$1" 'BEGIN {
    print "order_id,line,sku,description,qty,unit_price,currency,ship_date,warehouse,urgent"
    for (i = 1; i <= n; i++)
      printf "SO-%07d,%d,SKU-%05d,\"Bolt M%d, zinc plated\",%d,%d.%02d,EUR,2025-%02d-%02d,WH%d,%s\n",
        i, 1 + i % 7, i % 50000, 4 + i % 9, 1 + i % 40, i % 500, i % 100, 1 + i % 12, 1 + i % 28,
        i % 5, (i % 3 ? "false" : "true") }'
}

echo "== CSV -> JSON records: erphub vs Miller"
generate "$rows" >"$work/rows.csv"
# Wall-clock seconds, then CPU seconds (user + system; Miller runs several threads).
measure() { /usr/bin/time -f "%e %U %S" -o "$work/t" "$@" >/dev/null; awk '{ print $1, $2 + $3 }' "$work/t"; }
read -r ours ours_cpu < <(measure "$build/erphub" parse --format csv "$work/rows.csv")
read -r theirs theirs_cpu < <(measure mlr --icsv --ojson cat "$work/rows.csv")

# Same records: the first 1000 rows as JSON (Miller infers numbers; -S keeps its fields strings).
head -1001 "$work/rows.csv" >"$work/sample.csv"
"$build/erphub" parse --format csv "$work/sample.csv" | jq -cS '.[]' >"$work/ours.ndjson"
mlr -S --icsv --ojson cat "$work/sample.csv" | jq -cS '.[]' >"$work/theirs.ndjson"
same=$(cmp -s "$work/ours.ndjson" "$work/theirs.ndjson" && echo "same records" || echo "RECORDS DIFFER")
awk -v n="$rows" -v e="$ours" -v m="$theirs" -v s="$same" 'BEGIN {
  printf "%-28s erphub %12.0f rows/s   Miller %10.0f rows/s   ratio %6.1fx   (goal >= 10x; %s)\n",
    "csv parse to json (wall)", n / e, n / m, m / e, s }'
awk -v n="$rows" -v e="$ours_cpu" -v m="$theirs_cpu" 'BEGIN {
  printf "%-28s erphub %12.0f rows/s   Miller %10.0f rows/s   ratio %6.1fx   (per CPU second)\n",
    "csv parse to json (cpu)", n / e, n / m, m / e }'

echo
echo "== Peak RSS on a ${big_mb} MB CSV"
target=$((big_mb * 1024 * 1024))
generate 1000000 | tail -n +2 >"$work/block.csv"
generate 0 >"$work/big.csv"
while [ "$(stat -c %s "$work/big.csv")" -lt "$target" ]; do
  cat "$work/block.csv" >>"$work/big.csv"
done
size_mb=$(( $(stat -c %s "$work/big.csv") / 1024 / 1024 ))
big_rows=$(( $(wc -l <"$work/big.csv") - 1 ))
start=$(date +%s.%N)
/usr/bin/time -v "$build/erphub" parse --format csv "$work/big.csv" 2>"$work/time.txt" >/dev/null
end=$(date +%s.%N)
rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
awk -v kb="$rss_kb" -v mb="$size_mb" -v n="$big_rows" -v t="$(echo "$end - $start" | bc -l)" 'BEGIN {
  printf "%-28s peak RSS %6.1f MB for %d MB (%d rows, %.0f rows/s, %.0f MB/s)   (goal <= 64 MB)\n",
    "csv parse peak memory", kb / 1024, mb, n, n / t, mb / t }'
rm -f "$work/big.csv" "$work/block.csv"
