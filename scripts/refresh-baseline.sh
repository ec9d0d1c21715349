#!/usr/bin/env bash
# Re-measures the committed baseline, results/baseline/quick.json: the quick matrix, ROUNDS runs of
# one repetition each (default 20), on this machine, for trends and plots. It is never the other
# side of the CI check's verdict (scripts/perf-check.sh measures both sides in its own job). Do it
# with the machine otherwise idle, from a clean checkout of the commit it records; then commit it.
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
# Only what compare reads is committed (the run's identity and its headline figures); the bulky
# per-run detail (histograms, timelines, pause logs, allocator statistics) stays out of the
# repository, and the summaries, derived data, are recomputed by whoever reads the file.
/usr/bin/python3 - "$tmp/quick.json" results/baseline/quick.json <<'PY'
import json, sys
KEEP = ["index", "allocator", "collector", "workload", "params", "seed", "rep", "status", "error",
        "latency_recorded", "wall_s", "ops", "ops_per_s", "allocs_per_s", "steps_per_s", "latency_ns",
        "peak_rss_bytes", "peak_live_bytes", "memory_overhead", "minor_faults"]
doc = json.load(open(sys.argv[1]))
runs = []
for run in doc["runs"]:
    slim = {k: run[k] for k in KEEP if k in run}
    gc = run.get("gc") or {}
    slim["gc"] = {k: gc[k] for k in ("pause_ns", "mmu") if k in gc}
    runs.append(slim)
doc["runs"] = runs
doc["summaries"] = []
json.dump(doc, open(sys.argv[2], "w"), separators=(",", ":"))
PY
echo "refresh-baseline: results/baseline/quick.json ($ROUNDS repetitions); commit it" >&2
