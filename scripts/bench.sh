#!/usr/bin/env bash
# The main job: set up, build in Release, run the default benchmark matrix into results/, and
# draw its figures and HTML report into results/report/.
#   scripts/bench.sh [pymembench run flags...]     e.g. scripts/bench.sh --quick
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
mkdir -p results
status=0
build/pymembench run --out results/latest.json "$@" || status=$?
# The report, also when some run failed (exit 1): every finished run is in the file.
if [ "$status" -le 1 ] && [ -f results/latest.json ]; then
  build/pymembench plot results/latest.json --out results/report
fi
exit "$status"
