#!/usr/bin/env bash
# What per-op latency recording costs in throughput (issue: <= 3 %, goal 1 %): every workload with
# recording on and off, alternating, one process per run; medians and the overhead are printed.
#   scripts/bench-recording.sh [ROUNDS] [ALLOCATOR] [COLLECTOR]     defaults: 10 pool gen
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
/usr/bin/python3 bench/recording_overhead.py build/pymembench "${1:-10}" "${2:-pool}" "${3:-gen}"
