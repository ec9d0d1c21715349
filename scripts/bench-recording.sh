#!/usr/bin/env bash
# What timing every op costs in throughput, per workload: blocks of ops with and without latency
# recording alternate inside each run, pairs of runs cancel the blocks' different work (see
# bench/recording_overhead.py); the median overhead and its 95 % confidence interval are printed.
#   scripts/bench-recording.sh [ROUNDS] [ALLOCATOR] [COLLECTOR]     defaults: 10 pool gen
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
/usr/bin/python3 bench/recording_overhead.py build/pymembench "${1:-10}" "${2:-pool}" "${3:-gen}"
