#!/usr/bin/env bash
# The trace replay's harness cost counted by callgrind, not timed (bench/replay_instructions.py):
# instructions and simulated cache misses per event of the harness's replay loop against the bare
# loop, for the three real programs recorded at --scale 1 (valgrind is slow: ~50x).
#   scripts/bench-replay-instructions.sh [ALLOCATORS] [TOUCH]   defaults: cpython,mimalloc,jemalloc all
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
ALLOCATORS="${1:-cpython,mimalloc,jemalloc}"
TOUCH="${2:-all}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for p in workloads/python/real/*.py; do
  build/pymembench record --out "$tmp/$(basename "$p" .py).trace" -- "$p" --scale 1 > /dev/null 2>&1
done
/usr/bin/python3 bench/replay_instructions.py build/pymembench build/bench/pmb_replay_baseline "$ALLOCATORS" "$TOUCH" "$tmp"/*.trace
