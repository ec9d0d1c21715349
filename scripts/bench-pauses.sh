#!/usr/bin/env bash
# The pause-time benchmark of the collector axis: lru at its defaults under every collector (pool
# allocator, REPS interleaved repetitions, one process each), then the pause table and the two
# figures the incremental collector is held to: its max pause against gen's (at most a quarter)
# and its throughput against gen's (at most 10 % lower). Throughput on a shared machine varies by
# tens of per cent between processes: give it 10 repetitions or more before trusting the ratio.
#   scripts/bench-pauses.sh [REPS] [run flags..]      defaults: 10, --workload lru --allocator pool
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
REPS="${1:-10}"
shift $(( $# > 0 ? 1 : 0 ))
[ $# -eq 0 ] && set -- --workload lru --allocator pool
mkdir -p results
build/pymembench run "$@" --collector rc,gen,incremental,marksweep --reps "$REPS" --out results/pauses.json > /dev/null
build/pymembench report pauses results/pauses.json
build/pymembench report pauses results/pauses.json --json | /usr/bin/python3 -c '
import json, sys
rows = json.load(sys.stdin)["rows"]
for r in rows:
    if r["collector"] == "incremental" and r["max_pause_vs_gen"] is not None:
        t = r["throughput_vs_gen"]
        print("%s: incremental max pause / gen max pause = %.3f (target <= 0.25: %s); throughput / gen = %.3f "
              "(target: at most 10 %% lower: %s)" % (
            r["workload"], r["max_pause_vs_gen"], "met" if r["max_pause_vs_gen"] <= 0.25 else "MISSED", t,
            ("met" if t >= 0.90 else "MISSED") + (", and faster than gen" if t > 1.0 else "")))
'
