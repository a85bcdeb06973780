#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS, seeded from the test data; a crash, leak or hang fails
# and leaves its input in fuzz/regressions/<target>/ to be kept as a regression test.
#   scripts/run-fuzzers.sh BUILD_DIR SECONDS
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1
seconds=$2
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT

# Seeds: the suite's expressions and datasets.
mkdir -p "$corpus/jsonata_parse" "$corpus/jsonata_eval" "$corpus/json_parse"
i=0
while IFS= read -r expr; do
  i=$((i + 1))
  printf '%s' "$expr" >"$corpus/jsonata_parse/$i"
  { printf '%s\0' "$expr"; cat tests/data/jsonata-test-suite/datasets/dataset$((i % 25)).json; } \
    >"$corpus/jsonata_eval/$i"
done < <(for f in tests/data/jsonata-test-suite/groups/*/*.json; do
           jq -r '.. | objects | .expr? // empty' "$f" 2>/dev/null || true  # jq rejects lone surrogates
         done | head -2000)
cp tests/data/jsonata-test-suite/datasets/*.json tests/data/bench/*.json "$corpus/json_parse/"
# Document codecs: seeded from their test data folders (tests/data/formats/<family>/).
for family in csv xml x12 edifact; do
  mkdir -p "$corpus/${family}_parse"
  if [ -d "tests/data/formats/$family" ]; then
    find "tests/data/formats/$family" -type f -exec cp {} "$corpus/${family}_parse/" \;
  fi
done

status=0
for target in json_parse jsonata_parse jsonata_eval csv_parse xml_parse x12_parse edifact_parse \
    pgoutput_decode copy_text_row webhook_signature cdc_chunk; do
  [ -x "$build/fuzz/${target}_fuzzer" ] || continue
  echo "== fuzzing $target for ${seconds}s"
  mkdir -p "fuzz/regressions/$target" "$corpus/$target"
  # Every target is also seeded with the inputs kept as its regressions.
  find "fuzz/regressions/$target" -type f -exec cp {} "$corpus/$target/" \;
  if ! "$build/fuzz/${target}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=4096 -print_final_stats=1 -artifact_prefix="fuzz/regressions/$target/" \
      "$corpus/$target" 2>"$corpus/$target.log"; then
    echo "FAILED: $target (log tail below; input saved in fuzz/regressions/$target/)"
    tail -30 "$corpus/$target.log"
    status=1
  else
    grep -E 'stat::number_of_executed_units|cov:' "$corpus/$target.log" | tail -2
  fi
done
exit $status
