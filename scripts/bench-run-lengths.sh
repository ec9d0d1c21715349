#!/usr/bin/env bash
# The quick matrix's runs against the CI check's (scripts/perf-matrix.flags): op loop length and
# peak RSS over live bytes, one repetition each (bench/run_lengths.py). About 2 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
/usr/bin/python3 bench/run_lengths.py build/pymembench scripts/perf-matrix.flags
