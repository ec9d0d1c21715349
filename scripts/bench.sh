#!/usr/bin/env bash
# The main job: set up, build in Release, record the real Python programs of
# workloads/python/real/ into results/traces/, run the default benchmark matrix with the same
# programs in the real interpreter (the python workload) and their replays (the trace workload),
# one combination per program, into results/latest.json, and draw its figures and HTML report
# (with the replays' agreement with the real interpreter) into results/report/.
#   scripts/bench.sh [pymembench run flags...]     e.g. scripts/bench.sh --quick
# With --workload among the flags, only what it names runs (and nothing is recorded).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
mkdir -p results/traces
extra=()
if ! printf '%s\n' "$@" | grep -qE '^(--workload|-w)(=|$)'; then
  scale=()
  printf '%s\n' "$@" | grep -qx -- '--quick' && scale=(--scale 1)
  extra=(--workload all,trace,python)
  for program in workloads/python/real/*.py; do
    trace="results/traces/$(basename "$program" .py).trace"
    build/pymembench record --out "$trace" -- "$program" "${scale[@]}" > /dev/null
    extra+=(--param "trace.file=$trace" --param "python.script=$program")
  done
  [ ${#scale[@]} -gt 0 ] && extra+=(--param "python.args=${scale[*]}")
fi
status=0
build/pymembench run --out results/latest.json "${extra[@]}" "$@" || status=$?
# The report, also when some run failed (exit 1): every finished run is in the file.
if [ "$status" -le 1 ] && [ -f results/latest.json ]; then
  build/pymembench plot results/latest.json --out results/report
  # Whether the replays rank the allocators as the real interpreter does (when both ran).
  build/pymembench report agreement results/latest.json 2>/dev/null || true
fi
exit "$status"
