#!/usr/bin/env bash
# Allocator microbenchmarks: every backend x {pair, lifo_1000, random_replace, call_path/*}, each
# benchmark in its own process, repetitions interleaved across backends so that machine noise
# spreads evenly. Writes one Google Benchmark JSON per backend under results/micro/ (feed two of
# them to Debian's compare.py) and prints the side-by-side table with ratios against `cpython`.
#   scripts/bench-micro.sh [REPS] [MIN_TIME_S]        defaults: 5 repetitions, 0.5 s each
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-5}"
MIN_TIME="${2:-0.5}"
ALLOCATORS=(cpython pool system mimalloc jemalloc tcmalloc)
BENCHMARKS=(pair lifo_1000 random_replace call_path/table call_path/direct)
scripts/setup.sh build
OUT=results/micro
rm -rf "$OUT/raw"
mkdir -p "$OUT/raw"
for rep in $(seq 1 "$REPS"); do
  for a in "${ALLOCATORS[@]}"; do
    for b in "${BENCHMARKS[@]}"; do
      f="$OUT/raw/${a}__${b//\//_}__${rep}.json"
      build/bench/pmb_allocator_bench --allocator="$a" --benchmark_filter="^${b}\$" \
        --benchmark_min_time="$MIN_TIME" --benchmark_out="$f" --benchmark_out_format=json >/dev/null 2>&1 \
        || { echo "bench-micro: $a $b failed" >&2; exit 1; }
    done
  done
  echo "bench-micro: repetition $rep of $REPS done" >&2
done
/usr/bin/python3 bench/micro_report.py "$OUT" "${ALLOCATORS[@]}"
