#!/usr/bin/env bash
# The `gen` collector against CPython 3.11's gc.collect() on the same heap shapes, side by side
# (bench/gc_collect_bench.{cpp,py}): full-collection cost per tracked object and cost per freed
# object of cyclic garbage, at 200 k and 2 M objects. Rounds alternate between the two so machine
# noise falls on both; medians and their ratio are printed.
#   scripts/bench-gc.sh [ROUNDS] [REPS_PER_ROUND]      defaults: 5 rounds x 3 repetitions
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-5}"
REPS="${2:-3}"
scripts/setup.sh build >/dev/null
OUT=results/gc-bench.jsonl
mkdir -p results
: > "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  for shape in traverse garbage; do
    for n in 200000 2000000; do
      build/bench/pmb_gc_collect_bench "$shape" "$n" "$REPS" >> "$OUT"
      /usr/bin/python3 bench/gc_collect_bench.py "$shape" "$n" "$REPS" >> "$OUT"
    done
  done
  echo "bench-gc: round $round of $ROUNDS done" >&2
done
/usr/bin/python3 - "$OUT" <<'PY'
import collections, json, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows[(r["shape"], r["objects"], r["impl"].startswith("CPython"))] += r["seconds"]
print("%-9s %9s %16s %16s %7s" % ("shape", "objects", "gen ns/object", "CPython ns/obj", "ratio"))
for shape in ("traverse", "garbage"):
    for n in (200000, 2000000):
        model = statistics.median(rows[(shape, n, False)]) / n * 1e9
        cpy = statistics.median(rows[(shape, n, True)]) / n * 1e9
        print("%-9s %9d %16.1f %16.1f %7.2f" % (shape, n, model, cpy, model / cpy))
PY
