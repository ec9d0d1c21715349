#!/usr/bin/env bash
# The CI regression check's error rates in the mode CI runs it (bench/detector_rates.py): the
# matrix of scripts/perf-matrix.flags, each combination's runs side by side, 20 rounds per trial
# as perf-check.sh measures, `compare --paired` with its defaults. A/A trials (false alarms) and
# trials with pool slowed by 5 % and by 10 % (`slow:pct=5` and `slow:pct=10`; detections), cut
# from a pool of rounds measured once and kept in results/detector/; prints the machine's noise,
# every trial, both rates per trial and per figure, and what the check costs. About 40 min with
# the defaults on 2 cores; `--reuse` cuts new trials from the rounds already measured.
#   scripts/bench-detector.sh [POOL] [ROUNDS] [TRIALS] [--reuse]        defaults: 45 20 20
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
/usr/bin/python3 bench/detector_rates.py build/pymembench scripts/perf-matrix.flags "$@"
