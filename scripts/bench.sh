#!/usr/bin/env bash
# The main job: set up, build in Release, run the default benchmark matrix into results/.
#   scripts/bench.sh [pymembench run flags...]     e.g. scripts/bench.sh --quick
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
mkdir -p results
build/pymembench run --out results/latest.json "$@"
