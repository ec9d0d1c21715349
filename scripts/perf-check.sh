#!/usr/bin/env bash
# The CI performance-regression check: this checkout (the candidate) against a baseline, measured
# on this machine, compared with `pymembench compare`.
#
#   scripts/perf-check.sh [--base-ref REF] [--rounds R] [--out DIR] [compare flags...]
#
# The baseline is results/baseline/quick.json when it was measured on this machine's CPU model.
# Otherwise (a cloud runner, another machine) absolute figures from elsewhere mean nothing, so
# the base ref (default origin/main) is built in a worktree and measured here, its rounds
# alternating with the candidate's so that drift of the machine falls on both. Each round is the
# quick matrix with one repetition; R rounds (default 20) give R repetitions per combination (Holm over the quick
# matrix's 768 figures needs at least 9; 20 detect a 10 % slowdown on a noisy shared machine).
# The Markdown report goes to $GITHUB_STEP_SUMMARY when set, and to DIR/compare.md; the JSON to
# DIR/compare.json; figures of the candidate and of the comparison to DIR/plots/.
# Exit code: compare's (0 no regression, 1 regression, 2 bad input).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE_REF=origin/main
ROUNDS=20
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
BASELINE=results/baseline/quick.json
PYTHON=/usr/bin/python3
scripts/setup.sh build >/dev/null
rm -rf "$OUT"
mkdir -p "$OUT/rounds"

here_cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
base_cpu=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["meta"]["host"]["cpu_model"])' "$BASELINE" 2>/dev/null || true)

run_round() {  # BINARY NAME
  "$1" run --quick --reps 1 --out "$OUT/rounds/$2.json" > /dev/null
}

if [ "$here_cpu" = "$base_cpu" ]; then
  echo "perf-check: comparing against $BASELINE (measured on this CPU model: $here_cpu)" >&2
  cp "$BASELINE" "$OUT/base.json"
  for r in $(seq 1 "$ROUNDS"); do run_round build/pymembench "cand-$r"; done
else
  echo "perf-check: $BASELINE was measured on '${base_cpu:-unknown}', this is '$here_cpu':" \
       "measuring $BASE_REF here instead" >&2
  rm -rf "$OUT/base-src"
  git worktree add --detach "$OUT/base-src" "$BASE_REF" > /dev/null
  cmake -S "$OUT/base-src" -B "$OUT/base-build" -DCMAKE_BUILD_TYPE=Release -DPMB_BUILD_TESTS=OFF \
        -DPMB_BUILD_BENCH=OFF > /dev/null
  cmake --build "$OUT/base-build" -j2 --target pymembench > /dev/null
  for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) -eq 1 ]; then
      run_round "$OUT/base-build/pymembench" "base-$r"; run_round build/pymembench "cand-$r"
    else
      run_round build/pymembench "cand-$r"; run_round "$OUT/base-build/pymembench" "base-$r"
    fi
  done
  build/pymembench merge --repetitions "$OUT"/rounds/base-*.json --out "$OUT/base.json" 2> /dev/null
  git worktree remove --force "$OUT/base-src"
fi
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
