#!/usr/bin/env bash
# The whole test suite: set up, build, run CTest.
#   scripts/test.sh              Release build in build/
#   scripts/test.sh --sanitize   ASan + UBSan build in build-sanitize/
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  scripts/setup.sh build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPMB_SANITIZE=ON -DPMB_BUILD_BENCH=OFF
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  ctest --test-dir build-sanitize --output-on-failure -j2
else
  scripts/setup.sh build
  ctest --test-dir build --output-on-failure -j2
fi
