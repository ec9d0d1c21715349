#!/usr/bin/env bash
# The trace replay's harness overhead per event (bench/replay_overhead.py): the three real
# programs of workloads/python/real/ are recorded at their default scale, then each trace is
# replayed by the harness and by a bare loop of the same allocator calls and touches, alternating;
# every replay's peak live bytes is checked against the recording's.
#   scripts/bench-replay.sh [ROUNDS] [ALLOCATORS] [TOUCH]
#   defaults: 9 cpython,pool,system,mimalloc,jemalloc,tcmalloc all
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
ROUNDS="${1:-9}"
ALLOCATORS="${2:-cpython,pool,system,mimalloc,jemalloc,tcmalloc}"
TOUCH="${3:-all}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for p in workloads/python/real/*.py; do
  build/pymembench record --out "$tmp/$(basename "$p" .py).trace" -- "$p" > /dev/null
done
/usr/bin/python3 bench/replay_overhead.py build/pymembench build/bench/pmb_replay_baseline "$ROUNDS" "$ALLOCATORS" "$TOUCH" "$tmp"/*.trace
