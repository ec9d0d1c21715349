#!/usr/bin/env bash
# The repetitions a side `compare` needs before it can flag a change, per number of figures
# compared at once (bench/repetitions_needed.cpp; the README quotes this table).
#   scripts/repetitions-needed.sh [ALPHA] [FIGURES..]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
cmake --build build -j2 --target pmb_repetitions_needed >/dev/null
build/bench/pmb_repetitions_needed "$@"
