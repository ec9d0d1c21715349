#!/usr/bin/env bash
# Whether the trace replay predicts the real interpreter (bench/replay_agreement.py): the real
# programs run in python3.11 and their traces replayed, through every allocator, REPS times each,
# per touch mode; prints Kendall's tau, the sign and size of each predicted difference, and the
# peak-RSS footprints, with the targets.
#   scripts/bench-agreement.sh [REPS] [TOUCHES] [PROG.py ..]   defaults: 5 none,first-line,all, every real program
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
REPS="${1:-5}"
TOUCHES="${2:-none,first-line,all}"
shift 2 || shift $#
programs=("$@")
[ ${#programs[@]} -eq 0 ] && programs=(workloads/python/real/*.py)
/usr/bin/python3 bench/replay_agreement.py build/pymembench "$REPS" "$TOUCHES" \
  cpython,pool,system,mimalloc,jemalloc,tcmalloc "${programs[@]}"
