#!/usr/bin/env bash
# The CI performance-regression check: this checkout (the candidate) against the base ref, both
# built and measured here, in this job, compared with `pymembench compare --paired`. Each round
# runs every combination of the matrix once for each side, the two runs one after the other (the
# order alternating): the machine's drift, which on a shared 2-core VM moves a whole round by up
# to +-20 %, falls on both runs of a pair and cancels in the signed-rank test on their ratio.
#
#   scripts/perf-check.sh [--base-ref REF] [--rounds R] [--out DIR] [--matrix FLAGS_FILE] [compare flags...]
#
# Each round is one repetition of the matrix in scripts/perf-matrix.flags (runs long enough for the
# allocator and collector to dominate start-up); R rounds (default 20) give R pairs per
# combination. Its 204 figures are two families sharing alpha: the headline, the 6 allocator and
# collector aggregates of throughput (each tested over all its combinations' pairs), and the
# other 198, where Holm at half of alpha needs 14 pairs (scripts/repetitions-needed.sh 0.025 198);
# scripts/bench-detector.sh measures the error rates of exactly this mode. A committed baseline
# is never the other side of the verdict: figures from another machine or day are not comparable
# (docs/methodology.md), and results/baseline/ serves trends and plots only.
# The Markdown report goes to $GITHUB_STEP_SUMMARY when set, and to DIR/compare.md; the JSON to
# DIR/compare.json; figures of the candidate and of the comparison to DIR/plots/.
# Exit code: compare's (0 no regression, 1 regression, 2 bad input).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE_REF=origin/main
ROUNDS=20
OUT=results/perf-check
MATRIX_FILE=scripts/perf-matrix.flags
COMPARE_FLAGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base-ref) BASE_REF="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --matrix) MATRIX_FILE="$2"; shift 2 ;;
    *) COMPARE_FLAGS+=("$1"); shift ;;
  esac
done
PYTHON=/usr/bin/python3
scripts/setup.sh build >/dev/null
rm -rf "$OUT"
mkdir -p "$OUT/rounds"
mapfile -t MATRIX < <(grep -v '^\s*#' "$MATRIX_FILE" | grep -v '^\s*$' | tr ' ' '\n')

COMBINATIONS=$($PYTHON -c 'import sys; sys.path.insert(0, "bench"); import detector_rates as d
print(d.combinations_of(d.matrix_flags(sys.argv[1])))' "$MATRIX_FILE")

run_shard() {  # BINARY SIDE ROUND SHARD; the runs' progress goes to DIR/runs.log
  if ! "$1" run --reps 1 "${MATRIX[@]}" --shard "$4/$COMBINATIONS" --out "$OUT/rounds/$2-$3-$4.json" \
       > /dev/null 2>> "$OUT/runs.log"; then
    echo "perf-check: the $2 side's run of round $3, combination $4 failed:" >&2
    tail -3 "$OUT/runs.log" >&2
    exit 2
  fi
}

echo "perf-check: $BASE_REF against this checkout, both measured here: $ROUNDS rounds of $COMBINATIONS" \
     "combinations, each combination's two runs side by side" >&2
rm -rf "$OUT/base-src"
git worktree add --detach "$OUT/base-src" "$BASE_REF" > /dev/null
cmake -S "$OUT/base-src" -B "$OUT/base-build" -DCMAKE_BUILD_TYPE=Release -DPMB_BUILD_TESTS=OFF \
      -DPMB_BUILD_BENCH=OFF > /dev/null
cmake --build "$OUT/base-build" -j2 --target pymembench > /dev/null
started=$(date +%s)
base_rounds=(); cand_rounds=()
for r in $(seq 1 "$ROUNDS"); do
  for i in $(seq 1 "$COMBINATIONS"); do
    if [ $(((r + i) % 2)) -eq 1 ]; then
      run_shard "$OUT/base-build/pymembench" base "$r" "$i"; run_shard build/pymembench cand "$r" "$i"
    else
      run_shard build/pymembench cand "$r" "$i"; run_shard "$OUT/base-build/pymembench" base "$r" "$i"
    fi
  done
  "$OUT/base-build/pymembench" merge "$OUT"/rounds/base-"$r"-*.json --out "$OUT/rounds/base-$r.json" 2> /dev/null
  build/pymembench merge "$OUT"/rounds/cand-"$r"-*.json --out "$OUT/rounds/cand-$r.json" 2> /dev/null
  base_rounds+=("$OUT/rounds/base-$r.json"); cand_rounds+=("$OUT/rounds/cand-$r.json")
done
echo "perf-check: $((2 * ROUNDS * COMBINATIONS)) runs in $(( $(date +%s) - started )) s" >&2
# Round r of the base is repetition r of base.json, and of the candidate's: --paired pairs them.
"$OUT/base-build/pymembench" merge --repetitions "${base_rounds[@]}" --out "$OUT/base.json" 2> /dev/null
git worktree remove --force "$OUT/base-src"
build/pymembench merge --repetitions "${cand_rounds[@]}" --out "$OUT/candidate.json" 2> /dev/null

status=0
build/pymembench compare "$OUT/base.json" "$OUT/candidate.json" --paired --markdown "${COMPARE_FLAGS[@]}" \
  > "$OUT/compare.md" || status=$?
build/pymembench compare "$OUT/base.json" "$OUT/candidate.json" --paired --json "${COMPARE_FLAGS[@]}" \
  > "$OUT/compare.json" || true
build/pymembench compare "$OUT/base.json" "$OUT/candidate.json" --paired "${COMPARE_FLAGS[@]}" || true
# Figures of the candidate's runs and of the comparison (kept as CI artifacts).
build/pymembench plot "$OUT/candidate.json" --out "$OUT/plots" --compare "$OUT/compare.json" || true
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$OUT/compare.md" >> "$GITHUB_STEP_SUMMARY"; fi
exit "$status"
