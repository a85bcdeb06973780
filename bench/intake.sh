#!/usr/bin/env bash
# The webhook intake benchmark (erphub vs nginx and Node-RED, then latency at 1,000 msg/s):
# see bench/intake/run.sh, which bench/run-all.sh also runs.
#   bench/intake.sh [BUILD_DIR]
exec "$(dirname "$0")/intake/run.sh" "$@"
