#!/usr/bin/env bash
# Re-measures the committed baseline of the CI performance check, results/baseline/quick.json:
# the quick matrix, ROUNDS runs of one repetition each (default 20), on this machine. Do it on the
# machine the check runs on (perf-check compares against it only on the same CPU model), with the
# machine otherwise idle, from a clean checkout of the commit that becomes the baseline; then
# commit the file.
#   scripts/refresh-baseline.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-20}"
scripts/setup.sh build > /dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in $(seq 1 "$ROUNDS"); do
  build/pymembench run --quick --reps 1 --out "$tmp/round-$r.json" > /dev/null
done
mkdir -p results/baseline
build/pymembench merge --repetitions "$tmp"/round-*.json --out "$tmp/quick.json"
# Only what compare reads is committed: the bulky per-run detail (histograms, timelines, pause
# logs, allocator statistics) stays out of the repository.
/usr/bin/python3 - "$tmp/quick.json" results/baseline/quick.json <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for run in doc["runs"]:
    for key in ("latency_histogram_ns", "memory_timeline", "allocator_stats_at_end_of_ops", "allocator_stats_at_exit"):
        run.pop(key, None)
    for key in ("pauses", "pause_histogram_ns"):
        run.get("gc", {}).pop(key, None)
json.dump(doc, open(sys.argv[2], "w"), separators=(",", ":"))
PY
echo "refresh-baseline: results/baseline/quick.json ($ROUNDS repetitions); commit it" >&2
