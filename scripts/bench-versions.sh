#!/usr/bin/env bash
# The collectors after 3.11 against the reports that made CPython 3.14.5 revert its incremental
# collector, each figure printed beside the published one (allocator pool, REPS repetitions, one
# process each; medians):
#   1. data_growth (faster-cpython/ideas 668's growing data) at data sizes 8, 16 and 32: peak RSS
#      of `incremental` over `gen:version=3.13` (published 187/139, 244/193, 435/270 MB = 1.35,
#      1.26, 1.61), and its peak trash over gen's (target: at least 10x);
#   2. pickle_opt (pyperformance PR 438's pickletools.optimize case, N = 1 000 000 as published):
#      op time of `incremental` over `gen:version=3.13` (published about 4x: 6 s against 1.5 s;
#      target at least 2x);
#   3. gc_collect (python/cpython 129210): the same ratio (published 20.8 s against 3.3 s);
#   4. `report pauses` over the default matrix's workloads under gen (3.11), gen:version=3.13,
#      incremental, freethreaded and marksweep: max pause, total GC time, throughput, peak RSS and
#      peak trash side by side.
#   scripts/bench-versions.sh [REPS] [--quick]     defaults: 3 repetitions, full scale
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-3}"
QUICK="${2:-}"
scripts/setup.sh build >/dev/null
mkdir -p results/versions
RUN=(build/pymembench run --allocator pool --reps "$REPS" --warmup 0)
[ "$QUICK" = "--quick" ] && RUN+=(--quick)
COLLECTORS=gen,gen:version=3.13,incremental,freethreaded,marksweep

"${RUN[@]}" --workload data_growth --param data_size=8 --param data_size=16 --param data_size=32 \
  --collector gen,gen:version=3.13,incremental --out results/versions/data_growth.json > /dev/null
# pickle_opt at the published case's N (one million items; the benchmark's default is 100 000).
"${RUN[@]}" --workload pickle_opt,gc_collect --param pickle_opt.n=1000000 --collector gen:version=3.13,incremental \
  --out results/versions/regressions.json > /dev/null
"${RUN[@]}" --collector "$COLLECTORS" --out results/versions/matrix.json > /dev/null

/usr/bin/python3 - results/versions/data_growth.json results/versions/regressions.json <<'PY'
import json, statistics, sys

def medians(path, metric):
    out = {}
    for r in json.load(open(path))["runs"]:
        if r.get("status") != "ok":
            continue
        value = r
        for key in metric.split("/"):
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, (int, float)):
            size = r.get("params", {}).get("data_size")
            out.setdefault((r["workload"], r["collector"], size), []).append(value)
    return {k: statistics.median(v) for k, v in out.items()}

growth, regress = sys.argv[1], sys.argv[2]
rss, trash = medians(growth, "peak_rss_bytes"), medians(growth, "trash/peak_bytes")
published = {"8": (187, 139), "16": (244, 193), "32": (435, 270)}
print("data_growth (ideas 668): incremental against gen:version=3.13 and gen")
print("%9s %14s %14s %10s %10s %14s %14s %10s" % ("data_size", "inc RSS MiB", "3.13 RSS MiB", "ratio",
                                                   "published", "inc trash MiB", "gen trash MiB", "trash x"))
ratios = []
for size, (inc_mb, old_mb) in published.items():
    key = lambda c: ("data_growth", c, size)
    if key("incremental") not in rss or key("gen:version=3.13") not in rss:
        print("%9s  (no successful runs)" % size)
        continue
    ratio = rss[key("incremental")] / rss[key("gen:version=3.13")]
    ratios.append(ratio)
    t_inc, t_gen = trash.get(key("incremental"), 0), trash.get(key("gen"), 0)
    times = t_inc / t_gen if t_gen else float("inf")
    print("%9s %14.1f %14.1f %10.3f %10.2f %14.2f %14.2f %10.1f" % (
        size, rss[key("incremental")] / 2**20, rss[key("gen:version=3.13")] / 2**20, ratio, inc_mb / old_mb,
        t_inc / 2**20, t_gen / 2**20, times))
if len(ratios) == 3:
    grows = ratios[2] >= max(ratios[0], ratios[1]) and ratios[2] > 1
    print("largest size: RSS ratio %.3f (target >= 1.25: %s); the ratio grows with the data as published: %s"
          % (ratios[2], "met" if ratios[2] >= 1.25 else "MISSED", "yes" if grows else "no"))
print()
wall = medians(regress, "wall_s")
for workload, published_ratio, source in (("pickle_opt", 6.0 / 1.5, "pyperformance PR 438"),
                                          ("gc_collect", 20.8 / 3.3, "python/cpython 129210")):
    inc, old = wall.get((workload, "incremental", None)), wall.get((workload, "gen:version=3.13", None))
    if inc is None or old is None:
        print("%s: no successful runs" % workload)
        continue
    target = " (target >= 2: %s)" % ("met" if inc / old >= 2 else "MISSED") if workload == "pickle_opt" else ""
    print("%s (%s): op loop %.3f s under incremental, %.3f s under gen:version=3.13: %.2fx%s; published %.1fx"
          % (workload, source, inc, old, inc / old, target, published_ratio))
PY
echo
build/pymembench report pauses results/versions/matrix.json
