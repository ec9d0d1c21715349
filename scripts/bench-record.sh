#!/usr/bin/env bash
# What `pymembench record` costs (bench/record_cost.py): its wall time against the plain
# interpreter and against tracemalloc with one frame, medians of rotating rounds, for the
# programs of workloads/python/real/ at their default scale.
#   scripts/bench-record.sh [ROUNDS] [PROG.py ..]      defaults: 5, every real program
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
ROUNDS="${1:-5}"
shift || true
programs=("$@")
[ ${#programs[@]} -eq 0 ] && programs=(workloads/python/real/*.py)
/usr/bin/python3 bench/record_cost.py build/pymembench /usr/bin/python3.11 "$ROUNDS" "${programs[@]}"
