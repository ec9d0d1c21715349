#!/usr/bin/env bash
# The regression check's error rates (bench/detector_rates.py): per trial, two sides with the same
# build (A/A: is a regression flagged anyway?) and one with pool slowed by the `slow` decorator by
# 10 % of its throughput (is it caught?), rounds alternating as scripts/perf-check.sh does.
# Prints both rates. Long: TRIALS x 3 x ROUNDS runs of the matrix (pool, system x both collectors
# x every workload at --quick scale, unless other run flags are given).
#   scripts/bench-detector.sh [TRIALS] [ROUNDS] [run flags..] [-- compare flags..]   defaults: 20 20 --quick
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
TRIALS="${1:-20}"
ROUNDS="${2:-20}"
shift $(( $# > 2 ? 2 : $# ))
[ $# -eq 0 ] && set -- --quick
/usr/bin/python3 bench/detector_rates.py build/pymembench "$TRIALS" "$ROUNDS" "$@"
