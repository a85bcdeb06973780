#!/usr/bin/env bash
# Runs every benchmark script; each prints erphub's figures beside its peers' and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
for script in bench/*/run.sh; do
  "$script"
  echo
done
