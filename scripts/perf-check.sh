#!/usr/bin/env bash
# The CI performance-regression check: this checkout (the candidate) against the base ref, both
# built and measured here, in this job, their rounds alternating so that drift of the machine
# falls on both, compared with `pymembench compare`.
#
#   scripts/perf-check.sh [--base-ref REF] [--rounds R] [--out DIR] [compare flags...]
#
# Each round is one repetition of the matrix in scripts/perf-matrix.flags (runs long enough for the
# allocator and collector to dominate start-up); R rounds (default 15) give R repetitions per
# combination. Over its 160 figures Holm needs 8 a side for untied figures and 10 for tied ones
# (scripts/repetitions-needed.sh 0.05 160); scripts/bench-detector.sh measures the error rates of
# exactly this mode. A committed baseline is never the other side of the verdict: figures from
# another machine or day are not comparable (docs/methodology.md), and results/baseline/ serves
# trends and plots only.
# The Markdown report goes to $GITHUB_STEP_SUMMARY when set, and to DIR/compare.md; the JSON to
# DIR/compare.json; figures of the candidate and of the comparison to DIR/plots/.
# Exit code: compare's (0 no regression, 1 regression, 2 bad input).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE_REF=origin/main
ROUNDS=15
OUT=results/perf-check
COMPARE_FLAGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base-ref) BASE_REF="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) COMPARE_FLAGS+=("$1"); shift ;;
  esac
done
PYTHON=/usr/bin/python3
scripts/setup.sh build >/dev/null
rm -rf "$OUT"
mkdir -p "$OUT/rounds"
mapfile -t MATRIX < <(grep -v '^\s*#' scripts/perf-matrix.flags | grep -v '^\s*$' | tr ' ' '\n')

run_round() {  # BINARY NAME
  "$1" run --reps 1 "${MATRIX[@]}" --out "$OUT/rounds/$2.json" > /dev/null
}

echo "perf-check: $BASE_REF against this checkout, both measured here, $ROUNDS rounds alternating" >&2
rm -rf "$OUT/base-src"
git worktree add --detach "$OUT/base-src" "$BASE_REF" > /dev/null
cmake -S "$OUT/base-src" -B "$OUT/base-build" -DCMAKE_BUILD_TYPE=Release -DPMB_BUILD_TESTS=OFF \
      -DPMB_BUILD_BENCH=OFF > /dev/null
cmake --build "$OUT/base-build" -j2 --target pymembench > /dev/null
started=$(date +%s)
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then
    run_round "$OUT/base-build/pymembench" "base-$r"; run_round build/pymembench "cand-$r"
  else
    run_round build/pymembench "cand-$r"; run_round "$OUT/base-build/pymembench" "base-$r"
  fi
done
echo "perf-check: $((2 * ROUNDS)) rounds in $(( $(date +%s) - started )) s" >&2
build/pymembench merge --repetitions "$OUT"/rounds/base-*.json --out "$OUT/base.json" 2> /dev/null
git worktree remove --force "$OUT/base-src"
build/pymembench merge --repetitions "$OUT"/rounds/cand-*.json --out "$OUT/candidate.json" 2> /dev/null

status=0
build/pymembench compare "$OUT/base.json" "$OUT/candidate.json" --markdown "${COMPARE_FLAGS[@]}" \
  > "$OUT/compare.md" || status=$?
build/pymembench compare "$OUT/base.json" "$OUT/candidate.json" --json "${COMPARE_FLAGS[@]}" \
  > "$OUT/compare.json" || true
build/pymembench compare "$OUT/base.json" "$OUT/candidate.json" "${COMPARE_FLAGS[@]}" || true
# Figures of the candidate's runs and of the comparison (kept as CI artifacts).
build/pymembench plot "$OUT/candidate.json" --out "$OUT/plots" --compare "$OUT/compare.json" || true
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$OUT/compare.md" >> "$GITHUB_STEP_SUMMARY"; fi
exit "$status"
