#!/usr/bin/env bash
# The regression check's error rates: A/A trials (same build on both sides: how often a
# regression is flagged anyway) and detection trials (a `slow` decorator costing 10 % of
# throughput: how often it is caught), each as scripts/perf-check.sh measures (alternating
# rounds). Prints both rates. Long: about TRIALS x 2 x ROUNDS quick matrices.
#   scripts/bench-detector.sh [TRIALS] [ROUNDS] [compare flags...]     defaults: 20 5
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
/usr/bin/python3 bench/detector_rates.py build/pymembench "${1:-20}" "${2:-5}" "${@:3}"
